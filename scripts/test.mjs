#!/usr/bin/env node
// `npm test`: the whole check, in order, stopping at the first failure.
//
//   1. lint and format (`biome check .`) and types (`tsc --noEmit`)      skipped with SKIP_STATIC=1
//   2. the Vitest suite on the embedded database (PGlite, in memory)     TEST_DATABASE_URL removed
//   3. the same suite on a real PostgreSQL server                        TEST_DATABASE_URL set
//        - TEST_DATABASE_URL from the environment if set (its user must be allowed to CREATE DATABASE), else
//        - a throwaway server started here from PostgreSQL's binaries (initdb, pg_ctl) and removed at the end, else
//        - skipped with a plain message; under CI (CI=true or CI=1) that is an error. SKIP_POSTGRES=1 skips it
//          locally (also an error under CI).
//   4. a summary; the last line is always `tests: N passed, M failed, K skipped` over both runs.
//
// Extra arguments go to vitest: `npm test -- test/domain`.
// PG_BIN_SEARCH_DIRS (colon-separated) replaces the places searched for initdb and pg_ctl (PATH, then
// /usr/lib/postgresql/*/bin, highest version first); set it empty to act as if PostgreSQL were not installed.
// Plain Node ESM on purpose: it runs before anything is compiled and needs no dependency of its own.
import { spawn, spawnSync } from "node:child_process";
import {
  accessSync,
  chownSync,
  constants,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
} from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { basename, delimiter, join } from "node:path";
import { performance } from "node:perf_hooks";

const vitestArgs = process.argv.slice(2);
const isCI = ["true", "1"].includes(process.env.CI ?? "");
const workDir = mkdtempSync(join(tmpdir(), "creditbank-test-"));

/** Lines for the final summary, one per step, in order. */
const summary = [];
/** Test counts of each vitest run. */
const runs = [];
/** The running child process (to pass a signal on), and the throwaway server (to stop it at the end). */
let child = null;
let server = null;

const seconds = (start) => `${((performance.now() - start) / 1000).toFixed(1)} s`;
const say = (line = "") => process.stdout.write(`${line}\n`);

// ---------------------------------------------------------------------------------------------------------------
// Child processes

/** Runs a command with the terminal as its output; resolves to its exit code. */
function runVisible(command, args, options = {}) {
  return new Promise((resolve) => {
    child = spawn(command, args, { stdio: "inherit", ...options });
    child.on("error", (error) => {
      say(`cannot run ${command}: ${error.message}`);
      child = null;
      resolve(127);
    });
    child.on("exit", (code) => {
      child = null;
      resolve(code ?? 1);
    });
  });
}

/** Runs a command quietly; resolves to { code, output } with stdout and stderr together. */
function runQuiet(command, args, options = {}) {
  return new Promise((resolve) => {
    let output = "";
    child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"], ...options });
    child.stdout.on("data", (chunk) => {
      output += chunk;
    });
    child.stderr.on("data", (chunk) => {
      output += chunk;
    });
    child.on("error", (error) => {
      child = null;
      resolve({ code: 127, output: `${output}cannot run ${command}: ${error.message}\n` });
    });
    child.on("close", (code) => {
      child = null;
      resolve({ code: code ?? 1, output });
    });
  });
}

/** Sends a signal to a process and all its descendants (npx does not always pass signals on to vitest). */
function killTree(pid, signal) {
  const table = spawnSync("ps", ["-A", "-o", "pid=", "-o", "ppid="], { encoding: "utf8" }).stdout ?? "";
  const children = new Map();
  for (const line of table.split("\n")) {
    const [p, parent] = line.trim().split(/\s+/).map(Number);
    if (!p || !parent) continue;
    children.set(parent, [...(children.get(parent) ?? []), p]);
  }
  const all = [];
  const visit = (p) => {
    all.push(p);
    for (const c of children.get(p) ?? []) visit(c);
  };
  visit(pid);
  for (const p of all.reverse()) {
    try {
      process.kill(p, signal);
    } catch {
      // already gone
    }
  }
}

function indent(text) {
  return text
    .trimEnd()
    .split("\n")
    .map((line) => `   | ${line}`)
    .join("\n");
}

// ---------------------------------------------------------------------------------------------------------------
// Steps

async function staticChecks() {
  if (process.env.SKIP_STATIC === "1") {
    say("== lint and types: SKIPPED (SKIP_STATIC=1)");
    summary.push("lint and types: skipped (SKIP_STATIC=1)");
    return true;
  }
  say("== lint and types");
  const start = performance.now();
  for (const [name, args] of [
    ["biome check .", ["biome", "check", "."]],
    ["tsc --noEmit", ["tsc", "--noEmit"]],
  ]) {
    const stepStart = performance.now();
    const code = await runVisible("npx", args);
    if (code !== 0) {
      say(`-- ${name}: FAILED (exit ${code}, ${seconds(stepStart)})`);
      summary.push(`lint and types: FAILED in ${name} (${seconds(start)})`);
      return false;
    }
    say(`-- ${name}: ok (${seconds(stepStart)})`);
  }
  summary.push(`lint and types: ok (${seconds(start)})`);
  return true;
}

/** One vitest run; records its counts and returns whether it passed. */
async function vitestRun(label, header, env) {
  say();
  say(`== ${header}`);
  const start = performance.now();
  const report = join(workDir, `vitest-${runs.length + 1}.json`);
  const code = await runVisible(
    "npx",
    ["vitest", "run", "--reporter=default", "--reporter=json", `--outputFile.json=${report}`, ...vitestArgs],
    { env },
  );
  const run = { label, passed: 0, failed: 0, skipped: 0, problems: [] };
  let json;
  try {
    json = JSON.parse(readFileSync(report, "utf8"));
  } catch {
    run.problems.push("vitest wrote no JSON report (it crashed, or found no test files)");
  }
  if (json) {
    run.passed = json.numPassedTests ?? 0;
    run.failed = json.numFailedTests ?? 0;
    run.skipped = (json.numPendingTests ?? 0) + (json.numTodoTests ?? 0);
    const brokenFiles = (json.testResults ?? []).filter(
      (file) => file.status === "failed" && !(file.assertionResults ?? []).some((t) => t.status === "failed"),
    );
    if (brokenFiles.length > 0) {
      run.problems.push(`${brokenFiles.length} test file(s) failed outside any test (load error or hook)`);
    }
    if (run.passed + run.failed === 0) run.problems.push("no test was executed");
  }
  if (code !== 0 && run.failed === 0 && run.problems.length === 0) run.problems.push(`vitest exited with code ${code}`);
  run.ok = code === 0 && run.failed === 0 && run.problems.length === 0;
  runs.push(run);

  const counts = `${run.passed} passed, ${run.failed} failed, ${run.skipped} skipped`;
  const verdict = run.ok ? "" : ` -- FAILED${run.problems.length ? `: ${run.problems.join("; ")}` : ""}`;
  say(`-- ${label}: ${counts}${verdict} (${seconds(start)})`);
  summary.push(`${label}: ${counts}${verdict} (${seconds(start)})`);
  return run.ok;
}

function embeddedRun() {
  const env = { ...process.env };
  delete env.TEST_DATABASE_URL;
  return vitestRun("embedded (PGlite)", "tests on embedded PGlite", env);
}

// ---------------------------------------------------------------------------------------------------------------
// PostgreSQL

function isExecutable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Directories to look in for initdb and pg_ctl, in order. */
function pgSearchDirs() {
  const override = process.env.PG_BIN_SEARCH_DIRS;
  if (override !== undefined) return override.split(delimiter).filter(Boolean);
  const pathDirs = (process.env.PATH ?? "").split(delimiter).filter(Boolean);
  let versions = [];
  try {
    versions = readdirSync("/usr/lib/postgresql")
      .filter((name) => /^\d+(\.\d+)?$/.test(name))
      .sort((a, b) => Number(b) - Number(a));
  } catch {
    // no Debian-style installation
  }
  return [...pathDirs, ...versions.map((version) => join("/usr/lib/postgresql", version, "bin"))];
}

/** { initdb, pgCtl, major } of the first directory holding both programs, or null. */
function findPgBinaries() {
  for (const dir of pgSearchDirs()) {
    const initdb = join(dir, "initdb");
    const pgCtl = join(dir, "pg_ctl");
    if (!isExecutable(initdb) || !isExecutable(pgCtl)) continue;
    // Follow symlinks (e.g. /usr/local/bin/initdb -> /usr/lib/postgresql/15/bin/initdb), and skip wrappers.
    const real = { initdb: realpathSync(initdb), pgCtl: realpathSync(pgCtl) };
    if (basename(real.initdb) !== "initdb" || basename(real.pgCtl) !== "pg_ctl") continue;
    const version = spawnSync(real.pgCtl, ["--version"], { encoding: "utf8" }).stdout ?? "";
    const major = /\(PostgreSQL\)\s+(\d+)/.exec(version)?.[1] ?? "";
    return { ...real, major };
  }
  return null;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** A system program by absolute path: root's tools (runuser, useradd) live in sbin, which PATH may lack. */
function systemTool(name) {
  const dirs = [...(process.env.PATH ?? "").split(delimiter).filter(Boolean), "/usr/sbin", "/sbin", "/usr/bin", "/bin"];
  return dirs.map((dir) => join(dir, name)).find(isExecutable) ?? name;
}

function userExists(name) {
  return spawnSync(systemTool("id"), ["-u", name], { stdio: "ignore" }).status === 0;
}

/** The system user the server runs as when we are root: 'postgres' if it exists, else our own system user. */
function serverUser() {
  if (userExists("postgres")) return "postgres";
  const ours = "creditbank-pg";
  if (!userExists(ours)) {
    say(`   creating system user '${ours}' to run the throwaway server (initdb refuses to run as root)`);
    const made = spawnSync(systemTool("useradd"), ["-r", "-M", "-s", "/usr/sbin/nologin", ours], { encoding: "utf8" });
    if (made.status !== 0) throw new Error(`useradd -r ${ours} failed: ${made.stderr || made.error?.message}`);
  }
  return ours;
}

function idOf(user, flag) {
  return Number(spawnSync(systemTool("id"), [flag, user], { encoding: "utf8" }).stdout.trim());
}

/** Starts a throwaway server; resolves to its URL. Sets `server` so that `stopServer` can always clean up. */
async function startServer(binaries) {
  const asRoot = process.getuid?.() === 0;
  const user = asRoot ? serverUser() : null;
  const dir = mkdtempSync(join(tmpdir(), "creditbank-pg-"));
  server = { dir, pgCtl: binaries.pgCtl, user, dataDir: join(dir, "data"), log: join(dir, "server.log") };
  if (user) chownSync(dir, idOf(user, "-u"), idOf(user, "-g"));
  const runuser = systemTool("runuser");
  const as = (program, args) => (user ? [runuser, ["-u", user, "--", program, ...args]] : [program, args]);

  const init = await runQuiet(
    ...as(binaries.initdb, ["-D", server.dataDir, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"]),
    { cwd: dir, env: { ...process.env, LC_ALL: "C", LANG: "C" } },
  );
  if (init.code !== 0) throw new Error(`initdb failed (exit ${init.code}):\n${indent(init.output)}`);

  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const options = `-c listen_addresses=127.0.0.1 -p ${port} -k '${dir}' -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
    const started = await runQuiet(
      ...as(binaries.pgCtl, ["-D", server.dataDir, "-l", server.log, "-w", "-t", "60", "-o", options, "start"]),
      { cwd: dir },
    );
    if (started.code === 0) {
      server.running = true;
      return `postgres://postgres@127.0.0.1:${port}/postgres`;
    }
    let log = "";
    try {
      log = readFileSync(server.log, "utf8");
    } catch {
      // no log written
    }
    if (attempt < 3 && /already in use|could not bind/i.test(log)) continue; // lost the race for the port
    throw new Error(
      `pg_ctl start failed (exit ${started.code}):\n${indent(started.output)}\n   server log:\n${indent(log.slice(-4000))}`,
    );
  }
}

/** Stops the throwaway server (if any) and deletes its directory. Synchronous, so it also works while exiting. */
function stopServer() {
  if (!server) return;
  const { dir, pgCtl, user, dataDir, running } = server;
  server = null;
  if (!running) {
    rmSync(dir, { recursive: true, force: true });
    return;
  }
  const args = [pgCtl, "-D", dataDir, "-m", "immediate", "-w", "-t", "30", "stop"];
  const stop = user
    ? spawnSync(systemTool("runuser"), ["-u", user, "--", ...args], { cwd: dir, encoding: "utf8" })
    : spawnSync(args[0], args.slice(1), { cwd: dir, encoding: "utf8" });
  const stopped = stop.status === 0 || /no server running|does not exist/i.test(`${stop.stdout}${stop.stderr}`);
  if (!stopped)
    say(`   WARNING: could not stop the throwaway PostgreSQL server in ${dir}:\n${indent(stop.stderr ?? "")}`);
  rmSync(dir, { recursive: true, force: true });
  say(`   throwaway PostgreSQL server ${stopped ? "stopped" : "NOT stopped"}; ${dir} removed`);
}

/** Connects once: the server's version, and whether the user may create databases. Null if `pg` is unavailable. */
async function probe(url) {
  let pg;
  try {
    pg = (await import("pg")).default;
  } catch {
    return null;
  }
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 15_000 });
  try {
    await client.connect();
    const { rows } = await client.query(
      "select current_setting('server_version_num')::int as num, (select rolsuper or rolcreatedb from pg_roles where rolname = current_user) as can_create",
    );
    return { major: String(Math.floor(rows[0].num / 10_000)), canCreate: rows[0].can_create === true };
  } finally {
    await client.end().catch(() => {});
  }
}

function describeUrl(url) {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || "5432"}`;
  } catch {
    return "(unparsable TEST_DATABASE_URL)";
  }
}

async function postgresRun() {
  say();
  const skip = (reason) => {
    if (isCI) {
      say(`== PostgreSQL run FAILED: ${reason}; under CI the PostgreSQL run is required`);
      summary.push(`PostgreSQL: FAILED: ${reason}; required under CI`);
      return false;
    }
    say(`PostgreSQL run SKIPPED: ${reason}`);
    summary.push(`PostgreSQL: SKIPPED: ${reason}`);
    return true;
  };
  if (process.env.SKIP_POSTGRES === "1") return skip("SKIP_POSTGRES=1");

  let url = process.env.TEST_DATABASE_URL;
  let where = "";
  let major = "";
  if (url) {
    where = `${describeUrl(url)} (TEST_DATABASE_URL)`;
  } else {
    const binaries = findPgBinaries();
    if (!binaries) {
      return skip(
        "no server binaries found and TEST_DATABASE_URL not set (install postgresql or set TEST_DATABASE_URL)",
      );
    }
    const start = performance.now();
    say(`== starting a throwaway PostgreSQL ${binaries.major} server (${binaries.pgCtl})`);
    try {
      url = await startServer(binaries);
    } catch (error) {
      say(`-- starting PostgreSQL: FAILED (${seconds(start)})\n${error.message}`);
      summary.push(`PostgreSQL: FAILED to start a throwaway server (${seconds(start)})`);
      return false;
    }
    say(`-- server ready in ${server.dir}${server.user ? ` (run as '${server.user}')` : ""} (${seconds(start)})`);
    summary.push(`throwaway PostgreSQL ${binaries.major} started (${seconds(start)})`);
    where = describeUrl(url);
    major = binaries.major;
  }

  try {
    const found = await probe(url);
    if (found) {
      major = found.major;
      if (!found.canCreate) {
        say(`== PostgreSQL at ${where}: FAILED: its user may not CREATE DATABASE (each test file creates its own)`);
        summary.push("PostgreSQL: FAILED (the user of TEST_DATABASE_URL may not CREATE DATABASE)");
        return false;
      }
    }
  } catch (error) {
    say(`== PostgreSQL at ${where}: FAILED: cannot connect: ${error.message}`);
    summary.push(`PostgreSQL: FAILED (cannot connect to ${where})`);
    return false;
  }

  const name = `PostgreSQL${major ? ` ${major}` : ""}`;
  return vitestRun(name, `tests on ${name} at ${where}`, { ...process.env, TEST_DATABASE_URL: url });
}

// ---------------------------------------------------------------------------------------------------------------
// Main

function cleanUp() {
  stopServer();
  rmSync(workDir, { recursive: true, force: true });
}

let finishing = false;
for (const [signal, number] of [
  ["SIGINT", 2],
  ["SIGTERM", 15],
  ["SIGHUP", 1],
]) {
  process.on(signal, () => {
    if (finishing) return;
    finishing = true;
    say(`\n== interrupted (${signal}): cleaning up`);
    if (child?.pid) killTree(child.pid, signal);
    cleanUp();
    process.exit(128 + number);
  });
}

const started = performance.now();
let ok = false;
try {
  ok = (await staticChecks()) && (await embeddedRun()) && (await postgresRun());
} catch (error) {
  say(`== FAILED: ${error?.stack ?? error}`);
} finally {
  cleanUp();
}
finishing = true;

say();
say(`== summary (${seconds(started)} in all)`);
for (const line of summary) say(`   ${line}`);
const total = (key) => runs.reduce((sum, run) => sum + run[key], 0);
say(ok ? "   result: ok" : "   result: FAILED");
say(`tests: ${total("passed")} passed, ${total("failed")} failed, ${total("skipped")} skipped`);
process.exitCode = ok ? 0 : 1;
