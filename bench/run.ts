/**
 * `npm run bench`: bulk recording of N achievements (default 100,000) into the embedded database (PGlite, in
 * a fresh folder on disk) and into PostgreSQL, each side by side with a bare multi-row insert of the same
 * rows into the same database. Prints progress and a table, and writes bench/RESULTS.md.
 *
 *   npm run bench -- [--n <count>] [--only pglite|postgres] [--profile] [--no-write]
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
import { benchServer, stopActiveServer } from "./postgres.ts";
import {
  BATCH_SIZE,
  benchDatabase,
  type DatabaseResult,
  formatRate,
  type StepResult,
  TARGET_RATIO,
} from "./recording.ts";
import { ACHIEVEMENTS_PER_LEARNER, bareRows, benchCatalogue, benchRecords } from "./workload.ts";

const SEED = 20_260_601;
const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const say = (text = "") => process.stdout.write(`${text}\n`);

// ---------------------------------------------------------------------------------------------
// Arguments

interface Args {
  n: number;
  only: "pglite" | "postgres" | null;
  profile: boolean;
  write: boolean;
  /** Internal: run as the child of a two-database run and write the outcome to this file. */
  childOutcome: string | null;
}

const USAGE = "usage: npm run bench -- [--n <count>] [--only pglite|postgres] [--profile] [--no-write]";

function parseArgs(argv: string[]): Args {
  const args: Args = { n: 100_000, only: null, profile: false, write: true, childOutcome: null };
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
      case "--only": {
        const v = value();
        if (v !== "pglite" && v !== "postgres") fail(`--only must be pglite or postgres, not '${v}'`);
        args.only = v as "pglite" | "postgres";
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

/** Measures one database in this process. */
async function measure(database: "pglite" | "postgres", args: Args, w: Workload): Promise<Outcome> {
  const outcome: Outcome = { results: [], skipped: [], notes: [] };
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
function measureInChild(database: "pglite" | "postgres", args: Args): Promise<Outcome> {
  const file = join(mkdtempSync(join(os.tmpdir(), "creditbank-bench-")), "outcome.json");
  temporary.push(dirname(file));
  const childArgs = [join(root, "bin", "run-ts.mjs"), join(root, "bench", "run.ts"), "--n", String(args.n)];
  childArgs.push("--only", database, "--child-outcome", file, ...(args.profile ? ["--profile"] : []));
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, ...childArgs], { stdio: "inherit" });
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
  const databases = args.only ? [args.only] : (["pglite", "postgres"] as const);

  if (args.childOutcome) {
    // A child of the run below: measure, hand the outcome back, write nothing else.
    const w = workload(args.n);
    try {
      writeFileSync(args.childOutcome, JSON.stringify(await measure(databases[0] as "pglite" | "postgres", args, w)));
    } finally {
      cleanUp();
    }
    return 0;
  }

  const m = machine();
  const startedAt = new Date();
  say(`== bulk recording benchmark: N = ${args.n.toLocaleString("en-US")}, batches of ${BATCH_SIZE}`);
  say(`   ${m.cpu}, ${m.cores} cores, ${m.memoryGiB.toFixed(1)} GiB; Node ${process.version}`);
  const w = workload(args.n);
  say(
    `   workload: ${w.units} units of ${w.catalogue.providers?.length} providers, ${w.records.length.toLocaleString("en-US")} achievements of ${w.learners.toLocaleString("en-US")} learners (seed ${SEED})`,
  );

  const all: Outcome = { results: [], skipped: [], notes: [] };
  try {
    for (const database of databases) {
      say();
      const outcome = databases.length > 1 ? await measureInChild(database, args) : await measure(database, args, w);
      all.results.push(...outcome.results);
      all.skipped.push(...outcome.skipped);
      all.notes.push(...outcome.notes);
    }
  } catch (error) {
    cleanUp();
    say(`\n== FAILED: ${(error as Error).stack ?? error}`);
    return 1;
  }
  cleanUp();
  const { results, skipped, notes } = all;

  say();
  say("== results");
  for (const line of consoleTable(results)) say(`   ${line}`);
  for (const s of skipped) say(`   ${s.database}: skipped (${s.reason})`);
  if (args.profile) {
    for (const r of results) {
      for (const [what, step] of [
        ["recording", r.recording],
        ["idempotent re-run", r.rerun],
      ] as const) {
        say();
        say(`   where the time goes: ${r.database}, ${what} (${step.seconds.toFixed(2)} s)`);
        for (const line of profileLines(step, false)) say(line);
      }
    }
  }
  const missed = results.filter((r) => !r.targetMet);
  const target = `target (recording >= ${TARGET_RATIO * 100}% of the bare insert rate)`;
  say();
  if (results.length === 0) say(`   ${target}: nothing was measured`);
  else if (missed.length === 0) say(`   ${target}: met on ${results.map((r) => r.database).join(" and ")}`);
  else say(`   ${target}: NOT met on ${missed.map((r) => r.database).join(" and ")}`);

  if (args.write) {
    const file = join(root, "bench", "RESULTS.md");
    writeFileSync(file, resultsMarkdown({ args, m, startedAt, results, skipped, notes, learners: w.learners }));
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
  learners: number;
}

const loadStart = os.loadavg()[0] ?? 0;

function resultsMarkdown({ args, m, startedAt, results, skipped, notes, learners }: Report): string {
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
    "",
    ...resultsTable(results),
    "",
  ];
  for (const s of skipped) lines.push(`${s.database} was **skipped**: ${s.reason}.`, "");
  for (const note of notes) lines.push(note, "");
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
    for (const [what, s] of [
      ["bare insert", r.bare],
      ["recording", r.recording],
      ["idempotent re-run", r.rerun],
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
      "unique natural-key index) and its deposit `account_entry`, and reports per row. **Ratio** is recording " +
      `rate / bare rate on the same database; the target is ${TARGET_RATIO * 100}% or more. The absolute rates ` +
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
      for (const [what, step] of [
        ["recording", r.recording],
        ["idempotent re-run", r.rerun],
      ] as const) {
        lines.push(`### ${r.name}: ${what} (${step.seconds.toFixed(2)} s)`, "", ...profileLines(step, true), "");
      }
    }
  }
  return `${lines.join("\n")}`;
}

process.exitCode = await main();
