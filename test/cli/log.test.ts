/**
 * `creditbank log` as a user runs it, against a bank served by `creditbank serve` (its own data folder,
 * or its own database on the PostgreSQL pass):
 *
 * - `log checkpoint` and `log proof` locally and through the API;
 * - `log verify URL`, the auditor: it passes on an honest log and pins the key; then a stored leaf, a
 *   tile and a checkpoint are corrupted in turn directly in the bank's database, and each is reported
 *   precisely (which leaf, which tile, the signature); a bank that rewrote its history and re-signed it
 *   with its own key is caught against the checkpoint seen before;
 * - crash safety: the server is killed with SIGKILL while a bulk recording is being logged; after a
 *   restart every committed credential has its leaf (and no leaf lacks its credential), the tree is
 *   consistent with the last checkpoint published before the kill, and appends continue.
 *
 * On PGlite the embedded database belongs to the server process, so the test stops the server to reach
 * it and starts it again; on PostgreSQL it changes the database while the bank runs.
 */
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Kysely, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openCheckpoint } from "../../src/ledger/checkpoint.ts";
import { ed25519NoteVerifier } from "../../src/ledger/signed-note.ts";
import type { AuditState } from "../../src/services/log-audit.ts";
import { openDatabase } from "../../src/store/database.ts";
import type { Database } from "../../src/store/schema.ts";
import { usingPostgres } from "../support/bank.ts";
import { coherentUnit, provider } from "../support/fixtures.ts";
import {
  dropScratchDatabases,
  finished,
  freePort,
  type Place,
  type Run,
  scratchDatabase,
  show,
  startCli,
} from "../support/processes.ts";

const SLOW = { timeout: 240_000 };

interface Bank extends Place {
  port: number;
  url: string;
  server?: ChildProcess;
  output?: Promise<Run>;
  stderr: string;
}

let root: string;

async function newBank(name: string): Promise<Bank> {
  const databaseUrl = await scratchDatabase("creditbank_log");
  const port = await freePort();
  return { dataDir: join(root, name), databaseUrl, port, url: `http://127.0.0.1:${port}`, stderr: "" };
}

function run(args: string[], bank: Bank, extra: Record<string, string> = {}): ChildProcess {
  return startCli(args, bank, root, {
    PUBLIC_URL: bank.url,
    MASTER_KEY: "6d61737465722d6b65792d6f662d7468652d6c6f672d746573742d62616e6b21",
    XDG_CONFIG_HOME: join(root, "config"),
    ...extra,
  });
}

const cli = (args: string[], bank: Bank, extra: Record<string, string> = {}) => finished(run(args, bank, extra));

function file(name: string, content: string): string {
  const path = join(root, name);
  writeFileSync(path, content);
  return path;
}

async function startServer(bank: Bank, extra: Record<string, string> = {}): Promise<void> {
  bank.stderr = "";
  const server = run(["serve"], bank, {
    PORT: String(bank.port),
    HOST: "127.0.0.1",
    LOG_SEQUENCE_INTERVAL_MS: "200",
    ...extra,
  });
  bank.server = server;
  server.stderr?.on("data", (d) => {
    bank.stderr += d;
  });
  bank.output = finished(server);
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (/listening on http/.test(bank.stderr)) return;
    if (server.exitCode !== null) throw new Error(`the server stopped: ${show(await bank.output)}`);
    if (Date.now() > deadline) throw new Error(`the server did not start in time:\n${bank.stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function stopServer(bank: Bank, signal: NodeJS.Signals = "SIGTERM"): Promise<Run | undefined> {
  const server = bank.server;
  if (!server || server.exitCode !== null || server.signalCode !== null) return undefined;
  server.kill(signal);
  const stopped = await bank.output;
  bank.server = undefined;
  return stopped;
}

/**
 * Works on the bank's database directly: while it runs on PostgreSQL; on PGlite (one process at a time)
 * with the server stopped and started again afterwards.
 */
async function inDatabase<T>(bank: Bank, work: (db: Kysely<Database>) => Promise<T>): Promise<T> {
  const running = bank.server !== undefined;
  if (running && !usingPostgres) await stopServer(bank);
  const opened = await openDatabase({ dataDir: bank.dataDir, databaseUrl: bank.databaseUrl });
  try {
    return await work(opened.db);
  } finally {
    await opened.close();
    if (running && !usingPostgres) await startServer(bank);
  }
}

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  return (await response.json()) as T;
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "creditbank-log-cli-"));
});

afterAll(async () => {
  await dropScratchDatabases();
  if (root) rmSync(root, { recursive: true, force: true });
});

const bundle = (id: string) =>
  JSON.stringify({ providers: [provider(id)], units: [{ ...coherentUnit(id, "LOG1", 3), status: "approved" }] });
const csv = (id: string, from: number, to: number) =>
  [
    "provider,unit,achieved_on,email",
    ...Array.from({ length: to - from }, (_, i) => `${id},LOG1,2025-06-01,p${from + i}@log.example`),
  ].join("\n");

describe("creditbank log, and the auditor against a corrupted database", SLOW, () => {
  let bank: Bank;
  let state: string;
  let credential: string;

  beforeAll(async () => {
    bank = await newBank("audit");
    state = join(root, "audit-state.json");
    const imported = await cli(["import", file("log-bundle.json", bundle("log-cli"))], bank);
    expect(imported.code, show(imported)).toBe(0);
    const recorded = await cli(["record", file("log-600.csv", csv("log-cli", 0, 600))], bank);
    expect(recorded.code, show(recorded)).toBe(0);
    credential = await inDatabase(bank, async (db) => {
      const row = await db
        .selectFrom("credential")
        .select("id")
        .orderBy("issued_at")
        .limit(1)
        .executeTakeFirstOrThrow();
      return row.id;
    });
  }, 240_000);

  afterAll(async () => {
    await stopServer(bank, "SIGKILL");
  });

  it("log checkpoint and log proof work on the local database (the record command published its leaves)", async () => {
    const checkpoint = await cli(["log", "checkpoint"], bank);
    expect(checkpoint.code, show(checkpoint)).toBe(0);
    expect(checkpoint.stdout).toMatch(new RegExp(`^127\\.0\\.0\\.1:${bank.port}/log\\n602\\n`));
    const proof = await cli(["log", "proof", credential], bank);
    expect(proof.code, show(proof)).toBe(0);
    expect(proof.stdout).toMatch(/^VERIFIED: leaf \d+ is in the tree of 602 leaves/);
  });

  it("log verify passes on the served log, pins its key; log proof works through --url", async () => {
    await startServer(bank);
    const verified = await cli(["log", "verify", bank.url, "--state", state], bank);
    expect(verified.code, show(verified)).toBe(0);
    expect(verified.stdout).toMatch(/^VERIFIED: /m);
    expect(verified.stdout).toContain("recomputed 602 leaves from 3 entry bundles");
    expect(verified.stdout).toContain("trust on first use");
    const saved = JSON.parse(readFileSync(state, "utf8")) as AuditState;
    const log = saved.logs[`${bank.url}/log`];
    expect(log?.checkpoints.map((c) => c.size)).toEqual([602]);
    // A second run uses the pinned key and checks consistency with what it saw.
    const again = await cli(["log", "verify", bank.url, "--state", state, "--json"], bank);
    expect(again.code, show(again)).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ ok: true, keySource: "pinned", consistentWith: [602] });
    const proof = await cli(["log", "proof", `urn:uuid:${credential}`, "--url", bank.url], bank);
    expect(proof.code, show(proof)).toBe(0);
    const other = await cli(
      [
        "log",
        "verify",
        bank.url,
        "--state",
        state,
        "--key",
        log?.verifierKey.replace(/\+[0-9a-f]{8}\+/, "+00000000+") as string,
      ],
      bank,
    );
    expect(other.code, show(other)).toBe(1);
    expect(other.stdout).toContain("[key-mismatch]");
  });

  it("detects a stored leaf changed in the database, and names the leaf", async () => {
    const target = await inDatabase(bank, async (db) => {
      // The 300th entry of the log's order: leaf 299, in bundle 1.
      const { rows } = await sql<{ id: string; record: Uint8Array }>`
        select id, record from log_entry order by xid, id offset 299 limit 1`.execute(db);
      const row = rows[0] as { id: string; record: Uint8Array };
      const changed = Buffer.from(row.record).toString("utf8").replace('"issuer":"log-cli"', '"issuer":"log-cli-x"');
      await sql`update log_entry set record = convert_to(${changed}, 'UTF8') where id = ${row.id}::bigint`.execute(db);
      return row;
    });
    const r = await cli(["log", "verify", bank.url, "--state", state, "--json"], bank);
    expect(r.code, show(r)).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.problem).toMatchObject({ code: "leaf-changed", leaf: 299, tile: { level: 0, index: 1, hash: 43 } });
    expect(report.problem.message).toContain("Leaf 299 (entry 43 of bundle 1)");
    await inDatabase(bank, async (db) => {
      await sql`update log_entry set record = ${Buffer.from(target.record)} where id = ${target.id}::bigint`.execute(
        db,
      );
    });
    const repaired = await cli(["log", "verify", bank.url, "--state", state], bank);
    expect(repaired.code, show(repaired)).toBe(0);
  });

  it("detects a tile changed in the database, and names the tile and hash", async () => {
    const original = await inDatabase(bank, async (db) => {
      const { rows } = await sql<{
        hashes: Uint8Array;
      }>`select hashes from log_tile where level = 0 and tile_index = 0`.execute(db);
      const hashes = Buffer.from((rows[0] as { hashes: Uint8Array }).hashes);
      const damaged = Buffer.from(hashes);
      damaged.writeUInt8(damaged.readUInt8(32 * 200 + 5) ^ 0x40, 32 * 200 + 5);
      await sql`update log_tile set hashes = ${damaged} where level = 0 and tile_index = 0`.execute(db);
      return hashes;
    });
    const r = await cli(["log", "verify", bank.url, "--state", state, "--json"], bank);
    expect(r.code, show(r)).toBe(1);
    expect(JSON.parse(r.stdout).problem).toMatchObject({
      code: "tile-changed",
      tile: { level: 0, index: 0, hash: 200 },
      leaf: 200,
    });
    await inDatabase(bank, async (db) => {
      await sql`update log_tile set hashes = ${original} where level = 0 and tile_index = 0`.execute(db);
    });
  });

  it("detects a checkpoint changed in the database: its signature no longer verifies", async () => {
    const original = await inDatabase(bank, async (db) => {
      const { rows } = await sql<{ tree_size: string; note: string }>`
        select tree_size, note from log_checkpoint order by tree_size desc limit 1`.execute(db);
      const row = rows[0] as { tree_size: string; note: string };
      const lines = row.note.split("\n");
      lines[2] = Buffer.alloc(32, 9).toString("base64"); // another root, same signature
      await sql`update log_checkpoint set note = ${lines.join("\n")} where tree_size = ${row.tree_size}::bigint`.execute(
        db,
      );
      return row;
    });
    const r = await cli(["log", "verify", bank.url, "--state", state], bank);
    expect(r.code, show(r)).toBe(1);
    expect(r.stdout).toMatch(/\[checkpoint-invalid\] The checkpoint is not validly signed by .*invalid/);
    await inDatabase(bank, async (db) => {
      await sql`update log_checkpoint set note = ${original.note} where tree_size = ${original.tree_size}::bigint`.execute(
        db,
      );
    });
    const repaired = await cli(["log", "verify", bank.url, "--state", state], bank);
    expect(repaired.code, show(repaired)).toBe(0);
  });

  it("catches a bank that rewrote its history and signed it anew with its own key", async () => {
    await inDatabase(bank, async (db) => {
      for (const table of ["log_cosignature", "log_checkpoint", "log_tile", "log_bundle"]) {
        await sql`delete from ${sql.table(table)}`.execute(db);
      }
      await sql`update log_entry set record = convert_to('{"v":1,"kind":"rewritten"}', 'UTF8'),
                leaf_hash = sha256('\\x00'::bytea || convert_to('{"v":1,"kind":"rewritten"}', 'UTF8'))
                where id = (select id from log_entry order by xid, id offset 10 limit 1)`.execute(db);
    });
    // The running bank's sequencer rebuilds and signs the rewritten tree.
    const deadline = Date.now() + 60_000;
    while ((await getJson<{ treeSize: number }>(`${bank.url}/api/v1/log`)).treeSize !== 602) {
      if (Date.now() > deadline) throw new Error("the rewritten log was not sequenced");
      await new Promise((r) => setTimeout(r, 200));
    }
    const r = await cli(["log", "verify", bank.url, "--state", state, "--json"], bank);
    expect(r.code, show(r)).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.problem).toMatchObject({ code: "history-rewritten", size: 602 });
    expect(report.problem.message).toMatch(/rewrote its history/);
    // Without the earlier checkpoint, the rewritten log is self-consistent: only a memory catches it.
    const fresh = await cli(["log", "verify", bank.url, "--state", join(root, "fresh-state.json")], bank);
    expect(fresh.code, show(fresh)).toBe(0);
  });
});

describe("crash safety: SIGKILL while thousands of events are being logged", SLOW, () => {
  it("every committed change has its leaf, the tree is consistent with the last checkpoint, appends continue", async () => {
    const bank = await newBank("crash");
    const state = join(root, "crash-state.json");
    const rows = 6000;
    expect((await cli(["import", file("crash-bundle.json", bundle("crash"))], bank)).code).toBe(0);
    const user = await cli(
      ["user-add", "admin@crash.example", "--role", "registry-admin", "--name", "Crash Admin"],
      bank,
      {
        CREDITBANK_PASSWORD: "crash-admin-password-1",
      },
    );
    expect(user.code, show(user)).toBe(0);
    await startServer(bank);
    try {
      // The auditor sees the log before the run: it pins the key.
      expect((await cli(["log", "verify", bank.url, "--state", state], bank)).code).toBe(0);
      const login = await fetch(`${bank.url}/api/v1/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: "admin@crash.example", password: "crash-admin-password-1" }),
      });
      const { token } = (await login.json()) as { token: string };
      const cohort = file("crash.csv", csv("crash", 0, rows));
      const recording = finished(run(["record", cohort, "--url", bank.url, "--token", token], bank));

      // Wait until a few thousand credentials are logged and a checkpoint covers them, remember the
      // last checkpoint published, and kill the server at once.
      let last = "";
      const deadline = Date.now() + 180_000;
      for (;;) {
        const info = await getJson<{ treeSize: number; pending: number; verifierKey: string }>(
          `${bank.url}/api/v1/log`,
        );
        if (info.treeSize >= 2000) {
          last = await (await fetch(`${bank.url}/log/checkpoint`)).text();
          break;
        }
        if (Date.now() > deadline) throw new Error("the recording did not get far enough");
        await new Promise((r) => setTimeout(r, 50));
      }
      const killed = await stopServer(bank, "SIGKILL");
      expect(killed?.code ?? null).toBeNull();
      const client = await recording;
      expect(client.code, "the recording was cut off by the kill").not.toBe(0);

      // The last checkpoint published before the kill, as an auditor would have kept it.
      const saved = JSON.parse(readFileSync(state, "utf8")) as AuditState;
      const entry = saved.logs[`${bank.url}/log`] as AuditState["logs"][string];
      const { checkpoint } = openCheckpoint(last, [ed25519NoteVerifier(entry.verifierKey)]);
      entry.checkpoints.push({
        size: checkpoint.size,
        root: Buffer.from(checkpoint.root).toString("base64"),
        seenAt: "before the kill",
      });
      writeFileSync(state, JSON.stringify(saved));

      // Every committed credential has its leaf, and every issuance leaf its credential.
      const counts = await inDatabase(bank, async (db) => {
        const { rows: found } = await sql<{ credentials: string; leaves: string; orphans: string; unlogged: string }>`
          select (select count(*) from credential) as credentials,
                 (select count(*) from log_entry where kind = 'credential.issued') as leaves,
                 (select count(*) from log_entry e where e.kind = 'credential.issued'
                    and not exists (select 1 from credential c where c.id = e.credential_id)) as orphans,
                 (select count(*) from credential c where not exists (
                    select 1 from log_entry e where e.credential_id = c.id and e.kind = 'credential.issued')) as unlogged`.execute(
          db,
        );
        return found[0] as { credentials: string; leaves: string; orphans: string; unlogged: string };
      });
      expect(Number(counts.credentials)).toBeGreaterThanOrEqual(checkpoint.size - 2);
      expect(Number(counts.credentials)).toBeLessThan(rows);
      expect(counts).toMatchObject({ leaves: counts.credentials, orphans: "0", unlogged: "0" });

      // Restarted: the sequencer appends what was committed but not yet in the tree, consistently.
      await startServer(bank);
      const deadline2 = Date.now() + 60_000;
      while ((await getJson<{ pending: number }>(`${bank.url}/api/v1/log`)).pending > 0) {
        if (Date.now() > deadline2) throw new Error("the pending entries were not sequenced");
        await new Promise((r) => setTimeout(r, 100));
      }
      const after = await cli(["log", "verify", bank.url, "--state", state, "--json"], bank);
      expect(after.code, show(after)).toBe(0);
      const report = JSON.parse(after.stdout);
      expect(report.consistentWith).toContain(checkpoint.size);
      expect(report.size).toBe(Number(counts.leaves) + 2);

      // Appends continue: the rest of the cohort is recorded and logged, the log still verifies.
      const rest = await cli(["record", cohort, "--url", bank.url, "--token", token, "--json"], bank);
      expect(rest.code, show(rest)).toBe(0);
      expect(JSON.parse(rest.stdout)).toMatchObject({ recorded: rows - Number(counts.credentials) });
      const deadline3 = Date.now() + 60_000;
      while ((await getJson<{ treeSize: number }>(`${bank.url}/api/v1/log`)).treeSize < rows + 2) {
        if (Date.now() > deadline3) throw new Error("the new entries were not sequenced");
        await new Promise((r) => setTimeout(r, 100));
      }
      const final = await cli(["log", "verify", bank.url, "--state", state, "--json"], bank);
      expect(final.code, show(final)).toBe(0);
      expect(JSON.parse(final.stdout)).toMatchObject({ ok: true, size: rows + 2 });
    } finally {
      await stopServer(bank, "SIGKILL");
    }
  });
});
