/**
 * Resource paths of c2sp.org/tlog-tiles@v1: `tile/<L>/<N>[.p/<W>]` for hash tiles and
 * `tile/entries/<N>[.p/<W>]` for entry bundles, relative to the log's URL prefix.
 *
 * <N> is written in 3-digit groups, all but the last prefixed with `x` (1234067 → `x001/x234/067`), so
 * the files of a static log never collide with directories. `.p/<W>` marks a partial tile of width W
 * (1..255). Parsing accepts only the canonical form (no extra `x000/` group, no leading zeros in L or
 * W), so every tile has exactly one path and the HTTP layer can cache by path.
 */
import { LedgerError } from "./errors.ts";
import { TILE_WIDTH, type TileId } from "./tiles.ts";

/** The highest tile level a path may name (the spec's bound: 256^64 leaves is beyond any uint64 size). */
export const MAX_TILE_LEVEL = 63;

/** A parsed path: a hash tile, or an entry bundle. `width` is 256 for a full tile or bundle. */
export type TilePath =
  | { readonly kind: "tile"; readonly level: number; readonly index: number; readonly width: number }
  | { readonly kind: "entries"; readonly index: number; readonly width: number };

/** The `<N>` part of a path: 3-digit groups, all but the last prefixed with `x`. */
export function formatTileIndex(index: number): string {
  assertIndex(index);
  let rest = Math.floor(index / 1000);
  let text = String(index % 1000).padStart(3, "0");
  while (rest > 0) {
    text = `x${String(rest % 1000).padStart(3, "0")}/${text}`;
    rest = Math.floor(rest / 1000);
  }
  return text;
}

/** The path of a hash tile: `tile/<L>/<N>` when full, `tile/<L>/<N>.p/<W>` when partial. */
export function tilePath(tile: TileId): string {
  if (!Number.isInteger(tile.level) || tile.level < 0 || tile.level > MAX_TILE_LEVEL) {
    throw new LedgerError("invalid-argument", `A tile level must be 0 to ${MAX_TILE_LEVEL}, not ${tile.level}.`);
  }
  return `tile/${tile.level}/${formatTileIndex(tile.index)}${widthSuffix(tile.width)}`;
}

/** The path of an entry bundle: `tile/entries/<N>` when full, `tile/entries/<N>.p/<W>` when partial. */
export function entryBundlePath(index: number, width: number): string {
  return `tile/entries/${formatTileIndex(index)}${widthSuffix(width)}`;
}

const PATH = /^tile\/(entries|0|[1-9][0-9]?)\/((?:x[0-9]{3}\/)*)([0-9]{3})(?:\.p\/([1-9][0-9]{0,2}))?$/;

/**
 * Parses a tile or entry bundle path (without the log's prefix and without a leading slash). Throws
 * `LedgerError` with code `path-invalid` for anything that is not the canonical form of a tile.
 */
export function parseTilePath(path: string): TilePath {
  const match = PATH.exec(path);
  if (!match) throw badPath(path, "it is not of the form tile/<L>/<N>[.p/<W>] or tile/entries/<N>[.p/<W>]");
  const [, levelText = "", groupsText = "", lastGroup = "", widthText] = match;
  const groups = groupsText === "" ? [] : groupsText.slice(0, -1).split("/");
  if (groups[0] === "x000") throw badPath(path, "the index has a leading x000 group");
  if (groups.length > 5) throw badPath(path, "the index is too large");
  const index = Number([...groups.map((group) => group.slice(1)), lastGroup].join(""));
  if (!Number.isSafeInteger(index)) throw badPath(path, "the index is too large");
  const width = widthText === undefined ? TILE_WIDTH : Number(widthText);
  if (widthText !== undefined && width >= TILE_WIDTH) {
    throw badPath(path, `a partial width must be 1 to ${TILE_WIDTH - 1}`);
  }
  if (levelText === "entries") return { kind: "entries", index, width };
  const level = Number(levelText);
  if (level > MAX_TILE_LEVEL) throw badPath(path, `the level must be 0 to ${MAX_TILE_LEVEL}`);
  return { kind: "tile", level, index, width };
}

function widthSuffix(width: number): string {
  if (!Number.isInteger(width) || width < 1 || width > TILE_WIDTH) {
    throw new LedgerError("invalid-argument", `A tile width must be 1 to ${TILE_WIDTH}, not ${width}.`);
  }
  return width === TILE_WIDTH ? "" : `.p/${width}`;
}

function assertIndex(index: number): void {
  if (!Number.isSafeInteger(index) || index < 0) {
    throw new LedgerError("invalid-argument", `A tile index must be a whole number from 0, not ${index}.`);
  }
}

function badPath(path: string, why: string): LedgerError {
  return new LedgerError("path-invalid", `'${path.slice(0, 100)}' is not a tile path: ${why}.`, { path });
}
