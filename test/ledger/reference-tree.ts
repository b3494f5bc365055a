/**
 * Test helpers for the ledger: an independent, deliberately naive RFC 9162 Merkle tree over an array of
 * leaf hashes (the definitions of §2.1 written as recursion, nothing shared with src/ledger but the two
 * hash functions), synthetic leaves, and in-memory tile stores playing the role of the database.
 */
import { join } from "node:path";
import { emptyTreeRoot, HASH_SIZE, leafHash, nodeHash } from "../../src/ledger/hashes.ts";
import type { TileReader } from "../../src/ledger/proofs.ts";
import type { Tile, TileId } from "../../src/ledger/tiles.ts";
import { standardsDir } from "../support/standards.ts";

/** The transparency-log folder of the shared standards (fails with a clear message when missing). */
export function transparencyLogDir(): string {
  return join(standardsDir(), "transparency-log");
}

/** The leaf hash of synthetic leaf i: deterministic, distinct, cheap. */
export function syntheticLeafHash(i: number): Buffer {
  return leafHash(Buffer.from(`credit-bank synthetic leaf ${i}`));
}

/** Synthetic leaf hashes [from, to). */
export function syntheticLeafHashes(from: number, to: number): Buffer[] {
  const hashes: Buffer[] = [];
  for (let i = from; i < to; i++) hashes.push(syntheticLeafHash(i));
  return hashes;
}

/** The naive tree: MTH, PATH and PROOF of RFC 9162 §2.1 by their recursive definitions, memoised. */
export class ReferenceTree {
  readonly #memo = new Map<string, Buffer>();
  constructor(readonly leaves: readonly Buffer[]) {}

  /** MTH(D[start:end]). */
  mth(start: number, end: number): Buffer {
    const n = end - start;
    if (n === 1) return this.leaves[start] as Buffer;
    const key = `${start}:${end}`;
    const known = this.#memo.get(key);
    if (known) return known;
    const k = largestPowerOfTwoBelow(n);
    const hash = nodeHash(this.mth(start, start + k), this.mth(start + k, end));
    this.#memo.set(key, hash);
    return hash;
  }

  /** MTH(D[0:size]); the hash of the empty string for size 0. */
  root(size: number): Buffer {
    return size === 0 ? emptyTreeRoot() : this.mth(0, size);
  }

  /** PATH(m, D[start:end]) with m relative to start. */
  path(m: number, start: number, end: number): Buffer[] {
    const n = end - start;
    if (n === 1) return [];
    const k = largestPowerOfTwoBelow(n);
    return m < k
      ? [...this.path(m, start, start + k), this.mth(start + k, end)]
      : [...this.path(m - k, start + k, end), this.mth(start, start + k)];
  }

  inclusionProof(index: number, size: number): Buffer[] {
    return this.path(index, 0, size);
  }

  /** SUBPROOF(m, D[start:end], b). */
  subproof(m: number, start: number, end: number, b: boolean): Buffer[] {
    const n = end - start;
    if (m === n) return b ? [] : [this.mth(start, end)];
    const k = largestPowerOfTwoBelow(n);
    return m <= k
      ? [...this.subproof(m, start, start + k, b), this.mth(start + k, end)]
      : [...this.subproof(m - k, start + k, end, false), this.mth(start, start + k)];
  }

  consistencyProof(size1: number, size2: number): Buffer[] {
    return this.subproof(size1, 0, size2, true);
  }
}

function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/**
 * A tile store in memory, like the database table: one row per tile (level, index), overwritten by
 * wider versions. `exactWidths` makes it answer with exactly the width asked, like a static HTTP server.
 */
export class MemoryTileStore implements TileReader {
  readonly tiles = new Map<string, Tile>();
  reads = 0;
  lastRequest: readonly TileId[] = [];

  constructor(readonly options: { exactWidths?: boolean } = {}) {}

  write(tiles: Iterable<Tile>): void {
    for (const tile of tiles) {
      const key = `${tile.level}/${tile.index}`;
      const known = this.tiles.get(key);
      if (!known || known.width <= tile.width) this.tiles.set(key, { ...tile, hashes: Buffer.from(tile.hashes) });
    }
  }

  async readTiles(ids: readonly TileId[]): Promise<Tile[]> {
    this.reads++;
    this.lastRequest = ids;
    const found: Tile[] = [];
    for (const id of ids) {
      const tile = this.tiles.get(`${id.level}/${id.index}`);
      if (!tile) continue;
      if (!this.options.exactWidths) found.push(tile);
      else if (tile.width >= id.width) {
        found.push({ ...id, hashes: tile.hashes.subarray(0, id.width * HASH_SIZE) });
      }
    }
    return found;
  }
}

/** A copy of `bytes` with one bit of byte `position` flipped. */
export function flipBit(bytes: Uint8Array, position: number, bit = 0): Buffer {
  const copy = Buffer.from(bytes);
  copy[position] = (copy[position] as number) ^ (1 << bit);
  return copy;
}
