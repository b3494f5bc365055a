/**
 * What the transparency log records, and writing it: every change the bank must not be able to rewrite
 * silently becomes an event whose canonical record (RFC 8785 JSON) is a leaf of the log, written by
 * `appendLogEvents` in the transaction of the change itself, so nothing is committed without its leaf
 * and no leaf exists without its change. The sequencer (sequencer.ts) later appends the leaves to the
 * tree and signs a checkpoint.
 *
 * A record holds no personal data. A learner appears only as a commitment, SHA-256(salt || learner id)
 * in hex, whose 32-byte random salt is kept in `learner_log_salt`; erasing the learner deletes the salt,
 * and the commitment then links to nobody. Credentials appear by id and the SHA-256 of the exact text
 * the bank stored (a JWT, or the JSON of a Data Integrity credential); units, qualifications and
 * providers by their register ids. Free-text reasons are never logged: they may name people.
 *
 * Logging a kind of event the bank does not produce yet (a qualification conferred, a recognition
 * decided) is one call in the use case's transaction, e.g.
 *
 *     await appendLogEvents(tx, [{ kind: "qualification.conferred", credentialId, document, issuer,
 *                                  learnerId, qualificationId, version }]);
 */
import { hash, randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import type { Db } from "../store/catalogue-repo.ts";
import {
  beginLog,
  credentialsAfter,
  insertLogEntries,
  type LogEntryInsert,
  learnerSalts,
  registerAsItStands,
} from "../store/log-repo.ts";
import type { Database } from "../store/schema.ts";

/** The version of the record format (the `v` of every record). */
export const LOG_RECORD_VERSION = 1;

export const CREDENTIAL_EVENT_KINDS = [
  "credential.issued",
  "credential.revoked",
  "credential.suspended",
  "credential.reinstated",
] as const;
export const UNIT_EVENT_KINDS = [
  "unit.approved",
  "unit.suspended",
  "unit.reinstated",
  "unit.withdrawn",
  "unit.superseded",
] as const;
export const ACCREDITATION_EVENT_KINDS = [
  "provider.accredited",
  "provider.accreditation-changed",
  "provider.suspended",
  "provider.reinstated",
  "provider.withdrawn",
] as const;
/** Kinds for use cases still to come: their records are defined here so the log's format is settled. */
export const FUTURE_EVENT_KINDS = ["qualification.conferred", "recognition.decided"] as const;

export const LOG_EVENT_KINDS = [
  ...CREDENTIAL_EVENT_KINDS,
  ...UNIT_EVENT_KINDS,
  ...ACCREDITATION_EVENT_KINDS,
  ...FUTURE_EVENT_KINDS,
] as const;
export type LogEventKind = (typeof LOG_EVENT_KINDS)[number];

/** A credential issued: by id, the SHA-256 of its stored text, its issuer, its learner's commitment. */
export interface CredentialIssued {
  kind: "credential.issued";
  /** The credential's UUID (the record names it `urn:uuid:<id>`). */
  credentialId: string;
  /** The credential exactly as stored (compact JWS, or JSON text). */
  document: string;
  /** The issuer's register id (a provider id, or 'bank'). */
  issuer: string;
  /** The learner it was issued to, when the bank knows (not for VC API credentials). */
  learnerId?: string | null;
  /** The credential it replaces (a reissue). */
  replaces?: string | null;
  /** The credential's own `id` when it is not `urn:uuid:<credentialId>` (a VC API caller may choose it). */
  documentId?: string | null;
}

export interface CredentialStatusChanged {
  kind: "credential.revoked" | "credential.suspended" | "credential.reinstated";
  credentialId: string;
  issuer: string;
}

export interface UnitStatusChanged {
  kind: (typeof UNIT_EVENT_KINDS)[number];
  unitId: string;
  version: number;
  providerId: string;
  /** The version's content hash (SHA-256 of its canonical specification, as the register stores it). */
  specHash: string;
}

export interface AccreditationChanged {
  kind: (typeof ACCREDITATION_EVENT_KINDS)[number];
  providerId: string;
  accreditationId: string;
  framework: string;
  minLevel: string;
  maxLevel: string;
  fields: readonly string[];
  /** The accreditation's status after the change. */
  status: string;
}

export interface QualificationConferred {
  kind: "qualification.conferred";
  credentialId: string;
  document: string;
  /** The awarding body's register id. */
  issuer: string;
  learnerId: string;
  qualificationId: string;
  version: number;
}

export interface RecognitionDecided {
  kind: "recognition.decided";
  /** The recognition case (or credit-transfer decision) id. */
  caseId: string;
  learnerId: string;
  /** e.g. 'granted', 'partly-granted', 'refused'. */
  outcome: string;
  /** Credits recognised, when any. */
  credits?: number;
}

export type LogEvent =
  | CredentialIssued
  | CredentialStatusChanged
  | UnitStatusChanged
  | AccreditationChanged
  | QualificationConferred
  | RecognitionDecided;

/** The event of a credential's status change (revoke, suspend, reinstate). */
export function credentialStatusEvent(
  action: "revoke" | "suspend" | "reinstate",
  credentialId: string,
  issuer: string,
): CredentialStatusChanged {
  const kind = (
    { revoke: "credential.revoked", suspend: "credential.suspended", reinstate: "credential.reinstated" } as const
  )[action];
  return { kind, credentialId, issuer };
}

/** A log record: JSON values only (strings, numbers, string arrays, nested records). */
type RecordValue = string | number | readonly string[] | { readonly [key: string]: RecordValue };
export type LogRecord = { readonly [key: string]: RecordValue };

/**
 * RFC 8785 (JCS) canonical JSON of a record: keys sorted by UTF-16 code units at every level, strings
 * and numbers as JSON.stringify writes them (which is what JCS specifies). Records have no
 * integer-like keys, so JSON.stringify keeps the sorted order; test/services/log-events.test.ts checks
 * the output against the `canonicalize` package. About five times faster than it on these records,
 * which matters on the recording path.
 */
export function canonicalRecord(record: LogRecord): string {
  // The records built below already have their keys in order: nothing to copy.
  return JSON.stringify(isSorted(record) ? record : sortKeys(record));
}

function isSorted(value: RecordValue): boolean {
  if (typeof value !== "object" || Array.isArray(value)) return true;
  const keys = Object.keys(value);
  for (let i = 0; i < keys.length; i++) {
    if ((i > 0 && (keys[i - 1] as string) >= (keys[i] as string)) || keys[i] === "__proto__") return false;
    if (!isSorted((value as LogRecord)[keys[i] as string] as RecordValue)) return false;
  }
  return true;
}

function sortKeys(value: RecordValue): RecordValue {
  if (typeof value !== "object" || Array.isArray(value)) return value;
  // No prototype: a key such as "__proto__" is then an ordinary property, as in the JSON it came from.
  const sorted: Record<string, RecordValue> = Object.create(null);
  for (const key of Object.keys(value).sort()) sorted[key] = sortKeys((value as LogRecord)[key] as RecordValue);
  return sorted;
}

/** SHA-256 of a text's UTF-8 bytes, hex. */
export const sha256Text = (text: string): string => hash("sha256", text, "hex");

/** A learner's commitment: SHA-256(salt || the learner id's UTF-8 bytes), hex. */
export function learnerCommitment(salt: Uint8Array, learnerId: string): string {
  return hash("sha256", Buffer.concat([salt, Buffer.from(learnerId.toLowerCase(), "utf8")]), "hex");
}

const urn = (uuid: string) => `urn:uuid:${uuid.toLowerCase()}`;

/** The record of an event (without the learner's commitment resolved: `commitment` gives it). */
export function eventRecord(event: LogEvent, at: string, commitment: (learnerId: string) => string): LogRecord {
  // Keys written in canonical order (the code points of their names), so canonicalRecord need not sort.
  const v = LOG_RECORD_VERSION;
  const kind = event.kind;
  switch (event.kind) {
    case "credential.issued": {
      const record: Record<string, RecordValue> = {
        at,
        credential: event.documentId ?? urn(event.credentialId),
        issuer: event.issuer,
        kind,
      };
      if (event.learnerId) record.learner = commitment(event.learnerId);
      if (event.replaces) record.replaces = urn(event.replaces);
      record.sha256 = sha256Text(event.document);
      record.v = v;
      return record;
    }
    case "credential.revoked":
    case "credential.suspended":
    case "credential.reinstated":
      return { at, credential: urn(event.credentialId), issuer: event.issuer, kind, v };
    case "unit.approved":
    case "unit.suspended":
    case "unit.reinstated":
    case "unit.withdrawn":
    case "unit.superseded":
      return {
        at,
        kind,
        provider: event.providerId,
        spec: event.specHash,
        unit: event.unitId,
        v,
        version: event.version,
      };
    case "provider.accredited":
    case "provider.accreditation-changed":
    case "provider.suspended":
    case "provider.reinstated":
    case "provider.withdrawn":
      return {
        accreditation: event.accreditationId,
        at,
        fields: [...event.fields],
        framework: event.framework,
        kind,
        levels: [event.minLevel, event.maxLevel],
        provider: event.providerId,
        status: event.status,
        v,
      };
    case "qualification.conferred":
      return {
        at,
        credential: urn(event.credentialId),
        issuer: event.issuer,
        kind,
        learner: commitment(event.learnerId),
        qualification: event.qualificationId,
        sha256: sha256Text(event.document),
        v,
        version: event.version,
      };
    case "recognition.decided":
      return {
        at,
        case: event.caseId,
        ...(event.credits === undefined ? {} : { credits: event.credits }),
        kind,
        learner: commitment(event.learnerId),
        outcome: event.outcome,
        v,
      };
  }
}

/** The credential an event is about (for lookups), if any. */
function credentialOf(event: LogEvent): string | null {
  return "credentialId" in event ? event.credentialId.toLowerCase() : null;
}

/** The register entity an event is about (for lookups), if any: 'unit:<id>', 'provider:<id>', … */
function subjectOf(event: LogEvent): string | null {
  if (event.kind === "credential.issued" && event.documentId) return `credential:${event.documentId}`;
  if ("unitId" in event) return `unit:${event.unitId}`;
  if ("accreditationId" in event) return `provider:${event.providerId}`;
  if (event.kind === "recognition.decided") return `recognition:${event.caseId}`;
  return null;
}

function learnerOf(event: LogEvent): string | null {
  return "learnerId" in event && event.learnerId ? event.learnerId.toLowerCase() : null;
}

/**
 * Writes the events' leaves in the caller's transaction: one statement for the learners' salts (new
 * salts stored for learners seen the first time) and one multi-row insert for the entries, whatever
 * the number of events. Returns the entries' ids (event ids), in input order.
 */
export async function appendLogEvents(
  tx: Db,
  events: readonly LogEvent[],
  options: { at?: string } = {},
): Promise<string[]> {
  if (events.length === 0) return [];
  const at = options.at ?? new Date().toISOString();
  const learners = [...new Set(events.map(learnerOf).filter((id): id is string => id !== null))];
  const salts = await learnerSalts(tx, learners, freshSalts);
  // A learner's commitment is computed once per call (a batch often holds several of their credentials).
  const commitments = new Map<string, string>();
  const commitment = (learnerId: string) => {
    const id = learnerId.toLowerCase();
    let known = commitments.get(id);
    if (known === undefined) {
      const salt = salts.get(id);
      if (!salt) throw new Error(`No log salt could be stored for learner ${learnerId}.`);
      known = learnerCommitment(salt, id);
      commitments.set(id, known);
    }
    return known;
  };
  const rows: LogEntryInsert[] = events.map((event) => {
    const record = canonicalRecord(eventRecord(event, at, commitment));
    return {
      kind: event.kind,
      record,
      // RFC 6962 leaf hash, SHA-256(0x00 || record): the string is hashed as UTF-8, "\0" as the 0x00 byte.
      leafHash: hash("sha256", `\0${record}`, "hex"),
      credentialId: credentialOf(event),
      subject: subjectOf(event),
    };
  });
  return insertLogEntries(tx, rows);
}

/**
 * The log's beginning, once per bank (the first start after the log was added): the register as it
 * stands (units in force, accreditations) and every credential already stored, with its revocation or
 * suspension, are logged, so a bank upgraded from before the log verifies its earlier credentials too.
 * One transaction; on a new bank it only marks the log as begun. Returns the events written.
 */
export async function beginLogWithWhatExists(db: Kysely<Database>): Promise<number> {
  return db.transaction().execute(async (tx) => {
    if (!(await beginLog(tx))) return 0;
    let written = 0;
    const register = await registerAsItStands(tx);
    const registerEvents: LogEvent[] = [
      ...register.accreditations.map(
        (a): AccreditationChanged => ({
          kind: "provider.accredited",
          providerId: a.provider_id,
          accreditationId: a.id,
          framework: a.framework_id,
          minLevel: a.min_level,
          maxLevel: a.max_level,
          fields: a.fields,
          status: a.status,
        }),
      ),
      ...register.units.flatMap((u): UnitStatusChanged[] => {
        const base = { unitId: u.unit_id, version: u.version, providerId: u.provider_id, specHash: u.spec_hash };
        return u.status === "suspended"
          ? [
              { kind: "unit.approved", ...base },
              { kind: "unit.suspended", ...base },
            ]
          : [{ kind: "unit.approved", ...base }];
      }),
    ];
    written += (await appendLogEvents(tx, registerEvents)).length;
    for (let after = "00000000-0000-0000-0000-000000000000"; ; ) {
      const page = await credentialsAfter(tx, after, 1000);
      if (page.length === 0) break;
      const events: LogEvent[] = [];
      for (const c of page) {
        events.push({
          kind: "credential.issued",
          credentialId: c.id,
          document: c.document,
          issuer: c.issuer_id,
          learnerId: c.learner_id,
          replaces: c.replaces_id,
          ...documentIdOf(c.id, c.document),
        });
        if (c.revoked_at) events.push(credentialStatusEvent("revoke", c.id, c.issuer_id));
        else if (c.suspended_at) events.push(credentialStatusEvent("suspend", c.id, c.issuer_id));
      }
      written += (await appendLogEvents(tx, events)).length;
      after = (page.at(-1) as { id: string }).id;
    }
    return written;
  });
}

/** The `id` a stored credential's document carries, when it is not `urn:uuid:<row id>`. */
function documentIdOf(rowId: string, document: string): { documentId?: string } {
  let id: unknown;
  if (document.startsWith("{")) {
    try {
      id = (JSON.parse(document) as { id?: unknown }).id;
    } catch {
      return {};
    }
  } else {
    try {
      const payload = JSON.parse(Buffer.from(document.split(".")[1] ?? "", "base64url").toString("utf8")) as {
        jti?: unknown;
        id?: unknown;
      };
      id = payload.jti ?? payload.id;
    } catch {
      return {};
    }
  }
  return typeof id === "string" && id !== `urn:uuid:${rowId}` ? { documentId: id } : {};
}

/** Random 32-byte salts, drawn in one call. */
function freshSalts(count: number): Buffer[] {
  const bytes = randomBytes(32 * count);
  return Array.from({ length: count }, (_, i) => bytes.subarray(32 * i, 32 * i + 32));
}
