/**
 * `npm run bench`, three parts, each in a child process of its own:
 *
 * 1. credentials: issuing and verifying one credential with the Digital Bazaar stack, the bank's paths, jose
 *    and raw Ed25519, one core and over a pool of 2 workers (bench/credentials.ts);
 * 2. PGlite: bulk recording of N achievements (default 100,000, VC-JWT credentials) into the embedded
 *    database in a fresh folder on disk, side by side with a bare multi-row insert of the same rows;
 * 3. PostgreSQL: the same, then the same N recorded with eddsa-rdfc-2022 credentials into a fresh database;
 * 4. log: the transparency log (bench/ledger.ts): sequencing into the persisted tree side by side with
 *    merkletreejs, proofs from stored tiles at 1,000,000 and 10,000,000 leaves, storage per leaf, and
 *    `creditbank log verify`'s audit.
 *
 * Prints progress and tables, and writes bench/RESULTS.md.
 *
 *   npm run bench -- [--n <count>] [--credentials <count>] [--only credentials|pglite|postgres|log]
 *                    [--log-leaves <count>] [--log-big <count>] [--profile] [--no-write]
 *
 * `--only log` rewrites only the transparency log's section of bench/RESULTS.md and keeps the others.
 *
 * docs/benchmarks.md explains what is measured and how to read it.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { loadConfig } from "../src/config.ts";
import { OPERATOR } from "../src/services/actor.ts";
import { type Bank, openBank } from "../src/services/bank.ts";
import { benchCredentials, type CredentialBenchReport, checkLine, comparisonLines, rowLines } from "./credentials.ts";
import { benchLedger, type LedgerBenchReport, ledgerLines } from "./ledger.ts";
import { benchServer, stopActiveServer } from "./postgres.ts";
import {
  BATCH_SIZE,
  benchDatabase,
  benchDataIntegrity,
  type DatabaseResult,
  type DataIntegrityResult,
  E2E_TARGETS,
  formatRate,
  type StepResult,
  siblingDatabase,
  TARGET_RATIO,
  VERIFY_SAMPLE,
} from "./recording.ts";
import { ACHIEVEMENTS_PER_LEARNER, bareRows, benchCatalogue, benchRecords } from "./workload.ts";

const SEED = 20_260_601;
const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const say = (text = "") => process.stdout.write(`${text}\n`);

// ---------------------------------------------------------------------------------------------
// Arguments

type Part = "credentials" | "pglite" | "postgres" | "log";

interface Args {
  n: number;
  /** Credentials per one-core row of the credentials part. */
  credentials: number;
  only: Part | null;
  /** Leaves of the log part's persisted log (entries written and sequenced). */
  logLeaves: number;
  /** Leaves of the log part's big tree (synthetic, PostgreSQL only); 0 skips it. */
  logBig: number;
  profile: boolean;
  write: boolean;
  /** Internal: run as the child of a two-database run and write the outcome to this file. */
  childOutcome: string | null;
}

const USAGE =
  "usage: npm run bench -- [--n <count>] [--credentials <count>] [--only credentials|pglite|postgres|log] [--log-leaves <count>] [--log-big <count>] [--profile] [--no-write]";

function parseArgs(argv: string[]): Args {
  const args: Args = {
    n: 100_000,
    credentials: 200,
    only: null,
    logLeaves: 1_000_000,
    logBig: 10_000_000,
    profile: false,
    write: true,
    childOutcome: null,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const [flag, inline] = arg.includes("=")
      ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)]
      : [arg, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) fail(`${flag} needs a value`);
      return v as string;
    };
    switch (flag) {
      case "--n": {
        const raw = value().replaceAll("_", "");
        const n = Number(raw);
        if (!Number.isInteger(n) || n < 1 || n > 10_000_000)
          fail(`--n must be a whole number from 1 to 10,000,000, not '${raw}'`);
        args.n = n;
        break;
      }
      case "--credentials": {
        const raw = value().replaceAll("_", "");
        const count = Number(raw);
        if (!Number.isInteger(count) || count < 1 || count > 100_000)
          fail(`--credentials must be a whole number from 1 to 100,000, not '${raw}'`);
        args.credentials = count;
        break;
      }
      case "--only": {
        const v = value();
        if (v !== "credentials" && v !== "pglite" && v !== "postgres" && v !== "log")
          fail(`--only must be credentials, pglite, postgres or log, not '${v}'`);
        args.only = v as Part;
        break;
      }
      case "--log-leaves":
      case "--log-big": {
        const raw = value().replaceAll("_", "");
        const count = Number(raw);
        const min = flag === "--log-big" ? 0 : 1;
        if (!Number.isInteger(count) || count < min || count > 100_000_000)
          fail(`${flag} must be a whole number from ${min} to 100,000,000, not '${raw}'`);
        if (flag === "--log-big") args.logBig = count;
        else args.logLeaves = count;
        break;
      }
      case "--profile":
        args.profile = true;
        break;
      case "--no-write":
        args.write = false;
        break;
      case "--child-outcome":
        args.childOutcome = value();
        break;
      case "--help":
      case "-h":
        say(USAGE);
        process.exit(0);
        break;
      default:
        fail(`unknown argument '${arg}'`);
    }
  }
  return args;
}

function fail(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

// ---------------------------------------------------------------------------------------------
// Machine and versions

function packageVersion(name: string): string {
  try {
    return (JSON.parse(readFileSync(join(root, "node_modules", name, "package.json"), "utf8")) as { version: string })
      .version;
  } catch {
    return "unknown";
  }
}

function cpuModel(): string {
  try {
    const line = readFileSync("/proc/cpuinfo", "utf8")
      .split("\n")
      .find((l) => l.startsWith("model name"));
    if (line) return line.slice(line.indexOf(":") + 1).trim();
  } catch {
    // not Linux
  }
  return os.cpus()[0]?.model ?? "unknown";
}

/** The file system holding a path, from /proc/mounts (the longest mount point that contains it). */
function fileSystemOf(path: string): string {
  try {
    const mounts = readFileSync("/proc/mounts", "utf8")
      .split("\n")
      .map((l) => l.split(" "))
      .filter((f) => f.length >= 3 && (path === f[1] || path.startsWith(f[1] === "/" ? "/" : `${f[1]}/`)))
      .sort((a, b) => (b[1] as string).length - (a[1] as string).length);
    const m = mounts[0];
    if (m) return `${m[2]} (${m[0]} on ${m[1]})`;
  } catch {
    // not Linux
  }
  return "unknown";
}

interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  tmp: string;
}

function machine(): Machine {
  return {
    cpu: cpuModel(),
    cores: os.availableParallelism(),
    memoryGiB: os.totalmem() / 1024 ** 3,
    os: `${os.type()} ${os.release()} (${os.arch()})`,
    tmp: `${os.tmpdir()}: ${fileSystemOf(os.tmpdir())}`,
  };
}

// ---------------------------------------------------------------------------------------------
// Progress

let lastProgress = "";
function progress(prefix: string): (step: string, done: number, total: number) => void {
  const tty = process.stdout.isTTY;
  return (step, done, total) => {
    const pct = Math.floor((done / total) * 100);
    if (tty) {
      process.stdout.write(
        `\r   ${prefix} ${step}: ${done.toLocaleString("en-US")} / ${total.toLocaleString("en-US")} (${pct}%)   `,
      );
      if (done === total) process.stdout.write("\r\x1b[K");
      return;
    }
    // Not a terminal: a line at each quarter.
    const quarter = Math.floor((done / total) * 4);
    const key = `${prefix}:${step}:${quarter}`;
    if (done < total && quarter > 0 && key !== lastProgress) {
      say(`   ${prefix} ${step}: ${done.toLocaleString("en-US")} / ${total.toLocaleString("en-US")}`);
      lastProgress = key;
    }
  };
}

// ---------------------------------------------------------------------------------------------
// Tables

function resultsTable(results: DatabaseResult[]): string[] {
  const rows = [
    "| database | bare insert rows/s | recording achievements/s | ratio | target met (≥ 30%) | idempotent re-run rows/s | peak RSS MiB (bare / recording / re-run) |",
    "|---|---:|---:|---:|:---:|---:|---:|",
  ];
  for (const r of results) {
    rows.push(
      `| ${r.name} | ${formatRate(r.bare.rate)} | ${formatRate(r.recording.rate)} | ${(r.ratio * 100).toFixed(1)}% | ${r.targetMet ? "yes" : "**no**"} | ${formatRate(r.rerun.rate)} | ${[r.bare, r.recording, r.rerun].map((s) => s.peakRssMiB.toFixed(0)).join(" / ")} |`,
    );
  }
  return rows;
}

function consoleTable(results: DatabaseResult[]): string[] {
  const head = [
    "database",
    "bare rows/s",
    "recording/s",
    "ratio",
    "target",
    "CPU ratio",
    "re-run rows/s",
    "peak RSS MiB",
  ];
  const body = results.map((r) => [
    r.database,
    formatRate(r.bare.rate),
    formatRate(r.recording.rate),
    `${(r.ratio * 100).toFixed(1)}%`,
    r.targetMet ? "met" : "NOT met",
    r.cpuRatio === null ? "n/a" : `${(r.cpuRatio * 100).toFixed(1)}%`,
    formatRate(r.rerun.rate),
    [r.bare, r.recording, r.rerun].map((s) => s.peakRssMiB.toFixed(0)).join("/"),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => (row[i] as string).length)));
  const fmt = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join("  ");
  return [fmt(head), widths.map((w) => "-".repeat(w)).join("  "), ...body.map(fmt)];
}

interface E2eRow {
  database: string;
  name: string;
  format: "VC-JWT" | "eddsa-rdfc-2022";
  step: StepResult;
  startRssMiB: number;
  target: number | null;
  met: boolean | null;
  credentials: number;
  verified: string;
}

const diOf = (r: DatabaseResult): DataIntegrityResult | null =>
  r.dataIntegrity && "recording" in r.dataIntegrity ? r.dataIntegrity : null;

/** End-to-end bulk issuance: every recording step, with the issue's targets on PostgreSQL. */
function e2eRows(results: DatabaseResult[]): E2eRow[] {
  const rows: E2eRow[] = [];
  for (const r of results) {
    const onPostgres = r.database === "postgres";
    rows.push({
      database: r.database,
      name: r.name,
      format: "VC-JWT",
      step: r.recording,
      startRssMiB: r.recordingStartRssMiB,
      target: onPostgres ? E2E_TARGETS.jwt : null,
      met: onPostgres ? r.jwtTargetMet : null,
      credentials: r.jwtCheck.credentials,
      verified: `${r.jwtCheck.verified}/${r.jwtCheck.sampled}`,
    });
    const di = diOf(r);
    if (di) {
      rows.push({
        database: r.database,
        name: `${r.name} (fresh database)`,
        format: "eddsa-rdfc-2022",
        step: di.recording,
        startRssMiB: di.startRssMiB,
        target: E2E_TARGETS["data-integrity"],
        met: di.targetMet,
        credentials: di.check.credentials,
        verified: `${di.check.verified}/${di.check.sampled}`,
      });
    }
  }
  return rows;
}

/** The steps --profile breaks down: recording, the re-run, and the eddsa-rdfc-2022 recording when there is one. */
function profiledSteps(r: DatabaseResult): Array<readonly [string, StepResult]> {
  const di = diOf(r);
  return [
    ["recording", r.recording],
    ["idempotent re-run", r.rerun],
    ...(di ? [["recording with eddsa-rdfc-2022 (fresh database)", di.recording] as const] : []),
  ];
}

function e2eConsole(results: DatabaseResult[]): string[] {
  const head = [
    "end to end",
    "format",
    "achievements/s",
    "target",
    "credentials",
    "verified",
    "RSS MiB start→peak",
    "heap held MiB",
  ];
  const body = e2eRows(results).map((e) => [
    e.database,
    e.format,
    formatRate(e.step.rate),
    e.target === null ? "(none)" : `>= ${formatRate(e.target)} ${e.met ? "met" : "NOT met"}`,
    e.credentials.toLocaleString("en-US"),
    e.verified,
    `${e.startRssMiB.toFixed(0)}→${e.step.peakRssMiB.toFixed(0)}`,
    e.step.heldMiB === undefined ? "n/a" : e.step.heldMiB.toFixed(0),
  ]);
  for (const r of results) {
    if (r.dataIntegrity && "skipped" in r.dataIntegrity)
      body.push([r.database, "eddsa-rdfc-2022", "skipped", "", "", "", r.dataIntegrity.skipped, ""]);
  }
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => (row[i] as string).length)));
  const fmt = (cells: string[]) =>
    cells.map((c, i) => (i < 2 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join("  ");
  return [fmt(head), widths.map((w) => "-".repeat(w)).join("  "), ...body.map(fmt)];
}

function e2eMarkdown(results: DatabaseResult[]): string[] {
  const lines = [
    "| database | credential format | achievements/s | target | met | credentials = achievements | sample verified | CPU s (Node + server) | RSS MiB before → peak | heap held after, MiB |",
    "|---|---|---:|---:|:---:|---:|---:|---:|---:|---:|",
  ];
  for (const e of e2eRows(results)) {
    const cpu = `${e.step.cpuSeconds.toFixed(1)}${e.step.serverCpuSeconds === null ? "" : ` + ${e.step.serverCpuSeconds.toFixed(1)}`}`;
    lines.push(
      `| ${e.name} | ${e.format} | ${formatRate(e.step.rate)} | ${e.target === null ? "(none)" : `≥ ${formatRate(e.target)}`} | ${e.met === null ? "" : e.met ? "yes" : "**no**"} | ${e.credentials.toLocaleString("en-US")} | ${e.verified} | ${cpu} | ${e.startRssMiB.toFixed(0)} → ${e.step.peakRssMiB.toFixed(0)} | ${e.step.heldMiB === undefined ? "n/a" : e.step.heldMiB.toFixed(0)} |`,
    );
  }
  for (const r of results) {
    if (r.dataIntegrity && "skipped" in r.dataIntegrity)
      lines.push(`| ${r.name} | eddsa-rdfc-2022 | skipped: ${r.dataIntegrity.skipped} | | | | | | | |`);
  }
  return lines;
}

function profileLines(step: StepResult, markdown: boolean): string[] {
  if (!step.profile) return [];
  const total = step.seconds * 1000;
  const inStatements = step.profile.reduce((sum, s) => sum + s.ms, 0);
  const rows = [
    ...step.profile.map((s) => [
      s.label,
      String(s.count),
      s.rows.toLocaleString("en-US"),
      (s.ms / 1000).toFixed(2),
      `${((s.ms / total) * 100).toFixed(1)}%`,
    ]),
    [
      "outside statements (validation, hashing, row building, BEGIN/COMMIT)",
      "",
      "",
      ((total - inStatements) / 1000).toFixed(2),
      `${(((total - inStatements) / total) * 100).toFixed(1)}%`,
    ],
  ];
  if (markdown) {
    return [
      "| statement | count | rows | seconds | share |",
      "|---|---:|---:|---:|---:|",
      ...rows.map((r) => `| ${r.join(" | ")} |`),
    ];
  }
  return rows.map(
    (r) =>
      `     ${(r[0] as string).padEnd(70)} ${(r[1] as string).padStart(5)} ${(r[2] as string).padStart(9)} ${(r[3] as string).padStart(7)} s ${(r[4] as string).padStart(6)}`,
  );
}

// ---------------------------------------------------------------------------------------------
// Main

interface Skipped {
  database: string;
  reason: string;
}

interface Outcome {
  results: DatabaseResult[];
  skipped: Skipped[];
  notes: string[];
  credentials?: CredentialBenchReport;
  ledger?: LedgerBenchReport;
}

interface Workload {
  catalogue: ReturnType<typeof benchCatalogue>;
  records: ReturnType<typeof benchRecords>;
  bare: ReturnType<typeof bareRows>;
  units: number;
  learners: number;
}

function workload(n: number): Workload {
  const catalogue = benchCatalogue(SEED);
  const units = (catalogue.units ?? []).map((u) => ({ provider: u.provider, code: u.code }));
  const records = benchRecords(SEED, n, units);
  const learners = new Set(records.map((r) => r.learner.identifiers[0]?.value)).size;
  return { catalogue, records, bare: bareRows(records, OPERATOR.label), units: units.length, learners };
}

const temporary: string[] = [];
function cleanUp(): void {
  stopActiveServer();
  for (const dir of temporary.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Measures one part in this process. */
async function measure(database: Part, args: Args, w: Workload | null): Promise<Outcome> {
  const outcome: Outcome = { results: [], skipped: [], notes: [] };
  if (database === "credentials") {
    say(`== credentials: issue and verify, ${args.credentials} credentials of one unit`);
    outcome.credentials = await benchCredentials({ n: args.credentials, log: say });
    say(`   ${checkLine(outcome.credentials)}`);
    return outcome;
  }
  if (database === "log") {
    say(
      `== transparency log: ${args.logLeaves.toLocaleString("en-US")} leaves persisted and sequenced; ${args.logBig.toLocaleString("en-US")} synthetic leaves in tiles`,
    );
    const dir = mkdtempSync(join(os.tmpdir(), "creditbank-bench-log-"));
    temporary.push(dir);
    const found = await benchServer();
    if (!found.ok) {
      say(`   PostgreSQL SKIPPED: ${found.reason}`);
      outcome.skipped.push({ database: "PostgreSQL (log)", reason: found.reason });
    }
    const server = found.ok ? found.server : null;
    const pgliteVersion = packageVersion("@electric-sql/pglite");
    try {
      outcome.ledger = await benchLedger({
        leaves: args.logLeaves,
        bigLeaves: args.logBig,
        samples: 2000,
        merkletreejsVersion: packageVersion("merkletreejs"),
        banks: [
          {
            database: "pglite",
            name: `PGlite ${pgliteVersion} (on disk)`,
            open: () => openBank(loadConfig({ DATA_DIR: dir })),
          },
          ...(server
            ? [
                {
                  database: "postgres" as const,
                  name: "PostgreSQL",
                  open: () => openBank(loadConfig({ DATABASE_URL: server.url })),
                  serverUrl: server.url,
                },
              ]
            : []),
        ],
        log: say,
        progress: progress("log"),
      });
      if (server)
        outcome.notes.push(`Transparency log on PostgreSQL: ${server.description}; settings: ${server.settings}.`);
    } finally {
      await server?.dispose();
    }
    return outcome;
  }
  if (!w) throw new Error("no workload");
  const run = async (name: string, where: string, bank: Bank, serverCpu = false) => {
    try {
      outcome.results.push(
        await benchDatabase({
          database,
          name,
          where,
          bank,
          catalogue: w.catalogue,
          records: w.records,
          bare: w.bare,
          learners: w.learners,
          profile: args.profile,
          serverCpu,
          log: say,
          progress: progress(database),
        }),
      );
    } finally {
      await bank.close();
    }
  };
  if (database === "pglite") {
    const dir = mkdtempSync(join(os.tmpdir(), "creditbank-bench-pglite-"));
    temporary.push(dir);
    const version = packageVersion("@electric-sql/pglite");
    say(`== PGlite ${version} (embedded), data in ${dir}`);
    await run(`PGlite ${version} (embedded, on disk)`, dir, await openBank(loadConfig({ DATA_DIR: dir })));
    const r = outcome.results.at(-1);
    outcome.notes.push(
      `PGlite: a fresh data folder on disk with PGlite's own settings (${r?.settings ?? "unknown"}). The embedded ` +
        "database has no autovacuum worker, whatever the setting says, so its tables are never analysed automatically.",
    );
  } else {
    const found = await benchServer();
    if (!found.ok) {
      say(`== PostgreSQL SKIPPED: ${found.reason}`);
      outcome.skipped.push({ database: "PostgreSQL", reason: found.reason });
      return outcome;
    }
    const server = found.server;
    try {
      say(`== PostgreSQL: ${server.description}; settings: ${server.settings}`);
      const bank = await openBank(loadConfig({ DATABASE_URL: server.url }));
      await run("PostgreSQL", server.description, bank, server.local);
      const last = outcome.results.at(-1);
      if (last) last.name = `PostgreSQL ${/PostgreSQL (\S+)/.exec(last.serverVersion)?.[1] ?? ""}`.trim();
      if (last) {
        // The same N again, with eddsa-rdfc-2022 credentials, into a fresh database on the same server.
        say("   -- the same achievements with eddsa-rdfc-2022 credentials, fresh database");
        let sibling: Awaited<ReturnType<typeof siblingDatabase>> | null = null;
        try {
          sibling = await siblingDatabase(server.url);
          const diBank = await openBank(loadConfig({ DATABASE_URL: sibling.url }));
          try {
            last.dataIntegrity = await benchDataIntegrity({
              bank: diBank,
              catalogue: w.catalogue,
              records: w.records,
              learners: w.learners,
              profile: args.profile,
              serverCpu: server.local,
              log: say,
              progress: progress(database),
            });
          } finally {
            await diBank.close();
          }
        } catch (error) {
          if (!sibling) {
            const reason = `no second database could be created: ${(error as Error).message}`;
            say(`   eddsa-rdfc-2022 recording SKIPPED: ${reason}`);
            last.dataIntegrity = { skipped: reason };
          } else throw error;
        } finally {
          await sibling?.drop().catch(() => undefined);
        }
      }
      outcome.notes.push(
        `PostgreSQL: ${server.description}; server settings: ${server.settings} (${last?.settings ?? "unknown"}).`,
      );
    } finally {
      await server.dispose();
    }
  }
  return outcome;
}

/**
 * Measures one database in a child process of its own, so that its memory peak and the JIT and garbage
 * collector state are not inherited from the other database's run.
 */
function measureInChild(database: Part, args: Args): Promise<Outcome> {
  const file = join(mkdtempSync(join(os.tmpdir(), "creditbank-bench-")), "outcome.json");
  temporary.push(dirname(file));
  const childArgs = [join(root, "bin", "run-ts.mjs"), join(root, "bench", "run.ts"), "--n", String(args.n)];
  childArgs.push("--credentials", String(args.credentials));
  childArgs.push("--log-leaves", String(args.logLeaves), "--log-big", String(args.logBig));
  childArgs.push("--only", database, "--child-outcome", file, ...(args.profile ? ["--profile"] : []));
  // --expose-gc: a full collection before each timed step, so that its peak RSS is its own.
  const node = [...process.execArgv, ...(process.execArgv.includes("--expose-gc") ? [] : ["--expose-gc"])];
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [...node, ...childArgs], { stdio: "inherit" });
    children.add(child);
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      children.delete(child);
      if (code !== 0) {
        reject(new Error(`the ${database} run failed (${signal ?? `exit ${code}`}); see its output above`));
        return;
      }
      resolvePromise(JSON.parse(readFileSync(file, "utf8")) as Outcome);
    });
  });
}

const children = new Set<ReturnType<typeof spawn>>();

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  for (const [signal, code] of [
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const) {
    process.on(signal, () => {
      for (const child of children) child.kill(signal);
      if (!args.childOutcome) say(`\n== interrupted (${signal}): cleaning up`);
      cleanUp();
      process.exit(code);
    });
  }
  process.on("uncaughtException", (error) => {
    say(`\n== FAILED (uncaught): ${error.stack ?? error}`);
    cleanUp();
    process.exit(1);
  });
  const databases: Part[] = args.only ? [args.only] : ["credentials", "pglite", "postgres", "log"];
  const needsWorkload = databases.some((d) => d !== "credentials" && d !== "log");

  if (args.childOutcome) {
    // A child of the run below: measure, hand the outcome back, write nothing else.
    const part = databases[0] as Part;
    const w = part === "credentials" || part === "log" ? null : workload(args.n);
    try {
      writeFileSync(args.childOutcome, JSON.stringify(await measure(part, args, w)));
    } finally {
      cleanUp();
    }
    return 0;
  }

  const m = machine();
  const startedAt = new Date();
  say(
    `== benchmark: ${databases.join(", ")}; N = ${args.n.toLocaleString("en-US")}, batches of ${BATCH_SIZE}; ${args.credentials} credentials per one-core row`,
  );
  say(`   ${m.cpu}, ${m.cores} cores, ${m.memoryGiB.toFixed(1)} GiB; Node ${process.version}`);
  const w = needsWorkload ? workload(args.n) : null;
  if (w) {
    say(
      `   workload: ${w.units} units of ${w.catalogue.providers?.length} providers, ${w.records.length.toLocaleString("en-US")} achievements of ${w.learners.toLocaleString("en-US")} learners (seed ${SEED})`,
    );
  }

  const all: Outcome = { results: [], skipped: [], notes: [] };
  try {
    for (const database of databases) {
      say();
      const outcome = databases.length > 1 ? await measureInChild(database, args) : await measure(database, args, w);
      all.results.push(...outcome.results);
      all.skipped.push(...outcome.skipped);
      all.notes.push(...outcome.notes);
      if (outcome.credentials) all.credentials = outcome.credentials;
      if (outcome.ledger) all.ledger = outcome.ledger;
    }
  } catch (error) {
    cleanUp();
    say(`\n== FAILED: ${(error as Error).stack ?? error}`);
    return 1;
  }
  cleanUp();
  const { results, skipped, notes, credentials, ledger } = all;

  say();
  say("== results");
  if (credentials) {
    say(`   credentials (one core unless said; ${credentials.n} credentials, pool calls of ${credentials.bulk})`);
    for (const line of rowLines(credentials, false)) say(`   ${line}`);
    say();
    for (const line of comparisonLines(credentials, false)) say(`   ${line}`);
    say();
  }
  if (ledger) {
    say("   transparency log");
    for (const line of ledgerLines(ledger, false)) say(`   ${line}`);
    say();
  }
  if (results.length > 0) {
    for (const line of consoleTable(results)) say(`   ${line}`);
    say();
    for (const line of e2eConsole(results)) say(`   ${line}`);
  }
  for (const s of skipped) say(`   ${s.database}: skipped (${s.reason})`);
  if (args.profile) {
    for (const r of results) {
      for (const [what, step] of profiledSteps(r)) {
        say();
        say(`   where the time goes: ${r.database}, ${what} (${step.seconds.toFixed(2)} s)`);
        for (const line of profileLines(step, false)) say(line);
      }
    }
  }
  const missed = results.filter((r) => !r.targetMet);
  const target = `target (recording >= ${TARGET_RATIO * 100}% of the bare insert rate)`;
  say();
  if (results.length === 0) say(`   ${target}: no database was measured`);
  else if (missed.length === 0) say(`   ${target}: met on ${results.map((r) => r.database).join(" and ")}`);
  else say(`   ${target}: NOT met on ${missed.map((r) => r.database).join(" and ")}`);
  const allTargets = [
    ...(credentials?.comparisons.filter((c) => c.met !== null).map((c) => ({ what: c.what, met: c.met })) ?? []),
    ...e2eRows(results)
      .filter((r) => r.target !== null)
      .map((r) => ({ what: `${r.database} ${r.format} end to end`, met: r.met })),
  ];
  const notMet = allTargets.filter((t) => t.met === false);
  if (allTargets.length > 0) {
    say(
      notMet.length === 0
        ? `   the issue's credential targets: all ${allTargets.length} met`
        : `   the issue's credential targets: ${allTargets.length - notMet.length} of ${allTargets.length} met; NOT met: ${notMet.map((t) => t.what).join("; ")}`,
    );
  }

  if (args.write) {
    const file = join(root, "bench", "RESULTS.md");
    if (args.only === "log" && ledger) {
      // Only the log was measured: its section is replaced, the others are kept as the last full run wrote them.
      writeFileSync(file, withLogSection(readFileSync(file, "utf8"), logSection(ledger, m, startedAt)));
    } else {
      writeFileSync(
        file,
        resultsMarkdown({
          args,
          m,
          startedAt,
          results,
          skipped,
          notes,
          credentials,
          ledger,
          learners: w?.learners ?? 0,
        }),
      );
    }
    say(`   results written to ${file}`);
  }
  return 0;
}

interface Report {
  args: Args;
  m: Machine;
  startedAt: Date;
  results: DatabaseResult[];
  skipped: Skipped[];
  notes: string[];
  credentials: CredentialBenchReport | undefined;
  ledger: LedgerBenchReport | undefined;
  learners: number;
}

/** The transparency log's section of RESULTS.md, with when and where it was measured. */
function logSection(ledger: LedgerBenchReport, m: Machine, startedAt: Date): string[] {
  const [heading, blank, ...rest] = ledgerLines(ledger, true);
  return [
    heading as string,
    blank as string,
    `Measured ${startedAt.toISOString().replace("T", " ").slice(0, 16)} UTC on ${m.cpu}, ${m.cores} cores, ${m.memoryGiB.toFixed(1)} GiB; Node ${process.version}; \`npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(" ")}` : ""}\`.`,
    "",
    ...rest,
  ];
}

/** `text` with its "## Transparency log" section replaced by `section` (or added before "## How to read this"). */
function withLogSection(text: string, section: string[]): string {
  const lines = text.split("\n");
  const start = lines.indexOf("## Transparency log");
  const block = [...section];
  if (start >= 0) {
    let end = lines.findIndex((l, i) => i > start && l.startsWith("## "));
    if (end < 0) end = lines.length;
    lines.splice(start, end - start, ...block);
  } else {
    let at = lines.indexOf("## How to read this");
    if (at < 0) at = lines.length;
    lines.splice(at, 0, ...block);
  }
  return lines.join("\n");
}

const loadStart = os.loadavg()[0] ?? 0;

function credentialsMarkdown(c: CredentialBenchReport): string[] {
  return [
    "## Credentials: issue and verify",
    "",
    `bench/credentials.ts: ${c.n} generated Open Badges 3.0 credentials of one unit (~${c.averageCredentialBytes.toLocaleString("en-US")} bytes of JSON, ~${c.averageJwtBytes.toLocaleString("en-US")} bytes as a VC-JWT), the rows measured in ${c.rounds} interleaved rounds in one process; pool rows: ${c.bulk.toLocaleString("en-US")} credentials per call over a worker_threads pool of ${c.workers} (src/services/signing-pool.ts). Ratios are between rows of this run.`,
    "",
    ...comparisonLines(c, true),
    "",
    ...rowLines(c, true),
    "",
    `${checkLine(c)}. Any mismatch fails the run. CPU µs per credential is the whole process's CPU time (all threads: for pool rows, the workers' too) divided by the credentials done; it is what the machine's other load changes least.`,
    "",
  ];
}

function resultsMarkdown({
  args,
  m,
  startedAt,
  results,
  skipped,
  notes,
  credentials,
  ledger,
  learners,
}: Report): string {
  const pglite = results.find((r) => r.database === "pglite");
  const postgres = results.find((r) => r.database === "postgres");
  const lines = [
    "# Benchmark results",
    "",
    "Written by `npm run bench` (bench/run.ts); every run overwrites this file. See docs/benchmarks.md.",
    "",
    `- **Date:** ${startedAt.toISOString().replace("T", " ").slice(0, 16)} UTC`,
    `- **Machine:** ${m.cpu}, ${m.cores} cores, ${m.memoryGiB.toFixed(1)} GiB memory; ${m.os}`,
    `- **Temporary folder (PGlite data, throwaway PostgreSQL data):** ${m.tmp}`,
    `- **Node:** ${process.version}`,
    `- **PGlite:** @electric-sql/pglite ${packageVersion("@electric-sql/pglite")}${pglite ? ` (${pglite.serverVersion.split(" on ")[0]})` : ""}`,
    `- **PostgreSQL server:** ${postgres ? postgres.serverVersion : "not measured in this run"}`,
    `- **Kysely:** ${packageVersion("kysely")}; **node-postgres (pg):** ${packageVersion("pg")}`,
    `- **N:** ${args.n.toLocaleString("en-US")} achievements of ${learners.toLocaleString("en-US")} learners (about ${ACHIEVEMENTS_PER_LEARNER} each), 100 approved units of 2 providers; batches of ${BATCH_SIZE}, one transaction each`,
    `- **Command:** \`npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(" ")}` : ""}\``,
    `- **Credential libraries:** @digitalbazaar/vc ${packageVersion("@digitalbazaar/vc")}, @digitalbazaar/eddsa-rdfc-2022-cryptosuite ${packageVersion("@digitalbazaar/eddsa-rdfc-2022-cryptosuite")}, jsonld ${packageVersion("jsonld")}, rdf-canonize ${packageVersion("rdf-canonize")}, jose ${packageVersion("jose")}`,
    "",
    ...(credentials ? credentialsMarkdown(credentials) : []),
    ...(ledger ? logSection(ledger, m, startedAt) : []),
  ];
  if (results.length > 0) {
    lines.push(
      "## End-to-end bulk issuance",
      "",
      `\`recordAchievements()\` of the N achievements in batches of ${BATCH_SIZE}: record, sign a credential per achievement, store it with its revocation status slot, one transaction per batch. Targets (PostgreSQL): ≥ ${formatRate(E2E_TARGETS.jwt)}/s with VC-JWT, ≥ ${formatRate(E2E_TARGETS["data-integrity"])}/s with eddsa-rdfc-2022. After each step the credential table must hold one credential per achievement, and ${VERIFY_SAMPLE} credentials drawn at random must pass \`verifyWithBank\` (every check). PGlite records with VC-JWT only, so that the whole run stays within about 15 minutes at N = 100,000 on the 2-core machine; on PostgreSQL the eddsa-rdfc-2022 run goes into a fresh database on the same server. RSS is the Node process's resident memory after a full garbage collection just before the step, and its peak during the step (sampled every 50 ms); the peak includes garbage not yet collected. **Heap held after** is the JavaScript heap in use after a full collection at the end of the step minus the same just before it, with the step's report still referenced: what recording keeps rather than streams (the per-row report; no credential document is kept).`,
      "",
      ...e2eMarkdown(results),
      "",
      "## Bulk recording against a bare insert",
      "",
      ...resultsTable(results),
      "",
    );
  }
  for (const s of skipped) lines.push(`${s.database} was **skipped**: ${s.reason}.`, "");
  for (const note of notes) lines.push(note, "");
  if (results.length === 0) return `${lines.join("\n")}`;
  lines.push(
    "Every step in detail. CPU is user + system time during the step: of the Node process (for PGlite that " +
      "includes the database, which runs inside it) plus, for the throwaway PostgreSQL server, of its backends " +
      "serving the bench. The CPU ratio (bare CPU time / recording CPU time for the same N rows) is the ratio " +
      "of the work done rather than of wall time: it moves much less when other programs share the machine.",
    "",
    "| database | step | rows | seconds | rate /s | Node CPU s | server CPU s | peak RSS MiB |",
    "|---|---|---:|---:|---:|---:|---:|---:|",
  );
  for (const r of results) {
    const di = diOf(r);
    for (const [what, s] of [
      ["bare insert", r.bare],
      ["recording", r.recording],
      ["idempotent re-run", r.rerun],
      ...(di ? [["recording, eddsa-rdfc-2022 (fresh database)", di.recording] as const] : []),
    ] as const) {
      const server =
        s.serverCpuSeconds === null ? (r.database === "pglite" ? "(in Node)" : "n/a") : s.serverCpuSeconds.toFixed(1);
      lines.push(
        `| ${r.database} | ${what} | ${s.rows.toLocaleString("en-US")} | ${s.seconds.toFixed(2)} | ${formatRate(s.rate)} | ${s.cpuSeconds.toFixed(1)} | ${server} | ${s.peakRssMiB.toFixed(0)} |`,
      );
    }
  }
  lines.push(
    "",
    "CPU ratio (bare CPU time / recording CPU time): " +
      results
        .map((r) =>
          r.cpuRatio === null
            ? `${r.database} n/a (the server's CPU time is not measurable)`
            : `${r.database} ${(r.cpuRatio * 100).toFixed(1)}%`,
        )
        .join(", ") +
      ".",
  );
  lines.push(
    "",
    "Catalogue import (not in the table): " +
      results.map((r) => `${r.database} ${r.importSeconds.toFixed(1)} s`).join(", ") +
      ". Resident memory before the first step (bank open, catalogue imported, records built): " +
      results.map((r) => `${r.database} ${r.startRssMiB.toFixed(0)} MiB`).join(", ") +
      `. Load average (1 min) at the start of the run ${loadStart.toFixed(2)}, at the end ${os.loadavg()[0]?.toFixed(2)}: ` +
      "anything well above what the benchmark itself uses (about 1.5 on 2 cores) means other work shared the machine.",
    "",
    "## How to read this",
    "",
    "Each database is measured on its own, fresh bank in the same run. **Bare insert** is what the database " +
      "takes through the same driver and Kysely when nothing else is asked of it: the same N achievement rows " +
      "into a plain table with the columns of `achievement` and only a primary key, 1000 rows per multi-row " +
      "`INSERT`, one transaction each. **Recording** is `recordAchievements()` with the same batch size: it " +
      "validates every record, checks unit version and accreditation, finds or opens the learner's account " +
      "(learner, profile and e-mail identifier rows the first time), inserts the achievement (with its " +
      "unique natural-key index) and its deposit `account_entry`, issues a VC-JWT credential per achievement " +
      "(signed, stored with its status slot), and reports per row. **Ratio** is recording " +
      `rate / bare rate on the same database; the target is ${TARGET_RATIO * 100}% or more (set before recording ` +
      "issued credentials; see the end-to-end targets for recording with issuance). The absolute rates " +
      "depend on the machine; the ratio is what to compare between runs and machines. **Idempotent re-run** " +
      "records the same file again: every row is found unchanged and nothing is written. **Peak RSS** is the " +
      "resident memory of the whole Node process sampled every 50 ms during each step: it includes the " +
      "N records held in memory and, for PGlite, the embedded database's WebAssembly heap; a PostgreSQL " +
      "server's own memory is not in it.",
    "",
  );
  if (args.profile) {
    lines.push("## Where the time goes (`--profile`)", "");
    lines.push(
      "Time per statement kind, from handing the query to Kysely to getting its rows back (compiling, driver, " +
        "round trip or PGlite's work, parsing). The statement timing adds a little overhead to the steps above.",
      "",
    );
    for (const r of results) {
      for (const [what, step] of profiledSteps(r)) {
        lines.push(`### ${r.name}: ${what} (${step.seconds.toFixed(2)} s)`, "", ...profileLines(step, true), "");
      }
    }
  }
  return `${lines.join("\n")}`;
}

process.exitCode = await main();
