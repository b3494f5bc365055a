/**
 * Sequencing: appending a batch of leaf hashes to the tree and producing exactly the tiles
 * (c2sp.org/tlog-tiles, height 8) the batch created or changed, plus the new size and root.
 *
 * The whole state of a tree is its size and its partial tiles (at most one per tile level, each under
 * 256 hashes): every leaf lies under a hash of some partial tile, because a full tile is one hash of the
 * tile level above and the top level never holds 256 hashes. So the root and all later appends need only
 * those tiles, and memory is O(batch + log n): a store keeps the size and the tiles, reads the partial
 * tiles back (`partialTileIds(size)`) to resume, and never loads the tree.
 *
 * Cost: each leaf hash enters a level-0 tile once; each full tile costs its 255 inner node hashes once,
 * when it fills; the root costs at most 254 hashes per tile level per batch.
 */
import { LedgerError } from "./errors.ts";
import { emptyTreeRoot, HASH_SIZE, nodeHash, perfectTreeHash } from "./hashes.ts";
import { tilePath } from "./tile-paths.ts";
import {
  assertTileBytes,
  assertTreeSize,
  FULL_TILE_BYTES,
  hashesAtTileLevel,
  partialTileIds,
  powerOfTwo,
  TILE_HEIGHT,
  TILE_WIDTH,
  type Tile,
} from "./tiles.ts";

/** A tree as a sequencer keeps it: its size and its partial tiles, lowest level first. */
export interface TreeState {
  readonly size: number;
  /** The tiles of `partialTileIds(size)`, each exactly of the width listed there. */
  readonly partialTiles: readonly Tile[];
}

/** A tile to store, with its c2sp.org/tlog-tiles path. Full tiles are final; partial ones grow. */
export interface TileWrite extends Tile {
  readonly path: string;
}

export interface AppendResult {
  /** Index of the first leaf of the batch (the size before it). */
  readonly firstIndex: number;
  /** Tree size after the batch. */
  readonly size: number;
  /** Root of the tree after the batch. */
  readonly root: Buffer;
  /**
   * Every tile the batch created or changed, lowest level first, then by index: full tiles, and the
   * partial tile of each level that received hashes. Tile bytes may share memory with each other.
   */
  readonly tiles: readonly TileWrite[];
  /** The state to append the next batch to. */
  readonly state: TreeState;
}

/** The state of the tree with no leaves. */
export const EMPTY_TREE_STATE: TreeState = Object.freeze({ size: 0, partialTiles: Object.freeze([]) });

/**
 * The state of a stored tree from its size and its partial tiles as read back (any order; other tiles
 * are ignored; a wider version of a partial tile is cut to the width the size implies, since tile hashes
 * never change). Throws `tree-state-invalid` when a partial tile is missing or too narrow.
 */
export function treeStateFromTiles(size: number, tiles: Iterable<Tile>): TreeState {
  assertTreeSize(size);
  const available = new Map<string, Tile>();
  for (const tile of tiles) {
    assertTileBytes(tile.hashes, tile.level, tile.index);
    available.set(`${tile.level}/${tile.index}`, tile);
  }
  const partialTiles = partialTileIds(size).map((id) => {
    const tile = available.get(`${id.level}/${id.index}`);
    if (!tile || tile.hashes.length < id.width * HASH_SIZE) {
      throw new LedgerError(
        "tree-state-invalid",
        `A tree of ${size} leaves needs tile ${id.level}/${id.index} with ${id.width} hashes, but ${tile ? `it has ${tile.hashes.length / HASH_SIZE}` : "it was not given"}.`,
        { size, level: id.level, index: id.index, width: id.width },
      );
    }
    return { level: id.level, index: id.index, width: id.width, hashes: copy(tile.hashes, id.width) };
  });
  return { size, partialTiles };
}

/** The root of the tree a state describes. */
export function rootOfTreeState(state: TreeState): Buffer {
  return rootFromChunks(edgeChunks(state));
}

/**
 * The complete subtrees along the right edge of a state's tree, per partial tile (same order as
 * `partialTiles`): inside each partial tile, the chunks of its width's binary decomposition, largest
 * first. Their right-fold, from the highest tile level down, is the root.
 *
 * They are cached per state object (a WeakMap, so the state stays plain data): the next append reuses
 * the chunks a growing partial tile keeps, and sequencing in small batches does not rehash the partial
 * tiles for every root.
 */
const chunkCache = new WeakMap<TreeState, readonly (readonly Buffer[])[]>();

function edgeChunks(state: TreeState): readonly (readonly Buffer[])[] {
  let chunks = chunkCache.get(state);
  if (!chunks) {
    chunks = state.partialTiles.map((tile) => tileChunks(tile, undefined));
    chunkCache.set(state, chunks);
  }
  return chunks;
}

/**
 * The chunk hashes of a partial tile. `previous` is the same tile at an earlier, smaller width: the
 * chunks of the bits both widths share above the first bit where they differ are the same subtrees.
 */
function tileChunks(tile: Tile, previous: { width: number; chunks: readonly Buffer[] } | undefined): Buffer[] {
  const chunks: Buffer[] = [];
  let offset = 0;
  let reusing = previous !== undefined;
  let previousIndex = 0;
  for (let bit = TILE_HEIGHT - 1; bit >= 0; bit--) {
    const count = powerOfTwo(bit);
    const inNew = Math.floor(tile.width / count) % 2 === 1;
    const inOld = previous !== undefined && Math.floor(previous.width / count) % 2 === 1;
    if (inNew !== inOld) reusing = false;
    if (inNew) {
      const reused = reusing ? previous?.chunks[previousIndex] : undefined;
      chunks.push(reused ?? perfectTreeHash(tile.hashes, offset, count));
      offset += count;
    }
    if (inOld) previousIndex++;
  }
  return chunks;
}

function rootFromChunks(chunksPerTile: readonly (readonly Buffer[])[]): Buffer {
  let root: Buffer | undefined;
  // Right-fold: start from the smallest subtree (lowest tile level, last chunk) and go left.
  for (const chunks of chunksPerTile) {
    for (let i = chunks.length - 1; i >= 0; i--) {
      const chunk = chunks[i] as Buffer;
      root = root === undefined ? chunk : nodeHash(chunk, root);
    }
  }
  return root === undefined ? emptyTreeRoot() : Buffer.from(root);
}

/**
 * Appends leaf hashes (an array of 32-byte hashes, or one buffer of them packed) to the tree of `state`.
 * Pure: `state` is not changed; the result carries the next state.
 */
export function appendLeafHashes(state: TreeState, leafHashes: readonly Uint8Array[] | Uint8Array): AppendResult {
  assertState(state);
  const count = countLeaves(leafHashes);
  if (count === 0) {
    return { firstIndex: state.size, size: state.size, root: rootOfTreeState(state), tiles: [], state };
  }
  const newSize = state.size + count;
  assertTreeSize(newSize, "new tree size");
  const oldPartials = new Map(state.partialTiles.map((tile) => [tile.level, tile]));
  const oldChunkList = edgeChunks(state);
  const oldChunks = new Map(state.partialTiles.map((tile, i) => [tile.level, oldChunkList[i] as readonly Buffer[]]));
  const tiles: TileWrite[] = [];
  const partialTiles: Tile[] = [];
  const chunks: (readonly Buffer[])[] = [];

  // Hashes arriving at the current tile level: the leaf hashes at level 0, then the hash of each tile
  // that filled up on the level below.
  let incoming: Uint8Array | readonly Uint8Array[] = leafHashes;
  let incomingCount = count;
  let level = 0;
  for (; incomingCount > 0; level++) {
    const old = oldPartials.get(level);
    const oldWidth = old?.width ?? 0;
    const total = oldWidth + incomingCount;
    // One buffer per level: the old partial tile's hashes followed by the new ones. Tiles are views of it.
    const levelHashes = Buffer.allocUnsafe(total * HASH_SIZE);
    if (old) levelHashes.set(old.hashes.subarray(0, oldWidth * HASH_SIZE), 0);
    copyHashesInto(incoming, levelHashes, oldWidth * HASH_SIZE);

    const firstTile = Math.floor(hashesAtTileLevel(state.size, level) / TILE_WIDTH);
    const fullTiles = Math.floor(total / TILE_WIDTH);
    const upward = Buffer.allocUnsafe(fullTiles * HASH_SIZE);
    for (let t = 0; t * TILE_WIDTH < total; t++) {
      const width = Math.min(TILE_WIDTH, total - t * TILE_WIDTH);
      const hashes = levelHashes.subarray(t * FULL_TILE_BYTES, t * FULL_TILE_BYTES + width * HASH_SIZE);
      const id = { level, index: firstTile + t, width };
      tiles.push({ ...id, hashes, path: tilePath(id) });
      if (width === TILE_WIDTH) {
        upward.set(perfectTreeHash(levelHashes, t * TILE_WIDTH, TILE_WIDTH), t * HASH_SIZE);
      } else {
        // The state keeps its own copy, so it does not pin the whole batch in memory.
        const tile = { ...id, hashes: copy(hashes, width) };
        partialTiles.push(tile);
        // Still the old partial tile (no tile filled on this level): its leading chunks carry over.
        const previous = old && fullTiles === 0 ? { width: oldWidth, chunks: oldChunks.get(level) ?? [] } : undefined;
        chunks.push(tileChunks(tile, previous && previous.chunks.length > 0 ? previous : undefined));
      }
    }
    incoming = upward;
    incomingCount = fullTiles;
  }
  // Levels the batch did not reach keep their partial tiles (and their chunks).
  state.partialTiles.forEach((tile, i) => {
    if (tile.level < level) return;
    partialTiles.push(tile);
    chunks.push(oldChunkList[i] as readonly Buffer[]);
  });
  const next: TreeState = { size: newSize, partialTiles };
  chunkCache.set(next, chunks);
  return { firstIndex: state.size, size: newSize, root: rootFromChunks(chunks), tiles, state: next };
}

/**
 * A sequencer's in-memory view of one tree: `appendLeafHashes` with the state kept between batches. If a
 * batch's tiles fail to persist, discard the builder and resume from what the store holds.
 */
export class TreeBuilder {
  #state: TreeState;
  #root: Buffer | undefined;

  constructor(state: TreeState = EMPTY_TREE_STATE) {
    assertState(state);
    this.#state = state;
  }

  get size(): number {
    return this.#state.size;
  }

  get state(): TreeState {
    return this.#state;
  }

  /** The current root (computed once per state). */
  get root(): Buffer {
    this.#root ??= rootOfTreeState(this.#state);
    return Buffer.from(this.#root);
  }

  append(leafHashes: readonly Uint8Array[] | Uint8Array): AppendResult {
    const result = appendLeafHashes(this.#state, leafHashes);
    this.#state = result.state;
    this.#root = result.root;
    return result;
  }
}

function countLeaves(leafHashes: readonly Uint8Array[] | Uint8Array): number {
  if (leafHashes instanceof Uint8Array) {
    if (leafHashes.length % HASH_SIZE !== 0) {
      throw new LedgerError(
        "hash-invalid",
        `Packed leaf hashes must be a multiple of ${HASH_SIZE} bytes, not ${leafHashes.length}.`,
      );
    }
    return leafHashes.length / HASH_SIZE;
  }
  leafHashes.forEach((hash, i) => {
    if (!(hash instanceof Uint8Array) || hash.length !== HASH_SIZE) {
      throw new LedgerError("hash-invalid", `Leaf hash ${i} of the batch is not ${HASH_SIZE} bytes.`, { position: i });
    }
  });
  return leafHashes.length;
}

function copyHashesInto(hashes: readonly Uint8Array[] | Uint8Array, target: Buffer, offset: number): void {
  if (hashes instanceof Uint8Array) {
    target.set(hashes, offset);
    return;
  }
  let position = offset;
  for (const hash of hashes) {
    target.set(hash, position);
    position += HASH_SIZE;
  }
}

/** Throws unless the state's partial tiles are exactly those its size implies. */
function assertState(state: TreeState): void {
  assertTreeSize(state.size);
  const expected = partialTileIds(state.size);
  const ok =
    expected.length === state.partialTiles.length &&
    expected.every((id, i) => {
      const tile = state.partialTiles[i];
      return (
        tile !== undefined &&
        tile.level === id.level &&
        tile.index === id.index &&
        tile.width === id.width &&
        tile.hashes.length === id.width * HASH_SIZE
      );
    });
  if (!ok) {
    throw new LedgerError(
      "tree-state-invalid",
      `The tree state does not hold exactly the partial tiles of a tree of ${state.size} leaves (build it with treeStateFromTiles).`,
      { size: state.size },
    );
  }
}

function copy(hashes: Uint8Array, width: number): Buffer {
  return Buffer.from(hashes.subarray(0, width * HASH_SIZE));
}
