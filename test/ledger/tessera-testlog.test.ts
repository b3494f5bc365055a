/**
 * A real tiled log: the 15-entry tlog-tiles log of transparency-dev/tessera in the shared standards
 * (transparency-log/tessera-testlog). Its checkpoints verify with its key; its tiles and entry bundles
 * give back its roots and proofs; and our builder, fed the same entries one at a time, writes
 * byte-identical tiles and bundles at the same paths.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { describe, expect, it } from "vitest";
import { openCheckpoint } from "../../src/ledger/checkpoint.ts";
import { appendEntryBundles, decodeEntryBundle, partialEntryBundleOf } from "../../src/ledger/entry-bundles.ts";
import { leafHash } from "../../src/ledger/hashes.ts";
import { consistencyProof, inclusionProof, type TileReader, treeRoot } from "../../src/ledger/proofs.ts";
import { ed25519NoteVerifier } from "../../src/ledger/signed-note.ts";
import { parseTilePath, tilePath } from "../../src/ledger/tile-paths.ts";
import { TreeBuilder } from "../../src/ledger/tree-builder.ts";
import { verifyConsistency, verifyInclusion } from "../../src/ledger/verify-proofs.ts";
import { transparencyLogDir } from "./reference-tree.ts";

interface Manifest {
  origin: string;
  verifierKey: string;
  entries: string[];
  checkpoints: Record<string, { file: string; size: number; rootBase64: string }>;
}

const dir = join(transparencyLogDir(), "tessera-testlog");
const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as Manifest;
const verifier = ed25519NoteVerifier(manifest.verifierKey);
const entries = manifest.entries.map((entry) => Buffer.from(entry, "utf8"));
const sizes = Object.values(manifest.checkpoints).map((checkpoint) => checkpoint.size);
const read = (path: string) => readFileSync(join(dir, ...path.split("/")));

/** The log's folder as a tile store, the way a client reads a static tlog-tiles log: by path. */
const files: TileReader = {
  async readTiles(ids) {
    return ids.map((id) => ({ ...id, hashes: read(tilePath(id)) }));
  },
};

function openCheckpointOfSize(size: number) {
  return openCheckpoint(read(`checkpoint.${size}`), [verifier], { origin: manifest.origin }).checkpoint;
}

describe("the tessera test log", () => {
  it("has a checkpoint for every size 0..15, each signed by the log's key", () => {
    expect(sizes.sort((a, b) => a - b)).toEqual(Array.from({ length: 16 }, (_, i) => i));
    for (const size of sizes) {
      const checkpoint = openCheckpointOfSize(size);
      expect(checkpoint.size).toBe(size);
      expect(Buffer.from(checkpoint.root).toString("base64")).toBe(manifest.checkpoints[String(size)]?.rootBase64);
    }
    expect(read("checkpoint")).toEqual(read("checkpoint.15"));
  });

  it("names every file of its tile folder with a path our parser reads back", () => {
    const paths = readdirSync(join(dir, "tile"), { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split(sep).join("/"));
    expect(paths).toHaveLength(30);
    for (const path of paths) {
      const parsed = parseTilePath(path);
      expect(parsed.index).toBe(0);
      if (parsed.kind === "tile") expect(tilePath(parsed)).toBe(path);
    }
  });

  it("its bundles hold its entries and its level-0 tiles their leaf hashes", () => {
    for (let size = 1; size <= 15; size++) {
      const bundle = decodeEntryBundle(read(`tile/entries/000.p/${size}`), size);
      expect(bundle.map((entry) => entry.toString("utf8"))).toEqual(manifest.entries.slice(0, size));
      expect(read(`tile/0/000.p/${size}`)).toEqual(Buffer.concat(bundle.map(leafHash)));
    }
  });

  it("its roots follow from its tiles, and its tiles prove inclusion and consistency", async () => {
    for (let size = 1; size <= 15; size++) {
      const root = openCheckpointOfSize(size).root;
      expect(await treeRoot(files, size)).toEqual(Buffer.from(root));
      for (let index = 0; index < size; index++) {
        const proof = await inclusionProof(files, index, size);
        expect(verifyInclusion(leafHash(entries[index] as Buffer), index, size, proof, root).ok).toBe(true);
      }
      for (let size1 = 1; size1 <= size; size1++) {
        const proof = await consistencyProof(files, size1, size);
        expect(verifyConsistency(size1, size, proof, openCheckpointOfSize(size1).root, root).ok).toBe(true);
      }
    }
  });

  it("our builder writes the same tiles and bundles, at the same paths, with the same roots", () => {
    const builder = new TreeBuilder();
    let bundle: Uint8Array | undefined;
    entries.forEach((entry, index) => {
      const result = builder.append([leafHash(entry)]);
      const size = index + 1;
      expect(result.root).toEqual(Buffer.from(openCheckpointOfSize(size).root));
      expect(result.tiles.map((tile) => tile.path)).toEqual([`tile/0/000.p/${size}`]);
      expect(Buffer.from(result.tiles[0]?.hashes ?? [])).toEqual(read(`tile/0/000.p/${size}`));

      const bundles = appendEntryBundles(index, partialEntryBundleOf(index) ? bundle : undefined, [entry]);
      expect(bundles.map((b) => b.path)).toEqual([`tile/entries/000.p/${size}`]);
      expect(Buffer.from(bundles[0]?.bytes ?? [])).toEqual(read(`tile/entries/000.p/${size}`));
      bundle = bundles[0]?.bytes;
    });
    const oneBatch = new TreeBuilder().append(entries.map(leafHash));
    expect(oneBatch.tiles.map((tile) => [tile.path, Buffer.from(tile.hashes)])).toEqual([
      ["tile/0/000.p/15", read("tile/0/000.p/15")],
    ]);
  });
});
