import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { broadFieldOf, fieldInScope, fieldName, ISCED_BROAD_FIELDS, isFieldCode } from "../../src/domain/fields.ts";

const fieldCode = fc.stringMatching(/^[0-9]{2,4}$/);

describe("fieldInScope", () => {
  it.each([
    { scope: ["*"], field: "0613", covered: true },
    { scope: ["*"], field: "00", covered: true },
    { scope: ["06"], field: "06", covered: true },
    { scope: ["06"], field: "061", covered: true },
    { scope: ["06"], field: "0613", covered: true },
    { scope: ["061"], field: "0612", covered: true },
    { scope: ["0613"], field: "06", covered: false },
    { scope: ["0613"], field: "061", covered: false },
    { scope: ["0612"], field: "0613", covered: false },
    { scope: ["06"], field: "07", covered: false },
    { scope: ["01"], field: "10", covered: false },
    { scope: ["10"], field: "01", covered: false },
    { scope: ["01", "06"], field: "0613", covered: true },
    { scope: [], field: "06", covered: false },
    { scope: [""], field: "06", covered: false },
  ])("$scope covers $field: $covered", ({ scope, field, covered }) => {
    expect(fieldInScope(scope, field)).toBe(covered);
  });

  it("a scope entry covers exactly the codes it is a prefix of", () => {
    fc.assert(
      fc.property(fieldCode, fieldCode, (entry, field) => {
        expect(fieldInScope([entry], field)).toBe(field.startsWith(entry));
      }),
    );
  });

  it("every prefix of a code of at least two digits covers it, and '*' covers everything", () => {
    fc.assert(
      fc.property(fieldCode, fc.integer({ min: 2, max: 4 }), (field, length) => {
        expect(fieldInScope([field.slice(0, length)], field)).toBe(true);
        expect(fieldInScope(["*"], field)).toBe(true);
      }),
    );
  });

  it("adding entries to a scope never loses coverage", () => {
    fc.assert(
      fc.property(fc.array(fieldCode), fc.array(fieldCode), fieldCode, (scope, more, field) => {
        if (fieldInScope(scope, field)) expect(fieldInScope([...scope, ...more], field)).toBe(true);
      }),
    );
  });
});

describe("ISCED-F names", () => {
  it("lists the eleven broad fields 00 to 10", () => {
    expect(Object.keys(ISCED_BROAD_FIELDS).sort()).toEqual([
      "00",
      "01",
      "02",
      "03",
      "04",
      "05",
      "06",
      "07",
      "08",
      "09",
      "10",
    ]);
  });

  it.each([
    ["00", "Generic programmes and qualifications"],
    ["04", "Business, administration and law"],
    ["06", "Information and Communication Technologies (ICTs)"],
    ["10", "Services"],
    ["023", "Languages"],
    ["054", "Mathematics and statistics"],
    ["0613", "Software and applications development and analysis"],
    // An unlisted detailed code is named by its narrow field, and an unlisted narrow one by its broad field.
    ["0619", "Information and Communication Technologies (ICTs)"],
    ["0999", "Health and welfare"],
    ["11", undefined],
    ["99", undefined],
    ["6", undefined],
    ["06a", undefined],
    ["", undefined],
  ])("fieldName(%j) is %j", (code, name) => {
    expect(fieldName(code)).toBe(name);
  });

  it.each([
    ["06", "06"],
    ["0613", "06"],
    ["101", "10"],
    ["x1", undefined],
    ["06131", undefined],
  ])("broadFieldOf(%j) is %j", (code, broad) => {
    expect(broadFieldOf(code)).toBe(broad);
    expect(isFieldCode(code)).toBe(broad !== undefined);
  });
});
