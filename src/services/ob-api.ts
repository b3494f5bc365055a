/**
 * The 1EdTech Open Badges 3.0 API for learners and their wallets: list the credentials in a learner's
 * account (JSON-LD ones and VC-JWT ones apart, a page at a time), store a credential a learner holds
 * (verified first; idempotent by the credential's id), and read and rename the learner's `Profile`.
 *
 * Only learners hold credentials here; every other caller is refused. A credential a learner stores
 * (`kind = 'external'`) keeps its issuer's id (a DID or URI) in `issuer_id` and its exact text in
 * `document`; one the bank issued itself is never overwritten.
 */
import { createHash } from "node:crypto";
import { isDeepStrictEqual } from "node:util";
import { type Static, Type } from "@sinclair/typebox";
import { decodeJwt } from "../credentials/jwt.ts";
import type { VerificationReport } from "../credentials/verifier.ts";
import { accountMembers } from "../store/accounts-repo.ts";
import type { CredentialRow } from "../store/credentials-repo.ts";
import {
  attachCredentialToLearner,
  credentialForUpdate,
  insertExternalCredential,
  openBadgeCredentialsPage,
  replaceExternalCredential,
  setLearnerName,
} from "../store/ob-api-repo.ts";
import { type Actor, assertScope, hasScope } from "./actor.ts";
import { AppError, conflict, forbidden, invalid } from "./errors.ts";
import type { IssuingBank } from "./issuance.ts";
import { getLearner } from "./learners.ts";
import { OB_SCOPE, type ObScope } from "./oauth.ts";
import { schemaProblems } from "./validation.ts";
import { asAppError, verifyWithBank } from "./verification.ts";

type Json = Record<string, unknown>;

export const OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";
export const MAX_PAGE_SIZE = 1000;
export const DEFAULT_PAGE_SIZE = 100;

/**
 * The learner acting, or a 403: only learners hold credentials in this API, and an app acting for one
 * (an OAuth token) only within the scopes the learner granted it.
 */
function learnerOf(actor: Actor, scope: ObScope): string {
  if (actor.role !== "learner" || !actor.learnerId) {
    throw forbidden(
      `The Open Badges API serves learners and their wallets; you are signed in as ${actor.role}.`,
      "learners-only",
    );
  }
  assertScope(actor, scope);
  return actor.learnerId;
}

async function accountOf(bank: IssuingBank, learnerId: string): Promise<string[]> {
  const members = await accountMembers(bank.db, learnerId);
  return members.length > 0 ? members : [learnerId];
}

// ── listing ────────────────────────────────────────────────────────────────────────────────────

export interface ListQuery {
  limit?: number | undefined;
  offset?: number | undefined;
  /** ISO 8601 date-time; without a time zone it is read as UTC. */
  since?: string | undefined;
}

export interface CredentialPage {
  /** Credentials secured with a Data Integrity proof, as JSON. */
  credential: Json[];
  /** Credentials secured as VC-JWT, as compact JWS strings. */
  compactJwsString: string[];
  /** How many credentials there are in all (for the query's `since`), across pages. */
  total: number;
  limit: number;
  offset: number;
}

/** The instant `since` names, as ISO 8601 in UTC; a 400 when it is not a date-time. */
function sinceInstant(since: string): string {
  const text = /(Z|[+-]\d{2}:\d{2})$/i.test(since) ? since : `${since}Z`;
  const ms = Date.parse(text);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(since) || Number.isNaN(ms)) {
    throw invalid(
      `since must be a date-time such as 2025-01-31T12:00:00Z; '${since.slice(0, 60)}' is not one.`,
      [{ path: "/query/since", message: "must be an ISO 8601 date-time" }],
      "invalid-since",
    );
  }
  return new Date(ms).toISOString();
}

/**
 * The signed-in learner's Open Badges credentials (their account and accounts merged into it), oldest
 * first, `limit` from `offset`, issued after `since` when given.
 */
export async function listCredentials(bank: IssuingBank, actor: Actor, query: ListQuery = {}): Promise<CredentialPage> {
  const learnerId = learnerOf(actor, OB_SCOPE.credentialReadonly);
  const limit = query.limit ?? DEFAULT_PAGE_SIZE;
  const offset = query.offset ?? 0;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw invalid(
      `limit must be a whole number from 1 to ${MAX_PAGE_SIZE}.`,
      [{ path: "/query/limit", message: "is out of range" }],
      "invalid-limit",
    );
  }
  if (!Number.isInteger(offset) || offset < 0) {
    throw invalid(
      "offset must be a whole number, 0 or more.",
      [{ path: "/query/offset", message: "is out of range" }],
      "invalid-offset",
    );
  }
  const since = query.since === undefined ? undefined : sinceInstant(query.since);
  const { rows, total } = await openBadgeCredentialsPage(bank.db, await accountOf(bank, learnerId), {
    limit,
    offset,
    since,
  });
  const page: CredentialPage = { credential: [], compactJwsString: [], total, limit, offset };
  for (const row of rows) {
    if (row.proof_format === "jwt") page.compactJwsString.push(row.document);
    else page.credential.push(JSON.parse(row.document) as Json);
  }
  return page;
}

// ── upsert ─────────────────────────────────────────────────────────────────────────────────────

export interface UpsertResult {
  /** 201 when the credential is new to the bank, 200 when it replaced or matched the one stored. */
  status: 200 | 201;
  /** `json` for a Data Integrity credential, `jwt` for a compact JWS. */
  format: "json" | "jwt";
  /** The credential as stored: a JSON object, or the compact JWS. */
  credential: Json | string;
}

export interface UpsertOptions {
  /** The exact text of a JSON credential as it arrived (stored as is); JSON.stringify of it otherwise. */
  text?: string | undefined;
}

/**
 * The row id of a credential id: its UUID for `urn:uuid:…`, otherwise a name-based UUID (version 8,
 * RFC 9562 §5.8, from SHA-256 of the id), so the same id always lands on the same row.
 */
export function credentialRowId(credentialId: string): string {
  const m = /^urn:uuid:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i.exec(credentialId);
  if (m?.[1]) return m[1].toLowerCase();
  const bytes = createHash("sha256").update(credentialId, "utf8").digest().subarray(0, 16);
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x80;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const asArray = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** The key that signed: the JWT's `kid`, or the verification method of the (first known) proof. */
function keyIdOf(report: VerificationReport, jwt: string | undefined): string {
  if (jwt) {
    const { header } = decodeJwt(jwt);
    if (typeof header.kid === "string" && header.kid.length > 0) return header.kid;
    return header.jwk ? "jwk (embedded in the token)" : "unknown";
  }
  const proofs = asArray(report.credential?.proof).filter((p): p is Json => typeof p === "object" && p !== null);
  const known =
    proofs.find((p) => p.type === "DataIntegrityProof" || p.type === "Ed25519Signature2020") ?? proofs[0] ?? {};
  return typeof known.verificationMethod === "string" ? known.verificationMethod : "unknown";
}

/** When the credential says it was issued (validFrom, or VC 1.1 issuanceDate); now when it says nothing usable. */
function issuedAtOf(credential: Json): string {
  const value = credential.validFrom ?? credential.issuanceDate;
  const ms = typeof value === "string" ? Date.parse(value) : Number.NaN;
  return new Date(Number.isNaN(ms) ? Date.now() : ms).toISOString();
}

function sameCredential(row: CredentialRow, jwt: string | undefined, credential: Json): boolean {
  if (jwt) return row.proof_format === "jwt" && row.document.trim() === jwt;
  if (row.proof_format !== "data-integrity") return false;
  try {
    return isDeepStrictEqual(JSON.parse(row.document), credential);
  } catch {
    return false;
  }
}

function storedForm(row: CredentialRow): Pick<UpsertResult, "format" | "credential"> {
  return row.proof_format === "jwt"
    ? { format: "jwt", credential: row.document }
    : { format: "json", credential: JSON.parse(row.document) as Json };
}

/**
 * Stores a credential in the signed-in learner's account (a wallet acting with their token does the
 * same). It must verify (warnings are fine: other issuers are unknown to the bank) and be an Open Badge
 * with an `id`. The same id again replaces the stored one when it comes from the same issuer (200); an id
 * the bank itself issued is never overwritten: 200 with the stored credential when identical, else 409.
 */
export async function upsertCredential(
  bank: IssuingBank,
  actor: Actor,
  input: Json | string,
  options: UpsertOptions = {},
): Promise<UpsertResult> {
  const learnerId = learnerOf(actor, OB_SCOPE.credentialUpsert);
  let jwt: string | undefined;
  if (typeof input === "string") {
    jwt = input.trim();
    try {
      decodeJwt(jwt);
    } catch (error) {
      throw asAppError(error);
    }
  } else if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw invalid(
      "Send one credential: a JSON object, or a compact JWS as text/plain.",
      undefined,
      "invalid-credential",
    );
  }
  const report = await verifyWithBank(bank, input);
  const failed = report.checks.filter((c) => c.status === "fail");
  if (!report.verified) {
    throw new AppError(
      "credential-not-verified",
      `The credential does not verify: ${failed.map((c) => `${c.id} (${c.message})`).join("; ")}`,
      400,
      failed.map((c) => ({ path: "", message: c.message, code: c.id })),
    );
  }
  const credential = report.credential as Json;
  const types = asArray(credential.type);
  if (!types.includes("OpenBadgeCredential") && !types.includes("AchievementCredential")) {
    throw invalid(
      "Only Open Badges are stored here: type must include OpenBadgeCredential or AchievementCredential.",
      [{ path: "/type", message: "must include OpenBadgeCredential or AchievementCredential" }],
      "not-an-open-badge",
    );
  }
  const credentialId = credential.id;
  if (typeof credentialId !== "string" || credentialId.length === 0) {
    throw invalid(
      "The credential has no id, so it cannot be stored (or found again to replace it).",
      [{ path: "/id", message: "is required" }],
      "credential-id-required",
    );
  }
  const issuer = report.issuer;
  if (!issuer) {
    throw invalid("The credential names no issuer.", [{ path: "/issuer", message: "is required" }], "issuer-required");
  }
  const rowId = credentialRowId(credentialId);
  const document = jwt ?? options.text ?? JSON.stringify(input);
  const format = jwt ? "jwt" : "data-integrity";
  const fields = {
    key_id: keyIdOf(report, jwt),
    proof_format: format,
    document,
    issued_at: issuedAtOf(credential),
    issued_by: `${actor.label} (Open Badges API)`,
  } as const;
  const asSent = (): Pick<UpsertResult, "format" | "credential"> =>
    jwt ? { format: "jwt", credential: jwt } : { format: "json", credential: input as Json };

  return bank.db.transaction().execute(async (tx) => {
    const existing = await credentialForUpdate(tx, rowId);
    if (!existing) {
      await insertExternalCredential(tx, {
        id: rowId,
        learner_id: learnerId,
        achievement_id: null,
        kind: "external",
        issuer_id: issuer,
        status_list_id: null,
        status_index: null,
        ...fields,
      });
      return { status: 201, ...asSent() };
    }
    const members = await accountMembers(tx, learnerId);
    const inAccount = existing.learner_id !== null && [learnerId, ...members].includes(existing.learner_id);
    // The bank's own credentials name their issuer by its id in the bank ('bank', a provider id); those
    // a learner stored name it by its DID or URI.
    const bankIssued = !existing.issuer_id.includes(":");
    if (!bankIssued && existing.kind === "external" && existing.issuer_id === issuer && inAccount) {
      await replaceExternalCredential(tx, rowId, fields);
      return { status: 200, ...asSent() };
    }
    if (bankIssued && sameCredential(existing, jwt, credential)) {
      if (inAccount) return { status: 200, ...storedForm(existing) };
      // Issued by the bank to no account (VC API): the learner who holds it files it in theirs.
      if (existing.learner_id === null && (await attachCredentialToLearner(tx, rowId, learnerId))) {
        return { status: 200, ...storedForm(existing) };
      }
    }
    throw conflict(
      bankIssued
        ? "A different credential with this id was issued by the bank itself, or it belongs to another account; it is not replaced."
        : "A credential with this id is already stored, from another issuer or in another account; it is not replaced.",
      "credential-id-taken",
    );
  });
}

// ── profile ────────────────────────────────────────────────────────────────────────────────────

const Text = (maxLength: number) => Type.String({ maxLength });
const Jws = Type.String({ pattern: "^[a-zA-Z0-9_-]+\\.[a-zA-Z0-9_-]*\\.[a-zA-Z0-9_-]+$" });

/**
 * The Open Badges 3.0 `Profile`, as this bank accepts it in `PUT /profile`: the official schema's shape,
 * stricter where the official one is loose (text is plain strings, not language maps; a single `type`
 * must be "Profile"). Properties the bank does not keep are accepted and ignored.
 */
export const ObProfile = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 2000 }),
    type: Type.Union([
      Type.Literal("Profile"),
      Type.Array(Type.String({ maxLength: 200 }), { minItems: 1, maxItems: 20, contains: Type.Literal("Profile") }),
    ]),
    name: Type.Optional(Text(400)),
    givenName: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    familyName: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    additionalName: Type.Optional(Text(200)),
    patronymicName: Type.Optional(Text(200)),
    honorificPrefix: Type.Optional(Text(100)),
    honorificSuffix: Type.Optional(Text(100)),
    familyNamePrefix: Type.Optional(Text(100)),
    email: Type.Optional(Text(320)),
    url: Type.Optional(Text(2000)),
    phone: Type.Optional(Text(100)),
    description: Type.Optional(Text(10_000)),
    official: Type.Optional(Text(400)),
    dateOfBirth: Type.Optional(Type.String({ format: "date" })),
    image: Type.Optional(
      Type.Union([
        Text(2000),
        Type.Object({ id: Type.String({ minLength: 1 }), type: Type.Literal("Image") }, { additionalProperties: true }),
      ]),
    ),
    endorsementJwt: Type.Optional(Type.Union([Jws, Type.Array(Jws)])),
  },
  { additionalProperties: true, description: "An Open Badges 3.0 Profile (the learner's)." },
);
export type ObProfile = Static<typeof ObProfile>;

export interface LearnerObProfile {
  "@context": string[];
  id: string;
  type: ["Profile"];
  name?: string;
  givenName?: string;
  familyName?: string;
  email?: string;
}

export const profileIdOf = (learnerId: string) => `urn:uuid:${learnerId}`;

/** The signed-in learner as an Open Badges Profile: name from their profile, e-mail from their identifiers. */
export async function getProfile(bank: IssuingBank, actor: Actor): Promise<LearnerObProfile> {
  return profileOf(bank, learnerOf(actor, OB_SCOPE.profileReadonly), true);
}

async function profileOf(bank: IssuingBank, learnerId: string, withEmail: boolean): Promise<LearnerObProfile> {
  const learner = await getLearner(bank.db, learnerId);
  const { givenName, familyName } = learner.profile;
  const name = [givenName, familyName].filter(Boolean).join(" ");
  const email = withEmail ? learner.identifiers.find((i) => i.kind === "email")?.value : undefined;
  return {
    "@context": [OB_CONTEXT],
    id: profileIdOf(learnerId),
    type: ["Profile"],
    ...(name ? { name } : {}),
    ...(givenName ? { givenName } : {}),
    ...(familyName ? { familyName } : {}),
    ...(email ? { email } : {}),
  };
}

/**
 * Renames the signed-in learner: `givenName` and `familyName` when either is given (a missing one is
 * cleared), otherwise `name`, kept whole as the given name. Nothing else changes (identifiers such as the
 * e-mail are confirmed by providers, not edited here). The body must be a Profile with the learner's id.
 */
export async function putProfile(bank: IssuingBank, actor: Actor, profile: unknown): Promise<LearnerObProfile> {
  const learnerId = learnerOf(actor, OB_SCOPE.profileUpdate);
  const problems = schemaProblems(ObProfile, profile);
  if (problems.length > 0) {
    throw invalid(
      `The profile is not valid: ${problems.map((p) => `${p.path || "body"} ${p.message}`).join("; ")}.`,
      problems,
      "invalid-profile",
    );
  }
  const body = profile as ObProfile;
  if (body.id !== profileIdOf(learnerId)) {
    throw invalid(
      `This is the profile ${profileIdOf(learnerId)}; the body names ${body.id.slice(0, 100)}.`,
      [{ path: "/id", message: `must be ${profileIdOf(learnerId)}` }],
      "profile-id-mismatch",
    );
  }
  const learner = await getLearner(bank.db, learnerId);
  if (learner.status === "erased") {
    throw conflict(
      "This account's personal data was erased; its profile cannot be filled in again here.",
      "account-erased",
    );
  }
  const split = body.givenName !== undefined || body.familyName !== undefined;
  const givenName = split ? (body.givenName ?? null) : body.name?.trim() || null;
  const familyName = split ? (body.familyName ?? null) : null;
  if (split || body.name !== undefined) {
    const current = [learner.profile.givenName, learner.profile.familyName].filter(Boolean).join(" ");
    const unchanged = !split && (body.name?.trim() ?? "") === current;
    if (!unchanged) await setLearnerName(bank.db, learnerId, givenName, familyName);
  }
  // An app granted profile.update but not profile.readonly sees the name it set, not the e-mail.
  return profileOf(bank, learnerId, hasScope(actor, OB_SCOPE.profileReadonly));
}
