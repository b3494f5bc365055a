/**
 * Who may call what. Every route declares `config.roles`; a route without it fails at start-up, so an
 * endpoint cannot be added without saying who may call it. The caller is found from a bearer token
 * (an OAuth access token or a session token) or the session cookie. A token an app got with the
 * authorization-code grant acts for a learner within its scopes, on routes that name one (`config.scope`).
 */
import type {} from "@fastify/cookie";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { authenticate } from "../services/access.ts";
import { type Actor, assertScope, PUBLIC, type Role } from "../services/actor.ts";
import type { Db } from "../services/catalogue-reads.ts";
import { AppError } from "../services/errors.ts";
import { authenticateDelegated } from "../services/oauth.ts";
import { invalidTextProblems } from "../services/validation.ts";

export type RouteRole = Role | "public";

declare module "fastify" {
  interface FastifyContextConfig {
    /** Roles allowed to call the route; 'public' means anyone, signed in or not. */
    roles?: readonly RouteRole[];
    /**
     * The OAuth scope an app's token (authorization-code grant, acting for a learner) needs here. A
     * route that names none refuses such tokens unless it is public (docs/decisions/0012-ob-api-oauth.md).
     */
    scope?: string;
    /** HTTP Basic carries OAuth client credentials here; the route checks them itself. */
    basicClientAuth?: boolean;
    /** The route reads the session cookie itself (a page with a sign-in form): access control ignores it. */
    ownSession?: boolean;
  }
  interface FastifyRequest {
    actor: Actor;
  }
}

export const SESSION_COOKIE = "cb_session";
export const TOKEN_ENDPOINT = "/oauth/token";

/** Routes of plugins (the docs UI) that serve public static files and cannot carry our config. */
const UNDECLARED_PUBLIC_PREFIXES = ["/docs"];

export const STAFF: readonly RouteRole[] = ["registry-admin", "provider-admin", "assessor"];
export const ANY_SIGNED_IN: readonly RouteRole[] = ["registry-admin", "provider-admin", "assessor", "learner"];
export const EVERYONE: readonly RouteRole[] = ["public"];

function tokenOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header) {
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    if (m) return m[1];
    // HTTP Basic carries OAuth client credentials to the token endpoint (and revocation), which check them.
    if (/^Basic\s+\S+$/i.test(header) && request.routeOptions.config?.basicClientAuth) return undefined;
    throw new AppError(
      "invalid-authorization-header",
      `The Authorization header must be 'Bearer <token>' (HTTP Basic is accepted only by ${TOKEN_ENDPOINT} and the other OAuth client endpoints).`,
      401,
    );
  }
  if (request.routeOptions.config?.ownSession) return undefined;
  return request.cookies?.[SESSION_COOKIE];
}

/** Sets the session cookie of a person who just signed in (the login route, the authorization page). */
export function setSessionCookie(
  reply: FastifyReply,
  publicUrl: string,
  session: { token: string; expiresAt: string },
): void {
  reply.setCookie(SESSION_COOKIE, session.token, {
    path: "/",
    httpOnly: true,
    sameSite: "lax",
    secure: publicUrl.startsWith("https://"),
    expires: new Date(session.expiresAt),
  });
}

export function registerAccessControl(app: FastifyInstance, db: Db): void {
  // A reference type cannot be a decorator's default; every request starts as public in onRequest.
  app.decorateRequest("actor", null as unknown as Actor);
  // Access is decided in onRequest, before the body is even read: a caller who may not use a route
  // learns that, not whether their body would have been valid.
  app.addHook("onRequest", async (request, reply) => {
    request.actor = PUBLIC;
    await authorise(request, reply, db);
  });
  // Text that cannot be stored (NUL, unpaired surrogates) is refused wherever it arrives.
  app.addHook("preValidation", async (request) => {
    const problems = [
      ...invalidTextProblems(request.params, "/params"),
      ...invalidTextProblems(request.query, "/query"),
      ...invalidTextProblems(request.body, ""),
    ];
    if (problems.length > 0) {
      throw new AppError(
        "invalid-characters",
        `The request contains text that is not allowed: ${problems.map((p) => `${p.path || "body"} ${p.message}`).join("; ")}.`,
        400,
        problems,
      );
    }
  });
  app.addHook("onRoute", (route) => {
    if (UNDECLARED_PUBLIC_PREFIXES.some((p) => route.url.startsWith(p))) return;
    if (!route.config?.roles || route.config.roles.length === 0) {
      throw new Error(`Route ${route.method} ${route.url} does not declare who may call it (config.roles).`);
    }
  });
}

async function authorise(request: FastifyRequest, reply: FastifyReply, db: Db): Promise<void> {
  const roles = request.routeOptions.config?.roles;
  if (!roles) return; // documentation routes
  const token = tokenOf(request);
  if (token) {
    const actor = (await authenticate(db, token)) ?? (await authenticateDelegated(db, token));
    if (!actor) {
      throw new AppError("invalid-token", "The session or access token is unknown or has expired; sign in again.", 401);
    }
    request.actor = actor;
  }
  if (roles.includes("public")) return;
  if (request.actor.role === "public") {
    throw new AppError("authentication-required", "Sign in or send an access token to use this endpoint.", 401);
  }
  if (!roles.includes(request.actor.role)) {
    throw new AppError(
      "forbidden",
      `This endpoint is for ${roles.join(", ")}; you are signed in as ${request.actor.role}.`,
      403,
    );
  }
  // An app acting for a learner: only where a scope is named, and only with that scope (RFC 6750 §3.1).
  if (request.actor.scopes) {
    const scope = request.routeOptions.config?.scope;
    if (!scope) {
      reply.header("www-authenticate", 'Bearer error="insufficient_scope"');
      throw new AppError(
        "insufficient-scope",
        "This access token was issued to an app for the Open Badges API (/ims/ob/v3p0) only; it cannot be used here.",
        403,
      );
    }
    try {
      assertScope(request.actor, scope);
    } catch (error) {
      reply.header("www-authenticate", `Bearer error="insufficient_scope", scope="${scope}"`);
      throw error;
    }
  }
}
