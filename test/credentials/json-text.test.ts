/**
 * jsonText is JSON.stringify with the texts of shared parts copied in: for any JSON value, with any of its
 * objects shared, it must give exactly JSON.stringify's text (a VC-JWT signed from it must be the same token).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { jsonText, sharePart } from "../../src/credentials/json-text.ts";

/** Every object and array inside a value (the value itself included), in document order. */
function containers(value: unknown, out: object[] = []): object[] {
  if (typeof value === "object" && value !== null) {
    out.push(value);
    for (const inner of Object.values(value)) containers(inner, out);
  }
  return out;
}

describe("jsonText", () => {
  it("gives JSON.stringify's text for any JSON value, whichever of its parts are shared", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.array(fc.nat(), { maxLength: 4 }), (value, picks) => {
        const expected = JSON.stringify(value);
        const parts = containers(value);
        // Share some inner parts (sharing freezes them, so share innermost first is not required).
        for (const pick of picks) if (parts.length > 0) sharePart(parts[pick % parts.length] as object);
        expect(jsonText(value)).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });

  it("leaves out what JSON.stringify leaves out and writes null where it does", () => {
    const value = {
      a: undefined,
      f: () => 1,
      s: Symbol("x"),
      list: [undefined, () => 1, Symbol("y"), Number.NaN, -0, Number.POSITIVE_INFINITY],
      when: new Date(0),
      nested: { b: 'quote " and \u2028 line separator', c: [1, "two", { d: null }] },
    };
    expect(jsonText(value)).toBe(JSON.stringify(value));
  });

  it("freezes a shared part, so no credential can change it under the others", () => {
    const shared = sharePart({ name: "Unit", alignment: [{ targetCode: "L5" }] });
    expect(() => {
      (shared as { name: string }).name = "changed";
    }).toThrow(TypeError);
    expect(() => {
      (shared.alignment[0] as { targetCode: string }).targetCode = "L6";
    }).toThrow(TypeError);
    expect(jsonText({ achievement: shared, id: 1 })).toBe(JSON.stringify({ achievement: shared, id: 1 }));
  });
});
