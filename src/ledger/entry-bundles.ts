/**
 * Entry bundles of c2sp.org/tlog-tiles@v1 (`tile/entries/<N>[.p/<W>]`): the log's entries, 256 per full
 * bundle, each as a big-endian uint16 length followed by the entry's bytes. Entry i of bundle N is leaf
 * N*256 + i, and its RFC 6962 leaf hash is hash i of level-0 tile N, so bundles and tiles grow in step.
 */
import { LedgerError } from "./errors.ts";
import { entryBundlePath } from "./tile-paths.ts";
import { assertTreeSize, TILE_WIDTH } from "./tiles.ts";

/** The largest entry a uint16 length prefix can carry. */
export const MAX_ENTRY_BYTES = 0xffff;

/** A bundle: its index, how many entries it holds (256 when full), and its encoded bytes. */
export interface EntryBundle {
  readonly index: number;
  readonly width: number;
  readonly bytes: Uint8Array;
}

/** A bundle to store, with its path. */
export interface EntryBundleWrite extends EntryBundle {
  readonly path: string;
}

/** Encodes up to 256 entries as one bundle. Throws `entry-too-large` for an entry over 65,535 bytes. */
export function encodeEntryBundle(entries: readonly Uint8Array[]): Buffer {
  if (entries.length > TILE_WIDTH) {
    throw new LedgerError("invalid-argument", `A bundle holds at most ${TILE_WIDTH} entries, not ${entries.length}.`);
  }
  let length = 0;
  entries.forEach((entry, i) => {
    if (entry.length > MAX_ENTRY_BYTES) {
      throw new LedgerError(
        "entry-too-large",
        `Entry ${i} has ${entry.length} bytes; a log entry can have at most ${MAX_ENTRY_BYTES}.`,
        { position: i, bytes: entry.length },
      );
    }
    length += 2 + entry.length;
  });
  const bytes = Buffer.allocUnsafe(length);
  let offset = 0;
  for (const entry of entries) {
    offset = bytes.writeUInt16BE(entry.length, offset);
    bytes.set(entry, offset);
    offset += entry.length;
  }
  return bytes;
}

/**
 * Decodes a bundle into its entries (views of `bytes`, not copies). With `expectedWidth`, the bundle
 * must hold exactly that many entries. Throws `bundle-invalid` for a truncated or overlong bundle.
 */
export function decodeEntryBundle(bytes: Uint8Array, expectedWidth?: number): Buffer[] {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const entries: Buffer[] = [];
  let offset = 0;
  while (offset < view.length) {
    if (offset + 2 > view.length || entries.length === TILE_WIDTH) {
      throw new LedgerError("bundle-invalid", `The entry bundle has extra bytes after entry ${entries.length}.`);
    }
    const length = view.readUInt16BE(offset);
    if (offset + 2 + length > view.length) {
      throw new LedgerError("bundle-invalid", `Entry ${entries.length} of the bundle is cut off.`);
    }
    entries.push(view.subarray(offset + 2, offset + 2 + length));
    offset += 2 + length;
  }
  if (expectedWidth !== undefined && entries.length !== expectedWidth) {
    throw new LedgerError(
      "bundle-invalid",
      `The entry bundle holds ${entries.length} entries, not the expected ${expectedWidth}.`,
    );
  }
  return entries;
}

/**
 * The first `width` entries of a stored bundle, as the bytes of the bundle of that width (a view, not a
 * copy). A server that keeps only the latest version of a bundle serves an older partial path
 * (`tile/entries/<N>.p/<W>`) with this: entries never change once written.
 */
export function entryBundlePrefix(bytes: Uint8Array, width: number): Uint8Array {
  const entries = decodeEntryBundle(bytes);
  if (!Number.isInteger(width) || width < 1 || width > entries.length) {
    throw new LedgerError("bundle-invalid", `The bundle holds ${entries.length} entries; ${width} were asked for.`);
  }
  const last = entries[width - 1] as Buffer;
  return bytes.subarray(0, last.byteOffset - bytes.byteOffset + last.length);
}

/** The bundle that holds entry `index` in a log of `size` entries, with its width at that size. */
export function entryBundleOf(index: number, size: number): { index: number; width: number } {
  assertTreeSize(size);
  if (!Number.isSafeInteger(index) || index < 0 || index >= size) {
    throw new LedgerError("index-out-of-range", `Entry ${index} is not in a log of ${size} entries.`);
  }
  const bundle = Math.floor(index / TILE_WIDTH);
  return { index: bundle, width: Math.min(TILE_WIDTH, size - bundle * TILE_WIDTH) };
}

/** The partial bundle of a log of `size` entries (to read back before appending), or null if there is none. */
export function partialEntryBundleOf(size: number): { index: number; width: number } | null {
  assertTreeSize(size);
  const width = size % TILE_WIDTH;
  return width === 0 ? null : { index: Math.floor(size / TILE_WIDTH), width };
}

/**
 * Appends entries to a log of `size` entries and returns every bundle that was created or changed
 * (the full ones and the new partial one). `partialBundle` is the stored bytes of the current partial
 * bundle (`partialEntryBundleOf(size)`); it is required when `size` is not a multiple of 256.
 */
export function appendEntryBundles(
  size: number,
  partialBundle: Uint8Array | undefined,
  entries: readonly Uint8Array[],
): EntryBundleWrite[] {
  const partial = partialEntryBundleOf(size);
  let pending: Uint8Array[] = [];
  if (partial) {
    if (!partialBundle) {
      throw new LedgerError(
        "tree-state-invalid",
        `A log of ${size} entries has a partial bundle of ${partial.width} entries, which must be given.`,
      );
    }
    // A wider stored version is fine: entries never change once written, so its first entries are these.
    const stored = decodeEntryBundle(partialBundle);
    if (stored.length < partial.width) {
      throw new LedgerError(
        "tree-state-invalid",
        `The partial bundle holds ${stored.length} entries, but a log of ${size} entries has ${partial.width} there.`,
      );
    }
    pending = stored.slice(0, partial.width);
  }
  if (entries.length === 0) return [];
  const bundles: EntryBundleWrite[] = [];
  let index = Math.floor(size / TILE_WIDTH);
  const flush = () => {
    const bytes = encodeEntryBundle(pending);
    bundles.push({ index, width: pending.length, bytes, path: entryBundlePath(index, pending.length) });
    index++;
    pending = [];
  };
  for (const entry of entries) {
    pending.push(entry);
    if (pending.length === TILE_WIDTH) flush();
  }
  if (pending.length > 0) flush();
  return bundles;
}
