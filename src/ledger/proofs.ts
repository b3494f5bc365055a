/**
 * Inclusion proofs, consistency proofs and roots, computed from stored tiles (c2sp.org/tlog-tiles,
 * height 8) in two steps so a store can fetch everything in ONE query:
 *
 *   const plan = planInclusionProof(index, size);   // pure: which tiles, at which width
 *   const tiles = await store.readTiles(plan.tiles); // the caller's I/O (SQL, HTTP, files)
 *   const proof = hashesFromTiles(plan, tiles);      // pure: the proof's hashes
 *
 * (`inclusionProof(reader, index, size)` and friends do the three steps with a `TileReader`.)
 *
 * A proof element is the hash of an aligned leaf range (see tree-math.ts), i.e. a right-fold of complete
 * subtrees. A complete subtree at tree level 8L + s is recomputed from 2^s consecutive hashes of one
 * tile at tile level L. An inclusion or consistency proof needs at most two tiles per tile level (the
 * leaf's path and the right edge), so a proof in a tree of 10,000,000 leaves reads at most 6 tiles and
 * costs at most about 255 SHA-256 computations per tile, whatever the size of the log.
 */
import { LedgerError } from "./errors.ts";
import { emptyTreeRoot, HASH_SIZE, nodeHash, perfectTreeHash } from "./hashes.ts";
import {
  assertTileBytes,
  assertTreeSize,
  powerOfTwo,
  TILE_HEIGHT,
  TILE_WIDTH,
  type Tile,
  type TileId,
  tileKey,
  tileWidthAt,
} from "./tiles.ts";
import {
  consistencyProofRanges,
  inclusionProofRanges,
  type NodeId,
  rangeNodes,
  type SubtreeRange,
} from "./tree-math.ts";

/** What to read and compute for a list of hashes in the tree of `treeSize` leaves. */
export interface HashPlan {
  readonly treeSize: number;
  /** Each hash to produce is MTH(D[start:end]) of one of these ranges, in this order. */
  readonly ranges: readonly SubtreeRange[];
  /** The tiles holding every stored hash needed, each with its width in the tree of `treeSize`. */
  readonly tiles: readonly TileId[];
}

/**
 * The port to stored tiles. It returns the tiles asked for, in any order. A tile may come back wider
 * than asked (a later partial version, or the full tile): tile hashes never change once written, so
 * only the first hashes are used. A tile that is not stored is simply left out; computing from the
 * tiles then fails with `tile-missing`.
 */
export interface TileReader {
  readTiles(tiles: readonly TileId[]): Promise<Iterable<Tile>>;
}

/** The plan of the inclusion proof of leaf `index` in the tree of `size` leaves (RFC 9162 §2.1.3.1). */
export function planInclusionProof(index: number, size: number): HashPlan {
  return planRanges(inclusionProofRanges(index, size), size);
}

/** The plan of the consistency proof from size1 to size2 (RFC 9162 §2.1.4.1); needs 0 < size1 <= size2. */
export function planConsistencyProof(size1: number, size2: number): HashPlan {
  return planRanges(consistencyProofRanges(size1, size2), size2);
}

/** The plan of the root of the tree of `size` leaves: one range, or none for the empty tree. */
export function planRoot(size: number): HashPlan {
  assertTreeSize(size);
  return planRanges(size === 0 ? [] : [{ start: 0, end: size }], size);
}

/** The plan of the leaf hashes of leaves [start, end) of the tree of `size` leaves (e.g. to serve them). */
export function planLeafHashes(start: number, end: number, size: number): HashPlan {
  assertTreeSize(size);
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || start > end || end > size) {
    throw new LedgerError("index-out-of-range", `Leaves [${start}, ${end}) are not in a tree of ${size} leaves.`);
  }
  const ranges: SubtreeRange[] = [];
  for (let index = start; index < end; index++) ranges.push({ start: index, end: index + 1 });
  return planRanges(ranges, size);
}

/**
 * Several plans on the same tree merged into one, so one read serves them all (e.g. an inclusion proof
 * and the root it proves into). The hashes of the merged plan are the plans' hashes, concatenated.
 */
export function mergePlans(plans: readonly HashPlan[]): HashPlan {
  const [first] = plans;
  if (!first) throw new LedgerError("invalid-argument", "There are no plans to merge.");
  if (plans.some((plan) => plan.treeSize !== first.treeSize)) {
    throw new LedgerError("invalid-argument", "Only plans on the same tree size can be merged.");
  }
  return planRanges(
    plans.flatMap((plan) => plan.ranges),
    first.treeSize,
  );
}

/**
 * A memo of complete subtrees' hashes shared between proofs (such a hash never changes once its last
 * leaf exists). The caller bounds its size. Only subtrees above the leaf tiles (tile level 1 and up)
 * are memoised: every proof crosses them, while a leaf tile is rarely read twice.
 */
export interface NodeMemo {
  get(key: string): Buffer | undefined;
  set(key: string, hash: Buffer): void;
}

/**
 * Computes a plan's hashes from the tiles read for it. Throws `tile-missing` when a needed tile is not
 * among `tiles` (or is narrower than needed) and `tile-invalid` when one is not a whole number of hashes.
 * With `memo`, subtree hashes of upper tiles computed before are reused (a proof then hashes little more
 * than its leaf tile's part).
 */
export function hashesFromTiles(plan: HashPlan, tiles: Iterable<Tile>, memo?: NodeMemo): Buffer[] {
  const byKey = new Map<string, Tile>();
  for (const tile of tiles) {
    assertTileBytes(tile.hashes, tile.level, tile.index);
    const key = tileKey(tile.level, tile.index);
    const known = byKey.get(key);
    if (!known || known.hashes.length < tile.hashes.length) byKey.set(key, tile);
  }
  return plan.ranges.map((range) => {
    const nodes = rangeNodes(range);
    let hash = nodeFromTiles(nodes[nodes.length - 1] as NodeId, byKey, memo);
    for (let i = nodes.length - 2; i >= 0; i--) hash = nodeHash(nodeFromTiles(nodes[i] as NodeId, byKey, memo), hash);
    // A memoised hash is shared: the caller gets its own copy.
    return nodes.length === 1 && memo ? Buffer.from(hash) : hash;
  });
}

/** Reads a plan's tiles through `reader` and computes its hashes. */
export async function hashesFromReader(reader: TileReader, plan: HashPlan): Promise<Buffer[]> {
  if (plan.tiles.length === 0) return hashesFromTiles(plan, []);
  return hashesFromTiles(plan, await reader.readTiles(plan.tiles));
}

/** The inclusion proof of leaf `index` in the tree of `size` leaves, read from stored tiles. */
export function inclusionProof(reader: TileReader, index: number, size: number): Promise<Buffer[]> {
  return hashesFromReader(reader, planInclusionProof(index, size));
}

/** The consistency proof from size1 to size2 (0 < size1 <= size2), read from stored tiles. */
export function consistencyProof(reader: TileReader, size1: number, size2: number): Promise<Buffer[]> {
  return hashesFromReader(reader, planConsistencyProof(size1, size2));
}

/** The root of the tree of `size` leaves, from its partial tiles (the empty tree's root for size 0). */
export async function treeRoot(reader: TileReader, size: number): Promise<Buffer> {
  return rootFromHashes(await hashesFromReader(reader, planRoot(size)));
}

/** The root from the hashes of `planRoot`: the single hash, or the empty tree's root. */
export function rootFromHashes(hashes: readonly Buffer[]): Buffer {
  return hashes[0] ?? emptyTreeRoot();
}

/** Where a complete subtree's hash lives: a tile, and the span of that tile's hashes to fold. */
interface NodeLocation {
  level: number;
  index: number;
  offset: number;
  count: number;
}

function locate(node: NodeId): NodeLocation {
  const level = Math.floor(node.level / TILE_HEIGHT);
  const count = powerOfTwo(node.level - level * TILE_HEIGHT);
  const first = node.index * count; // index of its first hash at tree level 8 * level
  return { level, index: Math.floor(first / TILE_WIDTH), offset: first % TILE_WIDTH, count };
}

function planRanges(ranges: readonly SubtreeRange[], treeSize: number): HashPlan {
  const tiles = new Map<string, TileId>();
  for (const range of ranges) {
    for (const node of rangeNodes(range)) {
      const { level, index } = locate(node);
      const key = tileKey(level, index);
      if (!tiles.has(key)) tiles.set(key, { level, index, width: tileWidthAt(level, index, treeSize) });
    }
  }
  return { treeSize, ranges, tiles: [...tiles.values()] };
}

function nodeFromTiles(node: NodeId, tiles: ReadonlyMap<string, Tile>, memo?: NodeMemo): Buffer {
  const where = locate(node);
  const key = memo && where.level >= 1 ? `${node.level}/${node.index}` : undefined;
  if (key !== undefined) {
    const known = memo?.get(key);
    if (known) return known;
  }
  const tile = tiles.get(tileKey(where.level, where.index));
  const needed = where.offset + where.count;
  if (!tile || tile.hashes.length < needed * HASH_SIZE) {
    throw new LedgerError(
      "tile-missing",
      `Tile ${where.level}/${where.index} with at least ${needed} hashes is needed but was not ${tile ? "complete" : "read"}.`,
      { level: where.level, index: where.index, width: needed },
    );
  }
  const hash = perfectTreeHash(tile.hashes, where.offset, where.count);
  if (key !== undefined) memo?.set(key, hash);
  return hash;
}
