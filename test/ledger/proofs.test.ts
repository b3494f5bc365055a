/**
 * Proofs generated from stored tiles: they equal the RFC 9162 definitions (the naive reference tree),
 * they verify, any flipped byte makes them fail, they need one read of a few tiles whatever the size,
 * and the arithmetic holds past 2^32 leaves.
 */
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { LedgerError } from "../../src/ledger/errors.ts";
import { HASH_SIZE, nodeHash } from "../../src/ledger/hashes.ts";
import {
  consistencyProof,
  hashesFromReader,
  hashesFromTiles,
  inclusionProof,
  mergePlans,
  planConsistencyProof,
  planInclusionProof,
  planLeafHashes,
  planRoot,
  rootFromHashes,
  type TileReader,
  treeRoot,
} from "../../src/ledger/proofs.ts";
import { TILE_HEIGHT, type Tile, type TileId } from "../../src/ledger/tiles.ts";
import { TreeBuilder } from "../../src/ledger/tree-builder.ts";
import { consistencyProofRanges, inclusionProofRanges, isAlignedRange } from "../../src/ledger/tree-math.ts";
import { verifyConsistency, verifyInclusion } from "../../src/ledger/verify-proofs.ts";
import { flipBit, MemoryTileStore, ReferenceTree, syntheticLeafHashes } from "./reference-tree.ts";

// Past the first full level-1 tile (65,536 leaves), so every proof shape of a three-level tiled tree
// occurs: full and partial tiles on levels 0 and 1, and a level-2 tile.
const BIG = 65_536 + 3 * 256 + 37;
const leaves = syntheticLeafHashes(0, BIG);
const reference = new ReferenceTree(leaves);
const store = new MemoryTileStore();
const exactStore = new MemoryTileStore({ exactWidths: true });
/** roots[n]: root of the first n leaves, from appending one leaf at a time. */
const roots: Buffer[] = [];

beforeAll(() => {
  const oneBatch = new TreeBuilder().append(leaves);
  store.write(oneBatch.tiles);
  exactStore.write(oneBatch.tiles);
  const builder = new TreeBuilder();
  roots.push(builder.root);
  for (const leaf of leaves) roots.push(builder.append([leaf]).root);
  expect(roots[BIG]).toEqual(oneBatch.root);
});

/** Sizes that stress tile boundaries: around 256, 512, 65,536 and the end, plus anything. */
const sizeNear = (max: number) =>
  fc.oneof(
    fc.integer({ min: 1, max }),
    fc
      .constantFrom(1, 2, 255, 256, 257, 511, 512, 513, 65_535, 65_536, 65_537, 65_536 + 256, max)
      .chain((n) => fc.integer({ min: Math.max(1, n - 2), max: Math.min(max, n + 2) })),
  );

const sizePair = fc.tuple(sizeNear(BIG), sizeNear(BIG)).map(([a, b]): [number, number] => (a <= b ? [a, b] : [b, a]));

describe("proofs from tiles", () => {
  it("the root of every kind of size read from tiles is the naive root", async () => {
    for (const size of [0, 1, 2, 3, 255, 256, 257, 511, 512, 513, 65_535, 65_536, 65_537, BIG]) {
      expect(await treeRoot(store, size)).toEqual(size === 0 ? roots[0] : reference.root(size));
      expect(await treeRoot(exactStore, size)).toEqual(roots[size]);
    }
  });

  it("every inclusion proof of small trees equals RFC 9162 PATH and verifies", async () => {
    for (const size of [...Array.from({ length: 70 }, (_, i) => i + 1), 255, 256, 257]) {
      for (let index = 0; index < size; index++) {
        const proof = await inclusionProof(exactStore, index, size);
        expect(proof).toEqual(reference.inclusionProof(index, size));
        expect(verifyInclusion(leaves[index] as Buffer, index, size, proof, roots[size] as Buffer)).toEqual({
          ok: true,
        });
      }
    }
  });

  it("every consistency proof between small trees equals RFC 9162 PROOF and verifies", async () => {
    for (let size2 = 1; size2 <= 40; size2++) {
      for (let size1 = 1; size1 <= size2; size1++) {
        const proof = await consistencyProof(exactStore, size1, size2);
        expect(proof).toEqual(reference.consistencyProof(size1, size2));
        const verdict = verifyConsistency(size1, size2, proof, roots[size1] as Buffer, roots[size2] as Buffer);
        expect(verdict).toEqual({ ok: true });
      }
    }
  });

  it("inclusion proofs at any size verify, match the definition, and fail with any flipped byte", async () => {
    await fc.assert(
      fc.asyncProperty(
        sizeNear(BIG).chain((size) => fc.tuple(fc.constant(size), fc.integer({ min: 0, max: size - 1 }))),
        fc.nat(),
        fc.nat({ max: HASH_SIZE - 1 }),
        fc.nat({ max: 7 }),
        fc.boolean(),
        async ([size, index], pick, byte, bit, exact) => {
          const proof = await inclusionProof(exact ? exactStore : store, index, size);
          const leaf = leaves[index] as Buffer;
          const root = roots[size] as Buffer;
          expect(proof).toEqual(reference.inclusionProof(index, size));
          expect(verifyInclusion(leaf, index, size, proof, root).ok).toBe(true);
          expect(verifyInclusion(flipBit(leaf, byte, bit), index, size, proof, root).ok).toBe(false);
          expect(verifyInclusion(leaf, index, size, proof, flipBit(root, byte, bit)).ok).toBe(false);
          if (proof.length > 0) {
            const at = pick % proof.length;
            const bad = proof.map((hash, i) => (i === at ? flipBit(hash, byte, bit) : hash));
            expect(verifyInclusion(leaf, index, size, bad, root).ok).toBe(false);
            expect(verifyInclusion(leaf, index, size, proof.slice(1), root).ok).toBe(false);
          }
          expect(verifyInclusion(leaf, index, size, [...proof, leaf], root).ok).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("consistency proofs between any two sizes verify, match the definition, and fail with any flipped byte", async () => {
    await fc.assert(
      fc.asyncProperty(
        sizePair,
        fc.nat(),
        fc.nat({ max: HASH_SIZE - 1 }),
        fc.nat({ max: 7 }),
        fc.boolean(),
        async ([size1, size2], pick, byte, bit, exact) => {
          const proof = await consistencyProof(exact ? exactStore : store, size1, size2);
          const root1 = roots[size1] as Buffer;
          const root2 = roots[size2] as Buffer;
          expect(proof).toEqual(reference.consistencyProof(size1, size2));
          expect(verifyConsistency(size1, size2, proof, root1, root2).ok).toBe(true);
          expect(verifyConsistency(size1, size2, proof, flipBit(root1, byte, bit), root2).ok).toBe(false);
          expect(verifyConsistency(size1, size2, proof, root1, flipBit(root2, byte, bit)).ok).toBe(false);
          if (proof.length > 0) {
            const at = pick % proof.length;
            const bad = proof.map((hash, i) => (i === at ? flipBit(hash, byte, bit) : hash));
            expect(verifyConsistency(size1, size2, bad, root1, root2).ok).toBe(false);
            expect(verifyConsistency(size1, size2, proof.slice(0, -1), root1, root2).ok).toBe(false);
          }
          expect(verifyConsistency(size1, size2, [...proof, root1], root1, root2).ok).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("a proof is one read of at most two tiles per tile level, even at 10,000,000 leaves", async () => {
    const levels = (size: number) => Math.ceil(Math.log2(size + 1) / TILE_HEIGHT);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000_000 }), fc.nat(), fc.nat(), (size, a, b) => {
        const index = a % size;
        const size1 = 1 + (b % size);
        expect(planInclusionProof(index, size).tiles.length).toBeLessThanOrEqual(2 * levels(size));
        expect(planConsistencyProof(size1, size).tiles.length).toBeLessThanOrEqual(2 * levels(size));
        expect(planRoot(size).tiles.length).toBeLessThanOrEqual(levels(size));
      }),
    );
    const plan = planInclusionProof(1_234_567, 10_000_000);
    expect(plan.ranges.length).toBe(24); // ceil(log2(10^7)) hashes
    const reads = store.reads;
    await inclusionProof(store, 12_345, BIG);
    expect(store.reads).toBe(reads + 1);
    const keys = store.lastRequest.map((tile) => `${tile.level}/${tile.index}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("asks for each tile at its width in the proof's tree (partial tiles as a checkpoint of that size has them)", () => {
    expect(planRoot(70_000).tiles).toEqual([
      { level: 2, index: 0, width: 1 },
      { level: 1, index: 1, width: 17 },
      { level: 0, index: 273, width: 112 },
    ]);
    expect(planInclusionProof(0, 256).tiles).toEqual([{ level: 0, index: 0, width: 256 }]);
  });

  it("one read serves several plans merged, and leaf hashes can be read back", async () => {
    const size = 60_001;
    const inclusion = planInclusionProof(33_333, size);
    const root = planRoot(size);
    const hashes = await hashesFromReader(store, mergePlans([inclusion, root]));
    expect(hashes.slice(0, inclusion.ranges.length)).toEqual(reference.inclusionProof(33_333, size));
    expect(rootFromHashes(hashes.slice(inclusion.ranges.length))).toEqual(roots[size]);
    expect(await hashesFromReader(store, planLeafHashes(250, 260, size))).toEqual(leaves.slice(250, 260));
    expect(() => mergePlans([planRoot(5), planRoot(6)])).toThrow(LedgerError);
  });

  it("names the missing or broken tile", async () => {
    const plan = planInclusionProof(300, 1000);
    const error = (() => {
      try {
        hashesFromTiles(plan, []);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(LedgerError);
    expect(error).toMatchObject({ code: "tile-missing", details: { level: 0, index: 1 } });
    const narrow: Tile = { level: 0, index: 1, width: 1, hashes: Buffer.alloc(HASH_SIZE) };
    expect(() => hashesFromTiles(plan, [narrow])).toThrow(/Tile 0\/1 with at least/);
    const broken: Tile = { level: 0, index: 1, width: 1, hashes: Buffer.alloc(33) };
    expect(() => hashesFromTiles(plan, [broken])).toThrow(expect.objectContaining({ code: "tile-invalid" }));
  });

  it("refuses impossible proofs with coded errors", () => {
    expect(() => planInclusionProof(5, 5)).toThrow(expect.objectContaining({ code: "index-out-of-range" }));
    expect(() => planInclusionProof(-1, 5)).toThrow(expect.objectContaining({ code: "index-out-of-range" }));
    expect(() => planConsistencyProof(0, 5)).toThrow(expect.objectContaining({ code: "size-invalid" }));
    expect(() => planConsistencyProof(6, 5)).toThrow(expect.objectContaining({ code: "size-invalid" }));
    expect(() => planRoot(Number.NaN)).toThrow(expect.objectContaining({ code: "size-invalid" }));
    expect(() => planRoot(2 ** 53)).toThrow(expect.objectContaining({ code: "size-invalid" }));
    expect(planConsistencyProof(7, 7).ranges).toEqual([]);
  });
});

/**
 * A tree of 2^53 - 1 identical leaves cannot be stored, but every hash in it depends only on the size
 * of its subtree, so its tiles can be made up on the fly. It checks the arithmetic far beyond 32 bits
 * (JavaScript's bitwise operators would silently break there).
 */
describe("trees beyond 2^32 leaves", () => {
  const leaf = Buffer.alloc(HASH_SIZE, 0xab);
  const perfect: Buffer[] = [leaf]; // perfect[k]: hash of a complete subtree of 2^k leaves
  for (let k = 1; k <= 53; k++) perfect.push(nodeHash(perfect[k - 1] as Buffer, perfect[k - 1] as Buffer));
  const memo = new Map<number, Buffer>();
  /** MTH of n identical leaves, by the RFC's recursion. */
  const mth = (n: number): Buffer => {
    const known = memo.get(n);
    if (known) return known;
    let k = 1;
    let level = 0;
    while (k * 2 < n) {
      k *= 2;
      level++;
    }
    const hash =
      n === 1 ? leaf : k * 2 === n ? (perfect[level + 1] as Buffer) : nodeHash(perfect[level] as Buffer, mth(n - k));
    memo.set(n, hash);
    return hash;
  };
  const uniformTiles: TileReader = {
    async readTiles(ids: readonly TileId[]) {
      return ids.map((id) => ({
        ...id,
        hashes: Buffer.concat(Array.from({ length: id.width }, () => perfect[TILE_HEIGHT * id.level] as Buffer)),
      }));
    },
  };
  const huge = fc.integer({ min: 2 ** 32, max: Number.MAX_SAFE_INTEGER });

  it("proof ranges partition the tree and are aligned subtrees", () => {
    fc.assert(
      fc.property(huge, fc.nat(), (size, a) => {
        const index = a % size;
        const ranges = inclusionProofRanges(index, size);
        expect(ranges.every(isAlignedRange)).toBe(true);
        const sorted = [...ranges, { start: index, end: index + 1 }].sort((x, y) => x.start - y.start);
        expect(sorted[0]?.start).toBe(0);
        expect(sorted.at(-1)?.end).toBe(size);
        for (let i = 1; i < sorted.length; i++) expect(sorted[i]?.start).toBe(sorted[i - 1]?.end);
        expect(consistencyProofRanges(1 + (a % size), size).every(isAlignedRange)).toBe(true);
      }),
    );
  });

  it("proofs from tiles verify against the root of the whole tree", async () => {
    await fc.assert(
      fc.asyncProperty(huge, fc.nat(), fc.nat(), async (size, a, b) => {
        const index = a % size;
        const size1 = Math.max(1, size - (b % 2 ** 40));
        expect(await treeRoot(uniformTiles, size)).toEqual(mth(size));
        const inclusion = await inclusionProof(uniformTiles, index, size);
        expect(verifyInclusion(leaf, index, size, inclusion, mth(size)).ok).toBe(true);
        const consistency = await consistencyProof(uniformTiles, size1, size);
        expect(verifyConsistency(size1, size, consistency, mth(size1), mth(size)).ok).toBe(true);
        expect(verifyConsistency(size1, size, consistency, mth(size1 + 1), mth(size)).ok).toBe(false);
      }),
      { numRuns: 200 },
    );
  });
});
