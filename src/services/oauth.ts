/**
 * OAuth 2.0 for the Open Badges 3.0 API, as its security section requires: dynamic client registration
 * (RFC 7591), the authorization-code grant with PKCE (RFC 6749 §4.1, RFC 7636; S256 only), rotating
 * refresh tokens, and token revocation (RFC 7009).
 *
 * An app (a wallet, an LMS) registers itself, sends a learner to the authorization page, and, once the
 * learner approves, exchanges the code for tokens that act as that learner with the approved scopes only
 * (`Actor.scopes`): the Open Badges API checks them, and every other non-public route refuses such a
 * token (docs/decisions/0012-ob-api-oauth.md).
 *
 * Every secret (client secrets, form tokens, codes, access and refresh tokens) is handed out once and
 * stored as a hash: argon2id for client secrets, as for api_client, SHA-256 for the 256-bit random
 * tokens, as for sessions. Time is read from `Date` (one `now()` per operation), so a test can move it.
 */
import { createHash, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import { hash, verify } from "@node-rs/argon2";
import type { Db } from "../store/catalogue-repo.ts";
import {
  type AuthorizationRequestRow,
  accessTokenGrant,
  authorizationRequest,
  bindAuthorizationRequest,
  codeForUpdate,
  delegatedToken,
  deleteAccessToken,
  deleteExpired,
  insertAccessToken,
  insertAuthorizationRequest,
  insertCode,
  insertGrant,
  insertOAuthClient,
  insertRefreshToken,
  markCodeUsed,
  markRefreshTokenUsed,
  type OAuthClientRow,
  oauthClientById,
  refreshTokenForUpdate,
  revokeGrant,
  takeAuthorizationRequest,
  userForOAuth,
} from "../store/oauth-repo.ts";
import type { Actor } from "./actor.ts";
import { AppError } from "./errors.ts";
import { sha256Hex } from "./hashing.ts";

// ── scopes ──────────────────────────────────────────────────────────────────────────────────────

const SCOPE_BASE = "https://purl.imsglobal.org/spec/ob/v3p0/scope/";

/** The Open Badges 3.0 scopes (OB 3.0 §6.2.1), one per operation of the API. */
export const OB_SCOPE = {
  credentialReadonly: `${SCOPE_BASE}credential.readonly`,
  credentialUpsert: `${SCOPE_BASE}credential.upsert`,
  profileReadonly: `${SCOPE_BASE}profile.readonly`,
  profileUpdate: `${SCOPE_BASE}profile.update`,
} as const;
export type ObScope = (typeof OB_SCOPE)[keyof typeof OB_SCOPE];

/** The official descriptions of the scopes (the OB 3.0 OpenAPI document's). */
export const OB_SCOPE_DESCRIPTIONS: Record<ObScope, string> = {
  [OB_SCOPE.credentialReadonly]: "Permission to read AchievementCredentials for the authenticated entity.",
  [OB_SCOPE.credentialUpsert]: "Permission to create or update AchievementCredentials for the authenticated entity.",
  [OB_SCOPE.profileReadonly]: "Permission to read the profile for the authenticated entity.",
  [OB_SCOPE.profileUpdate]: "Permission to update the profile for the authenticated entity.",
};

/**
 * `offline_access`, which the OB specification's examples request beside the OB scopes. It is accepted
 * and echoed; it grants nothing by itself (refresh tokens go to every app registered for them).
 */
export const OFFLINE_ACCESS = "offline_access";

const OB_SCOPES: readonly string[] = Object.values(OB_SCOPE);
const KNOWN_SCOPES: readonly string[] = [...OB_SCOPES, OFFLINE_ACCESS];

/** The scopes of a space-separated scope string, each once, in order. */
export function parseScope(scope: string | undefined | null): string[] {
  return [...new Set((scope ?? "").split(" ").filter((s) => s.length > 0))];
}

// ── lifetimes ───────────────────────────────────────────────────────────────────────────────────

/** An authorization code is good for 10 minutes, and once. */
export const CODE_TTL_SECONDS = 10 * 60;
/** The consent page (a pending request) is good for 30 minutes: time to sign in and decide. */
export const REQUEST_TTL_SECONDS = 30 * 60;
/** A refresh token is good for 30 days, and once: using it gives a new one. */
export const REFRESH_TTL_SECONDS = 30 * 24 * 3600;

const now = () => new Date();
const after = (from: Date, seconds: number) => new Date(from.getTime() + seconds * 1000);
const newSecret = () => randomBytes(32).toString("base64url");

/** An OAuth error: `code` is the RFC 6749 / 7591 / 7009 error code, the message its description. */
const oauthError = (code: string, description: string, status = 400) => new AppError(code, description, status);

// ── registration (RFC 7591) ─────────────────────────────────────────────────────────────────────

const AUTH_METHODS = ["client_secret_basic", "client_secret_post"] as const;
const GRANT_TYPES = ["authorization_code", "refresh_token"] as const;
const MAX_REDIRECT_URIS = 10;
const MAX_URI_LENGTH = 2000;

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "[::1]", "localhost"]);

/**
 * Why a URI may not be used, or undefined when it may: an absolute https URI, or http on the loopback
 * interface (an app on the learner's own machine, or a developer's); no user name or password in it;
 * and for a redirect URI no fragment (RFC 6749 §3.1.2).
 */
export function uriProblem(value: unknown, redirect: boolean): string | undefined {
  if (typeof value !== "string" || value.length === 0) return "must be a URI (a non-empty string)";
  if (value.length > MAX_URI_LENGTH) return `must be at most ${MAX_URI_LENGTH} characters`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "is not an absolute URI";
  }
  if (url.protocol === "http:") {
    if (!LOOPBACK_HOSTS.has(url.hostname)) {
      return "must use https (http is accepted only for the loopback addresses 127.0.0.1, [::1] and localhost)";
    }
  } else if (url.protocol !== "https:") {
    return `must use https, not ${url.protocol.replace(/:$/, "")}`;
  }
  if (url.username || url.password) return "must not carry a user name or password";
  if (redirect && (url.hash || value.includes("#"))) return "must not have a fragment (#…)";
  return undefined;
}

export interface ClientRegistration {
  client_id: string;
  client_secret: string;
  client_id_issued_at: number;
  /** 0: the secret does not expire. */
  client_secret_expires_at: 0;
  client_name: string;
  client_uri: string;
  logo_uri?: string;
  tos_uri?: string;
  policy_uri?: string;
  software_id?: string;
  software_version?: string;
  contacts?: string[];
  redirect_uris: string[];
  token_endpoint_auth_method: string;
  grant_types: string[];
  response_types: string[];
  scope: string;
}

const badMetadata = (description: string) => oauthError("invalid_client_metadata", description);

function optionalText(body: Record<string, unknown>, field: string, max: number): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string" || value.trim().length === 0 || value.length > max) {
    throw badMetadata(`${field} must be a non-empty string of at most ${max} characters.`);
  }
  return value.trim();
}

function optionalUri(body: Record<string, unknown>, field: string): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  const problem = uriProblem(value, false);
  if (problem) throw badMetadata(`${field} ${problem}.`);
  return value as string;
}

function stringList(body: Record<string, unknown>, field: string, fallback: string[], max: number): string[] {
  const value = body[field];
  if (value === undefined || value === null) return fallback;
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string") || value.length > max) {
    throw badMetadata(`${field} must be an array of at most ${max} strings.`);
  }
  return [...new Set(value as string[])];
}

/**
 * Registers an app from its metadata (RFC 7591 §2, the fields OB 3.0 §7.1.1.2 lists). Required:
 * `client_name`, `client_uri` and `redirect_uris`; the rest has the defaults of RFC 7591 (grant
 * `authorization_code`, response `code`, `client_secret_basic`) and the four OB scopes. Unknown
 * metadata is ignored, as RFC 7591 says. The secret is returned here once and stored as a hash.
 */
export async function registerClient(db: Db, input: unknown): Promise<ClientRegistration> {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw badMetadata("Send the client metadata as a JSON object (Content-Type: application/json).");
  }
  const body = input as Record<string, unknown>;

  const redirects = body.redirect_uris;
  if (!Array.isArray(redirects) || redirects.length === 0) {
    throw oauthError(
      "invalid_redirect_uri",
      "redirect_uris is required: an array of the URIs the learner may be sent back to after deciding.",
    );
  }
  if (redirects.length > MAX_REDIRECT_URIS) {
    throw oauthError("invalid_redirect_uri", `Register at most ${MAX_REDIRECT_URIS} redirect URIs.`);
  }
  for (const [i, uri] of redirects.entries()) {
    const problem = uriProblem(uri, true);
    if (problem) {
      const shown = typeof uri === "string" ? ` (${uri.slice(0, 200)})` : "";
      throw oauthError("invalid_redirect_uri", `redirect_uris[${i}]${shown} ${problem}.`);
    }
  }
  const redirectUris = [...new Set(redirects as string[])];

  const clientName = optionalText(body, "client_name", 200);
  if (!clientName) throw badMetadata("client_name is required: the name learners see when they are asked to approve.");
  const clientUri = optionalUri(body, "client_uri");
  if (!clientUri) throw badMetadata("client_uri is required: the app's home page, shown to learners.");
  const logoUri = optionalUri(body, "logo_uri");
  const tosUri = optionalUri(body, "tos_uri");
  const policyUri = optionalUri(body, "policy_uri");
  const softwareId = optionalText(body, "software_id", 200);
  const softwareVersion = optionalText(body, "software_version", 100);
  const contacts = stringList(body, "contacts", [], 10);
  if (contacts.some((c) => c.length === 0 || c.length > 320)) {
    throw badMetadata(
      "contacts must be e-mail addresses (or other ways to reach the app's makers), up to 320 characters each.",
    );
  }

  const method = body.token_endpoint_auth_method ?? "client_secret_basic";
  if (!(AUTH_METHODS as readonly unknown[]).includes(method)) {
    throw badMetadata(
      method === "none"
        ? "token_endpoint_auth_method 'none' (a public client) is not offered: the Open Badges API requires a client secret; use client_secret_basic."
        : `token_endpoint_auth_method must be ${AUTH_METHODS.join(" or ")}.`,
    );
  }
  const grantTypes = stringList(body, "grant_types", ["authorization_code"], 5);
  const unknownGrant = grantTypes.find((g) => !(GRANT_TYPES as readonly string[]).includes(g));
  if (unknownGrant !== undefined) {
    throw badMetadata(
      `grant_types may hold only ${GRANT_TYPES.join(" and ")}; '${unknownGrant.slice(0, 100)}' is not offered to registered apps.`,
    );
  }
  if (!grantTypes.includes("authorization_code")) {
    throw badMetadata("grant_types must include authorization_code: it is how an app gets a learner's approval.");
  }
  const responseTypes = stringList(body, "response_types", ["code"], 5);
  if (responseTypes.length !== 1 || responseTypes[0] !== "code") {
    throw badMetadata('response_types must be ["code"]: only the authorization-code flow is offered.');
  }
  if (body.scope !== undefined && typeof body.scope !== "string") {
    throw badMetadata("scope must be a string of space-separated scopes.");
  }
  const scopes = body.scope === undefined ? [...OB_SCOPES] : parseScope(body.scope as string);
  const unknownScope = scopes.find((s) => !KNOWN_SCOPES.includes(s));
  if (unknownScope !== undefined) {
    throw badMetadata(
      `The scope '${unknownScope.slice(0, 200)}' is not offered here; the scopes are the four Open Badges ones (${OB_SCOPES.join(", ")}) and offline_access.`,
    );
  }
  if (!scopes.some((s) => OB_SCOPES.includes(s))) {
    throw badMetadata("scope must name at least one Open Badges scope.");
  }

  const clientId = `ob_${randomUUID().replaceAll("-", "")}`;
  const clientSecret = newSecret();
  const scope = scopes.join(" ");
  const createdAt = await insertOAuthClient(db, {
    client_id: clientId,
    secret_hash: await hash(clientSecret),
    client_name: clientName,
    client_uri: clientUri,
    logo_uri: logoUri ?? null,
    tos_uri: tosUri ?? null,
    policy_uri: policyUri ?? null,
    software_id: softwareId ?? null,
    software_version: softwareVersion ?? null,
    contacts,
    redirect_uris: redirectUris,
    token_endpoint_auth_method: method as string,
    grant_types: grantTypes,
    response_types: responseTypes,
    scope,
  });
  return {
    client_id: clientId,
    client_secret: clientSecret,
    client_id_issued_at: Math.floor(createdAt.getTime() / 1000),
    client_secret_expires_at: 0,
    client_name: clientName,
    client_uri: clientUri,
    ...(logoUri ? { logo_uri: logoUri } : {}),
    ...(tosUri ? { tos_uri: tosUri } : {}),
    ...(policyUri ? { policy_uri: policyUri } : {}),
    ...(softwareId ? { software_id: softwareId } : {}),
    ...(softwareVersion ? { software_version: softwareVersion } : {}),
    ...(contacts.length > 0 ? { contacts } : {}),
    redirect_uris: redirectUris,
    token_endpoint_auth_method: method as string,
    grant_types: grantTypes,
    response_types: responseTypes,
    scope,
  };
}

// ── the authorization request (RFC 6749 §4.1.1, RFC 7636 §4.3) ──────────────────────────────────

/** The parameters of an authorization request, as they arrived in the query string. */
export interface AuthorizationQuery {
  response_type?: string | undefined;
  client_id?: string | undefined;
  redirect_uri?: string | undefined;
  scope?: string | undefined;
  state?: string | undefined;
  code_challenge?: string | undefined;
  code_challenge_method?: string | undefined;
}

/** What the learner is shown about an app. */
export interface AppView {
  clientId: string;
  name: string;
  uri: string;
  /** The origin the learner will be sent back to. */
  redirectOrigin: string;
}

export interface ValidAuthorization {
  app: AppView;
  redirectUri: string;
  redirectUriGiven: boolean;
  scopes: string[];
  state: string | undefined;
  codeChallenge: string;
  /** The app may refresh its tokens (it registered the refresh_token grant). */
  staysConnected: boolean;
}

export type AuthorizationCheck =
  /** The app or the redirect URI cannot be trusted: show the person an error page, never redirect. */
  | { outcome: "no-redirect"; message: string }
  /** A mistake of the app: send the person back to it with the error (RFC 6749 §4.1.2.1). */
  | { outcome: "redirect"; location: string }
  | { outcome: "valid"; request: ValidAuthorization };

/** `redirectUri` with the response parameters added to its query (keeping what it already has). */
export function redirectWith(redirectUri: string, params: Record<string, string | undefined>): string {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(name, value);
  return url.toString();
}

const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;
const VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;

function appView(client: OAuthClientRow, redirectUri: string): AppView {
  return {
    clientId: client.client_id,
    name: client.client_name,
    uri: client.client_uri,
    redirectOrigin: new URL(redirectUri).origin,
  };
}

/**
 * Checks an authorization request in the order RFC 6749 §4.1.2.1 requires: first the app and the
 * redirect URI (an exact match of a registered one; may be left out when the app registered only one),
 * whose faults are shown to the person; then everything else, whose faults go back to the app.
 */
export async function checkAuthorization(db: Db, query: AuthorizationQuery): Promise<AuthorizationCheck> {
  if (!query.client_id) {
    return { outcome: "no-redirect", message: "The app that sent you here did not say who it is (no client_id)." };
  }
  const client = await oauthClientById(db, query.client_id);
  if (!client || client.disabled) {
    return {
      outcome: "no-redirect",
      message: "The app that sent you here is not registered with this bank, or has been disabled.",
    };
  }
  let redirectUri: string;
  if (query.redirect_uri === undefined || query.redirect_uri === "") {
    if (client.redirect_uris.length !== 1) {
      return {
        outcome: "no-redirect",
        message: `${client.client_name} did not say where to send you back (redirect_uri), and it registered several places.`,
      };
    }
    redirectUri = client.redirect_uris[0] as string;
  } else if (client.redirect_uris.includes(query.redirect_uri)) {
    redirectUri = query.redirect_uri;
  } else {
    return {
      outcome: "no-redirect",
      message: `${client.client_name} asked to send you back to an address it did not register, so you are not sent there.`,
    };
  }
  const back = (error: string, description: string): AuthorizationCheck => ({
    outcome: "redirect",
    location: redirectWith(redirectUri, { error, error_description: description, state: query.state }),
  });
  if (query.response_type !== "code") {
    return back("unsupported_response_type", "Only response_type=code (the authorization-code grant) is offered.");
  }
  if (!query.code_challenge) {
    return back("invalid_request", "PKCE is required: send code_challenge and code_challenge_method=S256.");
  }
  if (query.code_challenge_method !== "S256") {
    return back(
      "invalid_request",
      `code_challenge_method must be S256${query.code_challenge_method ? `, not ${query.code_challenge_method.slice(0, 20)}` : " (plain is not accepted)"}.`,
    );
  }
  if (!S256_CHALLENGE.test(query.code_challenge)) {
    return back(
      "invalid_request",
      "code_challenge must be the base64url SHA-256 of the code verifier (43 characters).",
    );
  }
  const registered = parseScope(client.scope);
  const requested = query.scope === undefined || query.scope.trim() === "" ? registered : parseScope(query.scope);
  const unknown = requested.find((s) => !KNOWN_SCOPES.includes(s));
  if (unknown !== undefined) {
    return back("invalid_scope", `The scope '${unknown.slice(0, 200)}' is not offered by this bank.`);
  }
  const unregistered = requested.find((s) => !registered.includes(s));
  if (unregistered !== undefined) {
    return back("invalid_scope", `The scope '${unregistered}' was not registered for this app.`);
  }
  if (!requested.some((s) => OB_SCOPES.includes(s))) {
    return back("invalid_scope", "Ask for at least one Open Badges scope.");
  }
  return {
    outcome: "valid",
    request: {
      app: appView(client, redirectUri),
      redirectUri,
      redirectUriGiven: Boolean(query.redirect_uri),
      scopes: requested,
      state: query.state,
      codeChallenge: query.code_challenge,
      staysConnected: client.grant_types.includes("refresh_token"),
    },
  };
}

/**
 * Records a valid request as pending and returns the token of its form (the CSRF token), which only the
 * browser holding `browserBinding` (a cookie) may use.
 */
export async function startAuthorization(
  db: Db,
  request: ValidAuthorization,
  browserBinding: string,
): Promise<{ formToken: string }> {
  const at = now();
  const formToken = newSecret();
  await deleteExpired(db, at);
  await insertAuthorizationRequest(db, {
    form_token_hash: sha256Hex(formToken),
    browser_hash: sha256Hex(browserBinding),
    client_id: request.app.clientId,
    redirect_uri: request.redirectUri,
    redirect_uri_given: request.redirectUriGiven,
    scope: request.scopes.join(" "),
    state: request.state ?? null,
    code_challenge: request.codeChallenge,
    expires_at: after(at, REQUEST_TTL_SECONDS),
  });
  return { formToken };
}

const EXPIRED_PAGE =
  "This page has expired or was already used. Go back to the app and connect again; nothing was shared.";

function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, "hex");
  const y = Buffer.from(b, "hex");
  return x.length === y.length && timingSafeEqual(x, y);
}

function checkBinding(row: AuthorizationRequestRow | undefined, browserBinding: string | undefined) {
  if (!row || !browserBinding || !sameHash(row.browser_hash, sha256Hex(browserBinding))) {
    throw new AppError("authorization-request-expired", EXPIRED_PAGE, 400);
  }
  return row;
}

export interface PendingAuthorization {
  request: ValidAuthorization;
  /** The learner the consent page was shown to, if any yet. */
  userId: string | null;
}

/** The pending request behind a form token, for the browser that started it; a 400 otherwise. */
export async function pendingAuthorization(
  db: Db,
  formToken: string,
  browserBinding: string | undefined,
): Promise<PendingAuthorization> {
  const row = checkBinding(await authorizationRequest(db, sha256Hex(formToken), now()), browserBinding);
  const client = await oauthClientById(db, row.client_id);
  if (!client || client.disabled) throw new AppError("authorization-request-expired", EXPIRED_PAGE, 400);
  return {
    request: {
      app: appView(client, row.redirect_uri),
      redirectUri: row.redirect_uri,
      redirectUriGiven: row.redirect_uri_given,
      scopes: parseScope(row.scope),
      state: row.state ?? undefined,
      codeChallenge: row.code_challenge,
      staysConnected: client.grant_types.includes("refresh_token"),
    },
    userId: row.user_id,
  };
}

/** A person's e-mail and role, for the pages (undefined when the account is gone or disabled). */
export async function personOf(db: Db, userId: string): Promise<{ email: string; role: string } | undefined> {
  const user = await userForOAuth(db, userId);
  return user && !user.disabled ? { email: user.email, role: user.role } : undefined;
}

/** Notes that the consent page of a request was shown to this learner: only they may approve it. */
export async function showConsentTo(db: Db, formToken: string, userId: string): Promise<void> {
  await bindAuthorizationRequest(db, sha256Hex(formToken), userId);
}

/**
 * The learner approves: the pending request is used up and a single-use code (10 minutes) is issued for
 * the app, bound to the redirect URI and the PKCE challenge. Returns where to send the browser.
 * `actor` is who is signed in now; it must be the learner the consent page was shown to.
 */
export async function approveAuthorization(
  db: Db,
  formToken: string,
  browserBinding: string | undefined,
  actor: Actor,
): Promise<{ location: string }> {
  return db.transaction().execute(async (tx) => {
    const at = now();
    const row = checkBinding(await takeAuthorizationRequest(tx, sha256Hex(formToken), at), browserBinding);
    if (actor.role !== "learner" || !actor.userId || actor.userId !== row.user_id) {
      throw new AppError(
        "authorization-request-expired",
        "You are no longer signed in as the learner who was asked. Go back to the app and connect again; nothing was shared.",
        400,
      );
    }
    const code = newSecret();
    await insertCode(tx, {
      code_hash: sha256Hex(code),
      client_id: row.client_id,
      user_id: actor.userId,
      redirect_uri: row.redirect_uri,
      redirect_uri_given: row.redirect_uri_given,
      scope: row.scope,
      code_challenge: row.code_challenge,
      expires_at: after(at, CODE_TTL_SECONDS),
    });
    return {
      location: redirectWith(row.redirect_uri, { code, scope: row.scope, state: row.state ?? undefined }),
    };
  });
}

/** The person declines (or may not approve): the request is used up and the app hears access_denied. */
export async function denyAuthorization(
  db: Db,
  formToken: string,
  browserBinding: string | undefined,
  description = "The learner did not allow access.",
): Promise<{ location: string }> {
  const row = checkBinding(await takeAuthorizationRequest(db, sha256Hex(formToken), now()), browserBinding);
  return {
    location: redirectWith(row.redirect_uri, {
      error: "access_denied",
      error_description: description,
      state: row.state ?? undefined,
    }),
  };
}

// ── the token endpoint (RFC 6749 §4.1.3, §6; RFC 7636 §4.5) ─────────────────────────────────────

export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
}

/** A registered app by its id and secret; 401 invalid_client otherwise. */
export async function authenticateClient(db: Db, credentials: ClientCredentials): Promise<OAuthClientRow> {
  const client = await oauthClientById(db, credentials.clientId);
  const ok =
    client && !client.disabled && (await verify(client.secret_hash, credentials.clientSecret).catch(() => false));
  if (!ok) {
    throw oauthError("invalid_client", "The client id or secret is wrong, or the app is disabled.", 401);
  }
  return client;
}

export interface TokenResponse {
  access_token: string;
  token_type: "Bearer";
  expires_in: number;
  refresh_token?: string;
  scope: string;
}

const invalidGrant = (description: string) => oauthError("invalid_grant", description);

async function issueTokens(
  db: Db,
  client: OAuthClientRow,
  grantId: string,
  scope: string,
  ttlSeconds: number,
  at: Date,
): Promise<TokenResponse> {
  const accessToken = newSecret();
  await insertAccessToken(db, {
    token_hash: sha256Hex(accessToken),
    grant_id: grantId,
    scope,
    expires_at: after(at, ttlSeconds),
  });
  let refreshToken: string | undefined;
  if (client.grant_types.includes("refresh_token")) {
    refreshToken = newSecret();
    await insertRefreshToken(db, {
      token_hash: sha256Hex(refreshToken),
      grant_id: grantId,
      expires_at: after(at, REFRESH_TTL_SECONDS),
    });
  }
  return {
    access_token: accessToken,
    token_type: "Bearer",
    expires_in: ttlSeconds,
    ...(refreshToken ? { refresh_token: refreshToken } : {}),
    scope,
  };
}

/** The person behind a grant may still act as a learner. */
async function learnerStillThere(db: Db, userId: string): Promise<boolean> {
  const user = await userForOAuth(db, userId);
  return Boolean(user && !user.disabled && user.role === "learner" && user.learner_id);
}

const pkceChallenge = (verifier: string) => createHash("sha256").update(verifier, "ascii").digest("base64url");

export interface CodeExchange {
  code?: string | undefined;
  redirect_uri?: string | undefined;
  code_verifier?: string | undefined;
}

/**
 * Exchanges an authorization code: the code must be this app's, unexpired and unused; the redirect URI
 * the one of the authorization request; the code verifier must hash (S256) to its challenge. A code
 * presented a second time is refused, and the tokens issued from its first use are revoked (RFC 6749
 * §4.1.2). The grant, the tokens and the code's use are written in one transaction.
 */
export async function exchangeCode(
  db: Db,
  client: OAuthClientRow,
  input: CodeExchange,
  ttlSeconds: number,
): Promise<TokenResponse> {
  if (!client.grant_types.includes("authorization_code")) {
    throw oauthError("unauthorized_client", "This app is not registered for the authorization_code grant.");
  }
  if (!input.code) throw oauthError("invalid_request", "code is required.");
  if (!input.code_verifier) {
    throw oauthError(
      "invalid_request",
      "code_verifier is required (PKCE): the secret whose S256 hash was the code_challenge.",
    );
  }
  if (!VERIFIER.test(input.code_verifier)) {
    throw oauthError(
      "invalid_request",
      "code_verifier must be 43 to 128 characters of A-Z, a-z, 0-9, '-', '.', '_' and '~'.",
    );
  }
  const { code, code_verifier: verifier } = input;
  const outcome = await db.transaction().execute(async (tx) => {
    const at = now();
    const row = await codeForUpdate(tx, sha256Hex(code));
    if (!row || row.client_id !== client.client_id) {
      return { error: invalidGrant("The authorization code is unknown, or was issued to another app.") };
    }
    if (row.used_at) {
      if (row.grant_id) await revokeGrant(tx, row.grant_id, "authorization code used twice", at);
      return {
        error: invalidGrant(
          "The authorization code was already used; the tokens issued for it have been revoked. Ask the learner again.",
        ),
      };
    }
    if (row.expires_at.getTime() <= at.getTime()) {
      return {
        error: invalidGrant("The authorization code has expired (codes last 10 minutes). Ask the learner again."),
      };
    }
    if (row.redirect_uri_given || input.redirect_uri !== undefined) {
      if (input.redirect_uri !== row.redirect_uri) {
        return {
          error: invalidGrant("redirect_uri must be exactly the one sent with the authorization request."),
        };
      }
    }
    const expected = Buffer.from(row.code_challenge);
    const actual = Buffer.from(pkceChallenge(verifier));
    if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) {
      return { error: invalidGrant("The code_verifier does not match the code_challenge (S256).") };
    }
    if (!(await learnerStillThere(tx, row.user_id))) {
      return { error: invalidGrant("The learner who approved this app can no longer sign in.") };
    }
    const grantId = await insertGrant(tx, { client_id: client.client_id, user_id: row.user_id, scope: row.scope });
    await markCodeUsed(tx, row.code_hash, grantId, at);
    return { tokens: await issueTokens(tx, client, grantId, row.scope, ttlSeconds, at) };
  });
  // Revocations above are committed before the refusal leaves.
  if ("error" in outcome) throw outcome.error;
  return outcome.tokens;
}

/**
 * Refreshes (RFC 6749 §6) with rotation: the refresh token is used up and a new one comes with the new
 * access token. A refresh token presented after it was used means it was copied: the whole grant (every
 * token descended from the learner's approval) is revoked. `scope` may narrow the new access token.
 */
export async function refreshTokens(
  db: Db,
  client: OAuthClientRow,
  input: { refresh_token?: string | undefined; scope?: string | undefined },
  ttlSeconds: number,
): Promise<TokenResponse> {
  if (!client.grant_types.includes("refresh_token")) {
    throw oauthError("unauthorized_client", "This app is not registered for the refresh_token grant.");
  }
  const presented = input.refresh_token;
  if (!presented) throw oauthError("invalid_request", "refresh_token is required.");
  const outcome = await db.transaction().execute(async (tx) => {
    const at = now();
    const row = await refreshTokenForUpdate(tx, sha256Hex(presented));
    if (!row || row.client_id !== client.client_id) {
      return { error: invalidGrant("The refresh token is unknown, revoked, or was issued to another app.") };
    }
    if (row.revoked_at) return { error: invalidGrant("The learner's approval was revoked; ask the learner again.") };
    if (row.used_at) {
      await revokeGrant(tx, row.grant_id, "refresh token used twice", at);
      return {
        error: invalidGrant(
          "The refresh token was already used, so it may have been copied: every token of this approval has been revoked. Ask the learner again.",
        ),
      };
    }
    if (row.expires_at.getTime() <= at.getTime()) return { error: invalidGrant("The refresh token has expired.") };
    const granted = parseScope(row.scope);
    let scopes = granted;
    if (input.scope !== undefined && input.scope.trim() !== "") {
      scopes = parseScope(input.scope);
      const extra = scopes.find((s) => !granted.includes(s));
      if (extra !== undefined) {
        return {
          error: oauthError("invalid_scope", `The scope '${extra.slice(0, 200)}' was not granted by the learner.`),
        };
      }
    }
    if (!(await learnerStillThere(tx, row.user_id))) {
      return { error: invalidGrant("The learner who approved this app can no longer sign in.") };
    }
    await markRefreshTokenUsed(tx, row.token_hash, at);
    return { tokens: await issueTokens(tx, client, row.grant_id, scopes.join(" "), ttlSeconds, at) };
  });
  if ("error" in outcome) throw outcome.error;
  return outcome.tokens;
}

// ── revocation (RFC 7009) ───────────────────────────────────────────────────────────────────────

/**
 * Revokes a token of this app: a refresh token ends the whole grant (its access tokens too); an access
 * token ends itself. A token that is unknown, already revoked or another app's changes nothing, and the
 * answer is the same (RFC 7009 §2.2), so nothing can be learned from it.
 */
export async function revokeToken(
  db: Db,
  client: OAuthClientRow,
  token: string | undefined,
  hint: string | undefined,
): Promise<void> {
  if (!token) throw oauthError("invalid_request", "token is required: the access or refresh token to revoke.");
  const tokenHash = sha256Hex(token);
  await db.transaction().execute(async (tx) => {
    const at = now();
    const tryRefresh = async () => {
      const refresh = await refreshTokenForUpdate(tx, tokenHash);
      if (refresh && refresh.client_id === client.client_id) {
        await revokeGrant(tx, refresh.grant_id, "revoked by the app (refresh token)", at);
        return true;
      }
      return false;
    };
    const tryAccess = async () => {
      const access = await accessTokenGrant(tx, tokenHash);
      if (access && access.client_id === client.client_id) {
        await deleteAccessToken(tx, tokenHash);
        return true;
      }
      return false;
    };
    if (hint === "access_token") {
      if (!(await tryAccess())) await tryRefresh();
    } else if (!(await tryRefresh())) {
      await tryAccess();
    }
  });
}

// ── tokens on the API ───────────────────────────────────────────────────────────────────────────

/**
 * The actor behind an access token from the authorization-code grant: the learner who approved, limited
 * to the scopes approved. Undefined when the token is not one of these, has expired or was revoked.
 */
export async function authenticateDelegated(db: Db, token: string): Promise<Actor | undefined> {
  const row = await delegatedToken(db, sha256Hex(token), now());
  if (row?.role !== "learner" || !row.learner_id) return undefined;
  return {
    kind: "user",
    role: "learner",
    userId: row.user_id,
    learnerId: row.learner_id,
    clientId: row.client_id,
    scopes: parseScope(row.scope),
    label: `learner ${row.email} through the app ${row.client_name} (${row.client_id})`,
  };
}
