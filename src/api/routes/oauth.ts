/**
 * OAuth 2.0 endpoints: the token endpoint (client credentials for providers' machine clients; the
 * authorization-code and refresh-token grants for apps learners connect), dynamic client registration
 * (RFC 7591), the authorization page (RFC 6749 §4.1 with PKCE), token revocation (RFC 7009) and the
 * authorization server metadata (RFC 8414); and the terms and privacy pages the Open Badges API's
 * discovery names.
 *
 * These endpoints answer errors the way their RFCs say, `{ "error": "invalid_grant",
 * "error_description": "…" }` (an error handler of this plugin only), and the authorization page answers
 * them as HTML pages or as a redirect back to the app (RFC 6749 §4.1.2.1).
 */
import { randomBytes } from "node:crypto";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { authenticate, issueClientToken, login, logout } from "../../services/access.ts";
import type { Actor } from "../../services/actor.ts";
import type { Bank } from "../../services/bank.ts";
import { AppError } from "../../services/errors.ts";
import {
  approveAuthorization,
  authenticateClient,
  type ClientCredentials,
  checkAuthorization,
  denyAuthorization,
  exchangeCode,
  OB_SCOPE,
  OFFLINE_ACCESS,
  pendingAuthorization,
  personOf,
  refreshTokens,
  registerClient,
  revokeToken,
  showConsentTo,
  startAuthorization,
  type ValidAuthorization,
} from "../../services/oauth.ts";
import { EVERYONE, SESSION_COOKIE, setSessionCookie, TOKEN_ENDPOINT } from "../access-control.ts";
import { clientErrorOf, INTERNAL_ERROR_MESSAGE } from "../errors.ts";
import {
  consentPage,
  errorPage,
  pageHeaders,
  privacyPage,
  type RequestPage,
  refusalPage,
  signInPage,
  termsPage,
} from "../oauth-pages.ts";

export const AUTHORIZE_ENDPOINT = "/oauth/authorize";
export const REGISTRATION_ENDPOINT = "/oauth/register";
export const REVOCATION_ENDPOINT = "/oauth/revoke";
export const METADATA_ENDPOINT = "/.well-known/oauth-authorization-server";

/** The cookie that ties a consent page to the browser it was shown in (with the form's token: CSRF). */
const BROWSER_COOKIE = "cb_oauth_browser";
const TAGS = ["oauth"];

/** Where the terms of use and the privacy policy are: configured elsewhere, or this bank's own pages. */
export function policyUrls(config: {
  publicUrl: string;
  termsUrl?: string | undefined;
  privacyUrl?: string | undefined;
}) {
  return {
    terms: config.termsUrl ?? `${config.publicUrl}/terms`,
    privacy: config.privacyUrl ?? `${config.publicUrl}/privacy`,
  };
}

// ── errors in the shape of RFC 6749 §5.2 (and RFC 7591 §3.2.2, RFC 7009 §2.2.1) ─────────────────

const OAUTH_ERRORS = new Set([
  "invalid_request",
  "invalid_client",
  "invalid_grant",
  "unauthorized_client",
  "unsupported_grant_type",
  "invalid_scope",
  "invalid_redirect_uri",
  "invalid_client_metadata",
  "unsupported_token_type",
  "server_error",
]);

function sendOAuthError(reply: FastifyReply, status: number, error: string, description: string) {
  if (error === "invalid_client") reply.header("www-authenticate", 'Basic realm="Credit Bank OAuth"');
  return reply
    .status(status)
    .header("cache-control", "no-store")
    .header("pragma", "no-cache")
    .type("application/json")
    .send({ error, error_description: description });
}

function sendPage(reply: FastifyReply, status: number, html: string, formTargets: readonly string[] = []) {
  return reply.status(status).headers(pageHeaders(formTargets)).send(html);
}

function handleError(error: FastifyError | AppError | Error, request: FastifyRequest, reply: FastifyReply) {
  const known = clientErrorOf(error);
  if (!known) request.log.error({ err: error }, "unexpected error");
  if (request.routeOptions.url === AUTHORIZE_ENDPOINT) {
    return known
      ? sendPage(reply, known.status, errorPage("This request cannot go on", known.message))
      : sendPage(reply, 500, errorPage("Something went wrong", INTERNAL_ERROR_MESSAGE));
  }
  if (!known) return sendOAuthError(reply, 500, "server_error", INTERNAL_ERROR_MESSAGE);
  let code = known.code;
  if (!OAUTH_ERRORS.has(code)) {
    if (known.status === 401) code = "invalid_client";
    else if (known.status >= 500) code = "server_error";
    else if (request.routeOptions.url === REGISTRATION_ENDPOINT) code = "invalid_client_metadata";
    else code = "invalid_request";
  }
  return sendOAuthError(reply, known.status, code, known.message);
}

// ── client authentication (RFC 6749 §2.3.1) ─────────────────────────────────────────────────────

interface ClientAuthFields {
  client_id?: string | undefined;
  client_secret?: string | undefined;
}

/** The client's id and secret from HTTP Basic or from the form (one way, not both); undefined if neither. */
function clientCredentialsOf(request: FastifyRequest, body: ClientAuthFields): ClientCredentials | undefined {
  const basic = /^Basic\s+(\S+)$/i.exec(request.headers.authorization ?? "");
  if (basic?.[1]) {
    if (body.client_secret !== undefined) {
      throw new AppError(
        "invalid_request",
        "Authenticate the client one way: HTTP Basic or client_secret in the form, not both.",
        400,
      );
    }
    const decoded = Buffer.from(basic[1], "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    const malformed = () => new AppError("invalid_client", "The HTTP Basic credentials are malformed.", 401);
    if (colon < 0) throw malformed();
    let clientId: string;
    let clientSecret: string;
    try {
      // RFC 6749 §2.3.1: the id and the secret are form-encoded before they are put together.
      clientId = decodeURIComponent(decoded.slice(0, colon).replaceAll("+", " "));
      clientSecret = decodeURIComponent(decoded.slice(colon + 1).replaceAll("+", " "));
    } catch {
      throw malformed();
    }
    if (body.client_id !== undefined && body.client_id !== clientId) {
      throw new AppError("invalid_client", "The client_id in the form is not the one in HTTP Basic.", 401);
    }
    return { clientId, clientSecret };
  }
  if (body.client_id && body.client_secret) return { clientId: body.client_id, clientSecret: body.client_secret };
  return undefined;
}

function requireClientCredentials(request: FastifyRequest, body: ClientAuthFields): ClientCredentials {
  const credentials = clientCredentialsOf(request, body);
  if (!credentials) {
    throw new AppError(
      "invalid_client",
      "Give the client id and secret (HTTP Basic, or client_id and client_secret in the form).",
      401,
    );
  }
  return credentials;
}

// ── the authorization page ─────────────────────────────────────────────────────────────────────

const pageOf = (request: ValidAuthorization, formToken: string): RequestPage => ({
  app: request.app,
  scopes: request.scopes,
  staysConnected: request.staysConnected,
  formToken,
});

const Text = (maxLength: number) => Type.Optional(Type.String({ maxLength }));

export const oauthRoutes =
  (bank: Bank): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.setErrorHandler(handleError);
    const { publicUrl } = bank.config;
    const secureCookies = publicUrl.startsWith("https://");

    /** The signed-in person of the session cookie (a person, not an app), or undefined. */
    const sessionActor = async (request: FastifyRequest): Promise<Actor | undefined> => {
      const token = request.cookies[SESSION_COOKIE];
      const actor = token ? await authenticate(bank.db, token) : undefined;
      return actor?.kind === "user" && actor.userId ? actor : undefined;
    };

    /** The browser's binding value: its cookie, or a new one set now. */
    const browserBinding = (request: FastifyRequest, reply: FastifyReply): string => {
      const existing = request.cookies[BROWSER_COOKIE];
      const value = existing && /^[A-Za-z0-9_-]{43}$/.test(existing) ? existing : randomBytes(32).toString("base64url");
      reply.setCookie(BROWSER_COOKIE, value, {
        path: AUTHORIZE_ENDPOINT,
        httpOnly: true,
        sameSite: "lax",
        secure: secureCookies,
        maxAge: 24 * 3600,
      });
      return value;
    };

    /** The page for a pending request, depending on who is signed in in this browser. */
    const decisionPage = async (
      reply: FastifyReply,
      request: ValidAuthorization,
      formToken: string,
      actor: Actor | undefined,
    ) => {
      const page = pageOf(request, formToken);
      const targets = [request.app.redirectOrigin];
      if (!actor?.userId) return sendPage(reply, 200, signInPage(page), targets);
      const person = await personOf(bank.db, actor.userId);
      if (!person) return sendPage(reply, 200, signInPage(page), targets);
      if (actor.role !== "learner") return sendPage(reply, 403, refusalPage(page, person.email, person.role), targets);
      await showConsentTo(bank.db, formToken, actor.userId);
      return sendPage(reply, 200, consentPage(page, person.email), targets);
    };

    app.get(
      AUTHORIZE_ENDPOINT,
      {
        config: { roles: EVERYONE, ownSession: true },
        schema: {
          tags: TAGS,
          summary: "OAuth 2.0 authorization endpoint (HTML): a learner signs in and allows or denies an app.",
          description:
            "The authorization-code grant with PKCE (S256 only): response_type=code, client_id, redirect_uri (a registered one), scope, state, code_challenge, code_challenge_method=S256. The learner is sent back to the redirect URI with code and state, or with error (access_denied, invalid_scope, invalid_request, unsupported_response_type).",
          querystring: Type.Object(
            {
              response_type: Text(100),
              client_id: Text(200),
              redirect_uri: Text(2000),
              scope: Text(2000),
              state: Text(2000),
              code_challenge: Text(200),
              code_challenge_method: Text(100),
            },
            { additionalProperties: true },
          ),
        },
      },
      async (request, reply) => {
        const check = await checkAuthorization(bank.db, request.query);
        if (check.outcome === "no-redirect") {
          return sendPage(reply, 400, errorPage("This app cannot connect", check.message));
        }
        if (check.outcome === "redirect") return reply.redirect(check.location, 302);
        const binding = browserBinding(request, reply);
        const { formToken } = await startAuthorization(bank.db, check.request, binding);
        return decisionPage(reply, check.request, formToken, await sessionActor(request));
      },
    );

    app.post(
      AUTHORIZE_ENDPOINT,
      {
        config: { roles: EVERYONE, ownSession: true },
        schema: {
          tags: TAGS,
          summary: "The learner's answer on the authorization page (a form): sign in, approve or deny.",
          description:
            "Sent by the page's own form, with its request token (bound to the pending request and, by a cookie, to the browser). Approving redirects (303) to the app with code and state; denying with error=access_denied.",
          body: Type.Object(
            {
              request: Type.String({ minLength: 1, maxLength: 200 }),
              action: Type.Union([Type.Literal("sign-in"), Type.Literal("approve"), Type.Literal("deny")]),
              email: Text(254),
              password: Text(1024),
            },
            { additionalProperties: true },
          ),
        },
      },
      async (request, reply) => {
        const { request: formToken, action } = request.body;
        const binding = request.cookies[BROWSER_COOKIE];
        const pending = await pendingAuthorization(bank.db, formToken, binding);
        const page = pageOf(pending.request, formToken);
        const targets = [pending.request.app.redirectOrigin];
        if (action === "deny") {
          return reply.redirect((await denyAuthorization(bank.db, formToken, binding)).location, 303);
        }
        if (action === "approve") {
          const actor = await sessionActor(request);
          if (!actor) {
            return sendPage(reply, 401, signInPage(page, { error: "Your session has ended; sign in again." }), targets);
          }
          return reply.redirect((await approveAuthorization(bank.db, formToken, binding, actor)).location, 303);
        }
        const { email, password } = request.body;
        if (!email || !password) {
          return sendPage(
            reply,
            400,
            signInPage(page, { error: "Enter your e-mail address and your password." }),
            targets,
          );
        }
        let session: Awaited<ReturnType<typeof login>>;
        try {
          session = await login(bank.db, email, password, bank.config.sessionTtlSeconds);
        } catch (error) {
          if (error instanceof AppError && error.status === 401) {
            return sendPage(reply, 401, signInPage(page, { error: error.message, email }), targets);
          }
          throw error;
        }
        if (session.user.role !== "learner") {
          // A staff sign-in here is refused, and leaves no session behind.
          await logout(bank.db, session.token);
          return sendPage(reply, 403, refusalPage(page, session.user.email, session.user.role), targets);
        }
        setSessionCookie(reply, publicUrl, session);
        await showConsentTo(bank.db, formToken, session.user.id);
        return sendPage(reply, 200, consentPage(page, session.user.email), targets);
      },
    );

    // ── the token endpoint ──
    app.post(
      TOKEN_ENDPOINT,
      {
        config: { roles: EVERYONE, basicClientAuth: true },
        schema: {
          tags: ["access", ...TAGS],
          summary:
            "OAuth 2.0 token endpoint: client_credentials (providers' machine clients), authorization_code with PKCE and refresh_token (apps learners connected).",
          description:
            "Form-encoded. Client authentication by HTTP Basic or client_id/client_secret in the form. authorization_code needs code, redirect_uri (when the authorization request had one) and code_verifier; refresh_token needs refresh_token (and may narrow scope); refresh tokens rotate, and a used one presented again revokes the grant. Errors follow RFC 6749 §5.2: { error, error_description }.",
          body: Type.Object(
            {
              grant_type: Text(100),
              client_id: Text(200),
              client_secret: Text(1000),
              code: Text(200),
              redirect_uri: Text(2000),
              code_verifier: Text(200),
              refresh_token: Text(200),
              scope: Text(2000),
            },
            { additionalProperties: true },
          ),
        },
      },
      async (request, reply) => {
        reply.header("cache-control", "no-store").header("pragma", "no-cache");
        const body = request.body;
        const ttl = bank.config.accessTokenTtlSeconds;
        switch (body.grant_type) {
          case "client_credentials": {
            const { clientId, clientSecret } = requireClientCredentials(request, body);
            return issueClientToken(bank.db, clientId, clientSecret, ttl);
          }
          case "authorization_code": {
            const client = await authenticateClient(bank.db, requireClientCredentials(request, body));
            return exchangeCode(bank.db, client, body, ttl);
          }
          case "refresh_token": {
            const client = await authenticateClient(bank.db, requireClientCredentials(request, body));
            return refreshTokens(bank.db, client, body, ttl);
          }
          case undefined:
          case "":
            throw new AppError("invalid_request", "grant_type is required.", 400);
          default:
            throw new AppError(
              "unsupported_grant_type",
              "The grants offered are authorization_code, refresh_token and client_credentials.",
              400,
            );
        }
      },
    );

    app.post(
      REGISTRATION_ENDPOINT,
      {
        config: { roles: EVERYONE },
        bodyLimit: 64 * 1024,
        schema: {
          tags: TAGS,
          summary: "OAuth 2.0 dynamic client registration (RFC 7591) for apps using the Open Badges API.",
          description:
            "JSON client metadata: client_name, client_uri and redirect_uris are required (https, or http on a loopback address); logo_uri, tos_uri, policy_uri, software_id, software_version, contacts, token_endpoint_auth_method (client_secret_basic or client_secret_post), grant_types (authorization_code, refresh_token), response_types (code) and scope (the Open Badges scopes, offline_access) are optional. 201 with client_id and client_secret (shown once) and the registered metadata; 400 invalid_redirect_uri or invalid_client_metadata.",
          body: Type.Object(
            {
              client_name: Type.Optional(Type.Unknown()),
              client_uri: Type.Optional(Type.Unknown()),
              logo_uri: Type.Optional(Type.Unknown()),
              tos_uri: Type.Optional(Type.Unknown()),
              policy_uri: Type.Optional(Type.Unknown()),
              software_id: Type.Optional(Type.Unknown()),
              software_version: Type.Optional(Type.Unknown()),
              contacts: Type.Optional(Type.Unknown()),
              redirect_uris: Type.Optional(Type.Unknown()),
              token_endpoint_auth_method: Type.Optional(Type.Unknown()),
              grant_types: Type.Optional(Type.Unknown()),
              response_types: Type.Optional(Type.Unknown()),
              scope: Type.Optional(Type.Unknown()),
            },
            { additionalProperties: true },
          ),
        },
      },
      async (request, reply) => {
        reply.header("cache-control", "no-store").header("pragma", "no-cache");
        return reply.status(201).send(await registerClient(bank.db, request.body));
      },
    );

    app.post(
      REVOCATION_ENDPOINT,
      {
        config: { roles: EVERYONE, basicClientAuth: true },
        schema: {
          tags: TAGS,
          summary: "OAuth 2.0 token revocation (RFC 7009): an app ends an access or refresh token it holds.",
          description:
            "Form-encoded token and optional token_type_hint, with client authentication. A refresh token ends the whole grant (its access tokens too). 200 whether or not the token was known.",
          body: Type.Object(
            {
              token: Text(1000),
              token_type_hint: Text(100),
              client_id: Text(200),
              client_secret: Text(1000),
            },
            { additionalProperties: true },
          ),
        },
      },
      async (request, reply) => {
        const client = await authenticateClient(bank.db, requireClientCredentials(request, request.body));
        await revokeToken(bank.db, client, request.body.token, request.body.token_type_hint);
        return reply.status(200).header("cache-control", "no-store").send();
      },
    );

    app.get(
      METADATA_ENDPOINT,
      {
        config: { roles: EVERYONE },
        schema: { tags: TAGS, summary: "OAuth 2.0 authorization server metadata (RFC 8414)." },
      },
      async (_request, reply) => {
        const urls = policyUrls(bank.config);
        reply.header("cache-control", "public, max-age=300");
        return {
          issuer: publicUrl,
          authorization_endpoint: `${publicUrl}${AUTHORIZE_ENDPOINT}`,
          token_endpoint: `${publicUrl}${TOKEN_ENDPOINT}`,
          registration_endpoint: `${publicUrl}${REGISTRATION_ENDPOINT}`,
          revocation_endpoint: `${publicUrl}${REVOCATION_ENDPOINT}`,
          scopes_supported: [...Object.values(OB_SCOPE), OFFLINE_ACCESS],
          response_types_supported: ["code"],
          grant_types_supported: ["authorization_code", "refresh_token", "client_credentials"],
          token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
          revocation_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
          code_challenge_methods_supported: ["S256"],
          service_documentation: `${publicUrl}/docs`,
          op_policy_uri: urls.privacy,
          op_tos_uri: urls.terms,
        };
      },
    );
  };

/** The terms of use and the privacy notice: the bank's default pages, or a redirect to the operator's. */
export const policyPageRoutes =
  (bank: Bank): FastifyPluginAsyncTypebox =>
  async (app) => {
    const { publicUrl, termsUrl, privacyUrl } = bank.config;
    app.get(
      "/terms",
      {
        config: { roles: EVERYONE },
        schema: { tags: TAGS, summary: "The terms of use (HTML), or a redirect to TERMS_URL." },
      },
      async (_request, reply) =>
        termsUrl ? reply.redirect(termsUrl, 302) : sendPage(reply, 200, termsPage(publicUrl)),
    );
    app.get(
      "/privacy",
      {
        config: { roles: EVERYONE },
        schema: { tags: TAGS, summary: "The privacy notice (HTML), or a redirect to PRIVACY_URL." },
      },
      async (_request, reply) =>
        privacyUrl ? reply.redirect(privacyUrl, 302) : sendPage(reply, 200, privacyPage(publicUrl)),
    );
  };
