/**
 * The 1EdTech Open Badges 3.0 API under /ims/ob/v3p0, over HTTP: the service description; a learner's
 * credentials listed in the official response shape and paged with X-Total-Count and Link; storing
 * credentials of other issuers (Data Integrity and VC-JWT), idempotently, and refusing tampered ones and
 * ids the bank issued; the learner's Profile; refusals in the imsx_StatusInfo shape.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signJwt } from "../../src/credentials/jwt.ts";
import { generateKeyPair, localSigner } from "../../src/credentials/keys.ts";
import { signDataIntegrity } from "../../src/credentials/proofs.ts";
import { credentialRowId, ObProfile } from "../../src/services/ob-api.ts";
import { isValid } from "../../src/services/validation.ts";
import { credentialById } from "../../src/store/credentials-repo.ts";
import { A, achievement, buildWorld, call, type Harness, json, startApi, type World } from "../support/api.ts";
import { openApiComponentErrors, schemaErrorsById } from "../support/ob-schema.ts";
import { standardsDir } from "../support/standards.ts";

const OB = "/ims/ob/v3p0";
const SCOPE = "https://purl.imsglobal.org/spec/ob/v3p0/scope/";
const EXAMPLES = "openbadges-3.0/examples/validator";

let h: Harness;
let w: World;

beforeAll(async () => {
  h = await startApi({ PUBLIC_URL: "https://bank.test" });
  w = await buildWorld(h);
});
afterAll(async () => {
  await h?.dispose();
});

type Json = Record<string, unknown>;
const readExample = (file: string): Json => JSON.parse(readFileSync(join(standardsDir(), EXAMPLES, file), "utf8"));

/** An error of this API: the status, the official imsx_StatusInfo shape, our code named first. */
function expectImsx(res: LightMyRequestResponse, status: number, code: string, minor?: string) {
  const body = json(res);
  expect(res.statusCode, res.body).toBe(status);
  expect(schemaErrorsById("ob_v3p0_imsx_statusinfo_schema.json", body), res.body).toEqual([]);
  expect(body).toMatchObject({ imsx_codeMajor: "failure", imsx_severity: "error" });
  expect(body.imsx_description.length, res.body).toBeGreaterThan(5);
  const fields = body.imsx_codeMinor.imsx_codeMinorField as Array<{
    imsx_codeMinorFieldName: string;
    imsx_codeMinorFieldValue: string;
  }>;
  expect(fields[0]?.imsx_codeMinorFieldName, res.body).toBe(code);
  if (minor) expect(fields[0]?.imsx_codeMinorFieldValue, res.body).toBe(minor);
  expect(res.body, "a stack trace leaked").not.toMatch(/\bat .+\.(ts|js|mjs):\d+|node_modules/);
  return { description: body.imsx_description as string, fields };
}

const list = (query: Record<string, string> = {}, token = w.tokens.learner) =>
  call(h.app, "GET", `${OB}/credentials`, { token, query });
const upsertJson = (credential: unknown, token = w.tokens.learner) =>
  call(h.app, "POST", `${OB}/credentials`, { token, body: credential });
const upsertJwt = (jwt: string, token = w.tokens.learner) =>
  call(h.app, "POST", `${OB}/credentials`, { token, raw: { payload: jwt, contentType: "text/plain" } });
const allIds = async () => {
  const body = json(await list({ limit: "1000" }));
  return [
    ...body.credential.map((c: Json) => c.id as string),
    ...body.compactJwsString.map(
      (t: string) => JSON.parse(Buffer.from(t.split(".")[1] as string, "base64url").toString()).id,
    ),
  ];
};

/** Another issuer: a did:key of its own, unknown to the bank. */
async function thirdPartyIssuer() {
  const material = await generateKeyPair();
  const did = `did:key:${material.publicKeyMultibase}`;
  const signer = await localSigner(`${did}#${material.publicKeyMultibase}`, material);
  return { did, signer };
}

/** The official simple example, unsigned, issued by `did` under `id`. */
function obCredential(did: string, id: string, name = "test 1"): Json {
  const example = readExample("simple-did-key-method.json");
  delete example.proof;
  return { ...example, id, name, issuer: { id: did, type: ["Profile"], name: "Another Issuer" } };
}

describe("GET /discovery", () => {
  it("describes this bank's OB API: the official shape, its endpoints, OAuth 2.0 and the four scopes", async () => {
    const res = await call(h.app, "GET", `${OB}/discovery`);
    expect(res.statusCode, res.body).toBe(200);
    const doc = json(res);
    expect(openApiComponentErrors("ServiceDescriptionDocument", doc)).toEqual([]);
    expect(doc.openapi).toMatch(/^3\.0\./);
    expect(doc.servers).toEqual([expect.objectContaining({ url: "https://bank.test/ims/ob/v3p0" })]);
    expect(doc.info["x-imssf-privacyPolicyUrl"]).toMatch(/^https:\/\/bank\.test\//);
    expect(doc.info["x-imssf-image"]).toMatch(/^data:image\/svg\+xml;base64,/);
    // Every operation of the official API, with the scope the official document gives it.
    const spec = JSON.parse(
      readFileSync(join(standardsDir(), "openbadges-3.0/schema/ob_v3p0_openapi.spec-repo-build.json"), "utf8"),
    );
    for (const [path, ops] of Object.entries(spec.paths as Record<string, Record<string, Json>>)) {
      for (const [method, op] of Object.entries(ops)) {
        const ours = doc.paths[path]?.[method];
        expect(ours?.operationId, `${method} ${path}`).toBe(op.operationId);
        expect(ours?.security, `${method} ${path}`).toEqual(op.security);
      }
    }
    const scheme = doc.components.securitySchemes.OAuth2ACG;
    expect(scheme.type).toBe("oauth2");
    const flow = Object.values(scheme.flows as Record<string, { tokenUrl: string; scopes: Json }>)[0];
    expect(flow?.tokenUrl).toBe("https://bank.test/oauth/token");
    expect(Object.keys(flow?.scopes ?? {}).sort()).toEqual(
      ["credential.readonly", "credential.upsert", "profile.readonly", "profile.update"].map((s) => SCOPE + s),
    );
  });

  it("is listed in the bank's own OpenAPI document with the other OB routes", async () => {
    const doc = json(await call(h.app, "GET", "/openapi.json"));
    expect(
      Object.keys(doc.paths)
        .filter((p) => p.startsWith(OB))
        .sort(),
    ).toEqual([`${OB}/credentials`, `${OB}/discovery`, `${OB}/profile`].sort());
  });
});

describe("GET /credentials", () => {
  it("lists the learner's credentials in the official response shape", async () => {
    const res = await list();
    expect(res.statusCode, res.body).toBe(200);
    const body = json(res);
    expect(schemaErrorsById("ob_v3p0_getopenbadgecredentialsresponse_schema.json", body)).toEqual([]);
    expect(body.credential.map((c: Json) => c.id)).toEqual([`urn:uuid:${w.credentials.ofA}`]);
    expect(body.compactJwsString).toEqual([]);
    expect(res.headers["x-total-count"]).toBe("1");
    // Another learner's credential is not among them.
    expect(res.body).not.toContain(w.credentials.ofB);
  });

  it("pages with limit and offset, X-Total-Count and Link (next, last, first, prev), JWTs apart", async () => {
    const dates = ["2025-06-02", "2025-06-03", "2025-06-04", "2025-06-05"];
    for (const [i, achievedOn] of dates.entries()) {
      const res = await call(h.app, "POST", "/api/v1/achievements", {
        token: w.tokens["provider-admin"],
        query: i === 3 ? { proof: "jwt" } : {},
        body: achievement(A, "A-APP", "learner.a@example.org", { achievedOn }),
      });
      expect(res.statusCode, res.body).toBe(201);
    }
    const full = json(await list());
    expect(full.credential).toHaveLength(4);
    expect(full.compactJwsString).toHaveLength(1);
    expect(schemaErrorsById("ob_v3p0_getopenbadgecredentialsresponse_schema.json", full)).toEqual([]);

    const pages: string[] = [];
    for (const offset of [0, 2, 4]) {
      const res = await list({ limit: "2", offset: String(offset) });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers["x-total-count"]).toBe("5");
      const body = json(res);
      pages.push(...body.credential.map((c: Json) => String(c.id)), ...body.compactJwsString);
      expect(body.credential.length + body.compactJwsString.length).toBe(offset === 4 ? 1 : 2);
    }
    expect(new Set(pages).size).toBe(5);

    const middle = await list({ limit: "2", offset: "2" });
    const links = Object.fromEntries(
      String(middle.headers.link)
        .split(", ")
        .map((part) => {
          const m = /^<([^>]+)>; rel="(\w+)"$/.exec(part);
          return [m?.[2], new URL(m?.[1] ?? "").search];
        }),
    );
    expect(links).toEqual({
      next: "?limit=2&offset=4",
      last: "?limit=2&offset=4",
      first: "?limit=2&offset=0",
      prev: "?limit=2&offset=0",
    });
    expect(String(middle.headers.link)).toContain("<https://bank.test/ims/ob/v3p0/credentials?");
    const first = String((await list({ limit: "2" })).headers.link);
    expect(first).toContain('rel="next"');
    expect(first).not.toContain('rel="prev"');
    const last = String((await list({ limit: "2", offset: "4" })).headers.link);
    expect(last).not.toContain('rel="next"');
    expect(last).toContain('offset=2>; rel="prev"');
    // Past the end: an empty page, the same total.
    const beyond = await list({ offset: "50" });
    expect(json(beyond)).toEqual({ credential: [], compactJwsString: [] });
    expect(beyond.headers["x-total-count"]).toBe("5");
  });

  it("filters by issue time with since", async () => {
    await new Promise((resolve) => setTimeout(resolve, 5));
    const before = new Date().toISOString();
    expect(json(await list({ since: "2000-01-01T00:00:00Z" })).credential).toHaveLength(4);
    const res = await call(h.app, "POST", "/api/v1/achievements", {
      token: w.tokens["provider-admin"],
      body: achievement(A, "A-APP", "learner.a@example.org", { achievedOn: "2025-06-06" }),
    });
    expect(res.statusCode, res.body).toBe(201);
    const recent = await list({ since: before });
    expect(recent.headers["x-total-count"]).toBe("1");
    expect(json(recent).credential[0].id).toBe(`urn:uuid:${json(res).credentialId}`);
    // A date-time without a zone is read as UTC; a link keeps the since of the query.
    const future = await list({ since: "2999-01-01T00:00:00", limit: "1" });
    expect(future.headers["x-total-count"]).toBe("0");
    expect(String(future.headers.link)).toContain("since=2999-01-01T00%3A00%3A00");
  });

  it("refuses bad paging parameters with invalid_query_parameter", async () => {
    expectImsx(await list({ limit: "0" }), 400, "invalid-request", "invalid_query_parameter");
    expectImsx(await list({ limit: "1001" }), 400, "invalid-request", "invalid_query_parameter");
    expectImsx(await list({ offset: "-1" }), 400, "invalid-request", "invalid_query_parameter");
    expectImsx(await list({ since: "yesterday" }), 400, "invalid-request", "invalid_query_parameter");
    expectImsx(await list({ since: "2025-13-45T99:00:00Z" }), 400, "invalid-since", "invalid_query_parameter");
  });
});

describe("POST /credentials", () => {
  it("stores the official did:key example of another issuer (201), again (200), and lists it", async () => {
    const example = readExample("simple-did-key-method.json");
    const created = await upsertJson(example);
    expect(created.statusCode, created.body).toBe(201);
    expect(json(created)).toEqual(example);
    const total = (await list()).headers["x-total-count"];
    const again = await upsertJson(example);
    expect(again.statusCode, again.body).toBe(200);
    expect(json(again)).toEqual(example);
    expect((await list()).headers["x-total-count"]).toBe(total);
    expect(await allIds()).toContain(example.id);
    const row = await credentialById(h.bank.db, "280c19b6-9680-4a37-ba84-e38b1a4e4584");
    expect(row).toMatchObject({
      kind: "external",
      learner_id: w.learners.ofA,
      issuer_id: "urn:uuid:6f2e33e5-7a29-4155-840a-59483ba10164",
      key_id: "did:key:z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi",
      proof_format: "data-integrity",
    });
  });

  it("refuses the official example tampered with: 400 naming the failed check, nothing stored", async () => {
    const tampered = {
      ...readExample("simple-did-key-method.json"),
      id: "urn:uuid:9d2c7a51-0a53-4c1e-8f0e-1c2d3e4f5a6b",
    };
    const { description, fields } = expectImsx(
      await upsertJson(tampered),
      400,
      "credential-not-verified",
      "invalid_data",
    );
    expect(fields.map((f) => f.imsx_codeMinorFieldName)).toEqual(["credential-not-verified", "proof"]);
    expect(description).toMatch(/proof/);
    expect(await credentialById(h.bank.db, "9d2c7a51-0a53-4c1e-8f0e-1c2d3e4f5a6b")).toBeUndefined();
  });

  it("stores exactly the text sent, as an external credential of its issuer", async () => {
    const { did, signer } = await thirdPartyIssuer();
    const id = "urn:uuid:0b6f4f5e-8d0c-4c63-9d59-0c1a2b3c4d5e";
    const signed = await signDataIntegrity(obCredential(did, id), signer);
    const totalBefore = Number((await list()).headers["x-total-count"]);
    const text = JSON.stringify(signed, null, 2);
    const created = await call(h.app, "POST", `${OB}/credentials`, {
      token: w.tokens.learner,
      raw: { payload: text, contentType: "application/json" },
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(json(created)).toEqual(signed);
    // Stored exactly as sent, as an external credential of that issuer in the learner's account.
    const row = await credentialById(h.bank.db, "0b6f4f5e-8d0c-4c63-9d59-0c1a2b3c4d5e");
    expect(row).toMatchObject({
      kind: "external",
      learner_id: w.learners.ofA,
      issuer_id: did,
      key_id: signer.id,
      proof_format: "data-integrity",
      document: text,
    });
    const again = await upsertJson(signed);
    expect(again.statusCode, again.body).toBe(200);
    expect(json(again)).toEqual(signed);
    const after = await list();
    expect(after.headers["x-total-count"]).toBe(String(totalBefore + 1));
    expect(await allIds()).toContain(id);
    expect(schemaErrorsById("ob_v3p0_getopenbadgecredentialsresponse_schema.json", json(after))).toEqual([]);
  });

  it("replaces a credential from the same issuer under the same id; another issuer's is a 409", async () => {
    const { did, signer } = await thirdPartyIssuer();
    const id = "https://issuer.example/credentials/42";
    const first = await upsertJson(await signDataIntegrity(obCredential(did, id, "Version one"), signer));
    expect(first.statusCode, first.body).toBe(201);
    const total = (await list()).headers["x-total-count"];
    const second = await upsertJson(await signDataIntegrity(obCredential(did, id, "Version two"), signer));
    expect(second.statusCode, second.body).toBe(200);
    expect((await list()).headers["x-total-count"]).toBe(total);
    const stored = json(await list({ limit: "1000" })).credential.find((c: Json) => c.id === id);
    expect(stored.name).toBe("Version two");
    // A name-based row id: the same for the same credential id, whatever the format of that id.
    const row = await credentialById(h.bank.db, credentialRowId(id));
    expect(row?.document).toContain("Version two");
    expect(credentialRowId(id)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);

    const other = await thirdPartyIssuer();
    const hijack = await upsertJson(await signDataIntegrity(obCredential(other.did, id, "Hijack"), other.signer));
    expectImsx(hijack, 409, "credential-id-taken", "invalid_data");
    expect(json(await list({ limit: "1000" })).credential.find((c: Json) => c.id === id).name).toBe("Version two");
  });

  it("refuses a credential changed after signing (did:key issuer)", async () => {
    const { did, signer } = await thirdPartyIssuer();
    const id = "urn:uuid:5e4d3c2b-1a09-4f8e-9d7c-6b5a4f3e2d1c";
    const signed = await signDataIntegrity(obCredential(did, id), signer);
    const res = await upsertJson({ ...signed, name: "Something else" });
    const { description, fields } = expectImsx(res, 400, "credential-not-verified", "invalid_data");
    expect(fields.map((f) => f.imsx_codeMinorFieldName)).toEqual(["credential-not-verified", "proof"]);
    expect(description).toMatch(/proof/);
    expect(await credentialById(h.bank.db, "5e4d3c2b-1a09-4f8e-9d7c-6b5a4f3e2d1c")).toBeUndefined();
  });

  it("refuses what is not an Open Badge, has no id, or is not JSON or a JWT", async () => {
    const { did, signer } = await thirdPartyIssuer();
    const plain = await signDataIntegrity(
      {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        id: "urn:uuid:11111111-2222-4333-8444-555555555555",
        type: ["VerifiableCredential"],
        issuer: did,
        validFrom: "2024-01-01T00:00:00Z",
        credentialSubject: { id: "did:example:someone" },
      },
      signer,
    );
    expectImsx(await upsertJson(plain), 400, "not-an-open-badge");
    const noId = obCredential(did, "x");
    delete noId.id;
    const refused = expectImsx(await upsertJson(await signDataIntegrity(noId, signer)), 400, "credential-not-verified");
    expect(refused.fields.map((f) => f.imsx_codeMinorFieldName)).toContain("schema");
    expectImsx(await upsertJwt("not a jwt"), 400, "malformed-jwt");
    expectImsx(await upsertJson([1, 2]), 400, "invalid-request", "invalid_data");
    expectImsx(
      await call(h.app, "POST", `${OB}/credentials`, {
        token: w.tokens.learner,
        raw: { payload: "{ not json", contentType: "application/json" },
      }),
      400,
      "malformed-json",
    );
    expectImsx(
      await call(h.app, "POST", `${OB}/credentials`, {
        token: w.tokens.learner,
        raw: { payload: "<xml/>", contentType: "application/xml" },
      }),
      415,
      "unsupported-media-type",
    );
  });

  it("a VC-JWT the bank issued through the VC API goes into the learner's account under compactJwsString", async () => {
    const unsigned = obCredential("did:web:bank.test:issuers:prov-a", "placeholder");
    delete unsigned.id;
    const issued = await call(h.app, "POST", "/credentials/issue", {
      token: w.tokens["provider-admin"],
      body: { credential: unsigned, options: { format: "jwt" } },
    });
    expect(issued.statusCode, issued.body).toBe(201);
    const jwt = json(issued).verifiableCredential as string;
    expect(json(await list({ limit: "1000" })).compactJwsString).not.toContain(jwt);
    const res = await upsertJwt(jwt);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/plain/);
    expect(res.body).toBe(jwt);
    const listed = json(await list({ limit: "1000" }));
    expect(listed.compactJwsString).toContain(jwt);
    expect(schemaErrorsById("ob_v3p0_getopenbadgecredentialsresponse_schema.json", listed)).toEqual([]);
    // The same again changes nothing; another learner cannot take it.
    expect((await upsertJwt(jwt)).statusCode).toBe(200);
    const otherLearner = await otherLearnerToken();
    expectImsx(await upsertJwt(jwt, otherLearner), 409, "credential-id-taken");
  });

  it("stores another issuer's VC-JWT (201) and lists it under compactJwsString", async () => {
    const { did, signer } = await thirdPartyIssuer();
    const jwt = await signJwt(obCredential(did, "urn:uuid:77777777-6666-4555-8444-333333333333"), signer);
    const res = await upsertJwt(jwt);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.body).toBe(jwt);
    expect(json(await list({ limit: "1000" })).compactJwsString).toContain(jwt);
    const row = await credentialById(h.bank.db, "77777777-6666-4555-8444-333333333333");
    expect(row).toMatchObject({ proof_format: "jwt", key_id: signer.id, issuer_id: did, document: jwt });
  });

  it("never overwrites a credential the bank issued: identical is 200, different is 409", async () => {
    const own = json(await call(h.app, "GET", `/api/v1/credentials/${w.credentials.ofA}`, { token: w.tokens.learner }));
    const same = await upsertJson(own.credential);
    expect(same.statusCode, same.body).toBe(200);
    expect(json(same)).toEqual(own.credential);
    // A credential signed by the bank for provider A that claims the id of the learner's credential.
    const unsigned = obCredential("did:web:bank.test:issuers:prov-a", `urn:uuid:${w.credentials.ofA}`, "Impostor");
    const issued = await call(h.app, "POST", "/credentials/issue", {
      token: w.tokens["provider-admin"],
      body: { credential: unsigned },
    });
    expect(issued.statusCode, issued.body).toBe(201);
    expectImsx(await upsertJson(json(issued).verifiableCredential), 409, "credential-id-taken");
    const row = await credentialById(h.bank.db, w.credentials.ofA);
    expect(JSON.parse(row?.document ?? "{}")).toEqual(own.credential);
    // Another learner's credential, identical as issued, is not filed in this account either.
    const ofB = json(
      await call(h.app, "GET", `/api/v1/credentials/${w.credentials.ofB}`, { token: w.tokens.providerB }),
    );
    expectImsx(await upsertJson(ofB.credential), 409, "credential-id-taken");
    expect(await allIds()).not.toContain(`urn:uuid:${w.credentials.ofB}`);
  });
});

let otherToken: string | undefined;
/** A learner user for learner B (created once). */
async function otherLearnerToken(): Promise<string> {
  if (otherToken) return otherToken;
  const email = "learner.b@test.example";
  const created = await call(h.app, "POST", "/api/v1/users", {
    token: w.tokens["registry-admin"],
    body: {
      email,
      password: "correct-horse-battery-staple",
      displayName: "Learner B",
      role: "learner",
      learnerId: w.learners.ofB,
    },
  });
  expect(created.statusCode, created.body).toBe(201);
  const login = await call(h.app, "POST", "/api/v1/auth/login", {
    body: { email, password: "correct-horse-battery-staple" },
  });
  otherToken = json(login).token as string;
  return otherToken;
}

describe("the profile", () => {
  const profileId = () => `urn:uuid:${w.learners.ofA}`;

  it("GET /profile: the learner as an official Profile, with name and e-mail", async () => {
    const res = await call(h.app, "GET", `${OB}/profile`, { token: w.tokens.learner });
    expect(res.statusCode, res.body).toBe(200);
    const profile = json(res);
    expect(schemaErrorsById("ob_v3p0_profile_schema.json", profile)).toEqual([]);
    expect(profile).toMatchObject({
      id: profileId(),
      type: ["Profile"],
      name: "Ada Lovelace",
      givenName: "Ada",
      familyName: "Lovelace",
      email: "learner.a@example.org",
    });
  });

  it("PUT /profile renames the learner and nothing else", async () => {
    const body = {
      id: profileId(),
      type: "Profile",
      givenName: "Augusta Ada",
      familyName: "King",
      email: "ignored@example.org",
      url: "https://example.org/ada",
    };
    expect(schemaErrorsById("ob_v3p0_profile_schema.json", body)).toEqual([]);
    const res = await call(h.app, "PUT", `${OB}/profile`, { token: w.tokens.learner, body });
    expect(res.statusCode, res.body).toBe(200);
    const profile = json(res);
    expect(schemaErrorsById("ob_v3p0_profile_schema.json", profile)).toEqual([]);
    expect(profile).toMatchObject({ name: "Augusta Ada King", email: "learner.a@example.org" });
    expect(json(await call(h.app, "GET", `${OB}/profile`, { token: w.tokens.learner })).name).toBe("Augusta Ada King");
    const account = json(await call(h.app, "GET", `/api/v1/learners/${w.learners.ofA}`, { token: w.tokens.learner }));
    expect(account.profile).toMatchObject({ givenName: "Augusta Ada", familyName: "King" });
    // A name alone is kept whole.
    const named = await call(h.app, "PUT", `${OB}/profile`, {
      token: w.tokens.learner,
      body: { id: profileId(), type: ["Profile"], name: "Ada Lovelace" },
    });
    expect(json(named)).toMatchObject({ name: "Ada Lovelace", givenName: "Ada Lovelace" });
    expect(json(named).familyName).toBeUndefined();
  });

  it("PUT /profile refuses a body that is not a Profile, or another profile's id", async () => {
    const put = (body: unknown) => call(h.app, "PUT", `${OB}/profile`, { token: w.tokens.learner, body });
    expectImsx(await put({ id: profileId(), name: "No type" }), 400, "invalid-request", "invalid_data");
    expectImsx(await put({ id: profileId(), type: ["Issuer"], name: "X" }), 400, "invalid-request");
    expectImsx(
      await put({ id: `urn:uuid:${w.learners.ofB}`, type: "Profile", name: "Someone else" }),
      400,
      "profile-id-mismatch",
    );
    expect(json(await call(h.app, "GET", `${OB}/profile`, { token: w.tokens.learner })).name).toBe("Ada Lovelace");
  });

  it("our Profile schema accepts only what the official one accepts", () => {
    const id = "urn:uuid:3f1c2b4a-9d8e-4f7a-8b6c-5d4e3f2a1b0c";
    const samples: unknown[] = [
      { id, type: "Profile" },
      { id, type: ["Profile"], name: "A", givenName: "B", familyName: "C", email: "a@example.org" },
      {
        id,
        type: ["Profile", "Extra"],
        url: "https://x.example",
        image: { id: "https://x.example/i.png", type: "Image" },
      },
      { id, type: "Profile", dateOfBirth: "2000-02-29", endorsementJwt: ["a.b.c"] },
      { "@context": ["https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"], id, type: "Profile" },
      { id, type: "Profile", other: { anything: true } },
      { type: "Profile" },
      { id },
      { id, type: [] },
      { id, type: ["Issuer"] },
      { id, type: "Profile", name: 5 },
      { id, type: "Profile", dateOfBirth: "yesterday" },
      { id, type: "Profile", image: 5 },
      { id, type: "Profile", endorsementJwt: "not a jws" },
      { id: 7, type: "Profile" },
      "Profile",
    ];
    let accepted = 0;
    for (const sample of samples) {
      const official = schemaErrorsById("ob_v3p0_profile_schema.json", sample).length === 0;
      if (isValid(ObProfile, sample)) {
        accepted++;
        expect(official, JSON.stringify(sample)).toBe(true);
      }
      if (!official) expect(isValid(ObProfile, sample), JSON.stringify(sample)).toBe(false);
    }
    expect(accepted).toBe(6);
  });
});

describe("refusals", () => {
  const routes: Array<[string, string, unknown?]> = [
    ["GET", "/credentials"],
    ["POST", "/credentials", {}],
    ["GET", "/profile"],
    ["PUT", "/profile", { id: "urn:uuid:x", type: "Profile" }],
  ];

  it("without a token: 401 unauthorizedrequest, with a Bearer challenge", async () => {
    for (const [method, path, body] of routes) {
      const res = await call(h.app, method, `${OB}${path}`, { ...(body ? { body } : {}) });
      expectImsx(res, 401, "authentication-required", "unauthorizedrequest");
      expect(res.headers["www-authenticate"]).toMatch(/^Bearer/);
    }
    expectImsx(await list({}, "not-a-token"), 401, "invalid-token", "unauthorizedrequest");
  });

  it("staff are not learners: 403 forbidden", async () => {
    for (const caller of ["provider-admin", "registry-admin", "assessor"] as const) {
      for (const [method, path, body] of routes) {
        const res = await call(h.app, method, `${OB}${path}`, { token: w.tokens[caller], ...(body ? { body } : {}) });
        expectImsx(res, 403, "forbidden", "forbidden");
      }
    }
  });

  it("an unknown path under the OB API is a 404 in the same shape", async () => {
    expectImsx(await call(h.app, "GET", `${OB}/nothing-here`), 404, "route-not-found", "not_found");
  });
});

describe("merged accounts", () => {
  it("a learner's listing includes the accounts merged into theirs", async () => {
    expect(await allIds()).not.toContain(`urn:uuid:${w.credentials.ofB}`);
    const merged = await call(h.app, "POST", `/api/v1/learners/${w.learners.ofA}/merge`, {
      token: w.tokens["registry-admin"],
      body: { mergedId: w.learners.ofB, reason: "Same person, two e-mail addresses." },
    });
    expect(merged.statusCode, merged.body).toBe(200);
    expect(await allIds()).toContain(`urn:uuid:${w.credentials.ofB}`);
  });
});
