/** Signing in and out, machine-client tokens, and the accounts of staff and learners. */

import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import { literalUnion, Slug, Uuid } from "../../domain/schema/common.ts";
import { createApiClient, createUser, issueClientToken, login, logout } from "../../services/access.ts";
import { ROLES } from "../../services/actor.ts";
import type { Bank } from "../../services/bank.ts";
import { AppError } from "../../services/errors.ts";
import { ANY_SIGNED_IN, EVERYONE, SESSION_COOKIE } from "../access-control.ts";

const REGISTRY = ["registry-admin"] as const;

export const authRoutes =
  (bank: Bank): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.post(
      "/api/v1/auth/login",
      {
        config: { roles: EVERYONE },
        schema: {
          tags: ["access"],
          summary: "Sign in with e-mail and password; returns a session token and sets the session cookie.",
          body: Type.Object(
            {
              email: Type.String({ minLength: 3, maxLength: 254 }),
              password: Type.String({ minLength: 1, maxLength: 1024 }),
            },
            { additionalProperties: false },
          ),
        },
      },
      async (request, reply) => {
        const session = await login(bank.db, request.body.email, request.body.password, bank.config.sessionTtlSeconds);
        reply.setCookie(SESSION_COOKIE, session.token, {
          path: "/",
          httpOnly: true,
          sameSite: "lax",
          secure: bank.config.publicUrl.startsWith("https://"),
          expires: new Date(session.expiresAt),
        });
        return session;
      },
    );

    app.post(
      "/api/v1/auth/logout",
      { config: { roles: ANY_SIGNED_IN }, schema: { tags: ["access"], summary: "End the current session." } },
      async (request, reply) => {
        const header = request.headers.authorization;
        const token = header?.replace(/^Bearer\s+/i, "") ?? request.cookies[SESSION_COOKIE];
        if (token) await logout(bank.db, token);
        reply.clearCookie(SESSION_COOKIE, { path: "/" });
        return reply.status(204).send();
      },
    );

    app.get(
      "/api/v1/auth/me",
      {
        config: { roles: ANY_SIGNED_IN },
        schema: { tags: ["access"], summary: "Who am I: role, provider or learner." },
      },
      async (request) => {
        const { kind, role, userId, clientId, providerId, learnerId, label } = request.actor;
        return { kind, role, userId, clientId, providerId, learnerId, label };
      },
    );

    app.post(
      "/oauth/token",
      {
        config: { roles: EVERYONE },
        schema: {
          tags: ["access"],
          summary: "OAuth 2.0 client-credentials grant (RFC 6749 §4.4) for machine clients such as an LMS.",
          description:
            "Send grant_type=client_credentials, with the client id and secret in HTTP Basic authentication or as client_id and client_secret in the form.",
          body: Type.Object({
            grant_type: Type.String(),
            client_id: Type.Optional(Type.String()),
            client_secret: Type.Optional(Type.String()),
          }),
        },
      },
      async (request) => {
        if (request.body.grant_type !== "client_credentials") {
          throw new AppError("unsupported_grant_type", "Only the client_credentials grant is supported.", 400);
        }
        let clientId = request.body.client_id;
        let clientSecret = request.body.client_secret;
        const basic = /^Basic\s+(\S+)$/i.exec(request.headers.authorization ?? "");
        if (basic?.[1]) {
          const decoded = Buffer.from(basic[1], "base64").toString("utf8");
          const colon = decoded.indexOf(":");
          clientId = decodeURIComponent(decoded.slice(0, colon));
          clientSecret = decodeURIComponent(decoded.slice(colon + 1));
        }
        if (!clientId || !clientSecret) {
          throw new AppError(
            "invalid_client",
            "Give the client id and secret (HTTP Basic or client_id/client_secret).",
            401,
          );
        }
        return issueClientToken(bank.db, clientId, clientSecret, bank.config.accessTokenTtlSeconds);
      },
    );

    app.post(
      "/api/v1/users",
      {
        config: { roles: REGISTRY },
        schema: {
          tags: ["access"],
          summary: "Create a user account for a person.",
          body: Type.Object(
            {
              email: Type.String({ format: "email", maxLength: 254 }),
              password: Type.String({ minLength: 1, maxLength: 1024 }),
              displayName: Type.String({ minLength: 1, maxLength: 200 }),
              role: literalUnion(ROLES),
              providerId: Type.Optional(Slug),
              learnerId: Type.Optional(Uuid),
            },
            { additionalProperties: false },
          ),
        },
      },
      async (request, reply) => reply.status(201).send(await createUser(bank.db, request.actor, request.body)),
    );

    app.post(
      "/api/v1/clients",
      {
        config: { roles: REGISTRY },
        schema: {
          tags: ["access"],
          summary: "Register a machine client (e.g. a provider's LMS); the secret is shown once.",
          body: Type.Object(
            {
              name: Type.String({ minLength: 1, maxLength: 200 }),
              role: literalUnion(["registry-admin", "provider-admin"] as const),
              providerId: Type.Optional(Slug),
            },
            { additionalProperties: false },
          ),
        },
      },
      async (request, reply) => reply.status(201).send(await createApiClient(bank.db, request.actor, request.body)),
    );
  };
