/**
 * Sequencing: the tiles and roots the builder produces are the tlog-tiles of the RFC 6962 tree, however
 * the leaves are split into batches, and a sequencer resumes from stored tiles alone.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { HASH_SIZE, perfectTreeHash } from "../../src/ledger/hashes.ts";
import { treeRoot } from "../../src/ledger/proofs.ts";
import { tilePath } from "../../src/ledger/tile-paths.ts";
import { partialTileIds, TILE_WIDTH } from "../../src/ledger/tiles.ts";
import {
  type AppendResult,
  appendLeafHashes,
  EMPTY_TREE_STATE,
  rootOfTreeState,
  type TileWrite,
  TreeBuilder,
  treeStateFromTiles,
} from "../../src/ledger/tree-builder.ts";
import { MemoryTileStore, ReferenceTree, syntheticLeafHashes } from "./reference-tree.ts";

const MAX = 66_000;
const leaves = syntheticLeafHashes(0, MAX);
const reference = new ReferenceTree(leaves);

/** The final content of every tile: the latest (widest) write of each (level, index). */
function finalTiles(results: readonly AppendResult[]): Map<string, TileWrite> {
  const tiles = new Map<string, TileWrite>();
  for (const result of results) {
    for (const tile of result.tiles) {
      const key = `${tile.level}/${tile.index}`;
      const known = tiles.get(key);
      // A later write of a tile only extends it: the hashes already written never change.
      if (known && !Buffer.from(tile.hashes.subarray(0, known.hashes.length)).equals(Buffer.from(known.hashes))) {
        throw new Error(`tile ${tile.path} rewrote hashes of ${known.path}`);
      }
      tiles.set(key, tile);
    }
  }
  return tiles;
}

function comparable(tiles: Map<string, TileWrite>) {
  return [...tiles.values()]
    .map((tile) => ({ path: tile.path, hashes: Buffer.from(tile.hashes).toString("hex") }))
    .sort((a, b) => a.path.localeCompare(b.path));
}

describe("TreeBuilder", () => {
  it("writes the tiles of the tree: leaf hashes on level 0, hashes of full tiles above", () => {
    const size = 65_536 + 300;
    const result = appendLeafHashes(EMPTY_TREE_STATE, leaves.slice(0, size));
    expect(result.firstIndex).toBe(0);
    expect(result.size).toBe(size);
    expect(result.root).toEqual(reference.root(size));
    const tiles = finalTiles([result]);
    // 257 full and 1 partial level-0 tiles, 1 full and 1 partial level-1 tiles, 1 level-2 tile.
    expect(tiles.size).toBe(257 + 1 + 1 + 1 + 1);
    expect(tiles.get("0/256")?.hashes).toEqual(Buffer.concat(leaves.slice(65_536, 65_792)));
    expect(tiles.get("0/257")).toMatchObject({ width: 44, path: "tile/0/257.p/44" });
    expect(tiles.get("1/0")).toMatchObject({ width: 256, path: "tile/1/000" });
    const level1 = tiles.get("1/0")?.hashes as Uint8Array;
    for (const n of [0, 1, 77, 255]) {
      expect(Buffer.from(level1.subarray(n * HASH_SIZE, (n + 1) * HASH_SIZE))).toEqual(
        reference.mth(n * 256, (n + 1) * 256),
      );
    }
    expect(tiles.get("1/1")).toMatchObject({ width: 1, path: "tile/1/001.p/1" });
    expect(tiles.get("2/0")?.hashes).toEqual(reference.mth(0, 65_536));
    for (const tile of tiles.values()) expect(tile.path).toBe(tilePath(tile));
  });

  it("a tree of 256 leaves is one full level-0 tile and a level-1 tile of width 1 (the spec's example)", () => {
    const result = appendLeafHashes(EMPTY_TREE_STATE, leaves.slice(0, 256));
    expect(result.tiles.map((tile) => tile.path)).toEqual(["tile/0/000", "tile/1/000.p/1"]);
    expect(result.state.partialTiles.map((tile) => tilePath(tile))).toEqual(["tile/1/000.p/1"]);
  });

  it("gives the same tiles and roots whatever the batches", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2_000 }),
        fc.array(fc.integer({ min: 0, max: 600 }), { minLength: 1, maxLength: 12 }),
        (size, cuts) => {
          const whole = appendLeafHashes(EMPTY_TREE_STATE, leaves.slice(0, size));
          const results: AppendResult[] = [];
          let state = EMPTY_TREE_STATE;
          const points = [...new Set(cuts.map((cut) => cut % (size + 1)))].sort((a, b) => a - b);
          for (const end of [...points, size]) {
            const result = appendLeafHashes(state, leaves.slice(state.size, end));
            expect(result.firstIndex).toBe(state.size);
            expect(result.root).toEqual(reference.root(end));
            results.push(result);
            state = result.state;
          }
          expect(state.size).toBe(size);
          expect(comparable(finalTiles(results))).toEqual(comparable(finalTiles([whole])));
          expect(state.partialTiles.map((tile) => tilePath(tile))).toEqual(
            whole.state.partialTiles.map((tile) => tilePath(tile)),
          );
        },
      ),
      { numRuns: 150 },
    );
  });

  it("across the 65,536 boundary, in batches, one batch and one leaf at a time agree", () => {
    const start = 65_536 - 700;
    const base = appendLeafHashes(EMPTY_TREE_STATE, leaves.slice(0, start));
    const whole = appendLeafHashes(base.state, leaves.slice(start, MAX));
    const builder = new TreeBuilder(base.state);
    const results: AppendResult[] = [];
    for (let i = start; i < MAX; i++) results.push(builder.append([leaves[i] as Buffer]));
    expect(builder.root).toEqual(whole.root);
    expect(builder.root).toEqual(reference.root(MAX));
    expect(comparable(finalTiles(results))).toEqual(comparable(finalTiles([whole])));
    expect(results.find((result) => result.size === 65_536)?.tiles.map((tile) => tile.path)).toEqual([
      "tile/0/255",
      "tile/1/000",
      "tile/2/000.p/1",
    ]);
  });

  it("accepts packed leaf hashes like an array, and an empty batch changes nothing", () => {
    const packed = Buffer.concat(leaves.slice(0, 1_000));
    const fromPacked = appendLeafHashes(EMPTY_TREE_STATE, packed);
    const fromArray = appendLeafHashes(EMPTY_TREE_STATE, leaves.slice(0, 1_000));
    expect(comparable(finalTiles([fromPacked]))).toEqual(comparable(finalTiles([fromArray])));
    const empty = appendLeafHashes(fromArray.state, []);
    expect(empty).toMatchObject({ size: 1_000, firstIndex: 1_000, tiles: [] });
    expect(empty.root).toEqual(fromArray.root);
  });

  it("resumes from the partial tiles a store reads back, and the store answers proofs", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 20_000 }), fc.integer({ min: 0, max: 3_000 }), async (size1, more) => {
        const store = new MemoryTileStore();
        const first = appendLeafHashes(EMPTY_TREE_STATE, leaves.slice(0, size1));
        store.write(first.tiles);
        // A restart: only the size survives in memory; the partial tiles come back from the store.
        const readBack = await store.readTiles(partialTileIds(size1));
        const state = treeStateFromTiles(size1, readBack);
        expect(rootOfTreeState(state)).toEqual(first.root);
        const second = new TreeBuilder(state).append(leaves.slice(size1, size1 + more));
        store.write(second.tiles);
        expect(second.root).toEqual(reference.root(size1 + more));
        expect(await treeRoot(store, size1 + more)).toEqual(second.root);
      }),
      { numRuns: 40 },
    );
  });

  it("refuses a state whose tiles do not fit its size", () => {
    const result = appendLeafHashes(EMPTY_TREE_STATE, leaves.slice(0, 300));
    expect(() => treeStateFromTiles(300, [])).toThrow(expect.objectContaining({ code: "tree-state-invalid" }));
    const [tile] = result.state.partialTiles;
    if (!tile) throw new Error("expected a partial tile");
    expect(() => treeStateFromTiles(301, result.state.partialTiles)).toThrow(
      expect.objectContaining({ code: "tree-state-invalid" }),
    );
    // A wider stored version of the tile is cut to the width the size implies.
    const narrower = treeStateFromTiles(299, result.state.partialTiles);
    expect(rootOfTreeState(narrower)).toEqual(reference.root(299));
    expect(() => appendLeafHashes({ size: 300, partialTiles: [] }, [])).toThrow(
      expect.objectContaining({ code: "tree-state-invalid" }),
    );
    expect(() => appendLeafHashes(EMPTY_TREE_STATE, [Buffer.alloc(31)])).toThrow(
      expect.objectContaining({ code: "hash-invalid" }),
    );
    expect(() => appendLeafHashes(EMPTY_TREE_STATE, Buffer.alloc(33))).toThrow(
      expect.objectContaining({ code: "hash-invalid" }),
    );
  });

  it("keeps a small state: only partial tiles, copied out of the batch", () => {
    const result = appendLeafHashes(EMPTY_TREE_STATE, leaves.slice(0, 65_000));
    const bytes = result.state.partialTiles.reduce((sum, tile) => sum + tile.hashes.byteLength, 0);
    expect(bytes).toBeLessThan(2 * TILE_WIDTH * HASH_SIZE);
    for (const tile of result.state.partialTiles)
      expect(tile.hashes.buffer.byteLength).toBeLessThan(65_000 * HASH_SIZE);
    // The level-1 partial tile holds the hashes of the full level-0 tiles.
    const level1 = result.state.partialTiles.find((tile) => tile.level === 1);
    expect(level1?.width).toBe(253);
    expect(Buffer.from(level1?.hashes.subarray(0, HASH_SIZE) ?? [])).toEqual(
      perfectTreeHash(Buffer.concat(leaves.slice(0, 256)), 0, 256),
    );
  });
});
