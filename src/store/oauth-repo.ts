/**
 * Database access for OAuth 2.0 on the Open Badges API (migration 0003): registered apps, pending
 * authorization requests, grants, codes and tokens. Secrets arrive here already hashed.
 *
 * The tables' Kysely types live in this file and are added to the bank's with `withTables`, so this
 * area's schema stays in one place beside its queries.
 */
import type { ColumnType, Generated, Selectable } from "kysely";
import type { Db } from "./catalogue-repo.ts";

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export interface OAuthClientTable {
  client_id: string;
  secret_hash: string;
  client_name: string;
  client_uri: string;
  logo_uri: string | null;
  tos_uri: string | null;
  policy_uri: string | null;
  software_id: string | null;
  software_version: string | null;
  contacts: string[];
  redirect_uris: string[];
  token_endpoint_auth_method: string;
  grant_types: string[];
  response_types: string[];
  scope: string;
  disabled: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: Timestamp;
}

export interface OAuthAuthorizationRequestTable {
  form_token_hash: string;
  browser_hash: string;
  client_id: string;
  redirect_uri: string;
  redirect_uri_given: boolean;
  scope: string;
  state: string | null;
  code_challenge: string;
  user_id: string | null;
  created_at: Timestamp;
  expires_at: Timestamp;
}

export interface OAuthGrantTable {
  id: Generated<string>;
  client_id: string;
  user_id: string;
  scope: string;
  created_at: Timestamp;
  revoked_at: NullableTimestamp;
  revoked_reason: string | null;
}

export interface OAuthCodeTable {
  code_hash: string;
  client_id: string;
  user_id: string;
  redirect_uri: string;
  redirect_uri_given: boolean;
  scope: string;
  code_challenge: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  used_at: NullableTimestamp;
  grant_id: string | null;
}

export interface OAuthAccessTokenTable {
  token_hash: string;
  grant_id: string;
  scope: string;
  created_at: Timestamp;
  expires_at: Timestamp;
}

export interface OAuthRefreshTokenTable {
  token_hash: string;
  grant_id: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  used_at: NullableTimestamp;
}

// A type, not an interface: withTables needs an index signature, which only type literals have implicitly.
export type OAuthTables = {
  oauth_client: OAuthClientTable;
  oauth_authorization_request: OAuthAuthorizationRequestTable;
  oauth_grant: OAuthGrantTable;
  oauth_code: OAuthCodeTable;
  oauth_access_token: OAuthAccessTokenTable;
  oauth_refresh_token: OAuthRefreshTokenTable;
};

export type OAuthClientRow = Selectable<OAuthClientTable>;
export type AuthorizationRequestRow = Selectable<OAuthAuthorizationRequestTable>;
export type CodeRow = Selectable<OAuthCodeTable>;

/** The bank's database (or a transaction on it) with this area's tables known to Kysely. */
const t = (db: Db) => db.withTables<OAuthTables>();

// ── clients ─────────────────────────────────────────────────────────────────────────────────────

export type NewOAuthClient = Omit<OAuthClientRow, "disabled" | "created_at">;

export async function insertOAuthClient(db: Db, row: NewOAuthClient): Promise<Date> {
  const inserted = await t(db).insertInto("oauth_client").values(row).returning("created_at").executeTakeFirstOrThrow();
  return inserted.created_at;
}

export const oauthClientById = (db: Db, clientId: string): Promise<OAuthClientRow | undefined> =>
  t(db).selectFrom("oauth_client").selectAll().where("client_id", "=", clientId).executeTakeFirst();

// ── pending authorization requests ───────────────────────────────────────────────────────────────

export async function insertAuthorizationRequest(
  db: Db,
  row: Omit<AuthorizationRequestRow, "created_at" | "user_id">,
): Promise<void> {
  await t(db).insertInto("oauth_authorization_request").values(row).execute();
}

/** A pending request that has not expired at `now`. */
export const authorizationRequest = (
  db: Db,
  formTokenHash: string,
  now: Date,
): Promise<AuthorizationRequestRow | undefined> =>
  t(db)
    .selectFrom("oauth_authorization_request")
    .selectAll()
    .where("form_token_hash", "=", formTokenHash)
    .where("expires_at", ">", now)
    .executeTakeFirst();

/** Records the learner a request's consent page was shown to. */
export async function bindAuthorizationRequest(db: Db, formTokenHash: string, userId: string): Promise<void> {
  await t(db)
    .updateTable("oauth_authorization_request")
    .set({ user_id: userId })
    .where("form_token_hash", "=", formTokenHash)
    .execute();
}

/** Removes a pending request and returns it, so that only one decision is ever taken on it. */
export const takeAuthorizationRequest = (
  db: Db,
  formTokenHash: string,
  now: Date,
): Promise<AuthorizationRequestRow | undefined> =>
  t(db)
    .deleteFrom("oauth_authorization_request")
    .where("form_token_hash", "=", formTokenHash)
    .where("expires_at", ">", now)
    .returningAll()
    .executeTakeFirst();

/**
 * Deletes what expired before `now`: pending requests, codes, access and refresh tokens. None of them can
 * be used once expired; a used code or refresh token is kept until then, to recognise a replay.
 */
export async function deleteExpired(db: Db, now: Date): Promise<void> {
  await t(db).deleteFrom("oauth_authorization_request").where("expires_at", "<=", now).execute();
  await t(db).deleteFrom("oauth_code").where("expires_at", "<=", now).execute();
  await t(db).deleteFrom("oauth_access_token").where("expires_at", "<=", now).execute();
  await t(db).deleteFrom("oauth_refresh_token").where("expires_at", "<=", now).execute();
}

// ── codes ───────────────────────────────────────────────────────────────────────────────────────

export async function insertCode(db: Db, row: Omit<CodeRow, "created_at" | "used_at" | "grant_id">): Promise<void> {
  await t(db).insertInto("oauth_code").values(row).execute();
}

/** A code by its hash, locked for the rest of the transaction (expired or used ones too: the caller decides). */
export const codeForUpdate = (db: Db, codeHash: string): Promise<CodeRow | undefined> =>
  t(db).selectFrom("oauth_code").selectAll().where("code_hash", "=", codeHash).forUpdate().executeTakeFirst();

export async function markCodeUsed(db: Db, codeHash: string, grantId: string, now: Date): Promise<void> {
  await t(db)
    .updateTable("oauth_code")
    .set({ used_at: now, grant_id: grantId })
    .where("code_hash", "=", codeHash)
    .execute();
}

// ── grants and tokens ───────────────────────────────────────────────────────────────────────────

export async function insertGrant(db: Db, row: { client_id: string; user_id: string; scope: string }): Promise<string> {
  const inserted = await t(db).insertInto("oauth_grant").values(row).returning("id").executeTakeFirstOrThrow();
  return inserted.id;
}

/**
 * Revokes a grant and deletes every token issued from it; a grant already revoked keeps its first reason.
 * Returns whether this call revoked it.
 */
export async function revokeGrant(db: Db, grantId: string, reason: string, now: Date): Promise<boolean> {
  const revoked = await t(db)
    .updateTable("oauth_grant")
    .set({ revoked_at: now, revoked_reason: reason })
    .where("id", "=", grantId)
    .where("revoked_at", "is", null)
    .returning("id")
    .executeTakeFirst();
  await t(db).deleteFrom("oauth_access_token").where("grant_id", "=", grantId).execute();
  await t(db).deleteFrom("oauth_refresh_token").where("grant_id", "=", grantId).execute();
  return revoked !== undefined;
}

export async function insertAccessToken(
  db: Db,
  row: { token_hash: string; grant_id: string; scope: string; expires_at: Date },
): Promise<void> {
  await t(db).insertInto("oauth_access_token").values(row).execute();
}

export async function insertRefreshToken(
  db: Db,
  row: { token_hash: string; grant_id: string; expires_at: Date },
): Promise<void> {
  await t(db).insertInto("oauth_refresh_token").values(row).execute();
}

export interface RefreshTokenWithGrant {
  token_hash: string;
  grant_id: string;
  expires_at: Date;
  used_at: Date | null;
  client_id: string;
  user_id: string;
  scope: string;
  revoked_at: Date | null;
}

/** A refresh token with its grant, the token locked for the rest of the transaction. */
export const refreshTokenForUpdate = (db: Db, tokenHash: string): Promise<RefreshTokenWithGrant | undefined> =>
  t(db)
    .selectFrom("oauth_refresh_token as r")
    .innerJoin("oauth_grant as g", "g.id", "r.grant_id")
    .select([
      "r.token_hash",
      "r.grant_id",
      "r.expires_at",
      "r.used_at",
      "g.client_id",
      "g.user_id",
      "g.scope",
      "g.revoked_at",
    ])
    .where("r.token_hash", "=", tokenHash)
    .forUpdate("r")
    .executeTakeFirst();

export async function markRefreshTokenUsed(db: Db, tokenHash: string, now: Date): Promise<void> {
  await t(db).updateTable("oauth_refresh_token").set({ used_at: now }).where("token_hash", "=", tokenHash).execute();
}

/** The grant and client of an access token (for revocation), whether or not it has expired. */
export const accessTokenGrant = (
  db: Db,
  tokenHash: string,
): Promise<{ grant_id: string; client_id: string } | undefined> =>
  t(db)
    .selectFrom("oauth_access_token as a")
    .innerJoin("oauth_grant as g", "g.id", "a.grant_id")
    .select(["a.grant_id", "g.client_id"])
    .where("a.token_hash", "=", tokenHash)
    .executeTakeFirst();

export async function deleteAccessToken(db: Db, tokenHash: string): Promise<void> {
  await t(db).deleteFrom("oauth_access_token").where("token_hash", "=", tokenHash).execute();
}

export interface DelegatedTokenRow {
  scope: string;
  client_id: string;
  client_name: string;
  user_id: string;
  email: string;
  role: string;
  learner_id: string | null;
}

/**
 * What a live access token stands for: its scopes, its app and the person who approved it. Nothing when
 * the token is unknown or expired at `now`, its grant was revoked, or the app or the person is disabled.
 */
export const delegatedToken = (db: Db, tokenHash: string, now: Date): Promise<DelegatedTokenRow | undefined> =>
  t(db)
    .selectFrom("oauth_access_token as a")
    .innerJoin("oauth_grant as g", "g.id", "a.grant_id")
    .innerJoin("oauth_client as c", "c.client_id", "g.client_id")
    .innerJoin("app_user as u", "u.id", "g.user_id")
    .select(["a.scope", "c.client_id", "c.client_name", "u.id as user_id", "u.email", "u.role", "u.learner_id"])
    .where("a.token_hash", "=", tokenHash)
    .where("a.expires_at", ">", now)
    .where("g.revoked_at", "is", null)
    .where("c.disabled", "=", false)
    .where("u.disabled", "=", false)
    .executeTakeFirst();

/** A person's account as the authorization pages need it. */
export const userForOAuth = (
  db: Db,
  userId: string,
): Promise<{ id: string; email: string; role: string; learner_id: string | null; disabled: boolean } | undefined> =>
  db
    .selectFrom("app_user")
    .select(["id", "email", "role", "learner_id", "disabled"])
    .where("id", "=", userId)
    .executeTakeFirst();
