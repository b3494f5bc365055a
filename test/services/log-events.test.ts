/**
 * The log's records: RFC 8785 canonical JSON (checked against the `canonicalize` package on random
 * records), one format per kind of event, learners only as salted commitments, and the configuration of
 * the log (sequencer, witnesses) read and refused as docs/operations.md says.
 */
import canonicalize from "canonicalize";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.ts";
import { generateNoteKeys, SIGNATURE_TYPE_COSIGNATURE_V1 } from "../../src/ledger/signed-note.ts";
import {
  canonicalRecord,
  eventRecord,
  LOG_EVENT_KINDS,
  type LogEvent,
  type LogRecord,
  learnerCommitment,
  sha256Text,
} from "../../src/services/log-events.ts";
import { originFor } from "../../src/services/log-keys.ts";

const AT = "2026-01-02T03:04:05.678Z";
const commit = (id: string) => `commitment-of-${id}`;

const EXAMPLES: LogEvent[] = [
  {
    kind: "credential.issued",
    credentialId: "0F8FAD5B-D9CB-469F-A165-70867728950E",
    document: '{"a":1}',
    issuer: "prov",
    learnerId: "learner-1",
  },
  {
    kind: "credential.issued",
    credentialId: "0f8fad5b-d9cb-469f-a165-70867728950e",
    document: "eyJ.x.y",
    issuer: "bank",
    replaces: "7c9e6679-7425-40de-944b-e07fc1f90ae7",
    documentId: "urn:example:1",
  },
  { kind: "credential.revoked", credentialId: "0f8fad5b-d9cb-469f-a165-70867728950e", issuer: "prov" },
  { kind: "unit.approved", unitId: "u-1", version: 2, providerId: "prov", specHash: "ab".repeat(32) },
  {
    kind: "provider.accredited",
    providerId: "prov",
    accreditationId: "acc-1",
    framework: "eqf",
    minLevel: "3",
    maxLevel: "6",
    fields: ["0521", "*"],
    status: "active",
  },
  {
    kind: "qualification.conferred",
    credentialId: "0f8fad5b-d9cb-469f-a165-70867728950e",
    document: "{}",
    issuer: "prov",
    learnerId: "learner-2",
    qualificationId: "q-1",
    version: 1,
  },
  { kind: "recognition.decided", caseId: "case-9", learnerId: "learner-3", outcome: "granted", credits: 7.5 },
];

describe("log records", () => {
  it("are RFC 8785 canonical JSON: the same text as the canonicalize package, for any record", () => {
    const key = fc.string({ minLength: 1, maxLength: 12 }).filter((k) => !/^\d+$/.test(k));
    const leaf = fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.array(fc.string({ maxLength: 8 }), { maxLength: 4 }),
    );
    const recordArb = fc.letrec((tie) => ({
      record: fc.dictionary(key, fc.oneof({ depthSize: "small" }, leaf, tie("record")), { maxKeys: 6 }),
    })).record as fc.Arbitrary<LogRecord>;
    fc.assert(
      fc.property(recordArb, (record) => {
        expect(canonicalRecord(record)).toBe(canonicalize(record));
      }),
      { numRuns: 500 },
    );
    for (const event of EXAMPLES) {
      const record = eventRecord(event, AT, commit);
      expect(canonicalRecord(record)).toBe(canonicalize(record));
    }
  });

  it("have one format per kind, with the version, the kind and the time", () => {
    const records = EXAMPLES.map((event) => eventRecord(event, AT, commit));
    for (const [i, record] of records.entries()) {
      expect(record).toMatchObject({ v: 1, kind: EXAMPLES[i]?.kind, at: AT });
      expect(LOG_EVENT_KINDS).toContain(record.kind);
    }
    expect(records[0]).toEqual({
      v: 1,
      kind: "credential.issued",
      at: AT,
      credential: "urn:uuid:0f8fad5b-d9cb-469f-a165-70867728950e",
      sha256: sha256Text('{"a":1}'),
      issuer: "prov",
      learner: "commitment-of-learner-1",
    });
    expect(records[1]).toMatchObject({
      credential: "urn:example:1",
      replaces: "urn:uuid:7c9e6679-7425-40de-944b-e07fc1f90ae7",
    });
    expect(records[1]).not.toHaveProperty("learner");
    expect(records[4]).toMatchObject({ levels: ["3", "6"], fields: ["0521", "*"], accreditation: "acc-1" });
    expect(records[6]).toMatchObject({ case: "case-9", outcome: "granted", credits: 7.5 });
  });

  it("name a learner only by a salted commitment: another salt, another commitment", () => {
    const id = "3f2504e0-4f89-11d3-9a0c-0305e82c3301";
    const a = learnerCommitment(Buffer.alloc(32, 1), id);
    const b = learnerCommitment(Buffer.alloc(32, 2), id);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(a).not.toBe(b);
    expect(a).toBe(learnerCommitment(Buffer.alloc(32, 1), id.toUpperCase()));
    expect(a).not.toContain(id.replaceAll("-", ""));
  });
});

describe("the log's configuration", () => {
  const witness = generateNoteKeys("witness.example/w", SIGNATURE_TYPE_COSIGNATURE_V1).verifierKey;
  const logKey = generateNoteKeys("other.example/log").verifierKey;

  it("has defaults: a one-second sequencer, batches of 65,536, no witnesses", () => {
    expect(loadConfig({})).toMatchObject({
      logSequenceIntervalMs: 1000,
      logSequenceBatch: 65_536,
      logWitnesses: [],
      witnessedLogs: [],
    });
  });

  it("reads witnesses (URL and key) and witnessed logs (keys), separated by commas or newlines", () => {
    const config = loadConfig({
      LOG_SEQUENCE_INTERVAL_MS: "250",
      LOG_SEQUENCE_BATCH: "1000",
      LOG_WITNESSES: `https://w.example/log/witness/ ${witness},\nhttp://127.0.0.1:4000/log/witness ${witness}`,
      WITNESSED_LOGS: `${logKey}\n${logKey}`,
    });
    expect(config.logSequenceIntervalMs).toBe(250);
    expect(config.logSequenceBatch).toBe(1000);
    expect(config.logWitnesses).toEqual([
      { url: "https://w.example/log/witness", verifierKey: witness },
      { url: "http://127.0.0.1:4000/log/witness", verifierKey: witness },
    ]);
    expect(config.witnessedLogs).toEqual([logKey, logKey]);
  });

  it("refuses what it cannot use, naming the variable", () => {
    expect(() => loadConfig({ LOG_SEQUENCE_BATCH: "0" })).toThrow(/LOG_SEQUENCE_BATCH/);
    expect(() => loadConfig({ LOG_SEQUENCE_INTERVAL_MS: "-1" })).toThrow(ConfigError);
    expect(() => loadConfig({ LOG_WITNESSES: "https://w.example" })).toThrow(/LOG_WITNESSES/);
    expect(() => loadConfig({ LOG_WITNESSES: `ftp://w.example ${witness}` })).toThrow(/LOG_WITNESSES/);
    expect(() => loadConfig({ WITNESSED_LOGS: "not a key" })).toThrow(/WITNESSED_LOGS/);
  });

  it("names the log after PUBLIC_URL without its scheme", () => {
    expect(originFor("https://bank.example")).toBe("bank.example/log");
    expect(originFor("http://127.0.0.1:3000/")).toBe("127.0.0.1:3000/log");
    expect(originFor("https://gov.example/credit-bank")).toBe("gov.example/credit-bank/log");
  });
});
