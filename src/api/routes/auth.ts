/**
 * Signing in and out, and the accounts of staff and learners and of machine clients. The OAuth token
 * endpoint (client credentials among its grants) is in oauth.ts, beside the other OAuth endpoints.
 */

import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import { literalUnion, Slug, Uuid } from "../../domain/schema/common.ts";
import { createApiClient, createUser, login, logout } from "../../services/access.ts";
import { ROLES } from "../../services/actor.ts";
import type { Bank } from "../../services/bank.ts";
import { ANY_SIGNED_IN, EVERYONE, SESSION_COOKIE, setSessionCookie } from "../access-control.ts";

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
        setSessionCookie(reply, bank.config.publicUrl, session);
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
