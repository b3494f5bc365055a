/**
 * The bulk-recording benchmark on one database, in four steps on a fresh bank:
 *
 * 1. import the synthetic catalogue (not timed for the table; reported for information);
 * 2. bare insert: a plain table with the columns of `achievement` (primary key only, no other index, no
 *    foreign key) filled with the same N achievements by Kysely multi-row inserts of 1000 rows, each
 *    statement in its own transaction: what the database itself can take through the same driver;
 * 3. recording: recordAchievements() of the N records (batches of 1000, one transaction each), which must
 *    report N recorded and no error;
 * 4. idempotent re-run: recordAchievements() of the same records again, which must report all unchanged.
 *
 * Recording issues a credential per achievement (record + sign + store + status entry) as VC-JWT here.
 * After it, the credential table must hold one credential per achievement, each with its status slot, and a
 * random sample of 20 must pass the bank's verifier (`verifyWithBank`). On PostgreSQL the same N are then
 * recorded again with eddsa-rdfc-2022 proofs into a fresh database on the same server
 * (`benchDataIntegrity`), with the same checks. The end-to-end targets are absolute rates on PostgreSQL:
 * at least 5,000 achievements/s with VC-JWT and 1,000/s with eddsa-rdfc-2022.
 *
 * Every step samples the process's resident memory every 50 ms and keeps the peak. A CHECKPOINT before each
 * timed step keeps one step from paying for the dirty pages of the previous one.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { type Kysely, sql } from "kysely";
import pg from "pg";
import type { AchievementRecord } from "../src/domain/schema/accounts.ts";
import { OPERATOR } from "../src/services/actor.ts";
import type { Bank } from "../src/services/bank.ts";
import { importBundle } from "../src/services/bundle-import.ts";
import type { ProofFormat } from "../src/services/issuance.ts";
import { type RecordingReport, recordAchievements } from "../src/services/recording.ts";
import { verifyWithBank } from "../src/services/verification.ts";
import type { Database } from "../src/store/schema.ts";
import { MiB, rssSampler } from "./memory.ts";
import { StatementProfiler, type StatementStats } from "./profile.ts";
import type { BareRow } from "./workload.ts";

export const BATCH_SIZE = 1000;
/** The issue's target: bulk recording at least this share of the bare insert rate of the same database. */
export const TARGET_RATIO = 0.3;
/** The issue's end-to-end targets on PostgreSQL, in achievements (and credentials) per second. */
export const E2E_TARGETS: Record<ProofFormat, number> = { jwt: 5000, "data-integrity": 1000 };
/** Credentials drawn at random after a recording step and run through the bank's verifier. */
export const VERIFY_SAMPLE = 20;

export interface StepResult {
  rows: number;
  seconds: number;
  /** Rows (or achievements) per second. */
  rate: number;
  peakRssMiB: number;
  /** CPU time of this process during the step (user + system), in seconds: for PGlite this includes the database. */
  cpuSeconds: number;
  /** CPU time of the PostgreSQL backends serving the bench during the step, when measurable (throwaway server). */
  serverCpuSeconds: number | null;
  /** Statement breakdown, with --profile. */
  profile?: StatementStats[];
  /**
   * JavaScript heap still in use after a full garbage collection at the end of the step (its result, such as
   * the recording report, still referenced), minus the same before it: what the step holds rather than
   * streams. Only with --expose-gc (bench/run.ts's children); undefined otherwise.
   */
  heldMiB?: number;
}

/** What the credential table holds after a recording step, and how the sample verified. */
export interface IssuanceCheck {
  format: ProofFormat;
  credentials: number;
  sampled: number;
  verified: number;
  sampleSeconds: number;
}

/** The eddsa-rdfc-2022 recording into a fresh database (PostgreSQL). */
export interface DataIntegrityResult {
  importSeconds: number;
  /** Resident memory just before the step. */
  startRssMiB: number;
  recording: StepResult;
  check: IssuanceCheck;
  targetMet: boolean;
}

export interface DatabaseResult {
  database: "pglite" | "postgres";
  /** The database as the report names it. */
  name: string;
  serverVersion: string;
  /** Settings that bear on write speed, as the database reports them. */
  settings: string;
  where: string;
  importSeconds: number;
  /** Resident memory just before the first timed step (bank open, catalogue imported, workload built). */
  startRssMiB: number;
  bare: StepResult;
  recording: StepResult;
  rerun: StepResult;
  /** Resident memory just before the recording step. */
  recordingStartRssMiB: number;
  /** The credentials the recording step issued (VC-JWT). */
  jwtCheck: IssuanceCheck;
  /** Recording rate against the end-to-end VC-JWT target (meaningful on PostgreSQL). */
  jwtTargetMet: boolean;
  /** PostgreSQL: the same N recorded with eddsa-rdfc-2022 into a fresh database; or why not. */
  dataIntegrity?: DataIntegrityResult | { skipped: string };
  ratio: number;
  targetMet: boolean;
  /** Bare CPU time / recording CPU time (Node plus server backends); null when the server's CPU is unknown. */
  cpuRatio: number | null;
}

export interface BenchOptions {
  database: "pglite" | "postgres";
  name: string;
  where: string;
  bank: Bank;
  catalogue: unknown;
  records: AchievementRecord[];
  bare: BareRow[];
  learners: number;
  profile: boolean;
  /** Whether the database server's processes are ours to inspect (the throwaway server): measure their CPU. */
  serverCpu: boolean;
  log: (line: string) => void;
  progress: (step: string, done: number, total: number) => void;
}

interface Timed<T> {
  value: T;
  seconds: number;
  cpuSeconds: number;
  serverCpuSeconds: number | null;
  peakRssMiB: number;
}

let clockTicks = 0;
/** Clock ticks per second, the unit of /proc/<pid>/stat times. */
function ticksPerSecond(): number {
  if (!clockTicks) clockTicks = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout?.trim()) || 100;
  return clockTicks;
}

/**
 * CPU seconds used so far by each client backend connected to the bench database, read from /proc: only
 * for a server on this machine in our own process namespace (the throwaway server). Null when unreadable.
 */
async function backendCpu(db: Kysely<Database>): Promise<Map<number, number> | null> {
  const { rows } = await sql<{ pid: number }>`
    select pid from pg_stat_activity where datname = current_database() and backend_type = 'client backend'`.execute(
    db,
  );
  const cpu = new Map<number, number>();
  for (const { pid } of rows) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      // Fields after the command name, which is in parentheses and may contain spaces: utime is field 14, stime 15.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      cpu.set(pid, (Number(fields[11]) + Number(fields[12])) / ticksPerSecond());
    } catch {
      return null;
    }
  }
  return cpu;
}

async function timed<T>(fn: () => Promise<T>, db?: Kysely<Database>): Promise<Timed<T>> {
  const serverBefore = db ? await backendCpu(db) : null;
  const sampler = rssSampler();
  const cpu = process.cpuUsage();
  const start = performance.now();
  try {
    const value = await fn();
    const seconds = (performance.now() - start) / 1000;
    const used = process.cpuUsage(cpu);
    const peakRssMiB = sampler.stop();
    let serverCpuSeconds: number | null = null;
    const serverAfter = serverBefore ? await backendCpu(db as Kysely<Database>) : null;
    if (serverBefore && serverAfter) {
      serverCpuSeconds = 0;
      for (const [pid, after] of serverAfter) serverCpuSeconds += after - (serverBefore.get(pid) ?? 0);
    }
    return { value, seconds, cpuSeconds: (used.user + used.system) / 1e6, serverCpuSeconds, peakRssMiB };
  } catch (error) {
    sampler.stop();
    throw error;
  }
}

class BenchFailure extends Error {}

function check(condition: boolean, message: string): void {
  if (!condition) throw new BenchFailure(message);
}

function describeErrors(report: RecordingReport): string {
  const first = report.errors.slice(0, 5).map((e) => `row ${e.row} ${e.field} ${e.code}: ${e.message}`);
  return `${report.errors.length} error(s)${first.length ? `, first: ${first.join("; ")}` : ""}`;
}

const checkpoint = (db: Kysely<Database>) => sql`checkpoint`.execute(db).catch(() => undefined);

/** A full garbage collection when the process runs with --expose-gc (bench/run.ts's children do). */
const collect = () => (globalThis as { gc?: () => void }).gc?.();
const canCollect = () => typeof (globalThis as { gc?: unknown }).gc === "function";

/** Heap in use after a full collection (MiB), when one can be forced. */
function heapAfterCollection(): number | undefined {
  if (!canCollect()) return undefined;
  collect();
  return process.memoryUsage().heapUsed / MiB;
}

/**
 * After a recording step: the credential table holds exactly one credential per achievement, in the format
 * asked for, each with its status slot (unique indexes keep slots and achievements distinct); and a random
 * sample of them passes the bank's verifier, every check (proof, issuer, register, status, validity).
 */
async function checkIssuance(bank: Bank, n: number, format: ProofFormat): Promise<IssuanceCheck> {
  const db = bank.db;
  const { rows } = await sql<{ c: string; ok: string; a: string }>`
    select (select count(*) from credential) as c,
           (select count(*) from credential
             where achievement_id is not null and status_list_id is not null and status_index is not null
               and proof_format = ${format}) as ok,
           (select count(*) from achievement) as a`.execute(db);
  const counts = { credentials: Number(rows[0]?.c), ok: Number(rows[0]?.ok), achievements: Number(rows[0]?.a) };
  check(
    counts.credentials === counts.achievements && counts.ok === n && counts.achievements === n,
    `the bank holds ${counts.credentials} credentials (${counts.ok} ${format} with an achievement and a status slot) for ${counts.achievements} achievements, not ${n} of each`,
  );
  const start = performance.now();
  const { rows: sample } = await sql<{ id: string; document: string }>`
    select id, document from credential order by random() limit ${VERIFY_SAMPLE}`.execute(db);
  let verified = 0;
  for (const { id, document } of sample) {
    const report = await verifyWithBank(bank, document);
    const failed = report.checks.filter((c) => c.status === "fail");
    check(
      report.verified && report.proofFormat === format,
      `credential ${id} (${report.proofFormat}) does not verify: ${failed.map((c) => `${c.id}: ${c.message}`).join("; ")}`,
    );
    verified++;
  }
  return {
    format,
    credentials: counts.credentials,
    sampled: sample.length,
    verified,
    sampleSeconds: (performance.now() - start) / 1000,
  };
}

type BareTable = {
  bench_bare_achievement: BareRow & { id?: string; recorded_at?: string; revoked_at?: string | null };
};

async function bareInsert(db: Kysely<Database>, rows: BareRow[], progress: BenchOptions["progress"]): Promise<void> {
  const bare = db.withTables<BareTable>();
  for (let i = 0; i < rows.length; i += BATCH_SIZE) {
    const batch = rows.slice(i, i + BATCH_SIZE);
    await bare.transaction().execute((tx) => tx.insertInto("bench_bare_achievement").values(batch).execute());
    progress("bare insert", Math.min(i + BATCH_SIZE, rows.length), rows.length);
  }
}

export async function benchDatabase(o: BenchOptions): Promise<DatabaseResult> {
  const { bank, records } = o;
  const n = records.length;
  const db = bank.db;
  const { rows: versionRows } = await sql<{ v: string }>`select version() as v`.execute(db);
  const serverVersion = versionRows[0]?.v ?? "unknown";
  const { rows: settingRows } = await sql<{ name: string; setting: string }>`
    select name, current_setting(name) as setting from pg_settings
    where name in ('fsync', 'synchronous_commit', 'full_page_writes', 'wal_level', 'shared_buffers', 'jit', 'autovacuum')
    order by name`.execute(db);
  const settings = settingRows.map((r) => `${r.name}=${r.setting}`).join(", ");

  const imported = await timed(() => importBundle(db, OPERATOR, o.catalogue, "benchmark catalogue"));
  const units = imported.value.units;
  check(
    units.approved === units.created && units.created > 0,
    `the catalogue import approved ${units.approved} of ${units.created} units`,
  );
  o.log(`   catalogue imported: ${units.approved} approved units in ${imported.seconds.toFixed(1)} s`);

  // 2. Bare insert into a plain table with the same columns as `achievement`.
  await sql`
    create table bench_bare_achievement (
      learner_id uuid not null,
      id uuid not null default gen_random_uuid(),
      provider_id text not null,
      unit_id uuid not null,
      unit_version integer not null,
      achieved_on date not null,
      result text,
      grade text,
      evidence jsonb not null default '[]',
      record_id text,
      content_hash text not null,
      recorded_at timestamptz not null default now(),
      recorded_by text not null,
      revoked_at timestamptz,
      primary key (learner_id, id)
    )`.execute(db);
  await checkpoint(db);
  collect();
  const startRssMiB = process.memoryUsage.rss() / MiB;
  const serverDb = o.serverCpu ? db : undefined;
  const bareStep = await timed(() => bareInsert(db, o.bare, o.progress), serverDb);
  const { rows: bareCount } = await sql<{ n: string }>`select count(*) as n from bench_bare_achievement`.execute(db);
  check(Number(bareCount[0]?.n) === n, `the bare table holds ${bareCount[0]?.n} rows, not ${n}`);
  await sql`drop table bench_bare_achievement`.execute(db);
  const bare = step(n, bareStep);
  o.log(line("bare insert", bare, "rows/s"));

  // 3. Recording.
  const numbered = records.map((record, i) => ({ row: i + 1, record }));
  const profiler = o.profile ? new StatementProfiler() : null;
  const recordingDb = profiler ? db.withPlugin(profiler) : db;
  await checkpoint(db);
  const recordingHeapBefore = heapAfterCollection();
  const recordingStartRssMiB = process.memoryUsage.rss() / MiB;
  const recordStep = await timed(
    () =>
      recordAchievements({ ...bank, db: recordingDb }, OPERATOR, numbered, {
        format: "jwt",
        batchSize: BATCH_SIZE,
        keepResults: false, // counts and errors only, as `creditbank record` runs: memory stays flat
        onProgress: (done, total) => o.progress("recording", done, total),
      }),
    serverDb,
  );
  const report = recordStep.value;
  check(report.errors.length === 0, `recording reported ${describeErrors(report)}`);
  check(report.recorded === n, `recording reported ${report.recorded} recorded, not ${n}`);
  check(
    report.learnersCreated === o.learners,
    `recording opened ${report.learnersCreated} accounts, not ${o.learners}`,
  );
  const counts = await sql<{ a: string; e: string }>`
    select (select count(*) from achievement) as a, (select count(*) from account_entry) as e`.execute(db);
  check(
    Number(counts.rows[0]?.a) === n && Number(counts.rows[0]?.e) === n,
    `the bank holds ${counts.rows[0]?.a} achievements and ${counts.rows[0]?.e} entries, not ${n} of each`,
  );
  const recording = step(n, recordStep, profiler?.take(), held(recordingHeapBefore));
  o.log(line("recording", recording, "achievements/s"));
  const jwtCheck = await checkIssuance(bank, n, "jwt");
  o.log(checkLine(jwtCheck));

  // 4. Idempotent re-run: every record is already there.
  await checkpoint(db);
  collect();
  const rerunStep = await timed(
    () =>
      recordAchievements({ ...bank, db: recordingDb }, OPERATOR, numbered, {
        format: "jwt",
        batchSize: BATCH_SIZE,
        keepResults: false, // counts and errors only, as `creditbank record` runs: memory stays flat
        onProgress: (done, total) => o.progress("re-run", done, total),
      }),
    serverDb,
  );
  const again = rerunStep.value;
  check(again.errors.length === 0, `the re-run reported ${describeErrors(again)}`);
  check(
    again.unchanged === n && again.recorded === 0,
    `the re-run reported ${again.recorded} recorded, ${again.unchanged} unchanged`,
  );
  const rerun = step(n, rerunStep, profiler?.take());
  o.log(line("idempotent re-run", rerun, "rows/s"));

  const ratio = recording.rate / bare.rate;
  const work = (s: StepResult) => s.cpuSeconds + (s.serverCpuSeconds ?? 0);
  const cpuKnown = o.database === "pglite" || (bare.serverCpuSeconds !== null && recording.serverCpuSeconds !== null);
  return {
    database: o.database,
    name: o.name,
    serverVersion,
    settings,
    where: o.where,
    importSeconds: imported.seconds,
    startRssMiB,
    bare,
    recording,
    rerun,
    recordingStartRssMiB,
    jwtCheck,
    jwtTargetMet: recording.rate >= E2E_TARGETS.jwt,
    ratio,
    targetMet: ratio >= TARGET_RATIO,
    cpuRatio: cpuKnown ? work(bare) / work(recording) : null,
  };
}

function checkLine(c: IssuanceCheck): string {
  return `   checked: ${c.credentials.toLocaleString("en-US")} ${c.format} credentials, one per achievement with its status slot; ${c.verified} of ${c.sampled} drawn at random pass verifyWithBank (${c.sampleSeconds.toFixed(1)} s)`;
}

export interface DataIntegrityOptions {
  /** A bank on a fresh, empty database. */
  bank: Bank;
  catalogue: unknown;
  records: AchievementRecord[];
  learners: number;
  profile: boolean;
  serverCpu: boolean;
  log: (line: string) => void;
  progress: (step: string, done: number, total: number) => void;
}

/**
 * The same N achievements recorded with eddsa-rdfc-2022 credentials into a fresh database: the catalogue
 * imported first (not timed), then one timed recording step, checked as the VC-JWT one is.
 */
export async function benchDataIntegrity(o: DataIntegrityOptions): Promise<DataIntegrityResult> {
  const { bank, records } = o;
  const n = records.length;
  const db = bank.db;
  const imported = await timed(() => importBundle(db, OPERATOR, o.catalogue, "benchmark catalogue"));
  const units = imported.value.units;
  check(
    units.approved === units.created && units.created > 0,
    `the catalogue import approved ${units.approved} of ${units.created} units`,
  );
  o.log(`   fresh database for eddsa-rdfc-2022: catalogue imported in ${imported.seconds.toFixed(1)} s`);
  const numbered = records.map((record, i) => ({ row: i + 1, record }));
  const profiler = o.profile ? new StatementProfiler() : null;
  const recordingDb = profiler ? db.withPlugin(profiler) : db;
  await checkpoint(db);
  const heapBefore = heapAfterCollection();
  const startRssMiB = process.memoryUsage.rss() / MiB;
  const recordStep = await timed(
    () =>
      recordAchievements({ ...bank, db: recordingDb }, OPERATOR, numbered, {
        format: "data-integrity",
        batchSize: BATCH_SIZE,
        keepResults: false, // counts and errors only, as `creditbank record` runs: memory stays flat
        onProgress: (done, total) => o.progress("recording (eddsa-rdfc-2022)", done, total),
      }),
    o.serverCpu ? db : undefined,
  );
  const report = recordStep.value;
  check(report.errors.length === 0, `recording (eddsa-rdfc-2022) reported ${describeErrors(report)}`);
  check(report.recorded === n, `recording (eddsa-rdfc-2022) reported ${report.recorded} recorded, not ${n}`);
  check(
    report.learnersCreated === o.learners,
    `recording (eddsa-rdfc-2022) opened ${report.learnersCreated} accounts, not ${o.learners}`,
  );
  const recording = step(n, recordStep, profiler?.take(), held(heapBefore));
  o.log(line("recording (DI)", recording, "achievements/s"));
  const checked = await checkIssuance(bank, n, "data-integrity");
  o.log(checkLine(checked));
  return {
    importSeconds: imported.seconds,
    startRssMiB,
    recording,
    check: checked,
    targetMet: recording.rate >= E2E_TARGETS["data-integrity"],
  };
}

/**
 * A second, empty database on the server of `url` (its user needs CREATE DATABASE, as for the first), for the
 * eddsa-rdfc-2022 run. `drop` waits for the bank's connections to go before dropping it.
 */
export async function siblingDatabase(url: string): Promise<{ url: string; drop(): Promise<void> }> {
  const target = new URL(url);
  const name = `${target.pathname.slice(1) || "creditbank_bench"}_di`.replace(/[^a-z0-9_]/gi, "_");
  const admin = async <T>(fn: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 15_000 });
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end().catch(() => {});
    }
  };
  await admin((c) => c.query(`create database ${name}`));
  target.pathname = `/${name}`;
  return {
    url: target.toString(),
    drop: () =>
      admin(async (client) => {
        for (let i = 0; i < 100; i++) {
          const { rows } = await client.query<{ n: string }>(
            "select count(*) as n from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()",
            [name],
          );
          if (Number(rows[0]?.n) === 0) break;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        await client.query(`drop database if exists ${name} with (force)`);
      }),
  };
}

/** Heap held by a step that just ended (its result still referenced by the caller), from the heap before it. */
function held(before: number | undefined): number | undefined {
  const after = before === undefined ? undefined : heapAfterCollection();
  return before === undefined || after === undefined ? undefined : after - before;
}

function step(rows: number, t: Timed<unknown>, profile?: StatementStats[], heldMiB?: number): StepResult {
  const { seconds, cpuSeconds, serverCpuSeconds, peakRssMiB } = t;
  const rate = rows / seconds;
  return {
    rows,
    seconds,
    rate,
    cpuSeconds,
    serverCpuSeconds,
    peakRssMiB,
    ...(profile ? { profile } : {}),
    ...(heldMiB === undefined ? {} : { heldMiB }),
  };
}

export const formatRate = (rate: number) => Math.round(rate).toLocaleString("en-US");

function line(what: string, s: StepResult, unit: string): string {
  return `   ${what.padEnd(18)} ${s.rows.toLocaleString("en-US").padStart(8)} in ${s.seconds.toFixed(2).padStart(7)} s  ${formatRate(s.rate).padStart(8)} ${unit.padEnd(15)} CPU ${s.cpuSeconds.toFixed(1).padStart(5)} s${s.serverCpuSeconds === null ? "" : ` + server ${s.serverCpuSeconds.toFixed(1)} s`}  peak RSS ${s.peakRssMiB.toFixed(0)} MiB${s.heldMiB === undefined ? "" : `, heap held after ${s.heldMiB.toFixed(0)} MiB`}`;
}
