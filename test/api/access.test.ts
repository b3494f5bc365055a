/**
 * Who may call what, proved over HTTP.
 *
 * 1. The access matrix: a table of every route with the roles it declares. The table is checked
 *    against the running server (every route in the OpenAPI document has a row, every row is a route,
 *    and the roles the server declares are the roles in the row), then every row is called as every
 *    kind of caller: those outside the roles are refused by access control (401 for the public, 403 for
 *    the signed-in), those inside are not.
 * 2. Ownership beyond roles: a provider acts only for itself and within its accreditation; a learner
 *    sees only their own account; a provider sees only learners it recorded for; drafts stay private.
 * 3. Tokens: unknown, expired, malformed, logged out; cookies; OAuth client credentials.
 */
import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { login } from "../../src/services/access.ts";
import {
  A,
  achievement,
  B,
  buildWorld,
  CALLERS,
  type Caller,
  call,
  coherentUnit,
  EQF_ACCREDITATION,
  expectError,
  type Harness,
  json,
  PASSWORD,
  provider,
  RANDOM_UUID,
  signIn,
  startApi,
  type World,
} from "../support/api.ts";

let h: Harness;
let w: World;

beforeAll(async () => {
  h = await startApi();
  w = await buildWorld(h);
});
afterAll(async () => {
  await h?.dispose();
});

// ---------------------------------------------------------------------------------------------
// 1. The access matrix

type RouteRole = Exclude<Caller, "public"> | "public";
const EVERYONE: RouteRole[] = ["public"];
const REGISTRY: RouteRole[] = ["registry-admin"];
const EDITORS: RouteRole[] = ["registry-admin", "provider-admin"];
const STAFF: RouteRole[] = ["registry-admin", "provider-admin", "assessor"];
const SIGNED_IN: RouteRole[] = ["registry-admin", "provider-admin", "assessor", "learner"];

interface Row {
  method: "GET" | "POST" | "PUT" | "DELETE";
  /** The route as OpenAPI writes it. */
  path: string;
  roles: RouteRole[];
  /** The URL to call, with sample parameters. Samples are chosen so that allowed callers change nothing. */
  url: (w: World) => string;
  body?: (w: World) => unknown;
  form?: string;
  query?: Record<string, string>;
  /** The call ends the caller's session: use a session of its own. */
  freshSession?: boolean;
  /** Not in the OpenAPI document (schema.hide). */
  hidden?: boolean;
}

const OTHER_UUID = "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d";

const MATRIX: Row[] = [
  // System
  { method: "GET", path: "/healthz", roles: EVERYONE, url: () => "/healthz" },
  { method: "GET", path: "/metrics", roles: EVERYONE, url: () => "/metrics" },
  { method: "GET", path: "/openapi.json", roles: EVERYONE, url: () => "/openapi.json", hidden: true },
  // Access
  {
    method: "POST",
    path: "/api/v1/auth/login",
    roles: EVERYONE,
    url: () => "/api/v1/auth/login",
    body: () => ({ email: "nobody@test.example", password: "not-the-password" }),
  },
  {
    method: "POST",
    path: "/api/v1/auth/logout",
    roles: SIGNED_IN,
    url: () => "/api/v1/auth/logout",
    freshSession: true,
  },
  { method: "GET", path: "/api/v1/auth/me", roles: SIGNED_IN, url: () => "/api/v1/auth/me" },
  {
    method: "POST",
    path: "/oauth/token",
    roles: EVERYONE,
    url: () => "/oauth/token",
    form: "grant_type=client_credentials&client_id=cb_nobody&client_secret=nothing",
  },
  // OAuth 2.0 for apps learners connect (errors in the RFCs' shape: { error, error_description })
  {
    method: "POST",
    path: "/oauth/register",
    roles: EVERYONE,
    url: () => "/oauth/register",
    body: () => ({ client_name: "Matrix app", client_uri: "https://matrix.example" }), // no redirect_uris: refused
  },
  { method: "GET", path: "/oauth/authorize", roles: EVERYONE, url: () => "/oauth/authorize" }, // no client: error page
  {
    method: "POST",
    path: "/oauth/authorize",
    roles: EVERYONE,
    url: () => "/oauth/authorize",
    form: "request=no-such-request&action=deny", // no pending request: error page
  },
  {
    method: "POST",
    path: "/oauth/revoke",
    roles: EVERYONE,
    url: () => "/oauth/revoke",
    form: "token=nothing&client_id=ob_nobody&client_secret=nothing",
  },
  {
    method: "GET",
    path: "/.well-known/oauth-authorization-server",
    roles: EVERYONE,
    url: () => "/.well-known/oauth-authorization-server",
  },
  { method: "GET", path: "/terms", roles: EVERYONE, url: () => "/terms" },
  { method: "GET", path: "/privacy", roles: EVERYONE, url: () => "/privacy" },
  {
    method: "POST",
    path: "/api/v1/users",
    roles: REGISTRY,
    url: () => "/api/v1/users",
    // Refused by the service (password too short), so nothing is created.
    body: () => ({ email: "matrix.user@test.example", password: "short", displayName: "Matrix", role: "assessor" }),
  },
  {
    method: "POST",
    path: "/api/v1/clients",
    roles: REGISTRY,
    url: () => "/api/v1/clients",
    body: () => ({ name: "Matrix LMS", role: "provider-admin" }), // no providerId: refused by the service
  },
  // Register
  { method: "GET", path: "/api/v1/frameworks", roles: EVERYONE, url: () => "/api/v1/frameworks" },
  { method: "GET", path: "/api/v1/frameworks/{id}", roles: EVERYONE, url: () => "/api/v1/frameworks/eqf" },
  {
    method: "PUT",
    path: "/api/v1/frameworks/{id}",
    roles: REGISTRY,
    url: () => "/api/v1/frameworks/matrix-fw",
    body: () => ({ id: "other-fw", name: "Other", levels: [{ code: "1", ordinal: 1 }] }), // id mismatch
  },
  { method: "GET", path: "/api/v1/credit-systems", roles: EVERYONE, url: () => "/api/v1/credit-systems" },
  { method: "GET", path: "/api/v1/skill-frameworks/{id}", roles: EVERYONE, url: () => "/api/v1/skill-frameworks/none" },
  { method: "GET", path: "/api/v1/providers", roles: EVERYONE, url: () => "/api/v1/providers" },
  { method: "GET", path: "/api/v1/providers/{id}", roles: EVERYONE, url: (w) => `/api/v1/providers/${w.providerA}` },
  {
    method: "GET",
    path: "/api/v1/providers/{id}/history",
    roles: EVERYONE,
    url: (w) => `/api/v1/providers/${w.providerA}/history`,
  },
  {
    method: "PUT",
    path: "/api/v1/providers/{id}",
    roles: REGISTRY,
    url: () => "/api/v1/providers/matrix-prov",
    body: () => provider("other-prov", "Other"), // id mismatch
  },
  {
    method: "POST",
    path: "/api/v1/providers/{id}/accreditations/{accreditationId}/{action}",
    roles: REGISTRY,
    url: (w) => `/api/v1/providers/${w.providerA}/accreditations/${RANDOM_UUID}/suspend`,
    body: () => ({ reason: "matrix" }),
  },
  { method: "POST", path: "/api/v1/bundles", roles: REGISTRY, url: () => "/api/v1/bundles", body: () => ({}) },
  // Catalogue
  { method: "GET", path: "/api/v1/units", roles: EVERYONE, url: () => "/api/v1/units" },
  {
    method: "POST",
    path: "/api/v1/units",
    roles: EDITORS,
    url: () => "/api/v1/units",
    body: () => coherentUnit("no-such-provider", "MATRIX"),
  },
  { method: "GET", path: "/api/v1/units/{unitId}", roles: EVERYONE, url: (w) => `/api/v1/units/${w.units.approvedA}` },
  {
    method: "GET",
    path: "/api/v1/units/{unitId}/versions",
    roles: EVERYONE,
    url: (w) => `/api/v1/units/${w.units.approvedA}/versions`,
  },
  {
    method: "GET",
    path: "/api/v1/units/{unitId}/history",
    roles: EDITORS,
    url: (w) => `/api/v1/units/${w.units.approvedA}/history`,
  },
  {
    method: "POST",
    path: "/api/v1/units/{unitId}/versions/{version}/{action}",
    roles: EDITORS,
    url: () => `/api/v1/units/${RANDOM_UUID}/versions/1/submit`,
    body: () => ({}),
  },
  {
    method: "POST",
    path: "/api/v1/coherence-check",
    roles: STAFF,
    url: () => "/api/v1/coherence-check",
    body: (w) => coherentUnit(w.providerA, "CHECK-ONLY"),
  },
  { method: "GET", path: "/api/v1/qualifications", roles: EVERYONE, url: () => "/api/v1/qualifications" },
  {
    method: "GET",
    path: "/api/v1/qualifications/{id}",
    roles: EVERYONE,
    url: (w) => `/api/v1/qualifications/${w.qualificationA}`,
  },
  {
    method: "POST",
    path: "/api/v1/qualifications",
    roles: REGISTRY,
    url: () => "/api/v1/qualifications",
    body: () => ({
      awardingBody: "no-such-provider",
      code: "Q-MATRIX",
      title: "Matrix certificate",
      type: "certificate",
      level: { framework: "eqf", level: "5" },
      credits: { value: 30, system: "ects" },
    }),
  },
  // Accounts
  {
    method: "POST",
    path: "/api/v1/learners",
    roles: EDITORS,
    url: () => "/api/v1/learners",
    body: () => ({ identifiers: [{ kind: "email", value: "not-an-email" }] }), // refused by the service
  },
  {
    method: "GET",
    path: "/api/v1/learners/lookup",
    roles: STAFF,
    url: () => "/api/v1/learners/lookup",
    query: { kind: "email", value: "nobody@example.org" },
  },
  {
    method: "GET",
    path: "/api/v1/learners/{learnerId}",
    roles: SIGNED_IN,
    url: (w) => `/api/v1/learners/${w.learners.ofA}`,
  },
  {
    method: "GET",
    path: "/api/v1/learners/{learnerId}/statement",
    roles: SIGNED_IN,
    url: (w) => `/api/v1/learners/${w.learners.ofA}/statement`,
  },
  {
    method: "POST",
    path: "/api/v1/learners/{learnerId}/merge",
    roles: REGISTRY,
    url: () => `/api/v1/learners/${RANDOM_UUID}/merge`,
    body: () => ({ mergedId: OTHER_UUID, reason: "matrix" }),
  },
  {
    method: "DELETE",
    path: "/api/v1/learners/{learnerId}/personal-data",
    roles: REGISTRY,
    url: () => `/api/v1/learners/${RANDOM_UUID}/personal-data`,
  },
  {
    method: "POST",
    path: "/api/v1/learners/{learnerId}/achievements/{achievementId}/revoke",
    roles: EDITORS,
    url: () => `/api/v1/learners/${RANDOM_UUID}/achievements/${OTHER_UUID}/revoke`,
    body: () => ({ reason: "matrix" }),
  },
  { method: "POST", path: "/api/v1/achievements", roles: EDITORS, url: () => "/api/v1/achievements", body: () => ({}) },
  {
    method: "POST",
    path: "/api/v1/achievements/bulk",
    roles: EDITORS,
    url: () => "/api/v1/achievements/bulk",
    body: () => [],
  },
  // Credentials
  { method: "GET", path: "/.well-known/did.json", roles: EVERYONE, url: () => "/.well-known/did.json" },
  { method: "GET", path: "/did.json", roles: EVERYONE, url: () => "/did.json" },
  { method: "GET", path: "/key-history.json", roles: EVERYONE, url: () => "/key-history.json" },
  {
    method: "GET",
    path: "/issuers/{issuerId}/did.json",
    roles: EVERYONE,
    url: (w) => `/issuers/${w.providerA}/did.json`,
  },
  {
    method: "GET",
    path: "/issuers/{issuerId}/key-history.json",
    roles: EVERYONE,
    url: (w) => `/issuers/${w.providerA}/key-history.json`,
  },
  {
    method: "GET",
    path: "/status/{listId}/{purpose}",
    roles: EVERYONE,
    url: (w) => `/status/${w.providerA}-1/revocation`,
  },
  {
    method: "POST",
    path: "/credentials/issue",
    roles: EDITORS,
    url: () => "/credentials/issue",
    body: () => ({ credential: { "@context": ["https://example.org/not-vc"] } }), // refused by the service
  },
  {
    method: "POST",
    path: "/credentials/verify",
    roles: EVERYONE,
    url: () => "/credentials/verify",
    body: () => ({ verifiableCredential: "not.a.jwt" }),
  },
  {
    method: "POST",
    path: "/presentations/verify",
    roles: EVERYONE,
    url: () => "/presentations/verify",
    body: () => ({ verifiablePresentation: {} }),
  },
  { method: "POST", path: "/api/v1/verify", roles: EVERYONE, url: () => "/api/v1/verify", body: () => ({}) },
  {
    method: "GET",
    path: "/api/v1/credentials/{credentialId}",
    roles: SIGNED_IN,
    url: (w) => `/api/v1/credentials/${w.credentials.ofA}`,
  },
  ...(["revoke", "suspend", "reinstate"] as const).map(
    (action): Row => ({
      method: "POST",
      path: `/api/v1/credentials/{credentialId}/${action}`,
      roles: EDITORS,
      url: () => `/api/v1/credentials/${RANDOM_UUID}/${action}`, // no such credential: nothing changes
      body: () => ({ reason: "matrix" }),
    }),
  ),
  {
    method: "GET",
    path: "/api/v1/learners/{learnerId}/credentials",
    roles: SIGNED_IN,
    url: (w) => `/api/v1/learners/${w.learners.ofA}/credentials`,
  },
  {
    method: "GET",
    path: "/api/v1/learners/{learnerId}/transcript",
    roles: SIGNED_IN,
    url: (w) => `/api/v1/learners/${w.learners.ofA}/transcript`,
  },
  {
    method: "GET",
    path: "/api/v1/credentials/{credentialId}/{file}",
    roles: SIGNED_IN,
    url: (w) => `/api/v1/credentials/${w.credentials.ofA}/badge.svg`,
  },
  {
    method: "GET",
    path: "/api/v1/credentials/{credentialId}/verification",
    roles: EVERYONE,
    url: (w) => `/api/v1/credentials/${w.credentials.ofA}/verification`,
  },
  {
    method: "POST",
    path: "/api/v1/credentials/bulk-revoke",
    roles: EDITORS,
    url: () => "/api/v1/credentials/bulk-revoke",
    body: () => [{ credential: RANDOM_UUID, reason: "matrix" }], // no such credential: nothing changes
  },
  {
    method: "POST",
    path: "/api/v1/credentials/reissue",
    roles: EDITORS,
    url: () => "/api/v1/credentials/reissue",
    body: () => [{ credential: RANDOM_UUID, reason: "matrix" }],
  },
  { method: "GET", path: "/verify", roles: EVERYONE, url: () => "/verify" },
  {
    method: "PUT",
    path: "/api/v1/learners/{learnerId}/did",
    roles: SIGNED_IN,
    url: (w) => `/api/v1/learners/${w.learners.ofA}/did`,
    body: () => ({ did: "not a did" }), // refused by the service
  },
  {
    method: "POST",
    path: "/api/v1/issuers/{issuerId}/keys/rotate",
    roles: EDITORS,
    url: () => "/api/v1/issuers/nobody/keys/rotate", // no such issuer: nothing changes
    body: () => ({ reason: "matrix" }),
  },
  {
    method: "POST",
    path: "/api/v1/issuers/{issuerId}/keys/retire",
    roles: EDITORS,
    url: (w) => `/api/v1/issuers/${w.providerA}/keys/retire`,
    body: () => ({ keyId: "did:web:nowhere#z6Mk", reason: "matrix" }),
  },
  {
    method: "POST",
    path: "/api/v1/issuers/{issuerId}/keys/compromised",
    roles: REGISTRY,
    url: (w) => `/api/v1/issuers/${w.providerA}/keys/compromised`,
    body: () => ({ keyId: "did:web:nowhere#z6Mk", since: "2026-01-01T00:00:00Z", reason: "matrix" }),
  },
  // Open Badges 3.0 API (its errors are imsx_StatusInfo bodies, naming our code)
  { method: "GET", path: "/ims/ob/v3p0/discovery", roles: EVERYONE, url: () => "/ims/ob/v3p0/discovery" },
  { method: "GET", path: "/ims/ob/v3p0/credentials", roles: ["learner"], url: () => "/ims/ob/v3p0/credentials" },
  {
    method: "POST",
    path: "/ims/ob/v3p0/credentials",
    roles: ["learner"],
    url: () => "/ims/ob/v3p0/credentials",
    body: () => ({}), // does not verify: nothing is stored
  },
  { method: "GET", path: "/ims/ob/v3p0/profile", roles: ["learner"], url: () => "/ims/ob/v3p0/profile" },
  {
    method: "PUT",
    path: "/ims/ob/v3p0/profile",
    roles: ["learner"],
    url: () => "/ims/ob/v3p0/profile",
    body: () => ({ id: "urn:uuid:not-the-learner", name: "Matrix" }), // no type: refused by validation
  },
  // Transparency log (public: it holds no personal data)
  { method: "GET", path: "/log/checkpoint", roles: EVERYONE, url: () => "/log/checkpoint" },
  // A wildcard path OpenAPI cannot write: hidden from the document, listed in docs/api.md.
  { method: "GET", path: "/log/tile/*", roles: EVERYONE, url: () => "/log/tile/0/000.p/1", hidden: true },
  {
    method: "POST",
    path: "/log/witness/add-checkpoint",
    roles: EVERYONE,
    url: () => "/log/witness/add-checkpoint",
    body: () => ({}), // not a witness request: refused, nothing cosigned
  },
  { method: "GET", path: "/api/v1/log", roles: EVERYONE, url: () => "/api/v1/log" },
  { method: "GET", path: "/api/v1/log/checkpoints", roles: EVERYONE, url: () => "/api/v1/log/checkpoints" },
  {
    method: "GET",
    path: "/api/v1/log/credentials/{credentialId}/proof",
    roles: EVERYONE,
    url: (w) => `/api/v1/log/credentials/${w.credentials.ofA}/proof`,
  },
  {
    method: "GET",
    path: "/api/v1/log/credentials/{credentialId}/events",
    roles: EVERYONE,
    url: (w) => `/api/v1/log/credentials/${w.credentials.ofA}/events`,
  },
  {
    method: "GET",
    path: "/api/v1/log/events/{eventId}/proof",
    roles: EVERYONE,
    url: () => "/api/v1/log/events/1/proof",
  },
  { method: "GET", path: "/api/v1/log/consistency", roles: EVERYONE, url: () => "/api/v1/log/consistency?from=1" },
];

/** The codes with which access control (not a handler) refuses a caller. */
const ACCESS_REFUSALS = ["authentication-required", "forbidden", "invalid-token", "invalid-authorization-header"];

const CALLER_EMAIL: Record<Exclude<Caller, "public">, keyof World["emails"]> = {
  "registry-admin": "registry",
  "provider-admin": "providerA",
  assessor: "assessor",
  learner: "learner",
};

async function callRow(row: Row, caller: Caller): Promise<LightMyRequestResponse> {
  let token: string | undefined;
  if (caller !== "public") {
    token = row.freshSession ? await signIn(h.app, w.emails[CALLER_EMAIL[caller]]) : w.tokens[caller];
  }
  return call(h.app, row.method, row.url(w), {
    token,
    ...(row.body ? { body: row.body(w) } : {}),
    ...(row.form ? { raw: { payload: row.form, contentType: "application/x-www-form-urlencoded" } } : {}),
    ...(row.query ? { query: row.query } : {}),
  });
}

const key = (method: string, path: string) => `${method.toUpperCase()} ${path}`;

/** The roles an OpenAPI description names ("Anyone (no sign-in needed)." or "Roles: a, b."). */
function rolesIn(description: string): RouteRole[] | undefined {
  if (description.startsWith("Anyone (no sign-in needed).")) return ["public"];
  const m = /^Roles: ([a-z, -]+)\./.exec(description);
  return m?.[1]?.split(", ") as RouteRole[] | undefined;
}

describe("the access matrix", () => {
  it("has a row for every route of the server, and every row is a route", async () => {
    const doc = json<{ paths: Record<string, Record<string, { description?: string }>> }>(
      await call(h.app, "GET", "/openapi.json"),
    );
    const served = new Set<string>();
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const method of Object.keys(ops)) if (method !== "head") served.add(key(method, path));
    }
    const table = new Set(MATRIX.filter((r) => !r.hidden).map((r) => key(r.method, r.path)));
    expect(
      [...served].filter((k) => !table.has(k)),
      "routes without a row in the matrix",
    ).toEqual([]);
    expect(
      [...table].filter((k) => !served.has(k)),
      "rows for routes the server does not have",
    ).toEqual([]);
    for (const row of MATRIX) {
      const url = row.path.replace(/\{(\w+)\}/g, ":$1");
      expect(h.app.hasRoute({ method: row.method, url }), `${row.method} ${url}`).toBe(true);
    }
  });

  it("declares, in the running server, exactly the roles of the table", async () => {
    const doc = json<{ paths: Record<string, Record<string, { description?: string }>> }>(
      await call(h.app, "GET", "/openapi.json"),
    );
    for (const row of MATRIX.filter((r) => !r.hidden)) {
      const op = doc.paths[row.path]?.[row.method.toLowerCase()];
      const declared = rolesIn(op?.description ?? "");
      expect(declared ? [...declared].sort() : declared, key(row.method, row.path)).toEqual([...row.roles].sort());
    }
  });

  for (const row of MATRIX) {
    for (const caller of CALLERS) {
      const allowed = row.roles.includes("public") || row.roles.includes(caller as RouteRole);
      it(`${row.method} ${row.path} as ${caller}: ${allowed ? "allowed" : caller === "public" ? "401" : "403"}`, async () => {
        const res = await callRow(row, caller);
        expect(res.statusCode, res.body).toBeLessThan(500);
        // The Open Badges API (/ims/ob/v3p0) answers errors as imsx_StatusInfo, naming our code first.
        const imsx = json(res)?.imsx_codeMinor?.imsx_codeMinorField?.[0]?.imsx_codeMinorFieldName;
        if (allowed) {
          const code = res.statusCode >= 400 ? (json(res)?.error?.code ?? imsx) : undefined;
          expect(ACCESS_REFUSALS.includes(code), `${res.statusCode} ${res.body}`).toBe(false);
        } else if (row.path.startsWith("/ims/ob/")) {
          expect([res.statusCode, imsx], res.body).toEqual(
            caller === "public" ? [401, "authentication-required"] : [403, "forbidden"],
          );
        } else if (caller === "public") {
          expectError(res, 401, "authentication-required");
        } else {
          const error = expectError(res, 403, "forbidden");
          expect(error.message).toContain(caller);
        }
      });
    }
  }

  it("refuses a caller before looking at the body: an anonymous invalid body gets 401, not a validation report", async () => {
    const res = await call(h.app, "POST", "/api/v1/units", { body: { provider: "prov-a" } });
    expectError(res, 401, "authentication-required");
    const learner = await call(h.app, "POST", "/api/v1/units", { token: w.tokens.learner, body: { title: 5 } });
    expectError(learner, 403, "forbidden");
  });
});

// ---------------------------------------------------------------------------------------------
// 2. Ownership

describe("a provider acts only for itself", () => {
  it("cannot record an achievement for another provider's unit", async () => {
    const res = await call(h.app, "POST", "/api/v1/achievements", {
      token: w.tokens["provider-admin"],
      body: achievement(B, "B-APP", "someone.new@example.org"),
    });
    const error = expectError(res, 403, "not-your-provider");
    expect(error.details?.[0]?.path).toBe("/provider");
    // Nothing was opened for the person either.
    const lookup = await call(h.app, "GET", "/api/v1/learners/lookup", {
      token: w.tokens["registry-admin"],
      query: { kind: "email", value: "someone.new@example.org" },
    });
    expectError(lookup, 404, "learner-not-found");
  });

  it("cannot record for another provider in a bulk file: the row is refused, its own rows go in", async () => {
    const res = await call(h.app, "POST", "/api/v1/achievements/bulk", {
      token: w.tokens["provider-admin"],
      body: [achievement(A, "A-APP", "bulk.own@example.org"), achievement(B, "B-APP", "bulk.other@example.org")],
    });
    expect(res.statusCode, res.body).toBe(200);
    const report = json(res);
    expect(report.recorded).toBe(1);
    expect(report.errors).toEqual([
      expect.objectContaining({ row: 1, field: "/1/provider", code: "not-your-provider" }),
    ]);
  });

  it("cannot save a unit for another provider, nor submit or withdraw another provider's unit", async () => {
    const token = w.tokens["provider-admin"];
    expectError(
      await call(h.app, "POST", "/api/v1/units", { token, body: coherentUnit(B, "B-BY-A") }),
      403,
      "not-your-provider",
    );
    expectError(
      await call(h.app, "POST", "/api/v1/units", { token, body: coherentUnit(B, "B-APP", { title: "Hijacked" }) }),
      403,
      "not-your-provider",
    );
    expectError(
      await call(h.app, "POST", `/api/v1/units/${w.units.approvedB}/versions/1/withdraw`, {
        token,
        body: { reason: "mine now" },
      }),
      403,
      "not-your-provider",
    );
    // B saves a draft; A may not submit it.
    const draft = await call(h.app, "POST", "/api/v1/units", {
      token: w.tokens.providerB,
      body: coherentUnit(B, "B-NEW"),
    });
    expect(draft.statusCode, draft.body).toBe(201);
    const unitId = json(draft).unit.unitId;
    expectError(
      await call(h.app, "POST", `/api/v1/units/${unitId}/versions/1/submit`, { token, body: {} }),
      403,
      "not-your-provider",
    );
    // B's unit is unchanged.
    const b = await call(h.app, "GET", `/api/v1/units/${w.units.approvedB}`);
    expect(json(b).spec.title).not.toBe("Hijacked");
    expect(json(b).status).toBe("approved");
  });

  it("cannot approve its own unit: only the registry can", async () => {
    const token = w.tokens["provider-admin"];
    const saved = await call(h.app, "POST", "/api/v1/units", { token, body: coherentUnit(A, "A-OWN") });
    expect(saved.statusCode, saved.body).toBe(201);
    const unitId = json(saved).unit.unitId;
    const submitted = await call(h.app, "POST", `/api/v1/units/${unitId}/versions/1/submit`, { token, body: {} });
    expect(json(submitted).status, submitted.body).toBe("submitted");
    // The registry's actions are refused to the provider whatever the unit's status.
    for (const action of ["approve", "return", "suspend", "reinstate"]) {
      const res = await call(h.app, "POST", `/api/v1/units/${unitId}/versions/1/${action}`, {
        token,
        body: { reason: "self-service" },
      });
      expectError(res, 403, "forbidden");
    }
    // Still submitted, still not public.
    expectError(await call(h.app, "GET", `/api/v1/units/${unitId}`), 404, "unit-not-found");
    const approved = await call(h.app, "POST", `/api/v1/units/${unitId}/versions/1/approve`, {
      token: w.tokens["registry-admin"],
      body: {},
    });
    expect(json(approved).status, approved.body).toBe("approved");
    expect(json(await call(h.app, "GET", `/api/v1/units/${unitId}`)).status).toBe("approved");
  });

  it("cannot revoke another provider's achievement", async () => {
    const res = await call(
      h.app,
      "POST",
      `/api/v1/learners/${w.learners.ofB}/achievements/${w.achievements.ofB}/revoke`,
      {
        token: w.tokens["provider-admin"],
        body: { reason: "not mine" },
      },
    );
    expectError(res, 403, "not-your-provider");
    const statement = json(
      await call(h.app, "GET", `/api/v1/learners/${w.learners.ofB}/statement`, { token: w.tokens["registry-admin"] }),
    );
    expect(statement.entries.map((e: { type: string }) => e.type)).toEqual(["deposit"]);
  });

  it("cannot record for a level outside its accreditation, nor while the accreditation is suspended", async () => {
    const registry = w.tokens["registry-admin"];
    // Provider C, accredited for EQF 4-6, with approved units at levels 5 and 6.
    const C = "prov-c";
    const bundle = {
      providers: [provider(C, "Provider C Institute")],
      units: [
        { ...coherentUnit(C, "C-L5"), status: "approved" },
        { ...coherentUnit(C, "C-L6", { level: { framework: "eqf", level: "6" } }), status: "approved" },
      ],
    };
    const imported = await call(h.app, "POST", "/api/v1/bundles", { token: registry, body: bundle });
    expect(imported.statusCode, imported.body).toBe(200);
    const user = await call(h.app, "POST", "/api/v1/users", {
      token: registry,
      body: {
        email: "staff@prov-c.test.example",
        password: PASSWORD,
        displayName: "C staff",
        role: "provider-admin",
        providerId: C,
      },
    });
    expect(user.statusCode, user.body).toBe(201);
    const token = await signIn(h.app, "staff@prov-c.test.example");
    const record = (unit: string, email: string) =>
      call(h.app, "POST", "/api/v1/achievements", { token, body: achievement(C, unit, email) });

    expect((await record("C-L6", "c1@example.org")).statusCode).toBe(201);

    // The registry narrows the accreditation to EQF 4-5: level 6 is now outside it.
    const narrowed = await call(h.app, "PUT", `/api/v1/providers/${C}`, {
      token: registry,
      body: provider(C, "Provider C Institute", { accreditations: [{ ...EQF_ACCREDITATION, maxLevel: "5" }] }),
    });
    expect(narrowed.statusCode, narrowed.body).toBe(200);
    const refused = await record("C-L6", "c2@example.org");
    const error = expectError(refused, 422, "level-outside-accreditation");
    expect(error.details?.[0]?.path).toBe("/unit");
    expect((await record("C-L5", "c2@example.org")).statusCode).toBe(201);

    // The registry suspends the accreditation: nothing can be recorded.
    const accreditationId = json(narrowed).provider.accreditations[0].id as string;
    const suspended = await call(h.app, "POST", `/api/v1/providers/${C}/accreditations/${accreditationId}/suspend`, {
      token: registry,
      body: { reason: "Quality review pending" },
    });
    expect(suspended.statusCode, suspended.body).toBe(200);
    expectError(await record("C-L5", "c3@example.org"), 422, "accreditation-not-in-force");
    // A provider cannot lift the suspension itself.
    expectError(
      await call(h.app, "POST", `/api/v1/providers/${C}/accreditations/${accreditationId}/reinstate`, {
        token,
        body: {},
      }),
      403,
      "forbidden",
    );
    // Nothing was opened for the refused people.
    for (const email of ["c3@example.org"]) {
      const res = await call(h.app, "GET", "/api/v1/learners/lookup", {
        token: registry,
        query: { kind: "email", value: email },
      });
      expectError(res, 404, "learner-not-found");
    }
    // Reinstated, recording works again.
    const reinstated = await call(h.app, "POST", `/api/v1/providers/${C}/accreditations/${accreditationId}/reinstate`, {
      token: registry,
      body: {},
    });
    expect(reinstated.statusCode, reinstated.body).toBe(200);
    expect((await record("C-L5", "c3@example.org")).statusCode).toBe(201);
  });
});

describe("learners' accounts are seen only by those entitled", () => {
  it("a learner sees their own account and statement", async () => {
    const me = await call(h.app, "GET", "/api/v1/auth/me", { token: w.tokens.learner });
    expect(json(me)).toMatchObject({ role: "learner", learnerId: w.learners.ofA });
    const account = await call(h.app, "GET", `/api/v1/learners/${w.learners.ofA}`, { token: w.tokens.learner });
    expect(account.statusCode, account.body).toBe(200);
    expect(json(account).id).toBe(w.learners.ofA);
    const statement = await call(h.app, "GET", `/api/v1/learners/${w.learners.ofA}/statement`, {
      token: w.tokens.learner,
    });
    expect(statement.statusCode, statement.body).toBe(200);
    expect(json(statement).entries.length).toBeGreaterThan(0);
  });

  it("a learner gets 403 'not-your-learner' for another learner's account and statement", async () => {
    for (const url of [`/api/v1/learners/${w.learners.ofB}`, `/api/v1/learners/${w.learners.ofB}/statement`]) {
      expectError(await call(h.app, "GET", url, { token: w.tokens.learner }), 403, "not-your-learner");
    }
    // An account that does not exist is refused the same way: a learner cannot probe for ids.
    expectError(
      await call(h.app, "GET", `/api/v1/learners/${RANDOM_UUID}`, { token: w.tokens.learner }),
      403,
      "not-your-learner",
    );
  });

  it("a provider sees a learner it recorded for, not one it never recorded for", async () => {
    const token = w.tokens["provider-admin"];
    expect((await call(h.app, "GET", `/api/v1/learners/${w.learners.ofA}`, { token })).statusCode).toBe(200);
    expect((await call(h.app, "GET", `/api/v1/learners/${w.learners.ofA}/statement`, { token })).statusCode).toBe(200);
    expectError(await call(h.app, "GET", `/api/v1/learners/${w.learners.ofB}`, { token }), 403, "not-your-learner");
    expectError(
      await call(h.app, "GET", `/api/v1/learners/${w.learners.ofB}/statement`, { token }),
      403,
      "not-your-learner",
    );
    const lookup = await call(h.app, "GET", "/api/v1/learners/lookup", {
      token,
      query: { kind: "email", value: "learner.b@example.org" },
    });
    expectError(lookup, 403, "not-your-learner");
    const own = await call(h.app, "GET", "/api/v1/learners/lookup", {
      token,
      query: { kind: "email", value: "learner.a@example.org" },
    });
    expect(json(own).id, own.body).toBe(w.learners.ofA);
  });

  it("the registry and assessors see any learner", async () => {
    for (const token of [w.tokens["registry-admin"], w.tokens.assessor]) {
      expect((await call(h.app, "GET", `/api/v1/learners/${w.learners.ofB}/statement`, { token })).statusCode).toBe(
        200,
      );
    }
  });
});

describe("the register is public; drafts are not", () => {
  it("anyone reads units, providers, qualifications and frameworks without signing in", async () => {
    const units = await call(h.app, "GET", "/api/v1/units");
    expect(units.statusCode).toBe(200);
    const codes = json(units).items.map((u: { code: string }) => u.code);
    expect(codes).toEqual(expect.arrayContaining(["A-APP", "B-APP"]));
    expect(json(await call(h.app, "GET", `/api/v1/units/${w.units.approvedA}`)).status).toBe("approved");
    const providers = json(await call(h.app, "GET", "/api/v1/providers")).items;
    expect(providers.map((p: { id: string }) => p.id)).toEqual(expect.arrayContaining([A, B]));
    const a = json(await call(h.app, "GET", `/api/v1/providers/${A}`));
    expect(a.accreditations).toEqual([expect.objectContaining({ framework: "eqf", minLevel: "4", maxLevel: "6" })]);
    const qualifications = json(await call(h.app, "GET", "/api/v1/qualifications")).items;
    expect(qualifications.map((q: { code: string }) => q.code)).toContain("CERT-DATA");
    expect((await call(h.app, "GET", `/api/v1/qualifications/${w.qualificationA}`)).statusCode).toBe(200);
    const frameworks = json(await call(h.app, "GET", "/api/v1/frameworks")).items;
    expect(frameworks.map((f: { id: string }) => f.id)).toContain("eqf");
  });

  it("the public does not see draft units, in the list or by id", async () => {
    expect(json(await call(h.app, "GET", "/api/v1/units")).items.map((u: { code: string }) => u.code)).not.toContain(
      "A-DRAFT",
    );
    const queries: Array<Record<string, string>> = [
      { provider: A },
      { provider: A, status: "draft" },
      { status: "draft" },
      { q: "draft nobody" },
    ];
    for (const query of queries) {
      const res = await call(h.app, "GET", "/api/v1/units", { query });
      expect(res.statusCode, res.body).toBe(200);
      expect(
        json(res).items.map((u: { code: string }) => u.code),
        JSON.stringify(query),
      ).not.toContain("A-DRAFT");
    }
    expectError(await call(h.app, "GET", `/api/v1/units/${w.units.draftA}`), 404, "unit-not-found");
    expectError(
      await call(h.app, "GET", `/api/v1/units/${w.units.draftA}`, { query: { version: "1" } }),
      404,
      "unit-not-found",
    );
    expect(json(await call(h.app, "GET", `/api/v1/units/${w.units.draftA}/versions`)).items ?? []).toEqual([]);
  });

  it("another provider and signed-in non-editors do not see the draft either; its own provider and the registry do", async () => {
    for (const token of [w.tokens.providerB, w.tokens.learner, w.tokens.assessor]) {
      expectError(await call(h.app, "GET", `/api/v1/units/${w.units.draftA}`, { token }), 404, "unit-not-found");
      const list = await call(h.app, "GET", "/api/v1/units", { token, query: { provider: A, status: "draft" } });
      expect(json(list).items.map((u: { code: string }) => u.code)).not.toContain("A-DRAFT");
    }
    expectError(
      await call(h.app, "GET", `/api/v1/units/${w.units.draftA}/history`, { token: w.tokens.providerB }),
      404,
      "unit-not-found",
    );
    for (const token of [w.tokens["provider-admin"], w.tokens["registry-admin"]]) {
      const res = await call(h.app, "GET", `/api/v1/units/${w.units.draftA}`, { token });
      expect(json(res).status, res.body).toBe("draft");
      const list = await call(h.app, "GET", "/api/v1/units", { token, query: { provider: A, status: "draft" } });
      expect(json(list).items.map((u: { code: string }) => u.code)).toContain("A-DRAFT");
    }
  });
});

// ---------------------------------------------------------------------------------------------
// 3. Tokens

describe("tokens", () => {
  const restricted = "/api/v1/auth/me";

  it("an unknown bearer token gets 401 'invalid-token'", async () => {
    expectError(await call(h.app, "GET", restricted, { token: "not-a-real-token" }), 401, "invalid-token");
    // Also on a public route: a bad credential is never silently ignored.
    expectError(await call(h.app, "GET", "/api/v1/units", { token: "not-a-real-token" }), 401, "invalid-token");
  });

  it("an expired session gets 401 'invalid-token'", async () => {
    const expired = await login(h.bank.db, w.emails.registry, PASSWORD, -60);
    expectError(await call(h.app, "GET", restricted, { token: expired.token }), 401, "invalid-token");
  });

  it("a malformed Authorization header gets 401", async () => {
    for (const authorization of [
      "Token abc",
      "Bearer",
      "Bearer a b",
      `bearer${w.tokens["registry-admin"]}`,
      "Basic Zm9vOmJhcg==",
    ]) {
      const res = await call(h.app, "GET", restricted, { headers: { authorization } });
      expect(res.statusCode, authorization).toBe(401);
      expect(["invalid-authorization-header", "invalid-token"]).toContain(expectError(res, 401).code);
    }
  });

  it("a session ends at logout", async () => {
    const token = await signIn(h.app, w.emails.assessor);
    expect((await call(h.app, "GET", restricted, { token })).statusCode).toBe(200);
    expect((await call(h.app, "POST", "/api/v1/auth/logout", { token })).statusCode).toBe(204);
    expectError(await call(h.app, "GET", restricted, { token }), 401, "invalid-token");
  });

  it("a wrong password gets 401 'invalid-credentials', the same as an unknown e-mail", async () => {
    const wrong = await call(h.app, "POST", "/api/v1/auth/login", {
      body: { email: w.emails.registry, password: "wrong-password" },
    });
    const unknown = await call(h.app, "POST", "/api/v1/auth/login", {
      body: { email: "ghost@test.example", password: "wrong-password" },
    });
    expect(expectError(wrong, 401, "invalid-credentials").message).toBe(
      expectError(unknown, 401, "invalid-credentials").message,
    );
  });

  it("the session cookie set at sign-in works without a header", async () => {
    const res = await call(h.app, "POST", "/api/v1/auth/login", {
      body: { email: w.emails.learner, password: PASSWORD },
    });
    const cookie = res.cookies.find((c) => c.name === "cb_session");
    expect(cookie?.httpOnly).toBe(true);
    const me = await call(h.app, "GET", restricted, { headers: { cookie: `cb_session=${cookie?.value}` } });
    expect(json(me)).toMatchObject({ role: "learner", learnerId: w.learners.ofA });
    expectError(
      await call(h.app, "GET", restricted, { headers: { cookie: "cb_session=forged" } }),
      401,
      "invalid-token",
    );
  });
});

describe("OAuth client credentials", () => {
  let client: { clientId: string; clientSecret: string };

  beforeAll(async () => {
    const res = await call(h.app, "POST", "/api/v1/clients", {
      token: w.tokens["registry-admin"],
      body: { name: "Provider A LMS", role: "provider-admin", providerId: A },
    });
    expect(res.statusCode, res.body).toBe(201);
    client = json(res);
  });

  const form = (fields: Record<string, string>) => ({
    payload: new URLSearchParams(fields).toString(),
    contentType: "application/x-www-form-urlencoded",
  });

  /** The token endpoint answers errors as RFC 6749 §5.2 says: { error, error_description }, never cached. */
  function expectOAuthError(res: LightMyRequestResponse, status: number, error: string) {
    expect({ status: res.statusCode, error: json(res)?.error }, res.body).toEqual({ status, error });
    expect(json(res).error_description.length, res.body).toBeGreaterThan(5);
    expect(res.headers["cache-control"]).toBe("no-store");
    if (error === "invalid_client") expect(res.headers["www-authenticate"]).toMatch(/^Basic /);
  }

  it("only the registry registers clients", async () => {
    const res = await call(h.app, "POST", "/api/v1/clients", {
      token: w.tokens["provider-admin"],
      body: { name: "Rogue", role: "registry-admin" },
    });
    expectError(res, 403, "forbidden");
  });

  it("form-encoded credentials give a bearer token that records for its provider but not for another", async () => {
    const res = await call(h.app, "POST", "/oauth/token", {
      raw: form({ grant_type: "client_credentials", client_id: client.clientId, client_secret: client.clientSecret }),
    });
    expect(res.statusCode, res.body).toBe(200);
    const token = json(res);
    expect(token).toMatchObject({
      token_type: "Bearer",
      expires_in: expect.any(Number),
      access_token: expect.any(String),
    });
    const me = json(await call(h.app, "GET", "/api/v1/auth/me", { token: token.access_token }));
    expect(me).toMatchObject({ kind: "client", role: "provider-admin", providerId: A });
    const own = await call(h.app, "POST", "/api/v1/achievements", {
      token: token.access_token,
      body: achievement(A, "A-APP", "lms.learner@example.org"),
    });
    expect(own.statusCode, own.body).toBe(201);
    const other = await call(h.app, "POST", "/api/v1/achievements", {
      token: token.access_token,
      body: achievement(B, "B-APP", "lms.learner@example.org"),
    });
    expectError(other, 403, "not-your-provider");
    // A machine client is not the registry.
    expectError(
      await call(h.app, "POST", "/api/v1/bundles", { token: token.access_token, body: {} }),
      403,
      "forbidden",
    );
  });

  it("HTTP Basic credentials give a bearer token too (RFC 6749 §2.3.1)", async () => {
    const basic = Buffer.from(
      `${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret)}`,
    ).toString("base64");
    const res = await call(h.app, "POST", "/oauth/token", {
      raw: form({ grant_type: "client_credentials" }),
      headers: { authorization: `Basic ${basic}` },
    });
    expect(res.statusCode, res.body).toBe(200);
    const token = json(res).access_token as string;
    const own = await call(h.app, "POST", "/api/v1/achievements", {
      token,
      body: achievement(A, "A-APP", "lms.basic@example.org"),
    });
    expect(own.statusCode, own.body).toBe(201);
    expectError(
      await call(h.app, "POST", "/api/v1/achievements", {
        token,
        body: achievement(B, "B-APP", "lms.basic@example.org"),
      }),
      403,
      "not-your-provider",
    );
  });

  it("a wrong or unknown client secret in the form gets 401 'invalid_client' (RFC 6749 §5.2)", async () => {
    const wrong = await call(h.app, "POST", "/oauth/token", {
      raw: form({ grant_type: "client_credentials", client_id: client.clientId, client_secret: "wrong" }),
    });
    expectOAuthError(wrong, 401, "invalid_client");
    const unknown = await call(h.app, "POST", "/oauth/token", {
      raw: form({ grant_type: "client_credentials", client_id: "cb_unknown", client_secret: "x" }),
    });
    expectOAuthError(unknown, 401, "invalid_client");
    const missing = await call(h.app, "POST", "/oauth/token", { raw: form({ grant_type: "client_credentials" }) });
    expectOAuthError(missing, 401, "invalid_client");
  });

  it("a wrong client secret in HTTP Basic gets 401 'invalid_client'", async () => {
    const basic = Buffer.from(`${client.clientId}:wrong`).toString("base64");
    const res = await call(h.app, "POST", "/oauth/token", {
      raw: form({ grant_type: "client_credentials" }),
      headers: { authorization: `Basic ${basic}` },
    });
    expectOAuthError(res, 401, "invalid_client");
  });

  it("another grant type gets 400 'unsupported_grant_type'", async () => {
    const res = await call(h.app, "POST", "/oauth/token", {
      raw: form({ grant_type: "password", client_id: client.clientId, client_secret: client.clientSecret }),
    });
    expectOAuthError(res, 400, "unsupported_grant_type");
  });
});
