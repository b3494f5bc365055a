/**
 * The store: migrations apply once and are idempotent; an embedded data folder belongs to one process at a
 * time (lock file, stale locks taken over); and both drivers return the same JS types. The driver tests
 * run on whatever testBank() gives (PGlite in memory, or PostgreSQL when TEST_DATABASE_URL is set) and on
 * an embedded PGlite side by side, so on the PostgreSQL pass they compare the two drivers directly.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type Kysely, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DatabaseBusyError, type OpenDatabase, openDatabase } from "../../src/store/database.ts";
import { migrateToLatest } from "../../src/store/migrator.ts";
import type { Database } from "../../src/store/schema.ts";
import { testBank, usingPostgres } from "../support/bank.ts";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const LOCK = "creditbank.lock";

const temps: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "creditbank-store-"));
  temps.push(dir);
  return dir;
}

const opened: OpenDatabase[] = [];
async function open(options: Parameters<typeof openDatabase>[0]): Promise<OpenDatabase> {
  const db = await openDatabase(options);
  opened.push(db);
  return db;
}
async function close(db: OpenDatabase): Promise<void> {
  opened.splice(opened.indexOf(db), 1);
  await db.close();
}

afterAll(async () => {
  await bank?.dispose();
  for (const db of opened.splice(0)) await db.close().catch(() => {});
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

async function migrationNames(db: Kysely<Database>): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db);
  return rows.map((r) => r.name);
}

/** Tries to open `dataDir` from another Node process; resolves to what that process printed and its exit code. */
function openFromAnotherProcess(dataDir: string): Promise<{ code: number | null; output: string }> {
  const script = join(tempDir(), "open.mts");
  const database = join(repoRoot, "src", "store", "database.ts");
  writeFileSync(
    script,
    `import { openDatabase } from ${JSON.stringify(database)};
try {
  const db = await openDatabase({ dataDir: ${JSON.stringify(dataDir)} });
  await db.close();
  console.log("OPENED");
} catch (error) {
  console.log(\`\${error?.constructor?.name}: \${error?.message}\`);
  process.exitCode = 3;
}
`,
  );
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", script], {
      cwd: repoRoot,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d) => {
      output += d;
    });
    child.stderr.on("data", (d) => {
      output += d;
    });
    child.on("error", reject);
    child.on("close", (code) => resolvePromise({ code, output }));
  });
}

/** One embedded data folder for the whole file (creating one costs seconds): migrated first, then locked. */
let dataDir: string;
/** The bank of the test run's database: PGlite in memory, or PostgreSQL on the second pass of `npm test`. */
let bank: Awaited<ReturnType<typeof testBank>>;
beforeAll(async () => {
  dataDir = tempDir();
  bank = await testBank();
});

describe("migrations", () => {
  it("apply once on a new embedded data folder and not again when it is opened a second time", async () => {
    const first = await open({ dataDir, migrate: false });
    expect(await migrateToLatest(first.db as unknown as Kysely<unknown>)).toEqual([
      "0001-foundation",
      "0002-credentials",
      "0003-oauth",
      "0004-transparency-log",
    ]);
    await first.db
      .insertInto("credit_system")
      .values({ id: "kept", name: "Kept", hours_per_credit_min: 1, hours_per_credit_max: 2 })
      .execute();
    await close(first);
    expect(existsSync(join(dataDir, LOCK))).toBe(false);

    const second = await open({ dataDir, migrate: false });
    expect(await migrateToLatest(second.db as unknown as Kysely<unknown>)).toEqual([]);
    expect(await migrationNames(second.db)).toEqual([
      "0001-foundation",
      "0002-credentials",
      "0003-oauth",
      "0004-transparency-log",
    ]);
    expect(await second.db.selectFrom("credit_system").select("id").execute()).toEqual([{ id: "kept" }]);
    await close(second);

    // openDatabase migrates by default: a third open of the same folder is as good as the second.
    const third = await open({ dataDir });
    expect(await migrationNames(third.db)).toEqual([
      "0001-foundation",
      "0002-credentials",
      "0003-oauth",
      "0004-transparency-log",
    ]);
    await close(third);
  });

  it("are idempotent on the test bank's database too (PGlite or PostgreSQL)", async () => {
    expect(await migrationNames(bank.db)).toEqual([
      "0001-foundation",
      "0002-credentials",
      "0003-oauth",
      "0004-transparency-log",
    ]);
    expect(await migrateToLatest(bank.db as unknown as Kysely<unknown>)).toEqual([]);
    expect(await migrationNames(bank.db)).toEqual([
      "0001-foundation",
      "0002-credentials",
      "0003-oauth",
      "0004-transparency-log",
    ]);
  });
});

describe("the embedded database's lock", () => {
  let holder: OpenDatabase;

  beforeAll(async () => {
    holder = await open({ dataDir });
  });

  it("is a file holding the owner's pid while the database is open", () => {
    expect(readFileSync(join(dataDir, LOCK), "utf8").trim()).toBe(String(process.pid));
  });

  it("stops a second process with a clear DatabaseBusyError that says what to do", async () => {
    const { code, output } = await openFromAnotherProcess(dataDir);
    expect(code, output).toBe(3);
    expect(output).toContain("DatabaseBusyError");
    expect(output).toContain(`in use by process ${process.pid}`);
    expect(output).toContain("--url");
    // The holder's lock is untouched.
    expect(readFileSync(join(dataDir, LOCK), "utf8").trim()).toBe(String(process.pid));
  });

  it("stops a lock holder that is another live process (without spawning one)", async () => {
    const other = tempDir();
    writeFileSync(join(other, LOCK), String(process.ppid));
    const error = await openDatabase({ dataDir: other }).then(
      async (db) => {
        await db.close();
        return undefined;
      },
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DatabaseBusyError);
    expect((error as Error).message).toContain(`in use by process ${process.ppid}`);
    expect(readFileSync(join(other, LOCK), "utf8")).toBe(String(process.ppid));
  });

  it("is released on close", async () => {
    await close(holder);
    expect(existsSync(join(dataDir, LOCK))).toBe(false);
  });

  it("left by a dead process is taken over", async () => {
    const dead = spawnSync(process.execPath, ["-e", ""]);
    expect(dead.status).toBe(0);
    writeFileSync(join(dataDir, LOCK), String(dead.pid));
    const db = await open({ dataDir });
    expect(readFileSync(join(dataDir, LOCK), "utf8").trim()).toBe(String(process.pid));
    expect(await migrationNames(db.db)).toEqual([
      "0001-foundation",
      "0002-credentials",
      "0003-oauth",
      "0004-transparency-log",
    ]);
    await close(db);
    expect(existsSync(join(dataDir, LOCK))).toBe(false);
  });

  it("stops a second open of the same folder in the same process (two PGlite instances on one folder)", async () => {
    const first = await open({ dataDir });
    try {
      const error = await openDatabase({ dataDir }).then(
        async (second) => {
          await second.close();
          return undefined;
        },
        (e: unknown) => e,
      );
      // Refused, and the first holder still holds the lock (a second instance's close must not remove it).
      expect({
        refused: error instanceof DatabaseBusyError,
        lockStillHeld:
          existsSync(join(dataDir, LOCK)) && readFileSync(join(dataDir, LOCK), "utf8").trim() === String(process.pid),
      }).toEqual({ refused: true, lockStillHeld: true });
    } finally {
      await close(first);
    }
  });
});

describe("both drivers return the same JS types", () => {
  /** Writes one row with each type and reads it back, as the layers above see it. */
  async function roundTrip(db: Kysely<Database>) {
    await db
      .insertInto("credit_system")
      .values({ id: "types-cs", name: "Types", hours_per_credit_min: "0.125", hours_per_credit_max: 27.5 })
      .execute();
    const learner = await db
      .insertInto("learner")
      .values({ status: "active" })
      .returning(["id", "created_at"])
      .executeTakeFirstOrThrow();
    await db
      .insertInto("learner_profile")
      .values({ learner_id: learner.id, birth_date: "2000-02-29", given_name: "Typed" })
      .execute();
    const entry = await db
      .insertInto("account_entry")
      .values({
        learner_id: learner.id,
        achievement_id: null,
        entry_type: "deposit",
        source: "earned",
        effective_on: "2024-12-31",
        credits: 7.5,
        credit_system_id: "types-cs",
        level_ordinal: 6,
        provider_id: "nobody",
        dimensions: ["skills-capacity", "attitudes-values"],
        reverses_entry_id: "9007199254740993", // 2^53 + 1: loses a digit as a JS number
        recorded_by: "types test",
      })
      .returning(["id"])
      .executeTakeFirstOrThrow();
    await db
      .insertInto("register_event")
      .values({
        actor_label: "types test",
        subject_type: "provider",
        subject_id: "x",
        action: "typed",
        details: JSON.stringify({ n: 1, list: ["a"] }),
      })
      .execute();

    const row = await db.selectFrom("account_entry").selectAll().where("id", "=", entry.id).executeTakeFirstOrThrow();
    const cs = await db.selectFrom("credit_system").selectAll().where("id", "=", "types-cs").executeTakeFirstOrThrow();
    const profile = await db
      .selectFrom("learner_profile")
      .selectAll()
      .where("learner_id", "=", learner.id)
      .executeTakeFirstOrThrow();
    const event = await db
      .selectFrom("register_event")
      .selectAll()
      .where("action", "=", "typed")
      .executeTakeFirstOrThrow();
    const { rows: countRows } = await sql<{ n: unknown }>`select count(*) as n from account_entry`.execute(db);
    return { learner, entry, row, cs, profile, event, count: countRows[0]?.n };
  }

  function expectTypes(r: Awaited<ReturnType<typeof roundTrip>>) {
    // int8 ids as decimal strings, exact beyond 2^53.
    expect(typeof r.entry.id).toBe("string");
    expect(r.entry.id).toMatch(/^\d+$/);
    expect(r.row.id).toBe(r.entry.id);
    expect(r.row.reverses_entry_id).toBe("9007199254740993");
    expect(typeof r.event.id).toBe("string");
    expect(r.count).toBe("1");
    // numeric as numbers.
    expect(r.row.credits).toBe(7.5);
    expect(r.cs.hours_per_credit_min).toBe(0.125);
    expect(r.cs.hours_per_credit_max).toBe(27.5);
    // dates as 'YYYY-MM-DD', whatever the time zone.
    expect(r.row.effective_on).toBe("2024-12-31");
    expect(r.profile.birth_date).toBe("2000-02-29");
    // and the rest as the schema says.
    expect(r.row.level_ordinal).toBe(6);
    expect(r.row.dimensions).toEqual(["skills-capacity", "attitudes-values"]);
    expect(r.row.recorded_at).toBeInstanceOf(Date);
    expect(r.learner.created_at).toBeInstanceOf(Date);
    expect(typeof r.learner.id).toBe("string");
    expect(r.event.details).toEqual({ n: 1, list: ["a"] });
    expect(r.row.achievement_id).toBeNull();
  }

  /** The values with the generated parts (ids, timestamps) replaced by their types. */
  function shape(r: Awaited<ReturnType<typeof roundTrip>>) {
    const { id: _id, learner_id: _l, recorded_at, ...entry } = r.row;
    const { learner_id: _pl, updated_at, ...profile } = r.profile;
    const { created_at, updated_at: csUpdated, ...cs } = r.cs;
    const { id: _eid, at, ...event } = r.event;
    return {
      entry: { ...entry, recorded_at: recorded_at.constructor.name },
      profile: { ...profile, updated_at: updated_at.constructor.name },
      cs: { ...cs, created_at: created_at.constructor.name, updated_at: csUpdated.constructor.name },
      event: { ...event, at: at.constructor.name },
      count: r.count,
      ids: [typeof r.entry.id, typeof r.event.id, typeof r.learner.id],
    };
  }

  it(`on the test bank's database (${usingPostgres ? "PostgreSQL" : "PGlite"}) and on an embedded PGlite, alike`, async () => {
    const embedded = await open({});
    try {
      const onBank = await roundTrip(bank.db);
      const onEmbedded = await roundTrip(embedded.db);
      expectTypes(onBank);
      expectTypes(onEmbedded);
      expect(shape(onBank)).toEqual(shape(onEmbedded));
      expect(bank.kind).toBe(usingPostgres ? "postgres" : "pglite");
      expect(embedded.kind).toBe("pglite");
    } finally {
      await close(embedded);
    }
  });
});
