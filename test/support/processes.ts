/**
 * What tests that run the bank as separate processes share: `creditbank` run as a user runs it
 * (`node bin/creditbank.mjs …`) with a clean environment, a free loopback port, and a scratch database on
 * the PostgreSQL pass (dropped by `dropScratchDatabases` after the file).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createServer } from "node:net";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const CREDITBANK_BIN = join(repoRoot, "bin", "creditbank.mjs");

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Where a bank lives: a data folder, and on the PostgreSQL pass a database URL as well. */
export interface Place {
  dataDir: string;
  databaseUrl?: string | undefined;
}

/** Variables of the test runner's environment that would point a child at the wrong bank. */
const INHERITED_SETTINGS = [
  "DATABASE_URL",
  "TEST_DATABASE_URL",
  "CREDITBANK_URL",
  "CREDITBANK_TOKEN",
  "CREDITBANK_PASSWORD",
  "BOOTSTRAP_ADMIN_PASSWORD",
  "PORT",
  "HOST",
  "PUBLIC_URL",
];

/** The environment of a `creditbank` process working on `place`; `extra` is applied last. */
export function cliEnvironment(place: Place, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of INHERITED_SETTINGS) delete env[name];
  env.DATA_DIR = place.dataDir;
  env.LOG_LEVEL = "warn";
  if (place.databaseUrl) env.DATABASE_URL = place.databaseUrl;
  return { ...env, ...extra };
}

/** Starts `creditbank ARGS` in `cwd` on `place`. */
export function startCli(args: string[], place: Place, cwd: string, extra: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, [CREDITBANK_BIN, ...args], {
    cwd,
    env: cliEnvironment(place, extra),
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** Resolves when the process has exited, with everything it wrote. */
export function finished(child: ChildProcess): Promise<Run> {
  return new Promise((resolveRun, reject) => {
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (d) => {
      stdout += d;
    });
    child.stderr?.on("data", (d) => {
      stderr += d;
    });
    child.on("error", reject);
    child.on("close", (code) => resolveRun({ code, stdout, stderr }));
  });
}

/** A run as an assertion message. */
export const show = (r: Run) => `exit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

const scratchDatabases: string[] = [];

/**
 * On the PostgreSQL pass (TEST_DATABASE_URL set), a new empty database on that server and its URL;
 * otherwise undefined (the caller uses a data folder).
 */
export async function scratchDatabase(prefix: string): Promise<string | undefined> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) return undefined;
  const name = `${prefix}_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  scratchDatabases.push(name);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Drops every database `scratchDatabase` made in this test file (call from afterAll). */
export async function dropScratchDatabases(): Promise<void> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl || scratchDatabases.length === 0) return;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    for (const name of scratchDatabases.splice(0)) await admin.query(`drop database if exists ${name} with (force)`);
  } finally {
    await admin.end();
  }
}
