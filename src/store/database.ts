/**
 * Opens the bank's database: the embedded PGlite (data in DATA_DIR) by default, or a PostgreSQL server
 * when a URL is given. Both speak the same SQL and run the same migrations; both drivers are set to
 * parse values the same way, so nothing above this file can tell them apart.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import { migrateToLatest } from "./migrator.ts";
import { PGlitePool } from "./pglite-pool.ts";
import type { Database } from "./schema.ts";

export type DatabaseKind = "pglite" | "postgres";

export interface OpenDatabase {
  db: Kysely<Database>;
  kind: DatabaseKind;
  /** Where the data lives, for messages: a folder or a server URL without its password. */
  location: string;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** postgres:// URL of a server; when absent, the embedded database is used. */
  databaseUrl?: string | undefined;
  /** Folder of the embedded database; `undefined` with no URL means in memory (tests). */
  dataDir?: string | undefined;
  /** Apply pending migrations after opening (default true). */
  migrate?: boolean;
  /** Largest number of server connections (default 10). */
  poolSize?: number;
}

// PostgreSQL type OIDs whose parsing we pin down for both drivers.
const INT8 = 20;
const NUMERIC = 1700;
const DATE = 1082;

const sameAsText = (value: string) => value;

export async function openDatabase(options: DatabaseOptions = {}): Promise<OpenDatabase> {
  const opened = options.databaseUrl
    ? openServer(options.databaseUrl, options.poolSize ?? 10)
    : await openEmbedded(options.dataDir);
  if (options.migrate ?? true) {
    try {
      await migrateToLatest(opened.db as unknown as Kysely<unknown>);
    } catch (error) {
      await opened.close();
      throw error;
    }
  }
  return opened;
}

export class DatabaseBusyError extends Error {}

/**
 * An embedded database belongs to one process at a time. A lock file with the owner's pid keeps a
 * second process (say, the CLI while the server runs) out; a lock left by a dead process is taken over.
 */
const heldHere = new Set<string>();

function acquireLock(dir: string): () => void {
  const lock = join(dir, "creditbank.lock");
  // The pid in the file cannot tell two opens in this process apart; remember our own.
  if (heldHere.has(lock)) {
    throw new DatabaseBusyError(`The embedded database in ${dir} is already open in this process.`);
  }
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lock, String(process.pid), { flag: "wx" });
      heldHere.add(lock);
      return () => {
        heldHere.delete(lock);
        rmSync(lock, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const owner = Number(readFileSync(lock, "utf8"));
      if (owner && owner !== process.pid && isAlive(owner)) {
        throw new DatabaseBusyError(
          `The embedded database in ${dir} is in use by process ${owner} (a running bank?). Stop it, or use --url to work through its API.`,
        );
      }
      rmSync(lock, { force: true });
    }
  }
  throw new DatabaseBusyError(`Could not lock the embedded database in ${dir}.`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function openEmbedded(dataDir: string | undefined): Promise<OpenDatabase> {
  let location = "memory";
  let dir: string | undefined;
  let unlock = () => {};
  if (dataDir) {
    dir = join(dataDir, "pglite");
    mkdirSync(dir, { recursive: true });
    location = dir;
    unlock = acquireLock(dataDir);
  }
  let client: PGlite;
  try {
    client = await PGlite.create({
      ...(dir ? { dataDir: dir } : {}),
      parsers: { [INT8]: sameAsText, [NUMERIC]: (v: string) => Number(v), [DATE]: sameAsText },
    });
  } catch (error) {
    unlock();
    throw error;
  }
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new PGlitePool(client) }) });
  return {
    db,
    kind: "pglite",
    location,
    close: async () => {
      await db.destroy();
      unlock();
    },
  };
}

function openServer(databaseUrl: string, poolSize: number): OpenDatabase {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: poolSize,
    // The bank's queries are short, indexed lookups and batch writes; JIT compilation only adds time
    // to them (measured: ~100 ms compiling a batch lookup that runs in 10 ms when estimates are off).
    options: "-c jit=off",
    types: {
      getTypeParser: ((oid: number, format?: "text" | "binary") => {
        if (oid === INT8 || oid === DATE) return sameAsText;
        if (oid === NUMERIC) return (v: string) => Number(v);
        return pg.types.getTypeParser(oid, format);
      }) as typeof pg.types.getTypeParser,
    },
  });
  // An idle connection can be closed by the server (a restart, an administrator, a failover). node-postgres
  // reports that as an 'error' event, which would crash the process if nobody listened; the pool has
  // already dropped the connection, and the next query opens a new one.
  pool.on("error", (error) => {
    process.emitWarning(`A PostgreSQL connection was closed by the server: ${error.message}`, "DatabaseWarning");
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, kind: "postgres", location: redactUrl(databaseUrl), close: () => db.destroy() };
}

export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "postgres://…";
  }
}
