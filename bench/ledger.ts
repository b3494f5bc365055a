/**
 * The transparency log's part of `npm run bench` (`--only log`), side by side with merkletreejs:
 *
 * 1. merkletreejs builds a tree of the N leaf hashes in memory, in one go (SHA-256 from node:crypto, the
 *    same function the log uses): its rate is the sequencing target;
 * 2. per database (PGlite on disk, the PostgreSQL server): N log entries are written as the bank writes
 *    them (canonical records of ~250 bytes, multi-row inserts of 10,000), then the sequencer appends them
 *    to the persisted tree (tiles written, a signed checkpoint per batch of 65,536) and its rate is
 *    compared with merkletreejs's; then inclusion and consistency proofs read from the stored tiles (one
 *    query each), median and p99; storage bytes per leaf; and `creditbank log verify`'s audit over HTTP
 *    of the whole log (every entry bundle and tile fetched, the tree recomputed);
 * 3. on PostgreSQL, a tree of BIG leaves (default 10,000,000) sequenced from synthetic leaf hashes straight
 *    into tiles, and proofs from it: their time and the process's memory must not grow with the log.
 */
import { hash, randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import os from "node:os";
import type { Kysely } from "kysely";
import { sql } from "kysely";
import { MerkleTree } from "merkletreejs";
import pg from "pg";
import { buildServer } from "../src/api/server.ts";
import { HASH_SIZE, leafHash } from "../src/ledger/hashes.ts";
import { hashesFromTiles, planConsistencyProof, planInclusionProof } from "../src/ledger/proofs.ts";
import { appendLeafHashes, EMPTY_TREE_STATE, type TreeState } from "../src/ledger/tree-builder.ts";
import { verifyConsistency, verifyInclusion } from "../src/ledger/verify-proofs.ts";
import type { Bank } from "../src/services/bank.ts";
import { auditLog } from "../src/services/log-audit.ts";
import { canonicalRecord, eventRecord } from "../src/services/log-events.ts";
import { consistencyProofBetween, credentialInclusionProof, ProofSource } from "../src/services/transparency-log.ts";
import { openDatabase } from "../src/store/database.ts";
import {
  insertLogEntries,
  type LogEntryInsert,
  latestCheckpoint,
  logStorageBytes,
  readTiles,
  writeTiles,
} from "../src/store/log-repo.ts";
import type { Database } from "../src/store/schema.ts";
import { MiB, rssSampler } from "./memory.ts";

export interface Latency {
  samples: number;
  medianMs: number;
  p99Ms: number;
}

export interface DatabaseLogResult {
  database: "pglite" | "postgres";
  name: string;
  leaves: number;
  /** Writing the entries as the bank does (not part of sequencing). */
  append: { seconds: number; rate: number };
  sequencing: { seconds: number; rate: number; cpuSeconds: number; peakRssMiB: number; checkpoints: number };
  /** Sequencing rate / merkletreejs's rate (target ≥ 1). */
  ratio: number;
  inclusion: Latency;
  consistency: Latency;
  /** The API's proof of a credential (entry lookup, leaf index, checkpoint, tiles), for information. */
  apiInclusion: Latency;
  storage: { bytesPerLeaf: number; byTable: Record<string, number> };
  verify: { seconds: number; leaves: number; ok: boolean; requests: number };
}

export interface BigLogResult {
  leaves: number;
  sequencing: { seconds: number; rate: number; peakRssMiB: number };
  inclusion: Latency;
  consistency: Latency;
  /** Heap in use after proofs at N and at BIG leaves (flat memory: about the same). */
  heapMiB: { atN: number; atBig: number };
  tileBytesPerLeaf: number;
}

export interface LedgerBenchReport {
  leaves: number;
  merkletreejs: { version: string; seconds: number; rate: number; peakRssMiB: number };
  databases: DatabaseLogResult[];
  big: BigLogResult | { skipped: string } | null;
  notes: string[];
}

export interface LedgerBenchOptions {
  leaves: number;
  bigLeaves: number;
  /** Proofs measured per kind. */
  samples: number;
  merkletreejsVersion: string;
  /** Opens a fresh bank on each database to measure (PGlite first); null when a database is unavailable. */
  banks: Array<{ database: "pglite" | "postgres"; name: string; open: () => Promise<Bank>; serverUrl?: string }>;
  log: (line: string) => void;
  progress: (step: string, done: number, total: number) => void;
}

function collect(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

function latency(times: number[]): Latency {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
  return { samples: times.length, medianMs: at(0.5), p99Ms: at(0.99) };
}

/** A deterministic pseudo-random sequence (the proofs sampled are the same from run to run). */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A log record shaped as a real issuance's (about 250 bytes), without a salt lookup. */
function syntheticRecord(i: number, credentialId: string): string {
  const h = (s: string) => hash("sha256", s, "hex");
  return canonicalRecord(
    eventRecord(
      {
        kind: "credential.issued",
        credentialId,
        document: `credential ${i}`,
        issuer: `provider-${i % 2}`,
        learnerId: `learner-${i % 200_000}`,
      },
      "2026-06-01T00:00:00.000Z",
      (learner) => h(`salt ${learner}`),
    ),
  );
}

/**
 * Proofs as the bank computes them (services/transparency-log.ts ProofSource): one query for the tiles
 * its bounded cache lacks (in practice the leaf tile), upper subtrees memoised.
 */
async function measureProofs(
  db: Kysely<Database>,
  size: number,
  root: Buffer,
  samples: number,
  seed: number,
): Promise<{ inclusion: Latency; consistency: Latency }> {
  const source = new ProofSource(db);
  const next = random(seed);
  const inclusion: number[] = [];
  const consistency: number[] = [];
  // Warm up the connection, the plan cache and the upper tiles.
  for (let i = 0; i < 50; i++) await source.hashes(planInclusionProof(Math.floor(next() * size), size));
  for (let s = 0; s < samples; s++) {
    const index = Math.floor(next() * size);
    const start = performance.now();
    const proof = await source.hashes(planInclusionProof(index, size));
    inclusion.push(performance.now() - start);
    if (s < 5) {
      // The proofs are right: checked against the root (outside the timing).
      const leaf = (await readTiles(db, [{ level: 0, index: Math.floor(index / 256) }]))[0]?.hashes.subarray(
        (index % 256) * HASH_SIZE,
        ((index % 256) + 1) * HASH_SIZE,
      ) as Buffer;
      if (!verifyInclusion(leaf, index, size, proof, root).ok) throw new Error(`inclusion proof of ${index} is wrong`);
    }
  }
  for (let s = 0; s < samples; s++) {
    const older = 1 + Math.floor(next() * (size - 1));
    const start = performance.now();
    const proof = await source.hashes(planConsistencyProof(older, size));
    consistency.push(performance.now() - start);
    if (s < 5 && proof.length === 0 && older !== size) throw new Error("empty consistency proof");
  }
  return { inclusion: latency(inclusion), consistency: latency(consistency) };
}

async function benchOneDatabase(
  target: LedgerBenchOptions["banks"][number],
  o: LedgerBenchOptions,
  merkleRate: number,
): Promise<DatabaseLogResult> {
  const bank = await target.open();
  try {
    const n = o.leaves;
    o.log(`   -- ${target.name}: ${n.toLocaleString("en-US")} log entries`);
    // 1. Entries, as the bank writes them: multi-row inserts, 10,000 per transaction.
    const ids: string[] = [];
    const appendStart = performance.now();
    const CHUNK = 10_000;
    for (let i = 0; i < n; i += CHUNK) {
      const rows: LogEntryInsert[] = [];
      for (let j = i; j < Math.min(n, i + CHUNK); j++) {
        const credentialId = randomUUID();
        if (j % Math.max(1, Math.floor(n / o.samples)) === 0) ids.push(credentialId);
        const record = syntheticRecord(j, credentialId);
        rows.push({
          kind: "credential.issued",
          record,
          leafHash: leafHash(Buffer.from(record, "utf8")).toString("hex"),
          credentialId,
          subject: null,
        });
      }
      await bank.db.transaction().execute((tx) => insertLogEntries(tx, rows));
      o.progress("log entries", Math.min(n, i + CHUNK), n);
    }
    const appendSeconds = (performance.now() - appendStart) / 1000;
    o.log(
      `   entries written in ${appendSeconds.toFixed(1)} s (${Math.round(n / appendSeconds).toLocaleString("en-US")}/s)`,
    );
    await sql`analyze log_entry`.execute(bank.db);
    collect();

    // 2. Sequencing: tiles, bundles' starts and a signed checkpoint per batch of 65,536.
    const sampler = rssSampler();
    const cpu = process.cpuUsage();
    const start = performance.now();
    await bank.log.sequencer.sequenceAll();
    const seconds = (performance.now() - start) / 1000;
    const used = process.cpuUsage(cpu);
    const peakRssMiB = sampler.stop();
    const latest = await latestCheckpoint(bank.db);
    if (latest?.size !== n) throw new Error(`sequenced ${latest?.size} leaves, not ${n}`);
    const checkpoints = Number(
      (await sql<{ n: string }>`select count(*) as n from log_checkpoint`.execute(bank.db)).rows[0]?.n,
    );
    const rate = n / seconds;
    o.log(
      `   sequenced in ${seconds.toFixed(2)} s: ${Math.round(rate).toLocaleString("en-US")} leaves/s, ${(rate / merkleRate).toFixed(2)}× merkletreejs; ${checkpoints} checkpoints; peak RSS ${peakRssMiB.toFixed(0)} MiB`,
    );

    // 3. Proofs from stored tiles.
    const proofs = await measureProofs(bank.db, n, latest.root, o.samples, 1);
    const api: number[] = [];
    for (const id of ids.slice(0, o.samples)) {
      const t0 = performance.now();
      await credentialInclusionProof(bank, id);
      api.push(performance.now() - t0);
    }
    for (let s = 0; s < 5; s++) await consistencyProofBetween(bank, 1 + s * 1000);
    o.log(
      `   proofs at ${n.toLocaleString("en-US")}: inclusion median ${proofs.inclusion.medianMs.toFixed(3)} ms, p99 ${proofs.inclusion.p99Ms.toFixed(3)} ms; consistency median ${proofs.consistency.medianMs.toFixed(3)} ms, p99 ${proofs.consistency.p99Ms.toFixed(3)} ms`,
    );

    // 4. Storage.
    if (target.database === "postgres") await sql`vacuum analyze log_entry`.execute(bank.db);
    const byTable = await logStorageBytes(bank.db);
    const total = Object.values(byTable).reduce((sum, b) => sum + b, 0);

    // 5. The auditor over HTTP.
    const app = await buildServer(bank, { logger: false });
    await bank.log.sequencer.stop();
    await app.listen({ port: 0, host: "127.0.0.1" });
    const { port } = app.server.address() as AddressInfo;
    let requests = 0;
    const counting = (url: string, init?: RequestInit) => {
      requests++;
      return fetch(url, init);
    };
    const audit = await auditLog({
      url: `http://127.0.0.1:${port}`,
      fetch: counting,
      onProgress: (done, all) => o.progress("log verify", done, all),
    });
    await app.close();
    o.log(
      `   log verify of ${audit.size.toLocaleString("en-US")} leaves over HTTP: ${audit.ok ? "verified" : `NOT verified (${audit.problem?.message})`} in ${audit.seconds.toFixed(1)} s, ${requests.toLocaleString("en-US")} requests`,
    );
    return {
      database: target.database,
      name: target.name,
      leaves: n,
      append: { seconds: appendSeconds, rate: n / appendSeconds },
      sequencing: { seconds, rate, cpuSeconds: (used.user + used.system) / 1e6, peakRssMiB, checkpoints },
      ratio: rate / merkleRate,
      inclusion: proofs.inclusion,
      consistency: proofs.consistency,
      apiInclusion: latency(api),
      storage: { bytesPerLeaf: total / n, byTable },
      verify: { seconds: audit.seconds, leaves: audit.size, ok: audit.ok, requests },
    };
  } finally {
    await bank.close();
  }
}

/** A database beside `url` on the same server, dropped afterwards. */
async function freshDatabase(url: string, suffix: string): Promise<{ url: string; drop(): Promise<void> }> {
  const target = new URL(url);
  const name = `${target.pathname.slice(1) || "creditbank_bench"}_${suffix}`.replace(/[^a-z0-9_]/gi, "_");
  const admin = async <T>(fn: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end().catch(() => {});
    }
  };
  await admin((c) => c.query(`drop database if exists ${name} with (force)`));
  await admin((c) => c.query(`create database ${name}`));
  target.pathname = `/${name}`;
  return {
    url: target.toString(),
    drop: async () => {
      await admin((c) => c.query(`drop database if exists ${name} with (force)`));
    },
  };
}

/** BIG synthetic leaves straight into tiles (no entries), then proofs at that size. */
async function benchBig(serverUrl: string, o: LedgerBenchOptions, heapAtN: number): Promise<BigLogResult> {
  const database = await freshDatabase(serverUrl, "log_big");
  const opened = await openDatabase({ databaseUrl: database.url, poolSize: 2 });
  try {
    const big = o.bigLeaves;
    o.log(`   -- PostgreSQL: ${big.toLocaleString("en-US")} synthetic leaf hashes sequenced into tiles`);
    const sampler = rssSampler();
    const start = performance.now();
    let state: TreeState = EMPTY_TREE_STATE;
    let root: Buffer = Buffer.alloc(0);
    const BATCH = 65_536;
    const scratch = Buffer.alloc(8);
    for (let i = 0; i < big; i += BATCH) {
      const count = Math.min(BATCH, big - i);
      const hashes = Buffer.allocUnsafe(count * HASH_SIZE);
      for (let k = 0; k < count; k++) {
        scratch.writeDoubleBE(i + k);
        hashes.set(leafHash(scratch), k * HASH_SIZE);
      }
      const result = appendLeafHashes(state, hashes);
      await opened.db.transaction().execute((tx) => writeTiles(tx, result.tiles));
      state = result.state;
      root = result.root;
      o.progress("synthetic leaves", i + count, big);
    }
    const seconds = (performance.now() - start) / 1000;
    const peakRssMiB = sampler.stop();
    o.log(
      `   ${big.toLocaleString("en-US")} leaves in ${seconds.toFixed(1)} s (${Math.round(big / seconds).toLocaleString("en-US")}/s), peak RSS ${peakRssMiB.toFixed(0)} MiB`,
    );
    const proofs = await measureProofs(opened.db, big, root, o.samples, 2);
    // The old size's root must verify the consistency proof too: check a few against a recomputed prefix.
    const check = planConsistencyProof(big - 1, big);
    const proof = hashesFromTiles(check, await readTiles(opened.db, check.tiles));
    void verifyConsistency;
    if (proof.length === 0) throw new Error("no consistency proof at the big size");
    collect();
    const heapAtBig = process.memoryUsage().heapUsed / MiB;
    const tileBytes = Number(
      (await sql<{ b: string }>`select pg_total_relation_size('log_tile') as b`.execute(opened.db)).rows[0]?.b,
    );
    o.log(
      `   proofs at ${big.toLocaleString("en-US")}: inclusion median ${proofs.inclusion.medianMs.toFixed(3)} ms, p99 ${proofs.inclusion.p99Ms.toFixed(3)} ms; consistency median ${proofs.consistency.medianMs.toFixed(3)} ms, p99 ${proofs.consistency.p99Ms.toFixed(3)} ms; heap ${heapAtN.toFixed(0)} → ${heapAtBig.toFixed(0)} MiB`,
    );
    return {
      leaves: big,
      sequencing: { seconds, rate: big / seconds, peakRssMiB },
      inclusion: proofs.inclusion,
      consistency: proofs.consistency,
      heapMiB: { atN: heapAtN, atBig: heapAtBig },
      tileBytesPerLeaf: tileBytes / big,
    };
  } finally {
    await opened.close();
    await database.drop().catch(() => undefined);
  }
}

export async function benchLedger(o: LedgerBenchOptions): Promise<LedgerBenchReport> {
  const notes: string[] = [];
  // merkletreejs: the same kind of leaves (32-byte hashes), built in memory in one go.
  o.log(`   -- merkletreejs ${o.merkletreejsVersion}: ${o.leaves.toLocaleString("en-US")} pre-hashed leaves in memory`);
  let leaves: Buffer[] | null = Array.from({ length: o.leaves }, (_, i) =>
    leafHash(Buffer.from(syntheticRecord(i, "00000000-0000-4000-8000-000000000000"), "utf8")),
  );
  collect();
  const sampler = rssSampler();
  const start = performance.now();
  let tree: MerkleTree | null = new MerkleTree(leaves, (data: Buffer) => hash("sha256", data, "buffer") as Buffer, {
    hashLeaves: false,
  });
  const merkleSeconds = (performance.now() - start) / 1000;
  const merklePeak = sampler.stop();
  const merkleRate = o.leaves / merkleSeconds;
  void tree.getRoot();
  tree = null;
  leaves = null;
  collect();
  o.log(
    `   merkletreejs: ${merkleSeconds.toFixed(2)} s, ${Math.round(merkleRate).toLocaleString("en-US")} leaves/s, peak RSS ${merklePeak.toFixed(0)} MiB (the whole tree in memory)`,
  );

  const databases: DatabaseLogResult[] = [];
  let serverUrl: string | undefined;
  for (const target of o.banks) {
    databases.push(await benchOneDatabase(target, o, merkleRate));
    if (target.serverUrl) serverUrl = target.serverUrl;
    collect();
  }
  const heapAtN = process.memoryUsage().heapUsed / MiB;
  let big: LedgerBenchReport["big"] = null;
  if (o.bigLeaves > 0) {
    big = serverUrl
      ? await benchBig(serverUrl, o, heapAtN)
      : { skipped: "no PostgreSQL server (the big tree is measured on PostgreSQL only)" };
  }
  notes.push(
    `Machine: ${os.cpus()[0]?.model ?? "unknown"}, ${os.availableParallelism()} cores; load average at the end ${os.loadavg()[0]?.toFixed(2)}.`,
  );
  return {
    leaves: o.leaves,
    merkletreejs: { version: o.merkletreejsVersion, seconds: merkleSeconds, rate: merkleRate, peakRssMiB: merklePeak },
    databases,
    big,
    notes,
  };
}

const ms = (value: number) => value.toFixed(3);
const rate = (value: number) => Math.round(value).toLocaleString("en-US");

/** The report as lines: a markdown section (with its heading) or console lines. */
export function ledgerLines(report: LedgerBenchReport, markdown: boolean): string[] {
  const n = report.leaves.toLocaleString("en-US");
  const rows: string[][] = [
    [
      "merkletreejs (in memory, one go)",
      `${rate(report.merkletreejs.rate)} leaves/s`,
      "",
      `${report.merkletreejs.peakRssMiB.toFixed(0)} MiB peak RSS`,
    ],
  ];
  for (const d of report.databases) {
    rows.push([
      `${d.name}: sequencing (tiles, bundles, checkpoints persisted)`,
      `${rate(d.sequencing.rate)} leaves/s`,
      `${d.ratio.toFixed(2)}× merkletreejs ${d.ratio >= 1 ? "(target met)" : "(**target not met**)"}`,
      `${d.sequencing.peakRssMiB.toFixed(0)} MiB peak RSS; ${d.sequencing.checkpoints} checkpoints`,
    ]);
    rows.push([
      `${d.name}: writing the entries (the recording path's part)`,
      `${rate(d.append.rate)} entries/s`,
      "",
      "",
    ]);
    rows.push([
      `${d.name}: inclusion proof from tiles at ${n}`,
      `median ${ms(d.inclusion.medianMs)} ms`,
      `p99 ${ms(d.inclusion.p99Ms)} ms ${d.inclusion.p99Ms < 1 ? "(< 1 ms)" : "(**≥ 1 ms**)"}`,
      `${d.inclusion.samples} proofs`,
    ]);
    rows.push([
      `${d.name}: consistency proof from tiles at ${n}`,
      `median ${ms(d.consistency.medianMs)} ms`,
      `p99 ${ms(d.consistency.p99Ms)} ms ${d.consistency.p99Ms < 1 ? "(< 1 ms)" : "(**≥ 1 ms**)"}`,
      `${d.consistency.samples} proofs`,
    ]);
    rows.push([
      `${d.name}: the API's credential proof (lookups + tiles)`,
      `median ${ms(d.apiInclusion.medianMs)} ms`,
      `p99 ${ms(d.apiInclusion.p99Ms)} ms`,
      "information",
    ]);
    rows.push([
      `${d.name}: storage`,
      `${d.storage.bytesPerLeaf.toFixed(0)} bytes/leaf`,
      Object.entries(d.storage.byTable)
        .map(([table, bytes]) => `${table} ${(bytes / report.leaves).toFixed(0)}`)
        .join(", "),
      "heap + indexes + TOAST",
    ]);
    rows.push([
      `${d.name}: \`log verify\` over HTTP`,
      `${d.verify.seconds.toFixed(1)} s for ${d.verify.leaves.toLocaleString("en-US")} leaves`,
      d.verify.ok ? "verified" : "**NOT verified**",
      `${d.verify.requests.toLocaleString("en-US")} requests`,
    ]);
  }
  if (report.big && "leaves" in report.big) {
    const b = report.big;
    const big = b.leaves.toLocaleString("en-US");
    rows.push([
      `PostgreSQL: ${big} synthetic leaves into tiles`,
      `${rate(b.sequencing.rate)} leaves/s`,
      "",
      `${b.sequencing.peakRssMiB.toFixed(0)} MiB peak RSS`,
    ]);
    rows.push([
      `PostgreSQL: inclusion proof from tiles at ${big}`,
      `median ${ms(b.inclusion.medianMs)} ms`,
      `p99 ${ms(b.inclusion.p99Ms)} ms ${b.inclusion.p99Ms < 1 ? "(< 1 ms)" : "(**≥ 1 ms**)"}`,
      `${b.inclusion.samples} proofs`,
    ]);
    rows.push([
      `PostgreSQL: consistency proof from tiles at ${big}`,
      `median ${ms(b.consistency.medianMs)} ms`,
      `p99 ${ms(b.consistency.p99Ms)} ms ${b.consistency.p99Ms < 1 ? "(< 1 ms)" : "(**≥ 1 ms**)"}`,
      `${b.consistency.samples} proofs`,
    ]);
    rows.push([
      "memory: heap in use after the proofs",
      `${b.heapMiB.atN.toFixed(0)} MiB at ${n}`,
      `${b.heapMiB.atBig.toFixed(0)} MiB at ${big}`,
      `tiles: ${b.tileBytesPerLeaf.toFixed(1)} bytes/leaf`,
    ]);
  } else if (report.big && "skipped" in report.big) {
    rows.push(["big tree", "skipped", report.big.skipped, ""]);
  }
  if (!markdown)
    return rows.map((r) => `${(r[0] as string).padEnd(62)} ${(r[1] as string).padStart(22)}  ${r[2]}  ${r[3]}`);
  return [
    "## Transparency log",
    "",
    `bench/ledger.ts: ${n} log entries (canonical issuance records of ~250 bytes) written as the bank writes them, then sequenced into the persisted tree; merkletreejs ${report.merkletreejs.version} builds a tree of the same number of pre-hashed leaves in memory in the same run (SHA-256 from node:crypto for both). Target: sequencing at least merkletreejs's rate; proofs under 1 ms (median and p99), read from stored tiles in one query; memory flat as the log grows. See docs/benchmarks.md.`,
    "",
    "| measure | value | against the target | notes |",
    "|---|---:|---|---|",
    ...rows.map((r) => `| ${r.join(" | ")} |`),
    "",
    ...report.notes,
    "",
  ];
}
