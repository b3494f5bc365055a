/**
 * Access: local accounts for people (argon2id password hashes, server-side sessions) and OAuth 2.0
 * client-credentials tokens for machine clients such as a provider's LMS.
 *
 * Tokens are 256-bit random values handed out once; only their SHA-256 is stored, so a copy of the
 * database does not let anyone sign in. Passwords and client secrets are hashed with argon2id.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { hash, verify } from "@node-rs/argon2";
import type { Db } from "../store/catalogue-repo.ts";
import { type Actor, assertRegistryAdmin, ROLES, type Role } from "./actor.ts";
import { AppError, conflict, invalid, notFound } from "./errors.ts";
import { sha256Hex } from "./hashing.ts";

const newToken = () => randomBytes(32).toString("base64url");

export interface NewUser {
  email: string;
  password: string;
  displayName: string;
  role: Role;
  providerId?: string | undefined;
  learnerId?: string | undefined;
}

export const MIN_PASSWORD_LENGTH = 10;

export async function createUser(
  db: Db,
  actor: Actor,
  input: NewUser,
): Promise<{ id: string; email: string; role: Role }> {
  assertRegistryAdmin(actor, "create user accounts");
  const email = input.email.trim().toLowerCase();
  if (!ROLES.includes(input.role)) throw invalid(`Unknown role '${input.role}'.`, undefined, "unknown-role");
  if (input.password.length < MIN_PASSWORD_LENGTH) {
    throw invalid(
      `A password needs at least ${MIN_PASSWORD_LENGTH} characters.`,
      [{ path: "/password", message: "is too short" }],
      "password-too-short",
    );
  }
  if (input.role === "provider-admin" && !input.providerId) {
    throw invalid(
      "A provider administrator belongs to a provider: give providerId.",
      [{ path: "/providerId", message: "is required" }],
      "provider-required",
    );
  }
  if (input.role === "learner" && !input.learnerId) {
    throw invalid(
      "A learner's user account belongs to a learner account: give learnerId.",
      [{ path: "/learnerId", message: "is required" }],
      "learner-required",
    );
  }
  if (input.providerId) {
    const p = await db.selectFrom("provider").select("id").where("id", "=", input.providerId).executeTakeFirst();
    if (!p) throw notFound("Provider", input.providerId, "unknown-provider");
  }
  if (input.learnerId) {
    const l = await db.selectFrom("learner").select("id").where("id", "=", input.learnerId).executeTakeFirst();
    if (!l) throw notFound("Learner", input.learnerId, "learner-not-found");
  }
  const taken = await db.selectFrom("app_user").select("id").where("email", "=", email).executeTakeFirst();
  if (taken) throw conflict(`A user with the e-mail ${email} already exists.`, "user-exists");
  const row = await db
    .insertInto("app_user")
    .values({
      email,
      password_hash: await hash(input.password),
      display_name: input.displayName,
      role: input.role,
      provider_id: input.providerId ?? null,
      learner_id: input.learnerId ?? null,
    })
    .returning(["id", "email", "role"])
    .executeTakeFirstOrThrow();
  return { id: row.id, email: row.email, role: row.role as Role };
}

/** Creates a user only when the e-mail is free; used by the demo and the first start. */
export async function ensureUser(db: Db, input: NewUser): Promise<void> {
  const email = input.email.trim().toLowerCase();
  const existing = await db.selectFrom("app_user").select("id").where("email", "=", email).executeTakeFirst();
  if (existing) return;
  await createUser(db, { kind: "operator", role: "registry-admin", label: "system" }, input);
}

const BAD_LOGIN = () => new AppError("invalid-credentials", "The e-mail address or the password is wrong.", 401);

export async function login(
  db: Db,
  email: string,
  password: string,
  ttlSeconds: number,
): Promise<{ token: string; expiresAt: string; user: { id: string; email: string; role: Role; displayName: string } }> {
  const user = await db
    .selectFrom("app_user")
    .selectAll()
    .where("email", "=", email.trim().toLowerCase())
    .executeTakeFirst();
  if (!user || user.disabled) {
    // Spend the same effort as a real check, so timing does not reveal which e-mails exist.
    await verify(DUMMY_HASH, password).catch(() => false);
    throw BAD_LOGIN();
  }
  if (!(await verify(user.password_hash, password))) throw BAD_LOGIN();
  const token = newToken();
  const expiresAt = new Date(Date.now() + ttlSeconds * 1000);
  await db
    .insertInto("user_session")
    .values({ token_hash: sha256Hex(token), user_id: user.id, expires_at: expiresAt })
    .execute();
  return {
    token,
    expiresAt: expiresAt.toISOString(),
    user: { id: user.id, email: user.email, role: user.role as Role, displayName: user.display_name },
  };
}

// An argon2id hash of a random password, verified against when the user does not exist.
const DUMMY_HASH = "$argon2id$v=19$m=19456,t=2,p=1$0xaH1qvOuti0++q7XImSXw$S7zKdMVgE2yOAT5nxduSd50eQdOunHD6hJgYsTBPoxw";

export async function logout(db: Db, token: string): Promise<void> {
  await db.deleteFrom("user_session").where("token_hash", "=", sha256Hex(token)).execute();
}

/** The actor behind a bearer token or session cookie, or undefined when it is unknown or expired. */
export async function authenticate(db: Db, token: string): Promise<Actor | undefined> {
  const tokenHash = sha256Hex(token);
  const now = new Date();
  const session = await db
    .selectFrom("user_session as s")
    .innerJoin("app_user as u", "u.id", "s.user_id")
    .select(["u.id", "u.email", "u.role", "u.provider_id", "u.learner_id", "u.disabled"])
    .where("s.token_hash", "=", tokenHash)
    .where("s.expires_at", ">", now)
    .executeTakeFirst();
  if (session) {
    if (session.disabled) return undefined;
    return {
      kind: "user",
      role: session.role as Role,
      userId: session.id,
      ...(session.provider_id ? { providerId: session.provider_id } : {}),
      ...(session.learner_id ? { learnerId: session.learner_id } : {}),
      label: `${session.role} ${session.email}`,
    };
  }
  const access = await db
    .selectFrom("access_token as t")
    .innerJoin("api_client as c", "c.client_id", "t.client_id")
    .select(["c.client_id", "c.role", "c.provider_id", "c.disabled", "c.name"])
    .where("t.token_hash", "=", tokenHash)
    .where("t.expires_at", ">", now)
    .executeTakeFirst();
  if (access && !access.disabled) {
    return {
      kind: "client",
      role: access.role as Role,
      clientId: access.client_id,
      ...(access.provider_id ? { providerId: access.provider_id } : {}),
      label: `client ${access.client_id} (${access.name})`,
    };
  }
  return undefined;
}

/** Registers a machine client; the secret is returned once and stored only as a hash. */
export async function createApiClient(
  db: Db,
  actor: Actor,
  input: { name: string; role: "registry-admin" | "provider-admin"; providerId?: string | undefined },
): Promise<{ clientId: string; clientSecret: string }> {
  assertRegistryAdmin(actor, "register API clients");
  if (input.role === "provider-admin") {
    if (!input.providerId)
      throw invalid("A provider client belongs to a provider: give providerId.", undefined, "provider-required");
    const p = await db.selectFrom("provider").select("id").where("id", "=", input.providerId).executeTakeFirst();
    if (!p) throw notFound("Provider", input.providerId, "unknown-provider");
  }
  const clientId = `cb_${randomUUID().replaceAll("-", "")}`;
  const clientSecret = newToken();
  await db
    .insertInto("api_client")
    .values({
      client_id: clientId,
      secret_hash: await hash(clientSecret),
      name: input.name,
      role: input.role,
      provider_id: input.providerId ?? null,
    })
    .execute();
  return { clientId, clientSecret };
}

/** OAuth 2.0 client-credentials grant (RFC 6749 §4.4). */
export async function issueClientToken(
  db: Db,
  clientId: string,
  clientSecret: string,
  ttlSeconds: number,
): Promise<{ access_token: string; token_type: "Bearer"; expires_in: number }> {
  const client = await db.selectFrom("api_client").selectAll().where("client_id", "=", clientId).executeTakeFirst();
  const ok = client && !client.disabled && (await verify(client.secret_hash, clientSecret).catch(() => false));
  if (!ok) {
    // RFC 6749 §5.2 names this error 'invalid_client'.
    throw new AppError("invalid_client", "The client id or secret is wrong, or the client is disabled.", 401);
  }
  const token = newToken();
  await db
    .insertInto("access_token")
    .values({ token_hash: sha256Hex(token), client_id: clientId, expires_at: new Date(Date.now() + ttlSeconds * 1000) })
    .execute();
  return { access_token: token, token_type: "Bearer", expires_in: ttlSeconds };
}
