/**
 * A PostgreSQL server for the benchmark, in order of preference:
 *
 * 1. BENCH_DATABASE_URL (or TEST_DATABASE_URL) from the environment: a fresh database
 *    `creditbank_bench_<random>` is created on it and dropped afterwards (its user needs CREATE DATABASE);
 * 2. a throwaway server started here from PostgreSQL's binaries (initdb, pg_ctl on PATH or in
 *    /usr/lib/postgresql/<version>/bin), the way scripts/test.mjs starts one: initdb into a temporary folder,
 *    trust authentication, 127.0.0.1 only on a free port, socket inside that folder, run as the `postgres`
 *    system user (or `creditbank-pg`, created if needed) when we are root. Unlike the test server it keeps
 *    PostgreSQL's default durability settings (fsync, synchronous_commit, full_page_writes all on);
 * 3. none: the caller reports why the PostgreSQL part was skipped.
 */
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
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
import pg from "pg";

export interface BenchServer {
  /** URL of the fresh benchmark database. */
  url: string;
  /** Where it runs, for the report. */
  description: string;
  /** Non-default server settings, for the report ('' when none). */
  settings: string;
  /** A throwaway server started here: its processes can be inspected through /proc. */
  local: boolean;
  /** Drops the database and stops a throwaway server; safe to call twice. */
  dispose(): Promise<void>;
}

export type ServerResult = { ok: true; server: BenchServer } | { ok: false; reason: string };

const isExecutable = (path: string) => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

function pgSearchDirs(): string[] {
  // As in scripts/test.mjs: PG_BIN_SEARCH_DIRS replaces the search (empty: act as if PostgreSQL were absent).
  const override = process.env.PG_BIN_SEARCH_DIRS;
  if (override !== undefined) return override.split(delimiter).filter(Boolean);
  const pathDirs = (process.env.PATH ?? "").split(delimiter).filter(Boolean);
  let versions: string[] = [];
  try {
    versions = readdirSync("/usr/lib/postgresql")
      .filter((name) => /^\d+(\.\d+)?$/.test(name))
      .sort((a, b) => Number(b) - Number(a));
  } catch {
    // no Debian-style installation
  }
  return [...pathDirs, ...versions.map((v) => join("/usr/lib/postgresql", v, "bin"))];
}

function findPgBinaries(): { initdb: string; pgCtl: string; version: string } | null {
  for (const dir of pgSearchDirs()) {
    const initdb = join(dir, "initdb");
    const pgCtl = join(dir, "pg_ctl");
    if (!isExecutable(initdb) || !isExecutable(pgCtl)) continue;
    const real = { initdb: realpathSync(initdb), pgCtl: realpathSync(pgCtl) };
    if (basename(real.initdb) !== "initdb" || basename(real.pgCtl) !== "pg_ctl") continue;
    const version = (spawnSync(real.pgCtl, ["--version"], { encoding: "utf8" }).stdout ?? "").trim();
    return { ...real, version };
  }
  return null;
}

function systemTool(name: string): string {
  const dirs = [...(process.env.PATH ?? "").split(delimiter).filter(Boolean), "/usr/sbin", "/sbin", "/usr/bin", "/bin"];
  return dirs.map((dir) => join(dir, name)).find(isExecutable) ?? name;
}

const userExists = (name: string) => spawnSync(systemTool("id"), ["-u", name], { stdio: "ignore" }).status === 0;
const idOf = (user: string, flag: string) =>
  Number(spawnSync(systemTool("id"), [flag, user], { encoding: "utf8" }).stdout.trim());

function serverUser(): string {
  if (userExists("postgres")) return "postgres";
  const ours = "creditbank-pg";
  if (!userExists(ours)) {
    const made = spawnSync(systemTool("useradd"), ["-r", "-M", "-s", "/usr/sbin/nologin", ours], { encoding: "utf8" });
    if (made.status !== 0) throw new Error(`useradd -r ${ours} failed: ${made.stderr || made.error?.message}`);
  }
  return ours;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

function runQuiet(command: string, args: string[], cwd: string, env?: NodeJS.ProcessEnv) {
  return new Promise<{ code: number; output: string }>((resolve) => {
    let output = "";
    const child = spawn(command, args, { cwd, env: env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.on("data", (chunk) => {
      output += chunk;
    });
    child.stderr.on("data", (chunk) => {
      output += chunk;
    });
    child.on("error", (error) => resolve({ code: 127, output: `${output}cannot run ${command}: ${error.message}\n` }));
    child.on("close", (code) => resolve({ code: code ?? 1, output }));
  });
}

interface Throwaway {
  dir: string;
  dataDir: string;
  pgCtl: string;
  user: string | null;
  running: boolean;
}

/** Stops a throwaway server and removes its folder. Synchronous, so it also works while the process exits. */
function stopThrowaway(server: Throwaway): void {
  if (server.running) {
    const args = [server.pgCtl, "-D", server.dataDir, "-m", "fast", "-w", "-t", "60", "stop"];
    if (server.user) spawnSync(systemTool("runuser"), ["-u", server.user, "--", ...args], { cwd: server.dir });
    else spawnSync(args[0] as string, args.slice(1), { cwd: server.dir });
    server.running = false;
  }
  rmSync(server.dir, { recursive: true, force: true });
}

let active: Throwaway | null = null;
/** Called on exit and on signals so that an interrupted run leaves no server behind. */
export function stopActiveServer(): void {
  if (active) stopThrowaway(active);
  active = null;
}

async function startThrowaway(bin: { initdb: string; pgCtl: string }): Promise<string> {
  const asRoot = process.getuid?.() === 0;
  const user = asRoot ? serverUser() : null;
  const dir = mkdtempSync(join(tmpdir(), "creditbank-bench-pg-"));
  const server: Throwaway = { dir, dataDir: join(dir, "data"), pgCtl: bin.pgCtl, user, running: false };
  active = server;
  if (user) chownSync(dir, idOf(user, "-u"), idOf(user, "-g"));
  const runuser = systemTool("runuser");
  const as = (program: string, args: string[]): [string, string[]] =>
    user ? [runuser, ["-u", user, "--", program, ...args]] : [program, args];
  // --no-sync only skips initdb's own final flush of the new cluster; the running server keeps its defaults.
  const init = await runQuiet(
    ...as(bin.initdb, ["-D", server.dataDir, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"]),
    dir,
    { ...process.env, LC_ALL: "C", LANG: "C" },
  );
  if (init.code !== 0) throw new Error(`initdb failed (exit ${init.code}):\n${init.output}`);
  const log = join(dir, "server.log");
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const options = `-c listen_addresses=127.0.0.1 -p ${port} -k '${dir}'`;
    const started = await runQuiet(
      ...as(bin.pgCtl, ["-D", server.dataDir, "-l", log, "-w", "-t", "60", "-o", options, "start"]),
      dir,
    );
    if (started.code === 0) {
      server.running = true;
      return `postgres://postgres@127.0.0.1:${port}/postgres`;
    }
    let text = "";
    try {
      text = readFileSync(log, "utf8");
    } catch {
      // no log written
    }
    if (attempt < 3 && /already in use|could not bind/i.test(text)) continue;
    throw new Error(`pg_ctl start failed (exit ${started.code}):\n${started.output}\n${text.slice(-4000)}`);
  }
}

async function adminQuery(url: string, query: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 15_000 });
  await client.connect();
  try {
    await client.query(query);
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * Drops the bench database once the bank's connections have gone. node-postgres's pool.end() resolves before
 * its sockets are closed; forcing the drop while a backend is still exiting sends that client an error
 * nobody listens to any more, which would crash the process. So wait for them (a few seconds at most), and
 * force only what is left after that.
 */
async function dropDatabase(url: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 15_000 });
  await client.connect();
  try {
    for (let i = 0; i < 100; i++) {
      const { rows } = await client.query<{ n: string }>(
        "select count(*) as n from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()",
        [name],
      );
      if (Number(rows[0]?.n) === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await client.query(`drop database if exists ${name} with (force)`);
  } finally {
    await client.end().catch(() => {});
  }
}

function hostOf(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || "5432"}`;
  } catch {
    return "(unparsable URL)";
  }
}

/** A fresh, empty database on a PostgreSQL server, or the reason there is none. */
export async function benchServer(): Promise<ServerResult> {
  const fromEnv = process.env.BENCH_DATABASE_URL
    ? { url: process.env.BENCH_DATABASE_URL, name: "BENCH_DATABASE_URL" }
    : process.env.TEST_DATABASE_URL
      ? { url: process.env.TEST_DATABASE_URL, name: "TEST_DATABASE_URL" }
      : null;
  let serverUrl: string;
  let description: string;
  let settings = "";
  let local = false;
  if (fromEnv) {
    serverUrl = fromEnv.url;
    description = `server at ${hostOf(serverUrl)} (${fromEnv.name})`;
    settings = "as configured on that server";
  } else {
    const bin = findPgBinaries();
    if (!bin) {
      return {
        ok: false,
        reason:
          "no PostgreSQL server binaries (initdb, pg_ctl) found on PATH or in /usr/lib/postgresql/*/bin " +
          "(or PG_BIN_SEARCH_DIRS), " +
          "and neither BENCH_DATABASE_URL nor TEST_DATABASE_URL is set",
      };
    }
    try {
      serverUrl = await startThrowaway(bin);
    } catch (error) {
      stopActiveServer();
      return { ok: false, reason: `could not start a throwaway server: ${(error as Error).message}` };
    }
    description = `throwaway local server (${bin.version}), data in ${tmpdir()}`;
    settings = "defaults (fsync, synchronous_commit and full_page_writes on)";
    local = true;
  }
  const name = `creditbank_bench_${randomBytes(6).toString("hex")}`;
  try {
    await adminQuery(serverUrl, `create database ${name}`);
  } catch (error) {
    stopActiveServer();
    return { ok: false, reason: `cannot create database ${name} at ${hostOf(serverUrl)}: ${(error as Error).message}` };
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  let disposed = false;
  return {
    ok: true,
    server: {
      url: url.toString(),
      description,
      settings,
      local,
      async dispose() {
        if (disposed) return;
        disposed = true;
        try {
          await dropDatabase(serverUrl, name);
        } finally {
          stopActiveServer();
        }
      },
    },
  };
}
