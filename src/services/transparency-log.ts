/**
 * The bank's transparency log (docs/transparency-log.md): what the API, the CLI and the verifier need.
 *
 * - `openTransparencyLog`: the log's keys, its sequencer and the client that asks witnesses to cosign;
 * - the tlog-tiles resources: the checkpoint with its cosignatures, tiles (a partial path served as a
 *   prefix of the stored, wider tile), entry bundles (built from the entries, nothing stored twice);
 * - proofs: inclusion of a credential's issuance or of any event, consistency between two sizes, each
 *   read from stored tiles in ONE query (the ledger's plan → read → hashesFromTiles);
 * - the verifier's port: the record, index, inclusion proof and signed checkpoint of a credential.
 *
 * Events are written by log-events.ts, sequenced by sequencer.ts; cosigning is witness-service.ts.
 */
import type { Kysely } from "kysely";
import type { LogLookup } from "../credentials/verifier.ts";
import { signCheckpoint } from "../ledger/checkpoint.ts";
import { encodeBase64 } from "../ledger/encoding.ts";
import { encodeEntryBundle } from "../ledger/entry-bundles.ts";
import { LedgerError } from "../ledger/errors.ts";
import { emptyTreeRoot, HASH_SIZE } from "../ledger/hashes.ts";
import {
  type HashPlan,
  hashesFromTiles,
  mergePlans,
  type NodeMemo,
  planConsistencyProof,
  planInclusionProof,
  planRoot,
  type TileReader,
} from "../ledger/proofs.ts";
import { formatNote, parseNote } from "../ledger/signed-note.ts";
import { parseTilePath, type TilePath } from "../ledger/tile-paths.ts";
import { TILE_WIDTH, type Tile, type TileId, tileKey, tileWidthAt } from "../ledger/tiles.ts";
import type { Db } from "../store/catalogue-repo.ts";
import {
  type CheckpointRow,
  checkpointOfSize,
  cosignaturesOf,
  countPending,
  type EntryRow,
  entriesOfCredential,
  entriesOfLeaves,
  entriesOfSubject,
  entryById,
  latestCheckpoint,
  leafIndexOf,
  listCheckpoints,
  readTiles,
  START,
} from "../store/log-repo.ts";
import type { Database } from "../store/schema.ts";
import { AppError, notFound } from "./errors.ts";
import { type LogKeys, loadLogKeys } from "./log-keys.ts";
import { type SequencedBatch, Sequencer } from "./sequencer.ts";
import {
  CosigningClient,
  type CosigningOutcome,
  type WitnessedLogConfig,
  witnessedLogs,
  witnessTargets,
} from "./witness-service.ts";

export interface TransparencyLog {
  keys: LogKeys;
  /** Stored tiles behind a bounded cache, and a memo of upper subtrees: what proofs read. */
  proofs: ProofSource;
  sequencer: Sequencer;
  cosigning: CosigningClient;
  /** The logs this bank witnesses, by origin. */
  witnessed: ReadonlyMap<string, WitnessedLogConfig>;
  /** Stored tiles, for the ledger's proofs. */
  tiles: TileReader;
  /** Stops the timer and waits for work under way (the bank is closing). */
  close(): Promise<void>;
}

export interface TransparencyLogConfig {
  publicUrl: string;
  logSequenceIntervalMs: number;
  logSequenceBatch: number;
  logWitnesses: ReadonlyArray<{ url: string; verifierKey: string }>;
  witnessedLogs: readonly string[];
}

/** A bank as far as the log's reads need it. */
export interface LogBank {
  db: Db;
  log?: TransparencyLog | undefined;
}

export function tileReader(db: Db): TileReader {
  return { readTiles: (ids: readonly TileId[]) => readTiles(db, ids) };
}

/** A Map that forgets its oldest entries beyond `capacity` (memory stays bounded as the log grows). */
class Bounded<V> {
  #map = new Map<string, V>();
  constructor(readonly capacity: number) {}
  get(key: string): V | undefined {
    const value = this.#map.get(key);
    if (value !== undefined) {
      // Most recently used last.
      this.#map.delete(key);
      this.#map.set(key, value);
    }
    return value;
  }
  set(key: string, value: V): void {
    this.#map.delete(key);
    this.#map.set(key, value);
    if (this.#map.size > this.capacity) this.#map.delete(this.#map.keys().next().value as string);
  }
}

/**
 * Where proofs read tiles: the database, behind a bounded cache of tiles (their hashes never change; a
 * cached partial tile serves any width it covers, a wider need reads the table again), plus a bounded
 * memo of upper subtrees' hashes. At most 1,024 tiles (8 MiB) and 65,536 hashes are kept, whatever the
 * size of the log. Serving tiles over HTTP does not use it: what is served is what is stored.
 */
export class ProofSource implements TileReader {
  readonly #tiles = new Bounded<Tile>(1024);
  readonly memo: NodeMemo = new Bounded<Buffer>(65_536);

  constructor(private readonly db: Db) {}

  async readTiles(ids: readonly TileId[]): Promise<Tile[]> {
    const found: Tile[] = [];
    const missing: TileId[] = [];
    for (const id of ids) {
      const cached = this.#tiles.get(tileKey(id.level, id.index));
      if (cached && cached.width >= id.width) found.push(cached);
      else missing.push(id);
    }
    if (missing.length > 0) {
      for (const tile of await readTiles(this.db, missing)) {
        this.#tiles.set(tileKey(tile.level, tile.index), tile);
        found.push(tile);
      }
    }
    return found;
  }

  /** A plan's hashes: tiles read (one query for what the cache lacks), upper subtrees memoised. */
  async hashes(plan: HashPlan): Promise<Buffer[]> {
    return hashesFromTiles(plan, plan.tiles.length === 0 ? [] : await this.readTiles(plan.tiles), this.memo);
  }
}

export async function openTransparencyLog(
  db: Kysely<Database>,
  config: TransparencyLogConfig,
  masterKey: Buffer,
  hooks: {
    onCheckpoint?: (batch: SequencedBatch) => void;
    onError?: (error: unknown) => void;
    onCosigning?: (outcome: CosigningOutcome) => void;
  } = {},
): Promise<TransparencyLog> {
  const keys = await loadLogKeys(db, config.publicUrl, masterKey);
  const tiles = tileReader(db);
  const cosigning = new CosigningClient(db, tiles, witnessTargets(config.logWitnesses), {
    ...(hooks.onCosigning ? { onOutcome: hooks.onCosigning } : {}),
  });
  const sequencer = new Sequencer(db, keys, {
    batchSize: config.logSequenceBatch,
    intervalMs: config.logSequenceIntervalMs,
    onCheckpoint: (batch) => {
      hooks.onCheckpoint?.(batch);
      if (cosigning.witnesses.length > 0) cosigning.notify();
    },
    onError: (error) => (hooks.onError ?? defaultOnError)(error),
  });
  return {
    keys,
    proofs: new ProofSource(db),
    sequencer,
    cosigning,
    witnessed: witnessedLogs(config.witnessedLogs),
    tiles,
    async close() {
      await sequencer.close();
      await cosigning.close();
    },
  };
}

function defaultOnError(error: unknown): void {
  process.emitWarning(`The transparency log's sequencer failed: ${(error as Error).message}`, "LogWarning");
}

function logOf(bank: LogBank): TransparencyLog {
  if (!bank.log) throw new AppError("log-unavailable", "This bank has no transparency log open.", 503);
  return bank.log;
}

// ── the checkpoint ──────────────────────────────────────────────────────────────────────────────

/**
 * The latest signed checkpoint with the witnesses' cosignatures on it; for an empty log, the checkpoint
 * of size 0 (the empty tree's root), signed on the spot: Ed25519 is deterministic, so it is always the
 * same note.
 */
export async function publishedCheckpoint(bank: LogBank): Promise<{ note: string; size: number; root: Buffer }> {
  const log = logOf(bank);
  const latest = await latestCheckpoint(bank.db);
  if (!latest) {
    const root = emptyTreeRoot();
    return {
      note: signCheckpoint({ origin: log.keys.origin, size: 0, root, extensions: [] }, [log.keys.signer]),
      size: 0,
      root,
    };
  }
  const cosignatures = await cosignaturesOf(bank.db, latest.size);
  if (cosignatures.length === 0) return { note: latest.note, size: latest.size, root: latest.root };
  const parsed = parseNote(latest.note);
  return {
    note: formatNote(parsed.text, [...parsed.signatures.map((s) => s.line), ...cosignatures]),
    size: latest.size,
    root: latest.root,
  };
}

// ── tiles and entry bundles ─────────────────────────────────────────────────────────────────────

/** A tile or entry bundle path (`tile/…`), or 400 `tile-path-invalid`. */
export function parseLogPath(path: string): TilePath {
  try {
    return parseTilePath(path);
  } catch (error) {
    if (error instanceof LedgerError) throw new AppError("tile-path-invalid", error.message, 400);
    throw error;
  }
}

/**
 * The bytes of a tile or entry bundle path (c2sp.org/tlog-tiles), and whether the resource is final
 * (a full tile or bundle: cacheable forever). Throws 404 `tile-not-found` for one the log does not
 * have (yet).
 */
export async function tileResource(bank: LogBank, path: TilePath): Promise<{ bytes: Buffer; full: boolean }> {
  const latest = await latestCheckpoint(bank.db);
  const size = latest?.size ?? 0;
  const full = path.width === TILE_WIDTH;
  if (path.kind === "tile") {
    // Only tiles of the published tree: a width it implies at the latest size or below.
    const available = tileWidthAt(path.level, path.index, size);
    if (available < path.width) throw tileMissing(path, size);
    const [tile] = await readTiles(bank.db, [{ level: path.level, index: path.index }]);
    if (!tile || tile.hashes.length < path.width * HASH_SIZE) throw tileMissing(path, size);
    return { bytes: tile.hashes.subarray(0, path.width * HASH_SIZE), full };
  }
  const first = path.index * TILE_WIDTH;
  if (first + path.width > size) throw tileMissing(path, size);
  const entries = await entriesOfLeaves(bank.db, path.index, 0, path.width);
  if (entries.length !== path.width) throw tileMissing(path, size);
  return { bytes: encodeEntryBundle(entries.map((e) => e.record)), full };
}

function tileMissing(path: TilePath, size: number): AppError {
  const what =
    path.kind === "tile"
      ? `Tile ${path.level}/${path.index} of width ${path.width}`
      : `Entry bundle ${path.index} of width ${path.width}`;
  return new AppError("tile-not-found", `${what} is not in the log (its tree has ${size} leaves).`, 404);
}

// ── proofs ──────────────────────────────────────────────────────────────────────────────────────

export interface InclusionProofView {
  origin: string;
  verifierKey: string;
  /** The event (entry) and what it records. */
  eventId: string;
  kind: string;
  /** The leaf's entry: the canonical record, as text. */
  record: string;
  leafIndex: number;
  leafHash: string;
  treeSize: number;
  rootHash: string;
  /** The proof's hashes, base64, from the leaf's sibling up (RFC 9162 §2.1.3). */
  proof: string[];
  /** The signed checkpoint of `treeSize`, with its cosignatures when it is the latest. */
  checkpoint: string;
}

export interface ConsistencyProofView {
  origin: string;
  verifierKey: string;
  from: number;
  to: number;
  fromRoot: string;
  toRoot: string;
  proof: string[];
  /** The signed checkpoint of `to`. */
  checkpoint: string;
}

const b64 = (bytes: Uint8Array) => encodeBase64(bytes);

/** The checkpoint to prove against: the latest, or the one of exactly `size` (404 when none). */
async function checkpointFor(bank: LogBank, size?: number): Promise<CheckpointRow> {
  const row = size === undefined ? await latestCheckpoint(bank.db) : await checkpointOfSize(bank.db, size);
  if (!row) {
    throw size === undefined
      ? new AppError("log-empty", "The log has no checkpoint yet: nothing has been sequenced.", 404)
      : new AppError("checkpoint-not-found", `The bank published no checkpoint of size ${size}.`, 404);
  }
  return row;
}

async function noteWithCosignatures(bank: LogBank, row: CheckpointRow): Promise<string> {
  const cosignatures = await cosignaturesOf(bank.db, row.size);
  if (cosignatures.length === 0) return row.note;
  const parsed = parseNote(row.note);
  return formatNote(parsed.text, [...parsed.signatures.map((s) => s.line), ...cosignatures]);
}

/** Where an entry is in the tree: its leaf index, or null while it waits for the sequencer. */
async function locate(bank: LogBank, entry: EntryRow): Promise<number | null> {
  const latest = await latestCheckpoint(bank.db);
  const index = await leafIndexOf(bank.db, entry, latest?.frontier ?? START);
  return index ?? null;
}

/**
 * Where an entry is, sequencing what waits first if it is not in the tree yet (a caller asking for a
 * proof wants one now, and the sequencer would publish it within a second anyway).
 */
async function locateNow(bank: LogBank, entry: EntryRow): Promise<number | null> {
  const index = await locate(bank, entry);
  if (index !== null || !bank.log) return index;
  await bank.log.sequencer.sequenceAll({ timeoutMs: 3000 }).catch(() => null);
  return locate(bank, entry);
}

async function inclusionOf(bank: LogBank, entry: EntryRow, size?: number): Promise<InclusionProofView> {
  const log = logOf(bank);
  const index = await locateNow(bank, entry);
  if (index === null) {
    throw new AppError(
      "log-entry-pending",
      `Event ${entry.id} is written but not yet in the log's tree; it will be in the next checkpoint, within seconds.`,
      409,
    );
  }
  const checkpoint = await checkpointFor(bank, size);
  if (index >= checkpoint.size) {
    throw new AppError(
      "log-entry-after-checkpoint",
      `Event ${entry.id} is leaf ${index}, which is not in the tree of size ${checkpoint.size}.`,
      409,
    );
  }
  const proof = await log.proofs.hashes(planInclusionProof(index, checkpoint.size));
  return {
    origin: log.keys.origin,
    verifierKey: log.keys.verifierKey,
    eventId: entry.id,
    kind: entry.kind,
    record: entry.record.toString("utf8"),
    leafIndex: index,
    leafHash: b64(entry.leafHash),
    treeSize: checkpoint.size,
    rootHash: b64(checkpoint.root),
    proof: proof.map(b64),
    checkpoint: await noteWithCosignatures(bank, checkpoint),
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The issuance events naming a credential, oldest first: by the bank's UUID of it, and by the id the
 * document carries when a VC API caller chose another one (two documents may claim one id).
 */
async function issuancesOf(db: Db, credentialId: string): Promise<EntryRow[]> {
  const uuid = credentialId.replace(/^urn:uuid:/i, "").toLowerCase();
  const byUuid = UUID.test(uuid) ? await entriesOfCredential(db, uuid) : [];
  const bySubject = await entriesOfSubject(db, `credential:${credentialId}`);
  return [...byUuid.filter((e) => recordNames(e, credentialId)), ...bySubject].filter(
    (e) => e.kind === "credential.issued",
  );
}

/** The issuance of a credential: the one of this exact text (by its SHA-256) when given, else the first. */
async function issuanceOf(db: Db, credentialId: string, sha256?: string): Promise<EntryRow | undefined> {
  const found = await issuancesOf(db, credentialId);
  return (sha256 ? found.find((e) => recordField(e, "sha256") === sha256) : undefined) ?? found[0];
}

const recordField = (entry: EntryRow, field: string): unknown =>
  (JSON.parse(entry.record.toString("utf8")) as Record<string, unknown>)[field];

/** Whether an entry's record names the credential as the verifier sees it (its document id). */
function recordNames(entry: EntryRow, credentialId: string): boolean {
  const named = recordField(entry, "credential");
  return named === credentialId || named === `urn:uuid:${credentialId.toLowerCase()}`;
}

/** The inclusion proof of a credential's issuance in the latest checkpoint (or in the one of `size`). */
export async function credentialInclusionProof(
  bank: LogBank,
  credentialId: string,
  size?: number,
): Promise<InclusionProofView> {
  const entry = await issuanceOf(bank.db, credentialId);
  if (!entry) throw notFound("Logged credential", credentialId, "log-credential-not-found");
  return inclusionOf(bank, entry, size);
}

/** The inclusion proof of any event, by its id. */
export async function eventInclusionProof(bank: LogBank, eventId: string, size?: number): Promise<InclusionProofView> {
  const entry = /^[1-9][0-9]{0,17}$/.test(eventId) ? await entryById(bank.db, eventId) : undefined;
  if (!entry) throw notFound("Log event", eventId, "log-event-not-found");
  return inclusionOf(bank, entry, size);
}

/** Every event logged about a credential, each with its leaf index (null while pending). */
export async function credentialEvents(bank: LogBank, credentialId: string) {
  const uuid = credentialId.replace(/^urn:uuid:/i, "").toLowerCase();
  if (!UUID.test(uuid)) throw notFound("Logged credential", credentialId, "log-credential-not-found");
  const entries = await entriesOfCredential(bank.db, uuid);
  if (entries.length === 0) throw notFound("Logged credential", credentialId, "log-credential-not-found");
  const latest = await latestCheckpoint(bank.db);
  const events = [];
  for (const entry of entries) {
    const leafIndex = (await leafIndexOf(bank.db, entry, latest?.frontier ?? START)) ?? null;
    events.push({ eventId: entry.id, kind: entry.kind, record: entry.record.toString("utf8"), leafIndex });
  }
  return events;
}

/** The consistency proof from size `from` to size `to` (default: the latest checkpoint). */
export async function consistencyProofBetween(bank: LogBank, from: number, to?: number): Promise<ConsistencyProofView> {
  const log = logOf(bank);
  const checkpoint = await checkpointFor(bank, to);
  if (!Number.isSafeInteger(from) || from < 1 || from > checkpoint.size) {
    throw new AppError(
      "size-out-of-range",
      `A consistency proof goes from a size of 1 to ${checkpoint.size} (the newer tree); ${from} is not one.`,
      400,
    );
  }
  const proofPlan = from === checkpoint.size ? null : planConsistencyProof(from, checkpoint.size);
  const rootPlan = planRoot(from);
  // One read for the proof and the old root: both are on the tree of the newer size.
  const plans = proofPlan
    ? [proofPlan, { ...rootPlan, treeSize: checkpoint.size }]
    : [{ ...rootPlan, treeSize: checkpoint.size }];
  const hashes = await log.proofs.hashes(mergePlans(plans));
  const fromRoot = hashes.at(-1) as Buffer;
  const proof = proofPlan ? hashes.slice(0, -1) : [];
  return {
    origin: log.keys.origin,
    verifierKey: log.keys.verifierKey,
    from,
    to: checkpoint.size,
    fromRoot: b64(fromRoot),
    toRoot: b64(checkpoint.root),
    proof: proof.map(b64),
    checkpoint: await noteWithCosignatures(bank, checkpoint),
  };
}

// ── about the log ───────────────────────────────────────────────────────────────────────────────

export async function logInfo(bank: LogBank) {
  const log = logOf(bank);
  const latest = await latestCheckpoint(bank.db);
  return {
    origin: log.keys.origin,
    verifierKey: log.keys.verifierKey,
    witnessKey: log.keys.witnessKey,
    treeSize: latest?.size ?? 0,
    rootHash: b64(latest?.root ?? emptyTreeRoot()),
    checkpointAt: latest ? latest.createdAt.toISOString() : null,
    pending: await countPending(bank.db, latest?.frontier ?? START),
    witnesses: log.cosigning.witnesses.map((w) => ({ name: w.name, url: w.url })),
    witnessing: [...log.witnessed.keys()],
  };
}

export async function recentCheckpoints(bank: LogBank, limit: number, before?: number) {
  const rows = await listCheckpoints(bank.db, limit, before);
  return rows.map((r) => ({ treeSize: r.size, rootHash: b64(r.root), createdAt: r.createdAt.toISOString() }));
}

// ── the verifier's port ─────────────────────────────────────────────────────────────────────────

/**
 * What the bank's log says about a credential, for the verifier's "recorded in the bank's log" check.
 * `issuerId` is the credential's issuer in this bank (undefined: another issuer's, so the check is
 * skipped). A credential the bank signs on request and never stores (a CLR transcript) is not logged:
 * skipped too. One the bank has no record of although its own key signed it fails the check.
 */
export async function logLookupForCredential(
  bank: LogBank,
  credential: { id: string; types: readonly string[]; sha256?: string },
  issuerId: string | undefined,
): Promise<LogLookup | null> {
  if (issuerId === undefined || !bank.log) return null;
  const entry = await issuanceOf(bank.db, credential.id, credential.sha256);
  if (!entry) {
    if (credential.types.includes("ClrCredential")) return null;
    return {
      state: "missing",
      message: `This bank's log has no record of issuing ${credential.id}, although it names one of the bank's issuers.`,
    };
  }
  const index = await locateNow(bank, entry);
  if (index === null) {
    return {
      state: "pending",
      message:
        "The credential's issuance is written but not yet in the log's tree; it will be in the next checkpoint, within seconds.",
    };
  }
  const view = await inclusionOf(bank, entry);
  return {
    state: "recorded",
    origin: view.origin,
    verifierKey: view.verifierKey,
    checkpoint: view.checkpoint,
    leafIndex: view.leafIndex,
    record: view.record,
    proof: view.proof,
  };
}
