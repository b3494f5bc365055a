/**
 * The verifier on other issuers' credentials: the signed 1EdTech examples (Data Integrity with did:key,
 * did:web-style and fragment keys, several proofs, an older context, a VC-JWT, baked images, a CLR, a
 * revoked one against its Bitstring status list, VC 1.1 Ed25519Signature2020) and every negative case,
 * each with the check that must catch it. Offline: the only documents are the files themselves.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CredentialError } from "../../src/credentials/errors.ts";
import {
  type CheckId,
  type VerificationReport,
  verifyCredential,
  verifyPresentation,
} from "../../src/credentials/verifier.ts";
import { standardsDir } from "../support/standards.ts";

const OB = (path: string) => join(standardsDir(), "openbadges-3.0/examples/validator", path);
const CLR = (path: string) => join(standardsDir(), "clr-2.0/examples", path);
const read = (file: string) => new Uint8Array(readFileSync(file));

const statusList = JSON.parse(readFileSync(OB("status-list/bitstring-status-list-credential.json"), "utf8"));
// The examples name a status list on GitHub; offline, that URL resolves to the local copy.
const ports = { statusList: async () => statusList };

const statusOf = (report: VerificationReport, id: CheckId) => {
  const found = report.checks.filter((c) => c.id === id).map((c) => c.status);
  return found.includes("fail") ? "fail" : found.includes("warning") ? "warning" : found[0];
};
const failing = (report: VerificationReport) => [
  ...new Set(report.checks.filter((c) => c.status === "fail").map((c) => c.id)),
];

describe("valid credentials of other issuers", () => {
  const VALID: Array<[string, string, Partial<Record<CheckId, string>>]> = [
    ["simple.json (eddsa-rdfc-2022, key in the fragment)", OB("simple.json"), { issuer: "warning" }],
    ["did:key verification method", OB("simple-did-key-method.json"), { issuer: "warning" }],
    ["did:web-style verification method", OB("simple-did-web-method.json"), { issuer: "warning" }],
    ["an unknown proof beside a valid one", OB("simple-multiple-proofs.json"), {}],
    ["context 3.0.2", OB("simple-context-version.json"), {}],
    ["the complete example (1EdTechRevocationList status)", OB("complete.json"), { status: "warning" }],
    ["an EndorsementCredential", OB("endorsement-valid.json"), {}],
    ["VC-JWT with RS256 and a jwk header", OB("simple-vc-jwt-rs256.jwt"), { issuer: "warning" }],
    ["baked PNG (JSON)", OB("baked/simple-json.png"), {}],
    ["baked SVG (JSON)", OB("baked/simple-json.svg"), {}],
    ["baked PNG (JWT)", OB("baked/simple-jwt.png"), {}],
    ["baked SVG (JWT)", OB("baked/simple-jwt.svg"), {}],
    ["a CLR 2.0 ClrCredential", CLR("simple.json"), {}],
    ["VC 1.1 with Ed25519Signature2020", OB("legacy-vc1/simple_v1.json"), { schema: "warning" }],
  ];
  for (const [name, file, expected] of VALID) {
    it(`${name}: verified, with an unknown issuer as a warning`, async () => {
      const report = await verifyCredential(read(file), ports);
      expect(failing(report), JSON.stringify(report.checks, null, 1)).toEqual([]);
      expect(report.verified).toBe(true);
      expect(statusOf(report, "proof")).toBe("pass");
      expect(statusOf(report, "register")).toBe("warning");
      for (const [check, status] of Object.entries(expected))
        expect(statusOf(report, check as CheckId), check).toBe(status);
    });
  }

  it("a revoked credential: the signature is fine, the status list says revoked", async () => {
    for (const file of [
      "status-list/credential-status-revoked.json",
      "status-list/credential-status-revoked-blank-nodes.json",
    ]) {
      const report = await verifyCredential(read(OB(file)), ports);
      expect(statusOf(report, "proof")).toBe("pass");
      expect(failing(report)).toEqual(["status"]);
      expect(report.checks.find((c) => c.id === "status")?.message).toMatch(/revoked/);
    }
  });

  it("without the status list the revocation status is unknown: a warning, never a pass", async () => {
    const report = await verifyCredential(read(OB("status-list/credential-status-revoked.json")));
    expect(statusOf(report, "status")).toBe("warning");
  });

  it("a status list signed by someone else is refused", async () => {
    const forged = { ...statusList, issuer: "https://evil.example/issuer" };
    const report = await verifyCredential(read(OB("status-list/credential-status-revoked.json")), {
      statusList: async () => forged,
    });
    expect(statusOf(report, "status")).toBe("fail");
    expect(report.checks.find((c) => c.id === "status")?.message).toMatch(
      /not validly signed|not by the credential's issuer/,
    );
  });
});

describe("invalid credentials: each caught by the right check", () => {
  const INVALID: Array<[string, CheckId[]]> = [
    ["simple-err-type.json", ["jsonld"]],
    ["simple-err-context.json", ["format"]],
    ["simple-err-issuer.json", ["format"]],
    ["simple-err-issued.json", ["schema", "validity"]],
    ["simple-err-expired.json", ["validity"]],
    ["simple-err-credential-subject-type.json", ["schema", "jsonld"]],
    ["simple-err-credential-subject-identifier-type.json", ["schema", "jsonld"]],
    ["simple-err-credential-subject-result-type.json", ["schema", "jsonld"]],
    ["simple-err-issuer-type.json", ["schema", "jsonld"]],
    ["simple-err-issuer-parentorg-type.json", ["schema", "jsonld"]],
    ["simple-err-issuer-otheridentifier-type.json", ["schema", "jsonld"]],
    ["simple-err-credential-subject-profile-type.json", ["jsonld"]],
    ["simple-err-credential-subject-achievement-result-description-type.json", ["jsonld"]],
    ["simple-err-evidence-type.json", ["jsonld"]],
    ["simple-err-proof-method.json", ["proof"]],
    ["simple-err-proof-method-unknown-scheme.json", ["proof"]],
    ["simple-err-proof-method-unknown-did-method.json", ["proof"]],
    ["simple-err-proof-method-no-scheme.json", ["proof"]],
    ["simple-err-proof-value.json", ["proof"]],
  ];
  for (const [file, checks] of INVALID) {
    it(`${file}: not verified; ${checks.join(" and ")} fail`, async () => {
      const report = await verifyCredential(read(OB(`invalid/${file}`)), ports);
      expect(report.verified).toBe(false);
      for (const check of checks)
        expect(statusOf(report, check), `${check}: ${JSON.stringify(report.checks)}`).toBe("fail");
      // Every failing check explains itself in a sentence.
      for (const c of report.checks.filter((x) => x.status === "fail")) expect(c.message).toMatch(/^[A-Z/'"].{10,}/);
    });
  }

  it("unsigned, and signed with an unsupported suite: the proof check fails and says why", async () => {
    const unsigned = await verifyCredential(read(OB("legacy-vc1/simple-noproof.json")));
    expect(statusOf(unsigned, "proof")).toBe("fail");
    const eddsa2022 = await verifyCredential(read(OB("legacy-vc1/simple-eddsa-2022.json")));
    expect(eddsa2022.checks.find((c) => c.id === "proof")?.message).toMatch(/eddsa-2022.*not supported/);
  });
});

describe("input that is not a credential", () => {
  const BAD: Array<[string, Uint8Array | string, string]> = [
    ["malformed JSON", new TextEncoder().encode('{"@context": ['), "malformed-json"],
    ["a JSON array", new TextEncoder().encode("[1,2]"), "unsupported-file"],
    ["random bytes", new Uint8Array([0, 1, 2, 3, 250, 251]), "unsupported-file"],
  ];
  for (const [name, input, code] of BAD) {
    it(`${name} → CredentialError '${code}'`, async () => {
      const error = await verifyCredential(input).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CredentialError);
      expect((error as CredentialError).code).toBe(code);
    });
  }

  it("a broken JWT is a failing format check, not an exception", async () => {
    const report = await verifyCredential("eyJhbGciOiJFZERTQSJ9.bm90IGpzb24.c2ln");
    expect(failing(report)).toEqual(["format"]);
  });

  it("a presentation is verified credential by credential", async () => {
    const good = JSON.parse(readFileSync(OB("simple.json"), "utf8"));
    const bad = JSON.parse(readFileSync(OB("invalid/simple-err-proof-value.json"), "utf8"));
    const presentation = {
      "@context": ["https://www.w3.org/ns/credentials/v2"],
      type: ["VerifiablePresentation"],
      verifiableCredential: [good, bad],
    };
    const report = await verifyPresentation(presentation, ports);
    expect(report.verified).toBe(false);
    expect(report.credentials.map((c) => c.verified)).toEqual([true, false]);
    await expect(verifyCredential(presentation)).rejects.toMatchObject({ code: "is-a-presentation" });
  });
});

describe("hostile input", () => {
  const isReport = (r: unknown) =>
    typeof r === "object" && r !== null && Array.isArray((r as { checks?: unknown }).checks);

  it("any bytes: a report or a CredentialError with a code, never another exception", async () => {
    const { default: fc } = await import("fast-check");
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2048 }), async (bytes) => {
        try {
          expect(isReport(await verifyCredential(bytes))).toBe(true);
        } catch (error) {
          expect(error).toBeInstanceOf(CredentialError);
          expect((error as CredentialError).code).toMatch(/^[a-z0-9-]+$/);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("any JSON shaped roughly like a credential: a report, never an exception", async () => {
    const { default: fc } = await import("fast-check");
    const base = JSON.parse(readFileSync(OB("simple.json"), "utf8"));
    const anyJson = fc.jsonValue({ maxDepth: 4 });
    const keys = Object.keys(base).concat(["credentialSubject", "proof", "credentialStatus", "issuer", "validFrom"]);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...keys), anyJson, async (key, value) => {
        const report = await verifyCredential({ ...base, [key]: value }, ports).catch((e: unknown) => e);
        if (report instanceof Error) {
          expect(report).toBeInstanceOf(CredentialError);
        } else {
          expect(isReport(report)).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });
});
