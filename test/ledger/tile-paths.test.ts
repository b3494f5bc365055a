/**
 * c2sp.org/tlog-tiles paths: the spec's examples, round trips, and the coded refusal of every path that
 * is not the one canonical name of a tile (the HTTP layer serves tiles by parsing them).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LedgerError } from "../../src/ledger/errors.ts";
import { entryBundlePath, formatTileIndex, parseTilePath, tilePath } from "../../src/ledger/tile-paths.ts";

describe("tile paths", () => {
  it("encodes the index in 3-digit groups with x prefixes (the spec's example)", () => {
    expect(formatTileIndex(1_234_067)).toBe("x001/x234/067");
    expect(formatTileIndex(0)).toBe("000");
    expect(formatTileIndex(999)).toBe("999");
    expect(formatTileIndex(1_000)).toBe("x001/000");
    expect(formatTileIndex(Number.MAX_SAFE_INTEGER)).toBe("x009/x007/x199/x254/x740/991");
  });

  it("names full and partial hash tiles and entry bundles", () => {
    expect(tilePath({ level: 0, index: 1_234_067, width: 256 })).toBe("tile/0/x001/x234/067");
    expect(tilePath({ level: 2, index: 5, width: 17 })).toBe("tile/2/005.p/17");
    expect(entryBundlePath(273, 112)).toBe("tile/entries/273.p/112");
    expect(entryBundlePath(1, 256)).toBe("tile/entries/001");
    expect(parseTilePath("tile/1/x001/x234/067.p/8")).toEqual({ kind: "tile", level: 1, index: 1_234_067, width: 8 });
    expect(parseTilePath("tile/entries/000")).toEqual({ kind: "entries", index: 0, width: 256 });
    expect(parseTilePath("tile/63/000.p/255")).toEqual({ kind: "tile", level: 63, index: 0, width: 255 });
  });

  it("round-trips every tile and bundle", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 63 }),
        fc.oneof(fc.integer({ min: 0, max: 5_000 }), fc.maxSafeNat()),
        fc.integer({ min: 1, max: 256 }),
        (level, index, width) => {
          const path = tilePath({ level, index, width });
          expect(parseTilePath(path)).toEqual({ kind: "tile", level, index, width });
          const bundle = entryBundlePath(index, width);
          expect(parseTilePath(bundle)).toEqual({ kind: "entries", index, width });
        },
      ),
    );
  });

  it.each([
    ["", "not of the form"],
    ["/tile/0/000", "not of the form"],
    ["tile/0/000/", "not of the form"],
    ["tile/0/0", "not of the form"],
    ["tile/0/0000", "not of the form"],
    ["tile/00/000", "not of the form"],
    ["tile/64/000", "level"],
    ["tile/-1/000", "not of the form"],
    ["tile/0/x001", "not of the form"],
    ["tile/0/001/002", "not of the form"],
    ["tile/0/x000/001", "leading x000"],
    ["tile/0/X001/001", "not of the form"],
    ["tile/0/000.p/0", "not of the form"],
    ["tile/0/000.p/256", "partial width"],
    ["tile/0/000.p/007", "not of the form"],
    ["tile/0/000.p/", "not of the form"],
    ["tile/0/000.p", "not of the form"],
    ["tile/entries/000.p/300", "partial width"],
    ["tile/entry/000", "not of the form"],
    ["tile/0/x999/x999/x999/x999/x999/999", "too large"],
    ["tile/0/x010/x000/x000/x000/x000/000", "too large"],
    ["tile/0/000?x=1", "not of the form"],
    ["tile/0/../000", "not of the form"],
  ])("refuses %j with a coded error", (path, why) => {
    let error: unknown;
    try {
      parseTilePath(path);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(LedgerError);
    expect(error).toMatchObject({ code: "path-invalid" });
    expect((error as LedgerError).message).toContain(why);
  });

  it("refuses to name a tile that cannot exist", () => {
    expect(() => tilePath({ level: 0, index: 0, width: 0 })).toThrow(
      expect.objectContaining({ code: "invalid-argument" }),
    );
    expect(() => tilePath({ level: 0, index: 0, width: 257 })).toThrow(LedgerError);
    expect(() => tilePath({ level: 64, index: 0, width: 1 })).toThrow(LedgerError);
    expect(() => tilePath({ level: 0, index: -1, width: 1 })).toThrow(LedgerError);
    expect(() => entryBundlePath(0.5, 1)).toThrow(LedgerError);
  });
});
