/**
 * Credentials end to end on a bank: recording issues an Open Badges 3.0 credential that the official
 * schema accepts and that verifies (here and with the Digital Bazaar verifier); JWT on request;
 * re-runs find the same credential; revocation, suspension and reinstatement show in the status list
 * and the account; key rotation keeps old credentials valid; a compromised key taints only what it
 * signed after the reported moment; and any single-field change to a signed credential fails.
 */

import { DataIntegrityProof } from "@digitalbazaar/data-integrity";
import { cryptosuite } from "@digitalbazaar/eddsa-rdfc-2022-cryptosuite";
import * as vc from "@digitalbazaar/vc";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDocumentLoader } from "../../src/credentials/document-loader.ts";
import { decodeJwt } from "../../src/credentials/jwt.ts";
import type { VerificationReport } from "../../src/credentials/verifier.ts";
import type { AchievementRecord } from "../../src/domain/schema/accounts.ts";
import { OPERATOR } from "../../src/services/actor.ts";
import { importBundle } from "../../src/services/bundle-import.ts";
import { changeStatus, credentialStatus } from "../../src/services/credential-status.ts";
import { statementOf } from "../../src/services/learners.ts";
import { recordAchievements } from "../../src/services/recording.ts";
import { bulkReissue, bulkRevoke } from "../../src/services/reissue.ts";
import { bankVerifierPorts, verifyWithBank } from "../../src/services/verification.ts";
import { credentialById } from "../../src/store/credentials-repo.ts";
import { testBank } from "../support/bank.ts";
import { appError, coherentUnit, provider } from "../support/fixtures.ts";
import { officialSchemaErrors } from "../support/ob-schema.ts";

type TestBank = Awaited<ReturnType<typeof testBank>>;
let bank: TestBank;

const record = (unit: string, achievedOn: string, email: string, extra: Partial<AchievementRecord> = {}) => ({
  provider: "vc-a",
  unit,
  achievedOn,
  result: "passed",
  grade: "B",
  evidence: [{ url: "https://portfolio.example/work/1" }],
  learner: { identifiers: [{ kind: "email" as const, value: email }], givenName: "Ada", familyName: "Lovelace" },
  ...extra,
});

async function issue(unit: string, achievedOn: string, email: string, format?: "jwt" | "data-integrity") {
  const report = await recordAchievements(bank, OPERATOR, [{ row: 1, record: record(unit, achievedOn, email) }], {
    ...(format ? { format } : {}),
  });
  expect(report.errors).toEqual([]);
  const result = report.results[0];
  if (!result) throw new Error("nothing recorded");
  const row = await credentialById(bank.db, result.credentialId);
  if (!row) throw new Error("no credential stored");
  return { result, row, text: row.document };
}

const _statusOf = (report: VerificationReport, id: string) =>
  report.checks.filter((c) => c.id === id).map((c) => c.status);
const failed = (report: VerificationReport) => report.checks.filter((c) => c.status === "fail").map((c) => c.id);

beforeAll(async () => {
  bank = await testBank({ PUBLIC_URL: "https://bank.example" });
  await importBundle(bank.db, OPERATOR, {
    providers: [provider("vc-a")],
    units: [
      { ...coherentUnit("vc-a", "VC1", 3), status: "approved" },
      { ...coherentUnit("vc-a", "VC2", 5), status: "approved", validityMonths: 24 },
      { ...coherentUnit("vc-a", "VC3", 2), status: "approved" },
      { ...coherentUnit("vc-a", "VC4", 4), status: "approved" },
    ],
  });
});

afterAll(async () => {
  await bank?.dispose();
});

describe("issuance", () => {
  it("issues an OpenBadgeCredential with a Data Integrity proof that the official schema accepts and that verifies", async () => {
    const { text } = await issue("VC1", "2025-03-01", "ada@example.org");
    const credential = JSON.parse(text);
    expect(officialSchemaErrors("ob", credential)).toEqual([]);
    expect(credential.type).toEqual(["VerifiableCredential", "OpenBadgeCredential"]);
    expect(credential.proof).toMatchObject({ type: "DataIntegrityProof", cryptosuite: "eddsa-rdfc-2022" });
    expect(credential.issuer.id).toBe("did:web:bank.example:issuers:vc-a");
    expect(credential.validFrom).toBe("2025-03-01T00:00:00Z");
    const subject = credential.credentialSubject;
    expect(subject.achievement).toMatchObject({
      achievementType: "MicroCredential",
      name: "Unit VC1",
      creditsAvailable: 3,
    });
    expect(subject.identifier[0]).toMatchObject({ type: "IdentityObject", identityType: "emailAddress", hashed: true });
    expect(JSON.stringify(credential)).not.toContain("ada@example.org");
    expect(subject.result).toContainEqual(expect.objectContaining({ value: "B" }));
    expect(credential.credentialStatus).toMatchObject({
      type: "BitstringStatusListEntry",
      statusPurpose: "revocation",
    });
    const report = await verifyWithBank(bank, text);
    expect(report.checks.filter((c) => c.status !== "pass")).toEqual([]);
    expect(report.verified).toBe(true);
  });

  it("carries validUntil when the unit has a validity period", async () => {
    const { text } = await issue("VC2", "2025-03-01", "ada@example.org");
    expect(JSON.parse(text).validUntil).toBe("2027-03-01T00:00:00Z");
  });

  it("issues VC-JWT on request, which verifies and whose payload passes the official schema", async () => {
    const { text, row } = await issue("VC3", "2025-04-01", "jwt@example.org", "jwt");
    expect(row.proof_format).toBe("jwt");
    const decoded = decodeJwt(text);
    expect(decoded.header).toMatchObject({
      alg: "EdDSA",
      kid: expect.stringMatching(/^did:web:bank\.example:issuers:vc-a#z6Mk/),
    });
    expect(decoded.payload).toMatchObject({
      iss: "did:web:bank.example:issuers:vc-a",
      jti: expect.stringMatching(/^urn:uuid:/),
    });
    expect(officialSchemaErrors("ob", decoded.credential)).toEqual([]);
    const report = await verifyWithBank(bank, text);
    expect(report.proofFormat).toBe("jwt");
    expect(report.checks.filter((c) => c.status !== "pass")).toEqual([]);
  });

  it("recording the same achievement again names the same credential and issues no other", async () => {
    const first = await issue("VC1", "2025-05-01", "again@example.org");
    const again = await recordAchievements(bank, OPERATOR, [
      { row: 1, record: record("VC1", "2025-05-01", "again@example.org") },
    ]);
    expect(again.results[0]).toMatchObject({ status: "unchanged", credentialId: first.row.id });
    const rows = await bank.db
      .selectFrom("credential")
      .select("id")
      .where("achievement_id", "=", first.result.achievementId)
      .execute();
    expect(rows).toHaveLength(1);
  });

  it("verifies with the Digital Bazaar verifier, offline, resolving the bank's DID", async () => {
    const { text } = await issue("VC4", "2025-06-01", "interop@example.org");
    const ports = bankVerifierPorts(bank);
    const base = createDocumentLoader();
    const documentLoader = async (url: string) => {
      if (url.startsWith("did:")) {
        const [did] = url.split("#") as [string];
        const doc = (await ports.resolve?.(did)) as { verificationMethod: Array<{ id: string }> };
        const document = url.includes("#")
          ? { "@context": "https://w3id.org/security/multikey/v1", ...doc.verificationMethod.find((m) => m.id === url) }
          : doc;
        return { contextUrl: null, documentUrl: url, document };
      }
      return base(url);
    };
    const result = await vc.verifyCredential({
      credential: JSON.parse(text),
      suite: new DataIntegrityProof({ cryptosuite }),
      documentLoader,
      checkStatus: async () => ({ verified: true }),
    });
    expect(result.error).toBeUndefined();
    expect(result.verified).toBe(true);
  });
});

describe("revocation and suspension", () => {
  it("suspends and reinstates through the status list; revoking also reverses the deposit", async () => {
    const { text, row, result } = await issue("VC1", "2025-07-01", "status@example.org");
    const provider = {
      kind: "operator" as const,
      role: "provider-admin" as const,
      providerId: "vc-a",
      label: "vc-a admin",
    };

    await changeStatus(bank, provider, row.id, "suspend", "Under investigation");
    let report = await verifyWithBank(bank, text);
    expect(failed(report)).toEqual(["status"]);
    expect(report.checks.find((c) => c.status === "fail")?.message).toMatch(/suspended/);

    await changeStatus(bank, provider, row.id, "reinstate", "Cleared");
    report = await verifyWithBank(bank, text);
    expect(report.verified).toBe(true);

    await changeStatus(bank, provider, `urn:uuid:${row.id}`, "revoke", "Grading error");
    report = await verifyWithBank(bank, text);
    expect(failed(report)).toEqual(["status"]);
    expect(report.checks.find((c) => c.status === "fail")?.message).toMatch(/revoked/);
    const statement = await statementOf(bank.db, result.learnerId);
    expect(statement.balances.total.ects).toBeCloseTo(0);
    const view = await credentialStatus(bank, row.id);
    expect(view).toMatchObject({ revoked: true, revocationReason: "Grading error", suspended: false });
    expect(view.history.map((h) => h.action)).toEqual(["suspend", "reinstate", "revoke"]);
    // Revocation is final.
    expect((await appError(changeStatus(bank, provider, row.id, "reinstate", "oops"))).code).toBe("credential-revoked");
  });

  it("refuses another provider and an unknown credential", async () => {
    const { row } = await issue("VC3", "2025-07-02", "refuse@example.org");
    const other = { kind: "operator" as const, role: "provider-admin" as const, providerId: "other", label: "other" };
    expect((await appError(changeStatus(bank, other, row.id, "revoke", "no"))).status).toBe(403);
    expect(
      (await appError(changeStatus(bank, OPERATOR, "00000000-0000-4000-8000-000000000000", "revoke", "x"))).code,
    ).toBe("credential-not-found");
    expect((await appError(changeStatus(bank, OPERATOR, row.id, "revoke", "  "))).code).toBe("reason-required");
  });
});

describe("keys", () => {
  it("rotation: new credentials use the new key, old ones still verify", async () => {
    const before = await issue("VC1", "2025-08-01", "rotate@example.org");
    const oldKey = before.row.key_id;
    await bank.keys.rotate(bank.db, OPERATOR, "vc-a", "yearly rotation");
    const after = await issue("VC3", "2025-08-01", "rotate@example.org");
    expect(after.row.key_id).not.toBe(oldKey);
    expect((await verifyWithBank(bank, before.text)).verified).toBe(true);
    expect((await verifyWithBank(bank, after.text)).verified).toBe(true);
    const doc = await bank.keys.didDocument(bank.db, "vc-a");
    expect(doc?.assertionMethod).toEqual(expect.arrayContaining([oldKey, after.row.key_id]));
    const history = await bank.keys.keyHistory(bank.db, "vc-a");
    expect(history.map((h) => h.event)).toEqual(["created", "created", "rotated"]);
    // The history is a hash chain.
    for (let i = 1; i < history.length; i++) expect(history[i]?.previousHash).toBe(history[i - 1]?.hash);
  });

  it("a compromised key taints only what it signed from the reported moment on", async () => {
    const early = await issue("VC4", "2025-09-01", "compromise@example.org");
    // Proof times have whole seconds; a signature in the same second as the report counts as after it.
    await new Promise((r) => setTimeout(r, 1100));
    const since = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 20));
    const late = await issue("VC2", "2025-09-01", "compromise@example.org");
    expect(late.row.key_id).toBe(early.row.key_id);
    await bank.keys.reportCompromised(bank.db, OPERATOR, early.row.key_id, since, "laptop stolen");
    expect((await verifyWithBank(bank, early.text)).verified).toBe(true);
    const lateReport = await verifyWithBank(bank, late.text);
    expect(failed(lateReport)).toEqual(["proof"]);
    expect(lateReport.checks.find((c) => c.id === "proof")?.message).toMatch(/compromised/);
    // Verifiers without the key history refuse everything the key signed: it is no longer an assertion method.
    const published = await bank.keys.didDocument(bank.db, "vc-a");
    expect(published?.assertionMethod).not.toContain(early.row.key_id);
    expect(published?.verificationMethod.map((m) => m.id)).toContain(early.row.key_id);
    // The issuer got a fresh key and goes on issuing.
    const next = await issue("VC1", "2025-09-02", "compromise@example.org");
    expect(next.row.key_id).not.toBe(early.row.key_id);
    expect((await verifyWithBank(bank, next.text)).verified).toBe(true);
  });
});

describe("tampering", () => {
  /** Every path to a leaf value of a JSON document. */
  function leaves(value: unknown, path: Array<string | number> = []): Array<Array<string | number>> {
    if (Array.isArray(value)) return value.flatMap((v, i) => leaves(v, [...path, i]));
    if (value && typeof value === "object") return Object.entries(value).flatMap(([k, v]) => leaves(v, [...path, k]));
    return [path];
  }

  function changed(document: unknown, path: Array<string | number>, mutate: (v: unknown) => unknown): unknown {
    const copy = structuredClone(document) as Record<string | number, unknown>;
    let at = copy;
    for (const key of path.slice(0, -1)) at = at[key] as Record<string | number, unknown>;
    const last = path[path.length - 1] as string | number;
    at[last] = mutate(at[last]);
    return copy;
  }

  const mutations = (v: unknown): unknown[] =>
    typeof v === "string"
      ? [`${v}x`, v.slice(0, -1), v.toUpperCase() === v ? v.toLowerCase() : v.toUpperCase()].filter((m) => m !== v)
      : typeof v === "number"
        ? [v + 1, v / 2 === v ? 1 : v / 2]
        : typeof v === "boolean"
          ? [!v]
          : ["x"];

  it("every single-field change to a signed credential fails verification, and says which check caught it", async () => {
    const { text } = await issue("VC3", "2025-10-01", "tamper@example.org");
    const signed = JSON.parse(text);
    const paths = leaves(signed);
    expect(paths.length).toBeGreaterThan(40);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...paths), fc.nat(), async (path, pick) => {
        const original = path.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], signed);
        const options = mutations(original);
        const mutated = changed(signed, path, () => options[pick % options.length]);
        const report = await verifyWithBank(bank, mutated as Record<string, unknown>);
        expect(report.verified, `changing ${path.join("/")} went unnoticed`).toBe(false);
        expect(failed(report).length).toBeGreaterThan(0);
      }),
      { numRuns: 60 },
    );
  });
});

describe("bulk revoke and reissue", () => {
  it("reissues a cohort with corrected grades; lineage shows both ways; a re-run changes nothing", async () => {
    const cohort = await Promise.all(
      ["c1@example.org", "c2@example.org", "c3@example.org"].map((email) => issue("VC2", "2025-11-01", email)),
    );
    const items = cohort.map((c) => ({ credential: `urn:uuid:${c.row.id}`, reason: "Grading error", grade: "A" }));
    const first = await bulkReissue(bank, OPERATOR, [
      ...items,
      { credential: "nonsense", reason: "x" },
      { reason: "" },
    ]);
    expect(first).toMatchObject({ rows: 5, changed: 3, unchanged: 0, errors: 2 });
    expect(first.outcomes.slice(3).map((o) => o.code)).toEqual(["credential-not-found", "invalid-field"]);
    for (const [i, outcome] of first.outcomes.slice(0, 3).entries()) {
      const old = cohort[i] as (typeof cohort)[number];
      expect(outcome.status).toBe("reissued");
      const replacement = (outcome.replacement as string).replace("urn:uuid:", "");
      const newRow = await credentialById(bank.db, replacement);
      const document = JSON.parse(newRow?.document as string);
      expect(document.description).toContain(`urn:uuid:${old.row.id}`);
      expect(document.credentialSubject.result).toContainEqual(expect.objectContaining({ value: "A" }));
      expect(await credentialStatus(bank, replacement)).toMatchObject({
        replaces: `urn:uuid:${old.row.id}`,
        revoked: false,
      });
      expect(await credentialStatus(bank, old.row.id)).toMatchObject({
        replacedBy: outcome.replacement,
        revoked: true,
      });
      expect(failed(await verifyWithBank(bank, old.text))).toEqual(["status"]);
      expect((await verifyWithBank(bank, newRow?.document as string)).verified).toBe(true);
      // The account still holds the credits once: the old deposit reversed, the new one deposited.
      const statement = await statementOf(bank.db, old.result.learnerId);
      expect(statement.balances.total.ects).toBeCloseTo(5);
    }
    const again = await bulkReissue(bank, OPERATOR, items);
    expect(again).toMatchObject({ changed: 0, unchanged: 3, errors: 0 });
    expect(again.outcomes.map((o) => o.replacement)).toEqual(first.outcomes.slice(0, 3).map((o) => o.replacement));
  });

  it("bulk revocation is idempotent and refuses other providers' credentials row by row", async () => {
    const a = await issue("VC3", "2025-11-02", "bulk1@example.org");
    const b = await issue("VC3", "2025-11-02", "bulk2@example.org");
    const other = { kind: "operator" as const, role: "provider-admin" as const, providerId: "other", label: "other" };
    const refused = await bulkRevoke(bank, other, [{ credential: a.row.id, reason: "no" }]);
    expect(refused.outcomes[0]).toMatchObject({ status: "error", code: "not-your-provider" });
    const items = [a, b].map((c) => ({ credential: c.row.id, reason: "Withdrawn course" }));
    expect(await bulkRevoke(bank, OPERATOR, items)).toMatchObject({ changed: 2, unchanged: 0 });
    expect(await bulkRevoke(bank, OPERATOR, items)).toMatchObject({ changed: 0, unchanged: 2 });
  });
});

describe("the bank's own issuer identity", () => {
  it("no provider may take the id 'bank', which names the bank's own DID and keys", async () => {
    const error = await appError(importBundle(bank.db, OPERATOR, { providers: [provider("bank")] }));
    expect(error.details?.map((d) => [d.path, d.code])).toEqual([["/providers/0/id", "reserved-id"]]);
  });
});
