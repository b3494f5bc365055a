/**
 * Database access for the transparency log (migration 0004): entries, the (xid, id) order the sequencer
 * appends them in, bundle starts, tiles, checkpoints, cosignatures, the witness's state, learners' salts.
 * Everything here is SQL; hashing, tiles and signatures are the ledger's and the services' business.
 *
 * The tables' Kysely types live in this file and are added to the bank's with `withTables`, so this
 * area's schema stays in one place beside its queries.
 */
import { type ColumnType, type Generated, sql } from "kysely";
import type { Db } from "./catalogue-repo.ts";

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface LogEntryTable {
  id: Generated<string>;
  xid: Generated<string>;
  kind: string;
  record: Uint8Array;
  leaf_hash: Uint8Array;
  credential_id: string | null;
  subject: string | null;
}

export interface LogBundleTable {
  bundle_index: string;
  first_xid: string;
  first_id: string;
}

export interface LogTileTable {
  level: number;
  tile_index: string;
  hashes: Uint8Array;
}

export interface LogCheckpointTable {
  tree_size: string;
  root: Uint8Array;
  note: string;
  frontier_xid: string;
  frontier_id: string;
  created_at: Timestamp;
}

export interface LogCosignatureTable {
  tree_size: string;
  witness: string;
  key_id: string;
  line: string;
  received_at: Timestamp;
}

export interface WitnessLogTable {
  origin: string;
  verifier_keys: string;
  tree_size: string;
  root: Uint8Array;
  checkpoint: string;
  updated_at: Timestamp;
}

export interface WitnessRefusalTable {
  id: Generated<string>;
  origin: string;
  reason: string;
  old_size: string;
  request: string;
  at: Timestamp;
}

export interface LearnerLogSaltTable {
  learner_id: string;
  salt: Uint8Array;
}

// A type, not an interface: withTables needs an index signature, which only type literals have implicitly.
export type LogTables = {
  log_entry: LogEntryTable;
  log_bundle: LogBundleTable;
  log_tile: LogTileTable;
  log_checkpoint: LogCheckpointTable;
  log_cosignature: LogCosignatureTable;
  witness_log: WitnessLogTable;
  witness_refusal: WitnessRefusalTable;
  learner_log_salt: LearnerLogSaltTable;
};

/** The bank's database (or a transaction on it) with this area's tables known to Kysely. */
const t = (db: Db) => db.withTables<LogTables>();

/** A bytea as a Buffer (node-postgres gives Buffers, PGlite Uint8Arrays), without copying. */
export const asBuffer = (bytes: Uint8Array): Buffer =>
  Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** Entries per bundle and hashes per tile (c2sp.org/tlog-tiles, height 8). */
const WIDTH = 256;

// ── learners' salts ──────────────────────────────────────────────────────────────────────────────

/**
 * The salt of each learner, storing `fresh` salts for learners who have none yet, in one statement. A
 * learner whose salt another transaction stored meanwhile is read in a second statement (rare).
 */
export async function learnerSalts(
  db: Db,
  learnerIds: readonly string[],
  fresh: (count: number) => Buffer[],
): Promise<Map<string, Buffer>> {
  const salts = new Map<string, Buffer>();
  if (learnerIds.length === 0) return salts;
  const candidates = fresh(learnerIds.length);
  // The insert's rows are not visible to the statement's own select: existing salts come from the
  // select, new ones from RETURNING.
  const { rows } = await sql<{ learner_id: string; salt: Uint8Array }>`
    with wanted (learner_id, salt) as (
      select learner_id, decode(salt, 'hex') from unnest(${learnerIds}::uuid[], ${candidates.map((c) => c.toString("hex"))}::text[])
        as u(learner_id, salt)
    ), added as (
      insert into learner_log_salt (learner_id, salt) select learner_id, salt from wanted
      on conflict (learner_id) do nothing
      returning learner_id, salt
    )
    select learner_id, salt from added
    union all
    select s.learner_id, s.salt from learner_log_salt s join wanted w using (learner_id)`.execute(db);
  for (const row of rows) salts.set(row.learner_id, asBuffer(row.salt));
  const missing = learnerIds.filter((id) => !salts.has(id));
  if (missing.length > 0) {
    const late = await t(db)
      .selectFrom("learner_log_salt")
      .select(["learner_id", "salt"])
      .where("learner_id", "=", sql<string>`any(${missing}::uuid[])`)
      .execute();
    for (const row of late) salts.set(row.learner_id, asBuffer(row.salt));
  }
  return salts;
}

/** Deletes learners' salts (erasure): their commitments in the log can no longer be linked to them. */
export async function deleteLearnerSalts(db: Db, learnerIds: readonly string[]): Promise<number> {
  if (learnerIds.length === 0) return 0;
  const result = await t(db)
    .deleteFrom("learner_log_salt")
    .where("learner_id", "=", sql<string>`any(${learnerIds}::uuid[])`)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

// ── entries ─────────────────────────────────────────────────────────────────────────────────────

export interface LogEntryInsert {
  kind: string;
  /** The canonical record (JSON text; stored as its UTF-8 bytes). */
  record: string;
  /** Its RFC 6962 leaf hash, hex. */
  leafHash: string;
  credentialId: string | null;
  subject: string | null;
}

/** Inserts entries in one statement (arrays unnested); returns their ids in input order. */
export async function insertLogEntries(db: Db, rows: readonly LogEntryInsert[]): Promise<string[]> {
  if (rows.length === 0) return [];
  // The records travel as one text, a record per line (canonical JSON has no raw newline): as a text
  // array, every quote of the JSON would be escaped on the way, which cost more than the rest of the
  // insert on the recording path (measured).
  if (rows.some((r) => r.record.includes("\n"))) throw new Error("A log record must not contain a newline.");
  const { rows: ids } = await sql<{ id: string }>`
    insert into log_entry (kind, record, leaf_hash, credential_id, subject)
    select k.kind, convert_to(r.record, 'UTF8'), decode(k.leaf_hash, 'hex'), k.credential_id, k.subject
    from string_to_table(${rows.map((r) => r.record).join("\n")}, E'\n') with ordinality as r(record, n)
    join unnest(${rows.map((r) => r.kind)}::text[], ${rows.map((r) => r.leafHash)}::text[],
                ${rows.map((r) => r.credentialId)}::uuid[], ${rows.map((r) => r.subject)}::text[])
      with ordinality as k(kind, leaf_hash, credential_id, subject, n) on k.n = r.n
    order by r.n
    returning id`.execute(db);
  return ids.map((r) => r.id);
}

export interface EntryRow {
  id: string;
  xid: string;
  kind: string;
  record: Buffer;
  leafHash: Buffer;
  credentialId: string | null;
  subject: string | null;
}

/** An entry as selected by ENTRY_COLUMNS: bytea columns come as base64 text (see `fromBase64`). */
interface RawEntryRow {
  id: string;
  xid: string;
  kind: string;
  record: string;
  leaf_hash: string;
  credential_id: string | null;
  subject: string | null;
}

/**
 * Byte columns are read as base64 text (`encode(…, 'base64')`) and decoded here: PGlite parses a bytea
 * result several times slower than a base64 one (measured: 1.4 ms against 0.35 ms for an 8 KiB tile),
 * and on PostgreSQL it halves what travels. PostgreSQL's base64 wraps lines at 76 characters, which
 * Buffer.from ignores.
 */
export const fromBase64 = (text: string): Buffer => Buffer.from(text, "base64");

const ENTRY_COLUMNS = sql`id, xid::text as xid, kind, encode(record, 'base64') as record,
  encode(leaf_hash, 'base64') as leaf_hash, credential_id, subject`;

const entryOf = (r: RawEntryRow): EntryRow => ({
  id: r.id,
  xid: r.xid,
  kind: r.kind,
  record: fromBase64(r.record),
  leafHash: fromBase64(r.leaf_hash),
  credentialId: r.credential_id,
  subject: r.subject,
});

export async function entryById(db: Db, id: string): Promise<EntryRow | undefined> {
  const { rows } = await sql<RawEntryRow>`select ${ENTRY_COLUMNS} from log_entry where id = ${id}::bigint`.execute(db);
  return rows[0] ? entryOf(rows[0]) : undefined;
}

/** The entries naming a credential, oldest first. */
export async function entriesOfCredential(db: Db, credentialId: string): Promise<EntryRow[]> {
  const { rows } = await sql<RawEntryRow>`
    select ${ENTRY_COLUMNS} from log_entry where credential_id = ${credentialId}::uuid order by xid, id`.execute(db);
  return rows.map(entryOf);
}

/** The entries naming a subject (e.g. 'unit:<id>'), oldest first. */
export async function entriesOfSubject(db: Db, subject: string): Promise<EntryRow[]> {
  const { rows } = await sql<RawEntryRow>`
    select ${ENTRY_COLUMNS} from log_entry where subject = ${subject} order by xid, id`.execute(db);
  return rows.map(entryOf);
}

/** How many entries are written but not yet in the tree (after `frontier`). */
export async function countPending(db: Db, frontier: Frontier): Promise<number> {
  const { rows } = await sql<{ n: string }>`
    select count(*) as n from log_entry
    where (xid, id) > (${frontier.xid}::xid8, ${frontier.id}::bigint)`.execute(db);
  return Number(rows[0]?.n ?? 0);
}

// ── sequencing ──────────────────────────────────────────────────────────────────────────────────

/** The last entry in the tree, in (xid, id) order; ('0', '0') before the first. */
export interface Frontier {
  xid: string;
  id: string;
}

export const START: Frontier = Object.freeze({ xid: "0", id: "0" });

/**
 * Takes the one lock that makes sequencing single-file across processes: concurrent writers of
 * entries are not blocked (they never touch log_checkpoint), nor are readers.
 */
export async function lockLog(tx: Db): Promise<void> {
  await sql`lock table log_checkpoint in exclusive mode`.execute(tx);
}

/**
 * Makes the planner read entries in index order (for the rest of the transaction). Right after a bulk
 * load the table has no statistics, and the planner would rather fetch every entry waiting (a bitmap
 * scan) and sort them than walk the (xid, id) index for the first batch: each batch would then cost as
 * much as all that waits. Also gives the ordered aggregate room to sort in memory.
 */
export async function orderedScans(tx: Db): Promise<void> {
  await sql`set local enable_bitmapscan = off; set local enable_seqscan = off; set local work_mem = '64MB'`.execute(tx);
}

export interface NextEntries {
  count: number;
  /** Their leaf hashes, packed (32 bytes each), in tree order. */
  hashes: Buffer;
  /** The new frontier (the last entry taken), or the old one when none was taken. */
  frontier: Frontier;
  /** The entry bundles that start among them: index, and the first entry of each. */
  bundleStarts: Array<{ bundle: number; xid: string; id: string }>;
  /** The frontier and tree size they were read after. */
  after: { frontier: Frontier; size: number };
}

/**
 * The next entries after `frontier` (at most `limit`) whose transactions can no longer change: those
 * below the oldest transaction still running, in (xid, id) order, numbered from `size`. Reads only, so
 * it can run ahead of the sequencing transaction (decision 0014): the entries before that oldest
 * transaction are final, and any later one sorts after them.
 */
export async function readNextEntries(db: Db, frontier: Frontier, size: number, limit: number): Promise<NextEntries> {
  const after = { frontier, size };
  // One pass: each entry as its leaf hash, id and xid (32 + 8 + 8 bytes, big-endian), packed into one
  // value. The aggregate takes the rows in the order of the ordered subquery it reads (PostgreSQL feeds
  // an aggregate its input in order when nothing but the aggregate is above it), which spares a sort of
  // the batch; the order is checked below all the same, and read again with an explicit sort if it
  // ever differs.
  const read = async (sorted: boolean) => {
    const { rows } = await sql<{ n: string; packed: string | null }>`
      select count(*) as n,
             encode(string_agg(leaf_hash || int8send(id) || xid8send(xid), ''::bytea
                               ${sorted ? sql`order by xid, id` : sql``}), 'base64') as packed
      from (
        select xid, id, leaf_hash from log_entry
        where (xid, id) > (${frontier.xid}::xid8, ${frontier.id}::bigint)
          and xid < pg_snapshot_xmin(pg_current_snapshot())
        order by xid, id
        limit ${limit}
      ) e`.execute(db);
    const count = Number(rows[0]?.n ?? 0);
    return { count, packed: count === 0 ? Buffer.alloc(0) : fromBase64(rows[0]?.packed as string) };
  };
  let { count, packed } = await read(false);
  if (count === 0) return { count: 0, hashes: Buffer.alloc(0), frontier, bundleStarts: [], after };
  if (packed.length !== count * ENTRY_BYTES) throw new Error("The log's entries changed while they were read.");
  if (!inOrder(packed, count)) ({ count, packed } = await read(true));
  if (packed.length !== count * ENTRY_BYTES || !inOrder(packed, count)) {
    throw new Error("The log's entries could not be read in order.");
  }
  const hashes = Buffer.allocUnsafe(count * 32);
  const entryAt = (k: number) => ({
    id: packed.readBigInt64BE(k * ENTRY_BYTES + 32).toString(),
    xid: packed.readBigUInt64BE(k * ENTRY_BYTES + 40).toString(),
  });
  const bundleStarts: NextEntries["bundleStarts"] = [];
  for (let k = 0; k < count; k++) {
    packed.copy(hashes, k * 32, k * ENTRY_BYTES, k * ENTRY_BYTES + 32);
    if ((size + k) % WIDTH === 0) bundleStarts.push({ bundle: (size + k) / WIDTH, ...entryAt(k) });
  }
  return { count, hashes, frontier: entryAt(count - 1), bundleStarts, after };
}

/** Whether the packed entries are in strictly increasing (xid, id) order. */
function inOrder(packed: Buffer, count: number): boolean {
  for (let k = 1; k < count; k++) {
    const xid = packed.readBigUInt64BE(k * ENTRY_BYTES + 40);
    const previousXid = packed.readBigUInt64BE((k - 1) * ENTRY_BYTES + 40);
    if (xid < previousXid) return false;
    if (
      xid === previousXid &&
      packed.readBigInt64BE(k * ENTRY_BYTES + 32) <= packed.readBigInt64BE((k - 1) * ENTRY_BYTES + 32)
    ) {
      return false;
    }
  }
  return true;
}

/** Bytes per entry in `readNextEntries`' packed result: leaf hash, id, xid. */
const ENTRY_BYTES = 48;

/** Records where entry bundles start (one row per 256 leaves). */
export async function insertBundleStarts(
  db: Db,
  starts: ReadonlyArray<{ bundle: number; xid: string; id: string }>,
): Promise<void> {
  if (starts.length === 0) return;
  await sql`
    insert into log_bundle (bundle_index, first_xid, first_id)
    select * from unnest(${starts.map((s) => String(s.bundle))}::bigint[], ${starts.map((s) => s.xid)}::xid8[],
                         ${starts.map((s) => s.id)}::bigint[])`.execute(db);
}

/** The first transaction id not yet started: every entry committed so far has a smaller xid. */
export async function nextTransactionId(db: Db): Promise<string> {
  const { rows } = await sql<{ xmax: string }>`select pg_snapshot_xmax(pg_current_snapshot())::text as xmax`.execute(
    db,
  );
  return rows[0]?.xmax as string;
}

/** Whether committed entries of transactions below `xid` are still after the frontier (not in the tree). */
export async function pendingBefore(db: Db, frontier: Frontier, xid: string): Promise<boolean> {
  const { rows } = await sql<{ pending: boolean }>`
    select exists (
      select 1 from log_entry
      where (xid, id) > (${frontier.xid}::xid8, ${frontier.id}::bigint) and xid < ${xid}::xid8
    ) as pending`.execute(db);
  return rows[0]?.pending === true;
}

/** Tiles by (level, index), whatever their stored width, in one query. */
export async function readTiles(
  db: Db,
  ids: ReadonlyArray<{ level: number; index: number }>,
): Promise<Array<{ level: number; index: number; width: number; hashes: Buffer }>> {
  if (ids.length === 0) return [];
  // One tile (a proof whose upper tiles are cached): a plain key lookup, cheaper to plan than the join.
  const one = ids.length === 1 ? (ids[0] as { level: number; index: number }) : undefined;
  const { rows } = one
    ? await sql<{ level: number; tile_index: string; hashes: string }>`
        select level, tile_index, encode(hashes, 'base64') as hashes from log_tile
        where level = ${one.level}::smallint and tile_index = ${String(one.index)}::bigint`.execute(db)
    : await sql<{ level: number; tile_index: string; hashes: string }>`
    select t.level, t.tile_index, encode(t.hashes, 'base64') as hashes
    from unnest(${ids.map((i) => i.level)}::smallint[], ${ids.map((i) => String(i.index))}::bigint[]) as k(level, tile_index)
    join log_tile t on t.level = k.level and t.tile_index = k.tile_index`.execute(db);
  return rows.map((r) => {
    const hashes = fromBase64(r.hashes);
    return { level: r.level, index: Number(r.tile_index), width: hashes.length / 32, hashes };
  });
}

/**
 * Writes tiles (new ones, and partial ones grown wider) in one statement. A stored tile is only ever
 * extended: the statement refuses to change hashes a tile already holds, and the caller gets back how
 * many tiles were written so it can tell.
 */
export async function writeTiles(
  db: Db,
  tiles: ReadonlyArray<{ level: number; index: number; hashes: Uint8Array }>,
): Promise<number> {
  if (tiles.length === 0) return 0;
  // Base64 text, decoded by the server: PGlite takes a bytea parameter (or one large one cut with
  // substring) several times slower (measured: 257 full tiles in 0.13 s against 1 s).
  const { rows } = await sql<{ n: string }>`
    with written as (
      insert into log_tile (level, tile_index, hashes)
      select level, tile_index, decode(hashes, 'base64')
      from unnest(${tiles.map((x) => x.level)}::smallint[], ${tiles.map((x) => String(x.index))}::bigint[],
                  ${tiles.map((x) => Buffer.from(x.hashes.buffer, x.hashes.byteOffset, x.hashes.byteLength).toString("base64"))}::text[])
        as k(level, tile_index, hashes)
      on conflict (level, tile_index) do update set hashes = excluded.hashes
        where length(excluded.hashes) >= length(log_tile.hashes)
          and substring(excluded.hashes from 1 for length(log_tile.hashes)) = log_tile.hashes
      returning 1
    )
    select count(*) as n from written`.execute(db);
  return Number(rows[0]?.n ?? 0);
}

// ── checkpoints ─────────────────────────────────────────────────────────────────────────────────

export interface CheckpointRow {
  size: number;
  root: Buffer;
  note: string;
  frontier: Frontier;
  createdAt: Date;
}

interface RawCheckpointRow {
  tree_size: string;
  root: Uint8Array;
  note: string;
  frontier_xid: string;
  frontier_id: string;
  created_at: Date;
}

const checkpointOf = (r: RawCheckpointRow): CheckpointRow => ({
  size: Number(r.tree_size),
  root: asBuffer(r.root),
  note: r.note,
  frontier: { xid: r.frontier_xid, id: r.frontier_id },
  createdAt: new Date(r.created_at),
});

/** The latest checkpoint, or undefined before the first batch. */
export async function latestCheckpoint(db: Db): Promise<CheckpointRow | undefined> {
  const { rows } = await sql<RawCheckpointRow>`
    select tree_size, root, note, frontier_xid::text as frontier_xid, frontier_id, created_at
    from log_checkpoint order by tree_size desc limit 1`.execute(db);
  return rows[0] ? checkpointOf(rows[0]) : undefined;
}

/** The checkpoint of exactly this size, if the bank published one. */
export async function checkpointOfSize(db: Db, size: number): Promise<CheckpointRow | undefined> {
  const { rows } = await sql<RawCheckpointRow>`
    select tree_size, root, note, frontier_xid::text as frontier_xid, frontier_id, created_at
    from log_checkpoint where tree_size = ${size}::bigint`.execute(db);
  return rows[0] ? checkpointOf(rows[0]) : undefined;
}

/** The checkpoints published, newest first (a page of them). */
export async function listCheckpoints(
  db: Db,
  limit: number,
  before?: number,
): Promise<Array<{ size: number; root: Buffer; createdAt: Date }>> {
  const { rows } = await sql<{ tree_size: string; root: Uint8Array; created_at: Date }>`
    select tree_size, root, created_at from log_checkpoint
    where ${before === undefined ? sql`true` : sql`tree_size < ${before}::bigint`}
    order by tree_size desc limit ${limit}`.execute(db);
  return rows.map((r) => ({ size: Number(r.tree_size), root: asBuffer(r.root), createdAt: new Date(r.created_at) }));
}

export async function insertCheckpoint(
  db: Db,
  row: { size: number; root: Uint8Array; note: string; frontier: Frontier },
): Promise<void> {
  await sql`
    insert into log_checkpoint (tree_size, root, note, frontier_xid, frontier_id)
    values (${row.size}::bigint, ${Buffer.from(row.root)}::bytea, ${row.note}, ${row.frontier.xid}::xid8,
            ${row.frontier.id}::bigint)`.execute(db);
}

// ── leaves and bundles ──────────────────────────────────────────────────────────────────────────

/**
 * The entries of leaves [start, start + count) of one bundle (start and count within it), in tree
 * order: the bundle's first entry is found by its recorded start, the others follow in (xid, id) order.
 */
export async function entriesOfLeaves(db: Db, bundleIndex: number, offset: number, count: number): Promise<EntryRow[]> {
  const { rows } = await sql<RawEntryRow>`
    select e.id, e.xid::text as xid, e.kind, encode(e.record, 'base64') as record,
           encode(e.leaf_hash, 'base64') as leaf_hash, e.credential_id, e.subject
    from log_bundle b
    cross join lateral (
      select id, xid, kind, record, leaf_hash, credential_id, subject from log_entry
      where (xid, id) >= (b.first_xid, b.first_id)
      order by xid, id
      offset ${offset} limit ${count}
    ) e
    where b.bundle_index = ${bundleIndex}::bigint
    order by e.xid, e.id`.execute(db);
  return rows.map(entryOf);
}

/**
 * The leaf index of an entry at or before `frontier` (undefined for one after it: not yet in the tree):
 * the start of its bundle plus its rank among the entries since that start (at most 255 to count).
 */
export async function leafIndexOf(
  db: Db,
  entry: { xid: string; id: string },
  frontier: Frontier,
): Promise<number | undefined> {
  const { rows } = await sql<{ leaf: string | null; in_tree: boolean }>`
    with b as (
      select bundle_index, first_xid, first_id from log_bundle
      where (first_xid, first_id) <= (${entry.xid}::xid8, ${entry.id}::bigint)
      order by first_xid desc, first_id desc limit 1
    )
    select (${entry.xid}::xid8, ${entry.id}::bigint) <= (${frontier.xid}::xid8, ${frontier.id}::bigint) as in_tree,
           (select b.bundle_index * ${WIDTH} + (
              select count(*) from log_entry e
              where (e.xid, e.id) >= (b.first_xid, b.first_id) and (e.xid, e.id) < (${entry.xid}::xid8, ${entry.id}::bigint))
            from b) as leaf`.execute(db);
  const row = rows[0];
  if (!row?.in_tree || row.leaf === null) return undefined;
  return Number(row.leaf);
}

// ── cosignatures ────────────────────────────────────────────────────────────────────────────────

export async function insertCosignatures(
  db: Db,
  size: number,
  lines: ReadonlyArray<{ witness: string; keyId: number; line: string }>,
): Promise<void> {
  if (lines.length === 0) return;
  await t(db)
    .insertInto("log_cosignature")
    .values(lines.map((l) => ({ tree_size: String(size), witness: l.witness, key_id: String(l.keyId), line: l.line })))
    .onConflict((c) =>
      c.columns(["tree_size", "witness", "key_id"]).doUpdateSet((eb) => ({ line: eb.ref("excluded.line") })),
    )
    .execute();
}

export async function cosignaturesOf(db: Db, size: number): Promise<string[]> {
  const rows = await t(db)
    .selectFrom("log_cosignature")
    .select("line")
    .where("tree_size", "=", String(size))
    .orderBy("witness")
    .orderBy("key_id")
    .execute();
  return rows.map((r) => r.line);
}

/** The largest size each witness (by key name) cosigned. */
export async function lastCosignedSizes(db: Db): Promise<Map<string, number>> {
  const rows = await t(db)
    .selectFrom("log_cosignature")
    .select(["witness", sql<string>`max(tree_size)`.as("size")])
    .groupBy("witness")
    .execute();
  return new Map(rows.map((r) => [r.witness, Number(r.size)]));
}

// ── the witness's state ─────────────────────────────────────────────────────────────────────────

/** Serialises add-checkpoint requests (the spec's race: two requests must not pass one old size). */
export async function lockWitnessState(tx: Db): Promise<void> {
  await sql`lock table witness_log in exclusive mode`.execute(tx);
}

export async function witnessState(
  db: Db,
  origin: string,
): Promise<{ size: number; root: Buffer; checkpoint: string } | undefined> {
  const row = await t(db)
    .selectFrom("witness_log")
    .select(["tree_size", "root", "checkpoint"])
    .where("origin", "=", origin)
    .executeTakeFirst();
  return row ? { size: Number(row.tree_size), root: asBuffer(row.root), checkpoint: row.checkpoint } : undefined;
}

export async function saveWitnessState(
  db: Db,
  row: { origin: string; verifierKeys: string; size: number; root: Uint8Array; checkpoint: string },
): Promise<void> {
  await t(db)
    .insertInto("witness_log")
    .values({
      origin: row.origin,
      verifier_keys: row.verifierKeys,
      tree_size: String(row.size),
      root: Buffer.from(row.root),
      checkpoint: row.checkpoint,
      updated_at: new Date(),
    })
    .onConflict((c) =>
      c.column("origin").doUpdateSet((eb) => ({
        verifier_keys: eb.ref("excluded.verifier_keys"),
        tree_size: eb.ref("excluded.tree_size"),
        root: eb.ref("excluded.root"),
        checkpoint: eb.ref("excluded.checkpoint"),
        updated_at: eb.ref("excluded.updated_at"),
      })),
    )
    .execute();
}

export async function insertWitnessRefusal(
  db: Db,
  row: { origin: string; reason: string; oldSize: number; request: string },
): Promise<void> {
  await t(db)
    .insertInto("witness_refusal")
    .values({ origin: row.origin, reason: row.reason, old_size: String(row.oldSize), request: row.request })
    .execute();
}

export async function witnessRefusals(db: Db, origin: string) {
  return t(db).selectFrom("witness_refusal").selectAll().where("origin", "=", origin).orderBy("id").execute();
}

// ── the log's beginning ─────────────────────────────────────────────────────────────────────────

/**
 * Marks the log as begun, once: true for the one caller that marks it (in its transaction), false when
 * it was marked before. What was recorded before the log existed is logged by that caller.
 */
export async function beginLog(db: Db): Promise<boolean> {
  const { rows } = await sql<{ key: string }>`
    insert into bank_setting (key, value) values ('log.begun', ${new Date().toISOString()})
    on conflict (key) do nothing returning key`.execute(db);
  return rows.length > 0;
}

/** Credentials stored before the log existed, a page at a time (by id). */
export async function credentialsAfter(db: Db, afterId: string, limit: number) {
  return db
    .selectFrom("credential")
    .select(["id", "document", "issuer_id", "learner_id", "replaces_id", "revoked_at", "suspended_at"])
    .where("id", ">", afterId)
    .orderBy("id")
    .limit(limit)
    .execute();
}

/** Unit versions in the register and accreditations, as they stand (for the log's first records). */
export async function registerAsItStands(db: Db) {
  const units = await db
    .selectFrom("unit_version as v")
    .innerJoin("unit as u", "u.id", "v.unit_id")
    .select(["v.unit_id", "v.version", "v.status", "v.spec_hash", "u.provider_id"])
    .where("v.status", "in", ["approved", "suspended"])
    .orderBy("v.unit_id")
    .orderBy("v.version")
    .execute();
  const accreditations = await db
    .selectFrom("accreditation")
    .select(["id", "provider_id", "framework_id", "min_level", "max_level", "fields", "status"])
    .orderBy("provider_id")
    .orderBy("id")
    .execute();
  return { units, accreditations };
}

// ── sizes, for operations and the benchmark ─────────────────────────────────────────────────────

/** Bytes the log's tables take on disk (heap, indexes and TOAST), per table. */
export async function logStorageBytes(db: Db): Promise<Record<string, number>> {
  const { rows } = await sql<{ name: string; bytes: string }>`
    select c.relname as name, pg_total_relation_size(c.oid) as bytes
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where c.relkind = 'r' and n.nspname = current_schema()
      and c.relname in ('log_entry', 'log_bundle', 'log_tile', 'log_checkpoint', 'log_cosignature')`.execute(db);
  return Object.fromEntries(rows.map((r) => [r.name, Number(r.bytes)]));
}
