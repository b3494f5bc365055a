/**
 * Helpers for HTTP tests: a server on a fresh test bank (exercised with Fastify's `inject`, no socket),
 * sign-ins for every role, and a small coherent catalogue built through the services.
 *
 * The catalogue: two accredited providers (A and B, EQF levels 4 to 6, every field), each with an
 * approved unit at level 5; provider A also has a draft unit and a qualification; one learner recorded
 * by A and one recorded by B. Users: a registry admin, an admin of A, an admin of B, an assessor and a
 * learner (the learner A recorded for).
 */
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from "fastify";
import { sql } from "kysely";
import { expect } from "vitest";
import { buildServer } from "../../src/api/server.ts";
import type { AchievementRecord } from "../../src/domain/schema/accounts.ts";
import type { CatalogueBundle, Provider, UnitSpec } from "../../src/domain/schema/catalogue.ts";
import { createUser } from "../../src/services/access.ts";
import { OPERATOR } from "../../src/services/actor.ts";
import type { Bank } from "../../src/services/bank.ts";
import { importBundle } from "../../src/services/bundle-import.ts";
import { recordAchievements } from "../../src/services/recording.ts";
import { testBank } from "./bank.ts";

export type TestBank = Bank & { dispose(): Promise<void> };

export interface Harness {
  bank: TestBank;
  app: FastifyInstance;
  dispose(): Promise<void>;
}

/** A fresh bank and a server on it; `env` configures the bank (e.g. BODY_LIMIT). */
export async function startApi(env: Record<string, string> = {}): Promise<Harness> {
  const bank = await testBank(env);
  const app = await buildServer(bank, { logger: false });
  return {
    bank,
    app,
    async dispose() {
      await app.close();
      await bank.dispose();
    },
  };
}

export const PASSWORD = "correct-horse-battery-staple";

export type Caller = "public" | "registry-admin" | "provider-admin" | "assessor" | "learner";
export const CALLERS: readonly Caller[] = ["public", "registry-admin", "provider-admin", "assessor", "learner"];

/** The parsed body of an error response, checked for the one error shape. */
export interface ErrorBody {
  error: { code: string; message: string; details?: Array<{ path: string; message: string; code?: string }> };
}

export interface CallOptions {
  token?: string | undefined;
  body?: unknown;
  /** A raw payload with its content type (for malformed JSON, CSV, YAML, forms). */
  raw?: { payload: string | Buffer; contentType: string };
  query?: Record<string, string | string[]>;
  headers?: Record<string, string>;
}

/** One request through `inject`; JSON bodies unless `raw` is given. */
export async function call(
  app: FastifyInstance,
  method: string,
  url: string,
  opts: CallOptions = {},
): Promise<LightMyRequestResponse> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  const request: InjectOptions = { method: method as InjectOptions["method"], url, headers };
  if (opts.query) request.query = opts.query;
  if (opts.raw) {
    headers["content-type"] = opts.raw.contentType;
    request.payload = opts.raw.payload;
  } else if (opts.body !== undefined) {
    headers["content-type"] = "application/json";
    request.payload = JSON.stringify(opts.body);
  }
  return app.inject(request);
}

/** The JSON body of a response (undefined when it is not JSON). */
// biome-ignore lint/suspicious/noExplicitAny: a response body is untyped; the assertions that read it check its shape.
export function json<T = any>(res: LightMyRequestResponse): T {
  try {
    return JSON.parse(res.body) as T;
  } catch {
    return undefined as T;
  }
}

/**
 * Asserts an error response: the status, the code, the one error shape, a human sentence, and no stack
 * trace or internal detail. Returns the error for further checks.
 */
export function expectError(res: LightMyRequestResponse, status: number, code?: string): ErrorBody["error"] {
  const body = json<ErrorBody>(res);
  expect({ status: res.statusCode, code: body?.error?.code }, res.body).toEqual({
    status,
    code: code ?? body?.error?.code,
  });
  expectErrorShape(res);
  return body.error;
}

/** Any 4xx/5xx: `{ error: { code, message, details? } }`, a sentence, nothing from inside the server. */
export function expectErrorShape(res: LightMyRequestResponse): void {
  const body = json<ErrorBody>(res);
  expect(body, `not a JSON error body: ${res.body.slice(0, 300)}`).toBeTypeOf("object");
  expect(body.error.code, res.body).toMatch(/^[a-z][a-z0-9_-]*$/);
  expect(body.error.message, res.body).toBeTypeOf("string");
  expect(body.error.message.length, res.body).toBeGreaterThan(5);
  expect(
    Object.keys(body.error).every((k) => ["code", "message", "details"].includes(k)),
    res.body,
  ).toBe(true);
  expect(res.body, "a stack trace leaked").not.toMatch(/\bat .+\.(ts|js|mjs):\d+|node_modules|Error: /);
}

export async function signIn(app: FastifyInstance, email: string, password = PASSWORD): Promise<string> {
  const res = await call(app, "POST", "/api/v1/auth/login", { body: { email, password } });
  expect(res.statusCode, res.body).toBe(200);
  return json<{ token: string }>(res).token;
}

// ---------------------------------------------------------------------------------------------
// The small catalogue

export const EQF_ACCREDITATION = {
  framework: "eqf",
  minLevel: "4",
  maxLevel: "6",
  fields: ["*"],
  validFrom: "2020-01-01",
};

export function provider(id: string, name: string, extra: Partial<Provider> = {}): Provider {
  return {
    id,
    name,
    kind: "university",
    country: "IE",
    qualityAssurance: "Internal review every year and external review by the national agency every five years.",
    accreditations: [{ ...EQF_ACCREDITATION }],
    ...extra,
  };
}

/** A complete unit that passes the coherence check for a provider accredited as EQF_ACCREDITATION. */
export function coherentUnit(providerId: string, code: string, extra: Partial<UnitSpec> = {}): UnitSpec {
  return {
    provider: providerId,
    code,
    title: `Data engineering with SQL (${code})`,
    language: "en",
    level: { framework: "eqf", level: "5" },
    credits: { value: 5, system: "ects" },
    notionalHours: 140,
    field: "0613",
    objectives: [
      { id: "O1", text: "Understand relational data." },
      { id: "O2", text: "Build data pipelines." },
    ],
    outcomes: [
      { id: "LO1", text: "Explain normal forms.", dimension: "knowledge-understanding", objectives: ["O1"] },
      { id: "LO2", text: "Write correct SQL queries.", dimension: "skills-capacity", objectives: ["O1"] },
      { id: "LO3", text: "Respect data protection.", dimension: "attitudes-values", objectives: ["O2"] },
    ],
    assessments: [
      { id: "A1", method: "written-exam", outcomes: ["LO1", "LO2"], weight: 60 },
      { id: "A2", method: "project", outcomes: ["LO3"], weight: 40 },
    ],
    mode: "online",
    identityVerification: "supervised-with-identity-verification",
    stackability: "stackable",
    ...extra,
  };
}

export function achievement(
  providerId: string,
  unit: string,
  email: string,
  extra: Partial<AchievementRecord> = {},
): AchievementRecord {
  return {
    provider: providerId,
    unit,
    learner: { identifiers: [{ kind: "email", value: email }], givenName: "Ada", familyName: "Lovelace" },
    achievedOn: "2025-06-01",
    result: "passed",
    ...extra,
  };
}

export const A = "prov-a";
export const B = "prov-b";

export interface World {
  providerA: string;
  providerB: string;
  /** Approved unit of A (code A-APP), B (B-APP); draft unit of A (A-DRAFT). */
  units: { approvedA: string; approvedB: string; draftA: string };
  qualificationA: string;
  /** Learner recorded by A (and signed in as `learner`), learner recorded by B. */
  learners: { ofA: string; ofB: string };
  achievements: { ofA: string; ofB: string };
  /** The credentials those achievements stand on. */
  credentials: { ofA: string; ofB: string };
  emails: Record<"registry" | "providerA" | "providerB" | "assessor" | "learner", string>;
  tokens: Record<Exclude<Caller, "public">, string> & { providerB: string };
}

/** Builds the small catalogue through the services and signs every role in over HTTP. */
export async function buildWorld(h: Harness): Promise<World> {
  const db = h.bank.db;
  const bundle: CatalogueBundle = {
    providers: [provider(A, "Provider A University"), provider(B, "Provider B College", { kind: "college" })],
    units: [
      { ...coherentUnit(A, "A-APP"), status: "approved" },
      { ...coherentUnit(B, "B-APP"), status: "approved" },
      { ...coherentUnit(A, "A-DRAFT", { title: "A draft nobody outside A may see" }), status: "draft" },
    ],
    qualifications: [
      {
        awardingBody: A,
        code: "CERT-DATA",
        title: "Certificate in data engineering",
        type: "certificate",
        level: { framework: "eqf", level: "5" },
        credits: { value: 30, system: "ects" },
      },
    ],
  };
  await importBundle(db, OPERATOR, bundle, "test world");
  const unitId = async (p: string, code: string) =>
    (
      await db
        .selectFrom("unit")
        .select("id")
        .where("provider_id", "=", p)
        .where("code", "=", code)
        .executeTakeFirstOrThrow()
    ).id;
  const qualificationA = (await db.selectFrom("qualification").select("id").executeTakeFirstOrThrow()).id;

  const actorOf = (providerId: string) => ({
    kind: "operator" as const,
    role: "provider-admin" as const,
    providerId,
    label: `test ${providerId}`,
  });
  const recA = await recordAchievements(h.bank, actorOf(A), [
    { row: 1, record: achievement(A, "A-APP", "learner.a@example.org") },
  ]);
  const recB = await recordAchievements(h.bank, actorOf(B), [
    { row: 1, record: achievement(B, "B-APP", "learner.b@example.org") },
  ]);
  const [a] = recA.results;
  const [b] = recB.results;
  if (!a || !b) throw new Error(`recording failed: ${JSON.stringify([recA.errors, recB.errors])}`);

  const emails = {
    registry: "registry@test.example",
    providerA: "staff@prov-a.test.example",
    providerB: "staff@prov-b.test.example",
    assessor: "assessor@test.example",
    learner: "learner.a@test.example",
  };
  await createUser(db, OPERATOR, {
    email: emails.registry,
    password: PASSWORD,
    displayName: "Registry",
    role: "registry-admin",
  });
  await createUser(db, OPERATOR, {
    email: emails.providerA,
    password: PASSWORD,
    displayName: "A staff",
    role: "provider-admin",
    providerId: A,
  });
  await createUser(db, OPERATOR, {
    email: emails.providerB,
    password: PASSWORD,
    displayName: "B staff",
    role: "provider-admin",
    providerId: B,
  });
  await createUser(db, OPERATOR, {
    email: emails.assessor,
    password: PASSWORD,
    displayName: "Assessor",
    role: "assessor",
  });
  await createUser(db, OPERATOR, {
    email: emails.learner,
    password: PASSWORD,
    displayName: "Learner A",
    role: "learner",
    learnerId: a.learnerId,
  });

  const tokens = {
    "registry-admin": await signIn(h.app, emails.registry),
    "provider-admin": await signIn(h.app, emails.providerA),
    providerB: await signIn(h.app, emails.providerB),
    assessor: await signIn(h.app, emails.assessor),
    learner: await signIn(h.app, emails.learner),
  };
  return {
    providerA: A,
    providerB: B,
    units: {
      approvedA: await unitId(A, "A-APP"),
      approvedB: await unitId(B, "B-APP"),
      draftA: await unitId(A, "A-DRAFT"),
    },
    qualificationA,
    learners: { ofA: a.learnerId, ofB: b.learnerId },
    achievements: { ofA: a.achievementId, ofB: b.achievementId },
    credentials: { ofA: a.credentialId, ofB: b.credentialId },
    emails,
    tokens,
  };
}

/** The tables that hold the register and the accounts. */
const COUNTED_TABLES = [
  "provider",
  "accreditation",
  "unit",
  "unit_version",
  "qualification",
  "qualification_version",
  "learner",
  "learner_profile",
  "learner_identifier",
  "account_merge",
  "achievement",
  "account_entry",
  "register_event",
  "app_user",
  "api_client",
] as const;

/** Row counts of those tables, to prove that a refused request wrote nothing. */
export async function tableCounts(bank: Bank): Promise<Record<(typeof COUNTED_TABLES)[number], number>> {
  // One statement, so that counting before and after every request stays cheap.
  const counts = sql.join(COUNTED_TABLES.map((t) => sql`(select count(*) from ${sql.table(t)})::int as ${sql.ref(t)}`));
  const { rows } = await sql<Record<(typeof COUNTED_TABLES)[number], number>>`select ${counts}`.execute(bank.db);
  return rows[0] as Record<(typeof COUNTED_TABLES)[number], number>;
}

export const RANDOM_UUID = "3f1c2b4a-9d8e-4f7a-8b6c-5d4e3f2a1b0c";
