/**
 * Tile geometry of c2sp.org/tlog-tiles@v1 with tile height 8 (256 hashes per full tile).
 *
 * A tile at tile level L stores the hashes of ONE tree level, 8L: hash i of tile (L, N) is the Merkle
 * Tree Hash of the complete subtree of 256^L leaves starting at leaf (N*256 + i) * 256^L. The tree levels
 * 8L+1 .. 8L+7 are not stored anywhere; they are recomputed by hashing the tile's hashes together (at
 * most 255 node hashes per tile). A level-L tile becomes one hash of the level-(L+1) tile once it is
 * full; a partial tile (1..255 hashes) is never hashed into the level above.
 *
 * Everything here is arithmetic on sizes. Sizes are JavaScript numbers (safe integers up to 2^53 - 1):
 * shifts are written as multiplication and division by powers of two, because the bitwise operators of
 * JavaScript truncate to 32 bits and a log passes 2^32 entries long before it passes 2^53.
 */
import { LedgerError } from "./errors.ts";
import { HASH_SIZE } from "./hashes.ts";

/** Tree levels per tile. */
export const TILE_HEIGHT = 8;
/** Hashes in a full tile (2^TILE_HEIGHT). */
export const TILE_WIDTH = 256;
/** Bytes of a full tile. */
export const FULL_TILE_BYTES = TILE_WIDTH * HASH_SIZE;

/** A tile of the tree: its tile level, its index within the level, and how many hashes it holds. */
export interface TileId {
  /** Tile level L: the tile stores hashes of tree level 8L (0 = leaf hashes). */
  readonly level: number;
  /** Index N of the tile within its level. */
  readonly index: number;
  /** Number of hashes, 1..256; 256 is a full tile, anything less a partial one. */
  readonly width: number;
}

/** A tile with its content: `width` concatenated 32-byte hashes. */
export interface Tile extends TileId {
  readonly hashes: Uint8Array;
}

/** 2^exponent as an exact number (exponent up to 53). */
export function powerOfTwo(exponent: number): number {
  return 2 ** exponent;
}

/** Throws unless `size` is a usable tree size: a safe integer >= 0. */
export function assertTreeSize(size: number, what = "tree size"): void {
  if (!Number.isSafeInteger(size) || size < 0) {
    throw new LedgerError("size-invalid", `The ${what} must be a whole number from 0 to 2^53 - 1, not ${size}.`);
  }
}

/** How many hashes of tree level `treeLevel` (complete subtrees of 2^treeLevel leaves) a tree of `size` has. */
export function completeNodesAtLevel(size: number, treeLevel: number): number {
  // Exact: dividing a safe integer by a power of two and flooring loses nothing.
  return Math.floor(size / powerOfTwo(treeLevel));
}

/** How many hashes tile level `level` holds in a tree of `size` leaves (full and partial tiles together). */
export function hashesAtTileLevel(size: number, level: number): number {
  return completeNodesAtLevel(size, TILE_HEIGHT * level);
}

/** The width tile (level, index) has in a tree of `size` leaves: 256 if full, 1..255 if partial, 0 if absent. */
export function tileWidthAt(level: number, index: number, size: number): number {
  const hashes = hashesAtTileLevel(size, level);
  return Math.max(0, Math.min(TILE_WIDTH, hashes - index * TILE_WIDTH));
}

/**
 * The partial tiles of a tree of `size` leaves: at each tile level, the rightmost tile if it holds
 * 1..255 hashes. Their hashes are all a sequencer needs to append further leaves and to compute the
 * root (the "right edge" of the tree), and exactly what a reader needs for `planRoot(size)`.
 */
export function partialTileIds(size: number): TileId[] {
  assertTreeSize(size);
  const tiles: TileId[] = [];
  for (let level = 0; hashesAtTileLevel(size, level) > 0; level++) {
    const hashes = hashesAtTileLevel(size, level);
    const width = hashes % TILE_WIDTH;
    if (width > 0) tiles.push({ level, index: Math.floor(hashes / TILE_WIDTH), width });
  }
  return tiles;
}

/** The key the tile code uses for a tile in maps: "level/index". Widths differ between versions of a tile. */
export function tileKey(level: number, index: number): string {
  return `${level}/${index}`;
}

/** Throws unless `hashes` is a whole number of 32-byte hashes, at most a full tile. */
export function assertTileBytes(hashes: Uint8Array, level: number, index: number): void {
  if (hashes.length === 0 || hashes.length % HASH_SIZE !== 0 || hashes.length > FULL_TILE_BYTES) {
    throw new LedgerError(
      "tile-invalid",
      `Tile ${level}/${index} has ${hashes.length} bytes; a tile is 1 to 256 hashes of 32 bytes.`,
      { level, index, bytes: hashes.length },
    );
  }
}
