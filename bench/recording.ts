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
 * Every step samples the process's resident memory every 50 ms and keeps the peak. A CHECKPOINT before each
 * timed step keeps one step from paying for the dirty pages of the previous one.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { type Kysely, sql } from "kysely";
import type { AchievementRecord } from "../src/domain/schema/accounts.ts";
import { OPERATOR } from "../src/services/actor.ts";
import type { Bank } from "../src/services/bank.ts";
import { importBundle } from "../src/services/bundle-import.ts";
import { type RecordingReport, recordAchievements } from "../src/services/recording.ts";
import type { Database } from "../src/store/schema.ts";
import { StatementProfiler, type StatementStats } from "./profile.ts";
import type { BareRow } from "./workload.ts";

export const BATCH_SIZE = 1000;
/** The issue's target: bulk recording at least this share of the bare insert rate of the same database. */
export const TARGET_RATIO = 0.3;
const MiB = 1024 * 1024;

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

/** Samples RSS every 50 ms until stopped; the peak includes a sample at the start and at the end. */
function rssSampler(): { stop(): number } {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 50);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage.rss()) / MiB;
    },
  };
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
  const recordStep = await timed(
    () =>
      recordAchievements({ ...bank, db: recordingDb }, OPERATOR, numbered, {
        format: "jwt",
        batchSize: BATCH_SIZE,
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
  const recording = step(n, recordStep, profiler?.take());
  o.log(line("recording", recording, "achievements/s"));

  // 4. Idempotent re-run: every record is already there.
  await checkpoint(db);
  const rerunStep = await timed(
    () =>
      recordAchievements({ ...bank, db: recordingDb }, OPERATOR, numbered, {
        format: "jwt",
        batchSize: BATCH_SIZE,
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
    ratio,
    targetMet: ratio >= TARGET_RATIO,
    cpuRatio: cpuKnown ? work(bare) / work(recording) : null,
  };
}

function step(rows: number, t: Timed<unknown>, profile?: StatementStats[]): StepResult {
  const { seconds, cpuSeconds, serverCpuSeconds, peakRssMiB } = t;
  const rate = rows / seconds;
  return { rows, seconds, rate, cpuSeconds, serverCpuSeconds, peakRssMiB, ...(profile ? { profile } : {}) };
}

export const formatRate = (rate: number) => Math.round(rate).toLocaleString("en-US");

function line(what: string, s: StepResult, unit: string): string {
  return `   ${what.padEnd(18)} ${s.rows.toLocaleString("en-US").padStart(8)} in ${s.seconds.toFixed(2).padStart(7)} s  ${formatRate(s.rate).padStart(8)} ${unit.padEnd(15)} CPU ${s.cpuSeconds.toFixed(1).padStart(5)} s${s.serverCpuSeconds === null ? "" : ` + server ${s.serverCpuSeconds.toFixed(1)} s`}  peak RSS ${s.peakRssMiB.toFixed(0)} MiB`;
}
