/**
 * Entry bundles (c2sp.org/tlog-tiles `tile/entries/...`): uint16 length-prefixed entries, 256 per full
 * bundle, growing in step with the level-0 tiles.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  appendEntryBundles,
  decodeEntryBundle,
  type EntryBundleWrite,
  encodeEntryBundle,
  entryBundleOf,
  entryBundlePrefix,
  MAX_ENTRY_BYTES,
  partialEntryBundleOf,
} from "../../src/ledger/entry-bundles.ts";

const entry = (i: number) => Buffer.from(`entry ${i}`);

describe("entry bundles", () => {
  it("encodes each entry as a big-endian uint16 length and its bytes", () => {
    const bytes = encodeEntryBundle([Buffer.from("one"), Buffer.alloc(0), Buffer.alloc(300, 1)]);
    expect(bytes.subarray(0, 5)).toEqual(Buffer.from([0, 3, 0x6f, 0x6e, 0x65]));
    expect(bytes.subarray(5, 7)).toEqual(Buffer.from([0, 0]));
    expect(bytes.subarray(7, 9)).toEqual(Buffer.from([1, 44]));
    expect(bytes.length).toBe(5 + 2 + 302);
  });

  it("round-trips any entries", () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 256 }), (entries) => {
        const decoded = decodeEntryBundle(encodeEntryBundle(entries), entries.length);
        expect(decoded.map((e) => Buffer.from(e))).toEqual(entries.map((e) => Buffer.from(e)));
      }),
    );
  });

  it("takes entries up to 65,535 bytes and refuses larger ones", () => {
    expect(decodeEntryBundle(encodeEntryBundle([Buffer.alloc(MAX_ENTRY_BYTES)]))[0]?.length).toBe(MAX_ENTRY_BYTES);
    expect(() => encodeEntryBundle([Buffer.alloc(1), Buffer.alloc(MAX_ENTRY_BYTES + 1)])).toThrow(
      expect.objectContaining({ code: "entry-too-large", details: { position: 1, bytes: 65_536 } }),
    );
  });

  it("refuses truncated, overlong and miscounted bundles", () => {
    const good = encodeEntryBundle([entry(1), entry(2)]);
    expect(() => decodeEntryBundle(good.subarray(0, good.length - 1))).toThrow(
      expect.objectContaining({ code: "bundle-invalid" }),
    );
    expect(() => decodeEntryBundle(Buffer.concat([good, Buffer.from([0])]))).toThrow(
      expect.objectContaining({ code: "bundle-invalid" }),
    );
    expect(() => decodeEntryBundle(good, 3)).toThrow(/holds 2 entries, not the expected 3/);
    const full = encodeEntryBundle(Array.from({ length: 256 }, (_, i) => entry(i)));
    expect(() => decodeEntryBundle(Buffer.concat([full, Buffer.from([0, 0])]))).toThrow(
      expect.objectContaining({ code: "bundle-invalid" }),
    );
  });

  it("cuts a stored bundle to an older partial width, to serve tile/entries/<N>.p/<W>", () => {
    const all = Array.from({ length: 20 }, (_, i) => entry(i));
    const stored = encodeEntryBundle(all);
    for (const width of [1, 7, 20]) {
      expect(Buffer.from(entryBundlePrefix(stored, width))).toEqual(encodeEntryBundle(all.slice(0, width)));
    }
    expect(() => entryBundlePrefix(stored, 21)).toThrow(expect.objectContaining({ code: "bundle-invalid" }));
    expect(() => entryBundlePrefix(stored, 0)).toThrow(expect.objectContaining({ code: "bundle-invalid" }));
  });

  it("finds the bundle of an entry and the partial bundle of a log", () => {
    expect(entryBundleOf(0, 1)).toEqual({ index: 0, width: 1 });
    expect(entryBundleOf(255, 70_000)).toEqual({ index: 0, width: 256 });
    expect(entryBundleOf(69_999, 70_000)).toEqual({ index: 273, width: 112 });
    expect(() => entryBundleOf(5, 5)).toThrow(expect.objectContaining({ code: "index-out-of-range" }));
    expect(partialEntryBundleOf(512)).toBeNull();
    expect(partialEntryBundleOf(513)).toEqual({ index: 2, width: 1 });
  });

  it("appending in any batches gives the bundles of one batch", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_500 }),
        fc.array(fc.nat({ max: 1_500 }), { maxLength: 8 }),
        (size, cuts) => {
          const all = Array.from({ length: size }, (_, i) => entry(i));
          const whole = appendEntryBundles(0, undefined, all);
          const latest = new Map<number, EntryBundleWrite>();
          let done = 0;
          for (const end of [...[...new Set(cuts.map((cut) => cut % (size + 1)))].sort((a, b) => a - b), size]) {
            const partial = partialEntryBundleOf(done);
            const stored = partial ? latest.get(partial.index)?.bytes : undefined;
            for (const bundle of appendEntryBundles(done, stored, all.slice(done, end)))
              latest.set(bundle.index, bundle);
            done = end;
          }
          expect([...latest.values()].map((b) => [b.path, Buffer.from(b.bytes).toString("hex")])).toEqual(
            whole.map((b) => [b.path, Buffer.from(b.bytes).toString("hex")]),
          );
        },
      ),
      { numRuns: 60 },
    );
  });

  it("needs the stored partial bundle to append to it", () => {
    expect(() => appendEntryBundles(3, undefined, [entry(3)])).toThrow(
      expect.objectContaining({ code: "tree-state-invalid" }),
    );
    expect(() => appendEntryBundles(3, encodeEntryBundle([entry(0)]), [entry(3)])).toThrow(
      expect.objectContaining({ code: "tree-state-invalid" }),
    );
    expect(appendEntryBundles(3, encodeEntryBundle([entry(0), entry(1), entry(2)]), [])).toEqual([]);
  });
});
