/**
 * Cosigning between banks (c2sp.org/tlog-witness): two banks on loopback, each the other's witness.
 * After each checkpoint a bank asks its witness, with the consistency proof from the size the witness
 * last cosigned (a 409 when it has forgotten: it asks again from the size the witness names); it keeps
 * the cosignatures and serves them on /log/checkpoint, where they verify with the witness's key. A bank
 * whose tree was rewritten is refused by its witness, which keeps the evidence and its own state.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildServer } from "../../src/api/server.ts";
import { loadConfig } from "../../src/config.ts";
import { openCheckpoint } from "../../src/ledger/checkpoint.ts";
import { cosignatureVerifier } from "../../src/ledger/cosignature.ts";
import { ed25519NoteVerifier, openNote } from "../../src/ledger/signed-note.ts";
import { type Bank, openBank } from "../../src/services/bank.ts";
import { appendLogEvents } from "../../src/services/log-events.ts";
import { witnessedCheckpoint } from "../../src/services/witness-service.ts";
import { witnessRefusals } from "../../src/store/log-repo.ts";
import { dropScratchDatabases, freePort, scratchDatabase } from "../support/processes.ts";

interface Place {
  port: number;
  url: string;
  env: Record<string, string>;
  bank?: Bank;
  app?: FastifyInstance;
  logKey?: string;
  witnessKey?: string;
}

const dirs: string[] = [];

/** A bank with storage of its own that survives closing (a data folder, or a database on the server). */
async function place(): Promise<Place> {
  const port = await freePort();
  const env: Record<string, string> = {
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    MASTER_KEY: randomBytes(32).toString("base64"),
    LOG_SEQUENCE_INTERVAL_MS: "0",
  };
  const databaseUrl = await scratchDatabase("creditbank_witness");
  if (databaseUrl) {
    env.DATABASE_URL = databaseUrl;
  } else {
    const dir = mkdtempSync(join(tmpdir(), "creditbank-witness-"));
    dirs.push(dir);
    env.DATA_DIR = dir;
  }
  return { port, url: `http://127.0.0.1:${port}`, env };
}

async function start(p: Place, extra: Record<string, string> = {}): Promise<void> {
  p.bank = await openBank(loadConfig({ ...p.env, ...extra }));
  p.logKey = p.bank.log.keys.verifierKey;
  p.witnessKey = p.bank.log.keys.witnessKey;
  p.app = await buildServer(p.bank, { logger: false });
  await p.app.listen({ port: p.port, host: "127.0.0.1" });
}

async function stop(p: Place): Promise<void> {
  await p.app?.close();
  await p.bank?.close();
  p.app = undefined;
  p.bank = undefined;
}

const bankOf = (p: Place) => p.bank as Bank;

async function logEvents(p: Place, n: number): Promise<number> {
  await bankOf(p)
    .db.transaction()
    .execute((tx) =>
      appendLogEvents(
        tx,
        Array.from({ length: n }, () => ({
          kind: "credential.revoked" as const,
          credentialId: randomUUID(),
          issuer: "x",
        })),
      ),
    );
  return (await bankOf(p).log.sequencer.sequenceAll())?.size ?? 0;
}

let a: Place;
let b: Place;

beforeAll(async () => {
  a = await place();
  b = await place();
  // First start: each bank makes its keys. Then each is configured with the other's.
  await start(a);
  await start(b);
  await stop(a);
  await stop(b);
  const config = (other: Place) => ({
    WITNESSED_LOGS: other.logKey as string,
    LOG_WITNESSES: `${other.url}/log/witness ${other.witnessKey}`,
  });
  await start(a, config(b));
  await start(b, config(a));
});

afterAll(async () => {
  for (const p of [a, b]) if (p) await stop(p).catch(() => undefined);
  await dropScratchDatabases();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** The checkpoint a bank serves, checked with its log key and its witness's cosignature key. */
async function servedCheckpoint(p: Place, witness: Place) {
  const text = await (await fetch(`${p.url}/log/checkpoint`)).text();
  const opened = openNote(text, [
    ed25519NoteVerifier(p.logKey as string),
    cosignatureVerifier(witness.witnessKey as string),
  ]);
  return { text, opened, checkpoint: openCheckpoint(text, [ed25519NoteVerifier(p.logKey as string)]).checkpoint };
}

describe("two banks witnessing each other", () => {
  it("each cosigns the other's checkpoints; the cosignatures are served with the checkpoint", async () => {
    const sizeA = await logEvents(a, 40);
    const sizeB = await logEvents(b, 25);
    const [outcomeA] = await bankOf(a).log.cosigning.cosignAll();
    const [outcomeB] = await bankOf(b).log.cosigning.cosignAll();
    expect(outcomeA).toMatchObject({ ok: true, size: sizeA });
    expect(outcomeB).toMatchObject({ ok: true, size: sizeB });
    const servedA = await servedCheckpoint(a, b);
    expect(servedA.checkpoint.size).toBe(sizeA);
    expect(servedA.opened.verified).toHaveLength(2); // the log's signature and the witness's cosignature
    const servedB = await servedCheckpoint(b, a);
    expect(servedB.opened.verified).toHaveLength(2);
    // The witness keeps what it cosigned.
    expect(await witnessedCheckpoint(bankOf(b).db, bankOf(a).log.keys.origin)).toMatchObject({ size: sizeA });
  });

  it("later checkpoints are cosigned from the size the witness holds, with a consistency proof", async () => {
    const before = (await witnessedCheckpoint(bankOf(b).db, bankOf(a).log.keys.origin))?.size as number;
    const size = await logEvents(a, 300);
    const [outcome] = await bankOf(a).log.cosigning.cosignAll();
    expect(outcome).toMatchObject({ ok: true, size });
    expect((await witnessedCheckpoint(bankOf(b).db, bankOf(a).log.keys.origin))?.size).toBe(size);
    expect(size).toBeGreaterThan(before);
    // The sequencer asks the witnesses by itself after each checkpoint.
    const next = await logEvents(a, 3);
    for (
      let i = 0;
      i < 100 && (await witnessedCheckpoint(bankOf(b).db, bankOf(a).log.keys.origin))?.size !== next;
      i++
    ) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect((await witnessedCheckpoint(bankOf(b).db, bankOf(a).log.keys.origin))?.size).toBe(next);
  });

  it("a log that forgot what its witness cosigned gets a 409 and asks again from the witness's size", async () => {
    await sql`delete from log_cosignature`.execute(bankOf(a).db);
    const size = await logEvents(a, 5);
    const [outcome] = await bankOf(a).log.cosigning.cosignAll();
    expect(outcome).toMatchObject({ ok: true, size });
    expect((await servedCheckpoint(a, b)).opened.verified).toHaveLength(2);
  });

  it("a witness refuses a checkpoint that forks history, keeps the evidence and its own state", async () => {
    const held = await witnessedCheckpoint(bankOf(b).db, bankOf(a).log.keys.origin);
    // Bank A rewrites its history: an old entry is changed and the tree rebuilt and signed anew with
    // A's own key (what a dishonest bank could do to its own database).
    const db = bankOf(a).db;
    await sql`delete from log_cosignature`.execute(db);
    await sql`delete from log_checkpoint`.execute(db);
    await sql`delete from log_tile`.execute(db);
    await sql`delete from log_bundle`.execute(db);
    await sql`update log_entry set record = convert_to('{"rewritten":true}', 'UTF8'),
              leaf_hash = sha256('\\x00'::bytea || convert_to('{"rewritten":true}', 'UTF8'))
              where id = (select min(id) from log_entry)`.execute(db);
    const rewritten = await logEvents(a, 1);
    expect(rewritten).toBeGreaterThan(held?.size as number);
    const [outcome] = await bankOf(a).log.cosigning.cosignAll();
    expect(outcome?.ok).toBe(false);
    expect(outcome?.message).toMatch(/HTTP 422/);
    expect(outcome?.message).toMatch(/forked log|not proven consistent/);
    // The witness's state is unchanged; the refused request is kept as evidence.
    expect(await witnessedCheckpoint(bankOf(b).db, bankOf(a).log.keys.origin)).toMatchObject({
      size: held?.size,
      root: held?.root,
    });
    const evidence = await witnessRefusals(bankOf(b).db, bankOf(a).log.keys.origin);
    expect(evidence.at(-1)).toMatchObject({ reason: "inconsistent" });
    expect(evidence.at(-1)?.request).toContain(`\n${rewritten}\n`);
    // Served without any cosignature: the rewritten checkpoint has none.
    expect((await servedCheckpoint(a, b)).opened.verified).toHaveLength(1);
  });

  it("answers the spec's statuses: unknown log 404, a signature by another key 403, bad proof 422", async () => {
    const post = (body: string) =>
      fetch(`${b.url}/log/witness/add-checkpoint`, { method: "POST", body, headers: { "content-type": "text/plain" } });
    const note = await (await fetch(`${b.url}/log/checkpoint`)).text(); // B's own log: B does not witness it
    expect((await post(`old 0\n\n${note}`)).status).toBe(404);
    const aNote = await (await fetch(`${a.url}/log/checkpoint`)).text();
    const forged = aNote.replace(
      /— (\S+) (\S+)\n/,
      (_m, name) => `— ${name} ${Buffer.alloc(68, 7).toString("base64")}\n`,
    );
    const forgedKeyId = aNote.match(/— \S+ (\S+)\n/)?.[1] as string;
    const sameKeyBadSignature = forged.replace(
      /— (\S+) (\S+)\n/,
      (_m, name) =>
        `— ${name} ${Buffer.concat([Buffer.from(forgedKeyId, "base64").subarray(0, 4), Buffer.alloc(64, 1)]).toString("base64")}\n`,
    );
    expect((await post(`old 0\n\n${sameKeyBadSignature}`)).status).toBe(403);
    const stale = await post(`old 1\n${Buffer.alloc(32).toString("base64")}\n\n${aNote}`);
    expect([409, 422]).toContain(stale.status);
    if (stale.status === 409) expect(stale.headers.get("content-type")).toBe("text/x.tlog.size");
  });
});
