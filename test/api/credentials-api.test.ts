/**
 * Credentials over HTTP: DID documents and status lists served with the right types and caching; the
 * verifier taking JSON-LD, JWT, baked PNG/SVG and PDF certificates; the VC API issuing for an OAuth
 * client and verifying; revocation through the API showing in verification; every kind of bad input
 * answered with a clear 4xx; and HTTPS served directly when TLS_CERT and TLS_KEY are set.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { request as httpsRequest } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildServer } from "../../src/api/server.ts";
import {
  bakePng,
  bakeSvg,
  renderBadgePng,
  renderBadgeSvg,
  renderCertificatePdf,
} from "../../src/credentials/baking/index.ts";
import { signEddsaRdfc2022 } from "../../src/credentials/canonize/data-integrity-fast.ts";
import { generateKeyPair, localSigner } from "../../src/credentials/keys.ts";
import { canonizer } from "../../src/credentials/proofs.ts";
import {
  A,
  achievement,
  buildWorld,
  call,
  expectError,
  type Harness,
  json,
  startApi,
  type World,
} from "../support/api.ts";
import { testBank } from "../support/bank.ts";
import { officialSchemaErrors } from "../support/ob-schema.ts";

const RANDOM = "3f2c1b0a-9e8d-4c7b-8a69-5f4e3d2c1b0a";

let h: Harness;
let w: World;
let credentialA: Record<string, unknown>;

beforeAll(async () => {
  h = await startApi({ PUBLIC_URL: "https://bank.test" });
  w = await buildWorld(h);
  const res = await call(h.app, "GET", `/api/v1/credentials/${w.credentials.ofA}`, {
    token: w.tokens["registry-admin"],
  });
  expect(res.statusCode, res.body).toBe(200);
  credentialA = json(res).credential;
});
afterAll(async () => {
  await h?.dispose();
});

type Report = { verified: boolean; checks: Array<{ id: string; status: string; message: string }> };
const verify = async (payload: string | Buffer, contentType: string) =>
  call(h.app, "POST", "/api/v1/verify", { raw: { payload, contentType } });
const failedChecks = (r: Report) => r.checks.filter((c) => c.status === "fail").map((c) => c.id);

describe("identities and status lists", () => {
  it("serves the bank's and the issuers' DID documents as did+json, naming the keys that sign", async () => {
    const bank = await call(h.app, "GET", "/.well-known/did.json");
    expect(bank.statusCode).toBe(200);
    expect(bank.headers["content-type"]).toMatch(/application\/did\+json/);
    expect(json(bank).id).toBe("did:web:bank.test");
    const issuer = json(await call(h.app, "GET", `/issuers/${A}/did.json`));
    expect(issuer.id).toBe(`did:web:bank.test:issuers:${A}`);
    const proof = credentialA.proof as { verificationMethod: string };
    expect(issuer.assertionMethod).toContain(proof.verificationMethod);
    expect(issuer.verificationMethod[0]).toMatchObject({ type: "Multikey", controller: issuer.id });
    expectError(await call(h.app, "GET", "/issuers/nobody/did.json"), 404, "unknown-issuer");
    const history = json(await call(h.app, "GET", `/issuers/${A}/key-history.json`));
    expect(history.events[0]).toMatchObject({ event: "created", keyId: proof.verificationMethod });
  });

  it("serves a signed status list with caching headers and answers 304 to its ETag", async () => {
    const status = credentialA.credentialStatus as { statusListCredential: string };
    const path = new URL(status.statusListCredential).pathname;
    const res = await call(h.app, "GET", path);
    expect(res.statusCode).toBe(200);
    expect(res.headers["cache-control"]).toMatch(/max-age=300/);
    const list = json(res);
    expect(list.type).toContain("BitstringStatusListCredential");
    expect(list.credentialSubject.statusPurpose).toBe("revocation");
    const again = await call(h.app, "GET", path, { headers: { "if-none-match": String(res.headers.etag) } });
    expect(again.statusCode).toBe(304);
    expectError(await call(h.app, "GET", "/status/nothing-1/revocation"), 404, "status-list-not-found");
    expectError(await call(h.app, "GET", "/status/x-1/other"), 400);
  });
});

describe("the verifier over HTTP", () => {
  it("verifies the same credential as JSON-LD, baked PNG, baked SVG and PDF certificate", async () => {
    const text = JSON.stringify(credentialA);
    const baked = { format: "json" as const, text };
    const forms: Array<[string | Buffer, string, string]> = [
      [text, "application/json", "json"],
      [Buffer.from(bakePng(renderBadgePng({}), baked)), "image/png", "png"],
      [bakeSvg(renderBadgeSvg({ title: "Unit" }), baked), "image/svg+xml", "svg"],
      [
        Buffer.from(
          await renderCertificatePdf({
            credential: baked,
            title: "Certificate",
            achievementName: "Unit",
            issuerName: "Provider A",
            lines: ["3 ECTS credits"],
            verifyUrl: "https://bank.test/verify",
            credentialId: String(credentialA.id),
            issuedOn: "2025-01-01",
          }),
        ),
        "application/pdf",
        "pdf",
      ],
    ];
    for (const [payload, contentType, container] of forms) {
      const res = await verify(payload, contentType);
      expect(res.statusCode, `${contentType}: ${res.body}`).toBe(200);
      const report = json(res);
      expect(report.container, contentType).toBe(container);
      expect(
        report.checks.filter((c: { status: string }) => c.status !== "pass"),
        contentType,
      ).toEqual([]);
    }
  });

  it("answers bad input with a clear 4xx or a failing check, never a 500", async () => {
    expectError(await verify("{not json", "application/json"), 400);
    expectError(await verify(Buffer.from(renderBadgePng({})), "image/png"), 400, "no-credential-found");
    expectError(await verify(Buffer.from("GIF89a....."), "application/octet-stream"), 400);
    expectError(await verify("", "text/plain"), 400);
    const brokenJwt = json(await verify("eyJhbGciOiJFZERTQSJ9.bm90IGpzb24.c2ln", "text/plain")) as Report;
    expect(brokenJwt.verified).toBe(false);
    expect(failedChecks(brokenJwt)).toEqual(["format"]);
    const unknownDid = structuredClone(credentialA) as Record<string, Record<string, unknown>>;
    (unknownDid.proof as Record<string, unknown>).verificationMethod = "did:example:nobody#key-1";
    const report = json(await call(h.app, "POST", "/api/v1/verify", { body: unknownDid })) as Report;
    expect(report.verified).toBe(false);
    expect(report.checks.find((c) => c.id === "issuer")?.status).toBe("warning");
    expect(failedChecks(report)).toContain("proof");
    let deep: unknown = "leaf";
    for (let i = 0; i < 200; i++) deep = { nested: deep };
    const deepRes = await call(h.app, "POST", "/api/v1/verify", { body: { ...credentialA, credentialSubject: deep } });
    expect(deepRes.statusCode).toBeLessThan(500);
    expect(deepRes.statusCode === 400 || json(deepRes).verified === false).toBe(true);
  });
});

describe("the VC API", () => {
  let token: string;

  beforeAll(async () => {
    const client = json(
      await call(h.app, "POST", "/api/v1/clients", {
        token: w.tokens["registry-admin"],
        body: { name: "LMS of A", role: "provider-admin", providerId: A },
      }),
    );
    const res = await call(h.app, "POST", "/oauth/token", {
      raw: {
        payload: new URLSearchParams({
          grant_type: "client_credentials",
          client_id: client.clientId,
          client_secret: client.clientSecret,
        }).toString(),
        contentType: "application/x-www-form-urlencoded",
      },
    });
    token = json(res).access_token;
  });

  const plain = (extra: Record<string, unknown> = {}) => ({
    "@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"].slice(0, 1),
    type: ["VerifiableCredential"],
    credentialSubject: { id: "did:example:holder" },
    ...extra,
  });

  it("signs any VC 2.0 credential for an OAuth client, in both formats, and verifies it", async () => {
    for (const format of ["data-integrity", "jwt"] as const) {
      const res = await call(h.app, "POST", "/credentials/issue", {
        token,
        body: { credential: plain(), options: { format } },
      });
      expect(res.statusCode, res.body).toBe(201);
      const vc = json(res).verifiableCredential;
      const verified = await call(h.app, "POST", "/credentials/verify", { body: { verifiableCredential: vc } });
      expect(verified.statusCode, verified.body).toBe(200);
      expect(json(verified)).toMatchObject({ verified: true, errors: [] });
      expect(json(verified).checks).toEqual(expect.arrayContaining(["proof", "issuer", "status", "validity"]));
    }
  });

  it("refuses another issuer's DID, a signed credential and a non-VC, and reports a tampered one", async () => {
    const other = await call(h.app, "POST", "/credentials/issue", {
      token,
      body: { credential: plain({ issuer: "did:web:bank.test:issuers:prov-b" }) },
    });
    expectError(other, 403, "not-your-issuer");
    expectError(
      await call(h.app, "POST", "/credentials/issue", { token, body: { credential: plain({ proof: {} }) } }),
      400,
      "invalid-credential",
    );
    expectError(
      await call(h.app, "POST", "/credentials/issue", { token, body: { credential: { ...plain(), type: ["Other"] } } }),
      400,
      "invalid-credential",
    );
    const tampered = { ...credentialA, name: "Something else" };
    const res = await call(h.app, "POST", "/credentials/verify", { body: { verifiableCredential: tampered } });
    expect(res.statusCode).toBe(400);
    expect(json(res).errors.map((e: { type: string }) => e.type)).toContain("proof");
  });

  it("checks a presentation's holder proof against the verifier's challenge and domain", async () => {
    const material = await generateKeyPair();
    const holder = `did:key:${material.publicKeyMultibase}`;
    const signer = await localSigner(`${holder}#${material.publicKeyMultibase}`, material);
    const vp = {
      "@context": ["https://www.w3.org/ns/credentials/v2"],
      type: ["VerifiablePresentation"],
      holder,
      verifiableCredential: [credentialA],
    };
    const signed = await signEddsaRdfc2022(
      vp,
      {
        signer,
        verificationMethod: signer.id,
        proofPurpose: "authentication",
        challenge: "c-123",
        domain: "bank.test",
      },
      canonizer(),
    );
    const ask = (options: Record<string, string>, presentation: unknown = signed) =>
      call(h.app, "POST", "/presentations/verify", { body: { verifiablePresentation: presentation, options } });
    const good = await ask({ challenge: "c-123", domain: "bank.test" });
    expect(good.statusCode, good.body).toBe(200);
    expect(json(good).report.checks).toContainEqual(expect.objectContaining({ id: "proof", status: "pass" }));
    const replayed = await ask({ challenge: "c-999", domain: "bank.test" });
    expect(replayed.statusCode).toBe(400);
    expect(
      json(replayed)
        .errors.map((e: { message: string }) => e.message)
        .join(" "),
    ).toMatch(/challenge/);
    expect((await ask({ challenge: "c-123" }, { ...signed, holder: "did:example:someone-else" })).statusCode).toBe(400);
    expect((await ask({ challenge: "c-123" }, vp)).statusCode).toBe(400); // unsigned, but a challenge was asked
  });

  it("verifies a presentation of the bank's credentials", async () => {
    const res = await call(h.app, "POST", "/presentations/verify", {
      body: {
        verifiablePresentation: {
          "@context": ["https://www.w3.org/ns/credentials/v2"],
          type: ["VerifiablePresentation"],
          verifiableCredential: [credentialA],
        },
      },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(json(res).verified).toBe(true);
  });
});

describe("revocation through the API", () => {
  it("a provider revokes its credential; verification then fails on status, and the learner sees it", async () => {
    const url = `/api/v1/credentials/${w.credentials.ofB}`;
    const before = json(await call(h.app, "GET", url, { token: w.tokens.providerB }));
    expectError(
      await call(h.app, "POST", `${url}/revoke`, { token: w.tokens["provider-admin"], body: { reason: "not yours" } }),
      403,
    );
    const res = await call(h.app, "POST", `${url}/revoke`, {
      token: w.tokens.providerB,
      body: { reason: "Grading error" },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(json(res).status).toMatchObject({ revoked: true, revocationReason: "Grading error" });
    const report = json(await call(h.app, "POST", "/api/v1/verify", { body: before.credential })) as Report;
    expect(failedChecks(report)).toEqual(["status"]);
  });
});

describe("HTTPS", () => {
  it("serves HTTPS itself when TLS_CERT and TLS_KEY are set", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cb-tls-"));
    const cert = join(dir, "cert.pem");
    const key = join(dir, "key.pem");
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        key,
        "-out",
        cert,
        "-days",
        "1",
        "-subj",
        "/CN=127.0.0.1",
      ],
      { stdio: "ignore" },
    );
    const bank = await testBank({ TLS_CERT: cert, TLS_KEY: key });
    const app = await buildServer(bank, { logger: false });
    try {
      await app.listen({ host: "127.0.0.1", port: 0 });
      const port = (app.server.address() as { port: number }).port;
      const body = await new Promise<string>((resolve, reject) => {
        const req = httpsRequest({ host: "127.0.0.1", port, path: "/healthz", rejectUnauthorized: false }, (res) => {
          let data = "";
          res.on("data", (c) => (data += c));
          res.on("end", () => resolve(data));
        });
        req.on("error", reject);
        req.end();
      });
      expect(JSON.parse(body).status).toBe("ok");
    } finally {
      await app.close();
      await bank.dispose();
    }
  });
});

describe("transcripts, badges and certificates", () => {
  it("a learner's CLR 2.0 transcript is signed by the bank, passes the official schema and verifies", async () => {
    const res = await call(h.app, "GET", `/api/v1/learners/${w.learners.ofA}/transcript`, { token: w.tokens.learner });
    expect(res.statusCode, res.body).toBe(200);
    const clr = json(res);
    expect(clr.type).toEqual(["VerifiableCredential", "ClrCredential"]);
    expect(clr.issuer.id).toBe("did:web:bank.test");
    expect(officialSchemaErrors("clr", clr)).toEqual([]);
    expect(clr.credentialSubject.verifiableCredential.map((c: { id: string }) => c.id)).toContain(credentialA.id);
    const report = json(await call(h.app, "POST", "/api/v1/verify", { body: clr })) as Report;
    expect(
      report.checks.filter((c) => c.status !== "pass"),
      JSON.stringify(report.checks),
    ).toEqual([]);
    // Another learner's transcript is not yours.
    expectError(
      await call(h.app, "GET", `/api/v1/learners/${w.learners.ofB}/transcript`, { token: w.tokens.learner }),
      403,
    );
  });

  it("serves the credential baked into PNG and SVG badges and a PDF certificate, each of which verifies", async () => {
    for (const [file, type] of [
      ["badge.png", "image/png"],
      ["badge.svg", "image/svg+xml"],
      ["certificate.pdf", "application/pdf"],
    ] as const) {
      const res = await call(h.app, "GET", `/api/v1/credentials/${w.credentials.ofA}/${file}`, {
        token: w.tokens.learner,
      });
      expect(res.statusCode, `${file}: ${res.body.slice(0, 200)}`).toBe(200);
      expect(res.headers["content-type"]).toContain(type);
      const report = json(await verify(res.rawPayload, "application/octet-stream")) as Report;
      expect(
        report.checks.filter((c) => c.status !== "pass"),
        file,
      ).toEqual([]);
    }
    expectError(
      await call(h.app, "GET", `/api/v1/credentials/${w.credentials.ofA}/badge.gif`, { token: w.tokens.learner }),
      400,
    );
  });

  it("anyone holding a credential id (a certificate's QR code) can have it verified, and the page is served", async () => {
    const res = await call(h.app, "GET", `/api/v1/credentials/urn:uuid:${w.credentials.ofA}/verification`);
    expect(res.statusCode, res.body).toBe(200);
    expect(json(res).verified).toBe(true);
    expectError(await call(h.app, "GET", `/api/v1/credentials/${RANDOM}/verification`), 404, "credential-not-found");
    const page = await call(h.app, "GET", "/verify");
    expect(page.headers["content-type"]).toMatch(/text\/html/);
    expect(page.body).toContain("api/v1/verify");
  });
});

describe("learner DIDs and issuer keys over the API", () => {
  it("a learner gives a DID; credentials issued afterwards name them by it, earlier ones do not change", async () => {
    const did = "did:key:z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi";
    const url = `/api/v1/learners/${w.learners.ofA}/did`;
    expectError(
      await call(h.app, "PUT", url, { token: w.tokens.learner, body: { did: "did:nothing" } }),
      400,
      "invalid-did",
    );
    expectError(
      await call(h.app, "PUT", `/api/v1/learners/${w.learners.ofB}/did`, { token: w.tokens.learner, body: { did } }),
      403,
    );
    const set = await call(h.app, "PUT", url, { token: w.tokens.learner, body: { did } });
    expect(set.statusCode, set.body).toBe(200);
    expect(json(set).did).toBe(did);
    const recorded = await call(h.app, "POST", "/api/v1/achievements", {
      token: w.tokens["provider-admin"],
      body: achievement(A, "A-APP", "learner.a@example.org", { achievedOn: "2025-05-05" }),
    });
    expect(recorded.statusCode, recorded.body).toBe(201);
    const issued = json(
      await call(h.app, "GET", `/api/v1/credentials/${json(recorded).credentialId}`, { token: w.tokens.learner }),
    );
    expect(issued.credential.credentialSubject.id).toBe(did);
    expect(issued.credential.credentialSubject.identifier).toBeUndefined();
    expect((credentialA.credentialSubject as Record<string, unknown>).id).toBeUndefined();
  });

  it("a provider rotates its own key (not another's); old credentials still verify; only the registry reports compromise", async () => {
    expectError(
      await call(h.app, "POST", "/api/v1/issuers/prov-b/keys/rotate", {
        token: w.tokens["provider-admin"],
        body: { reason: "no" },
      }),
      403,
      "not-your-issuer",
    );
    const res = await call(h.app, "POST", `/api/v1/issuers/${A}/keys/rotate`, {
      token: w.tokens["provider-admin"],
      body: { reason: "yearly" },
    });
    expect(res.statusCode, res.body).toBe(200);
    const doc = json(await call(h.app, "GET", `/issuers/${A}/did.json`));
    expect(doc.assertionMethod).toContain(json(res).activeKey);
    expect(doc.assertionMethod.length).toBeGreaterThanOrEqual(2);
    expect((json(await call(h.app, "POST", "/api/v1/verify", { body: credentialA })) as Report).verified).toBe(true);
    expectError(
      await call(h.app, "POST", `/api/v1/issuers/${A}/keys/compromised`, {
        token: w.tokens["provider-admin"],
        body: { keyId: json(res).activeKey, since: "2026-01-01T00:00:00Z", reason: "no" },
      }),
      403,
    );
  });
});
