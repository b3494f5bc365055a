/**
 * The transparency log over HTTP: the checkpoint (text, short cache), tiles and entry bundles as
 * c2sp.org/tlog-tiles serves them (partial paths as prefixes, immutable caching, coded 400/404 for bad
 * or absent paths, never a 500), and the JSON API's proofs, which a client checks with nothing but the
 * log's verifier key.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openCheckpoint } from "../../src/ledger/checkpoint.ts";
import { decodeBase64Strict } from "../../src/ledger/encoding.ts";
import { decodeEntryBundle } from "../../src/ledger/entry-bundles.ts";
import { leafHash } from "../../src/ledger/hashes.ts";
import { ed25519NoteVerifier } from "../../src/ledger/signed-note.ts";
import { verifyConsistency, verifyInclusion } from "../../src/ledger/verify-proofs.ts";
import { checkInclusionProof } from "../../src/services/log-proof-check.ts";
import { buildWorld, call, expectError, type Harness, json, startApi, type World } from "../support/api.ts";

let h: Harness;
let w: World;
let size: number;

beforeAll(async () => {
  h = await startApi({ PUBLIC_URL: "https://bank.test", LOG_SEQUENCE_INTERVAL_MS: "0" });
  w = await buildWorld(h);
  size = (await h.bank.log.sequencer.sequenceAll())?.size ?? 0;
});
afterAll(async () => {
  await h?.dispose();
});

describe("c2sp.org/tlog-tiles at /log", () => {
  it("serves the checkpoint as text, signed by the log, cached a few seconds at most", async () => {
    const res = await call(h.app, "GET", "/log/checkpoint");
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toBe("text/plain; charset=utf-8");
    expect(res.headers["cache-control"]).toBe("public, max-age=5");
    const info = json<{ verifierKey: string; origin: string; treeSize: number }>(
      await call(h.app, "GET", "/api/v1/log"),
    );
    expect(info.origin).toBe("bank.test/log");
    const { checkpoint } = openCheckpoint(res.body, [ed25519NoteVerifier(info.verifierKey)], { origin: info.origin });
    expect(checkpoint.size).toBe(size);
    expect(info.treeSize).toBe(size);
    expect(size).toBeGreaterThan(2);
  });

  it("serves tiles and entry bundles, partial paths as prefixes, immutable", async () => {
    const tile = await call(h.app, "GET", `/log/tile/0/000.p/${size}`);
    expect(tile.statusCode).toBe(200);
    expect(tile.headers["content-type"]).toBe("application/octet-stream");
    expect(tile.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(tile.rawPayload.length).toBe(32 * size);
    const bundle = await call(h.app, "GET", `/log/tile/entries/000.p/${size}`);
    expect(bundle.statusCode).toBe(200);
    const entries = decodeEntryBundle(bundle.rawPayload, size);
    entries.forEach((entry, i) => {
      expect(leafHash(entry).equals(tile.rawPayload.subarray(32 * i, 32 * i + 32))).toBe(true);
      expect(JSON.parse(entry.toString("utf8"))).toMatchObject({ v: 1 });
    });
    // An older, narrower version of the partial tile is the prefix of the stored one.
    const older = await call(h.app, "GET", "/log/tile/0/000.p/2");
    expect(older.rawPayload.equals(tile.rawPayload.subarray(0, 64))).toBe(true);
    const olderBundle = await call(h.app, "GET", "/log/tile/entries/000.p/1");
    expect(decodeEntryBundle(olderBundle.rawPayload, 1)[0]?.equals(entries[0] as Buffer)).toBe(true);
  });

  it("answers bad paths with 400 and absent tiles with 404, each with a code, never a 500", async () => {
    for (const path of [
      "/log/tile/0/1",
      "/log/tile/0/x000/001",
      "/log/tile/0/000.p/0",
      "/log/tile/0/000.p/256",
      "/log/tile/64/000",
      "/log/tile/-1/000",
      "/log/tile/entries/abc",
      "/log/tile/",
      "/log/tile/0/000/",
      `/log/tile/0/${"x999/".repeat(7)}999`,
    ]) {
      expectError(await call(h.app, "GET", path), 400, "tile-path-invalid");
    }
    for (const path of [
      "/log/tile/0/000", // full: the tree is smaller
      `/log/tile/0/000.p/${size + 1}`,
      "/log/tile/0/001.p/1",
      "/log/tile/1/000.p/1",
      "/log/tile/entries/000",
      `/log/tile/entries/000.p/${size + 1}`,
      "/log/tile/entries/x001/000",
    ]) {
      const res = await call(h.app, "GET", path);
      expectError(res, 404, "tile-not-found");
      expect(String(res.headers["cache-control"] ?? "")).not.toContain("immutable");
    }
  });
});

describe("the JSON API under /api/v1/log", () => {
  it("proves a credential's issuance; the proof checks with the log's key alone", async () => {
    const res = await call(h.app, "GET", `/api/v1/log/credentials/${w.credentials.ofA}/proof`);
    expect(res.statusCode, res.body).toBe(200);
    const view = json<{
      record: string;
      leafIndex: number;
      treeSize: number;
      proof: string[];
      rootHash: string;
      checkpoint: string;
      verifierKey: string;
      eventId: string;
    }>(res);
    expect(JSON.parse(view.record)).toMatchObject({
      kind: "credential.issued",
      credential: `urn:uuid:${w.credentials.ofA}`,
    });
    expect(checkInclusionProof(view, view.verifierKey, w.credentials.ofA)).toMatchObject({ ok: true });
    expect(checkInclusionProof(view, view.verifierKey, "urn:uuid:00000000-0000-4000-8000-000000000000").ok).toBe(false);
    const proof = view.proof.map((p) => decodeBase64Strict(p) as Buffer);
    expect(
      verifyInclusion(
        leafHash(Buffer.from(view.record)),
        view.leafIndex,
        view.treeSize,
        proof,
        decodeBase64Strict(view.rootHash) as Buffer,
      ).ok,
    ).toBe(true);
    // The same by event id, and against an explicit size.
    const byEvent = json<{ leafIndex: number }>(
      await call(h.app, "GET", `/api/v1/log/events/${view.eventId}/proof`, { query: { size: String(size) } }),
    );
    expect(byEvent.leafIndex).toBe(view.leafIndex);
    const events = json<Array<{ kind: string; leafIndex: number }>>(
      await call(h.app, "GET", `/api/v1/log/credentials/urn:uuid:${w.credentials.ofA}/events`),
    );
    expect(events[0]).toMatchObject({ kind: "credential.issued", leafIndex: view.leafIndex });
  });

  it("proves consistency between two sizes", async () => {
    const res = await call(h.app, "GET", "/api/v1/log/consistency", { query: { from: "1", to: String(size) } });
    expect(res.statusCode, res.body).toBe(200);
    const view = json<{ from: number; to: number; fromRoot: string; toRoot: string; proof: string[] }>(res);
    const proof = view.proof.map((p) => decodeBase64Strict(p) as Buffer);
    expect(
      verifyConsistency(
        1,
        size,
        proof,
        decodeBase64Strict(view.fromRoot) as Buffer,
        decodeBase64Strict(view.toRoot) as Buffer,
      ).ok,
    ).toBe(true);
    expectError(
      await call(h.app, "GET", "/api/v1/log/consistency", { query: { from: "3", to: "2" } }),
      400,
      "size-out-of-range",
    );
    expectError(await call(h.app, "GET", "/api/v1/log/consistency", { query: { from: "0" } }), 400, "invalid-request");
    expectError(
      await call(h.app, "GET", "/api/v1/log/consistency", { query: { from: "1", to: String(size + 10) } }),
      404,
      "checkpoint-not-found",
    );
    expectError(
      await call(h.app, "GET", "/api/v1/log/credentials/not-a-credential/proof"),
      404,
      "log-credential-not-found",
    );
    expectError(await call(h.app, "GET", "/api/v1/log/events/0/proof"), 400, "invalid-request");
  });

  it("lists checkpoints, newest first", async () => {
    const list = json<Array<{ treeSize: number; rootHash: string }>>(
      await call(h.app, "GET", "/api/v1/log/checkpoints"),
    );
    expect(list[0]?.treeSize).toBe(size);
  });

  it("refuses witness requests for logs this bank does not witness", async () => {
    const res = await call(h.app, "POST", "/log/witness/add-checkpoint", {
      raw: {
        payload: `old 0\n\nother.example/log\n1\n${Buffer.alloc(32).toString("base64")}\n\n— other.example/log AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n`,
        contentType: "text/plain",
      },
    });
    expect(res.statusCode).toBe(404);
    expect(res.body).toMatch(/does not witness the log 'other\.example\/log'/);
    const malformed = await call(h.app, "POST", "/log/witness/add-checkpoint", {
      raw: { payload: "nonsense", contentType: "application/octet-stream" },
    });
    expect(malformed.statusCode).toBe(400);
  });
});
