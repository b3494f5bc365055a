/**
 * The account file that `creditbank audit --rules RULES --account ACCOUNT` reads: its schema, its
 * problems with JSON pointers, its defaults, and that a statement's entries are a valid account file.
 */
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import {
  type AccountFile,
  AccountFileJsonSchema,
  audit,
  entriesFromAccountFile,
  validateAccountFile,
} from "../../../src/domain/requirements/index.ts";
import { buildStatement } from "../../../src/domain/statement.ts";
import { context, rules } from "./fixtures.ts";

const minimal: AccountFile = {
  entries: [
    { effectiveOn: "2025-06-01", credits: 5, creditSystem: "ects", providerId: "uni", unit: { code: "EL1" } },
    {
      id: "rpl-1",
      source: "recognised",
      effectiveOn: "2025-07-01",
      credits: 15,
      creditSystem: "uk-cats",
      providerId: "uni",
      level: { framework: "eqf", level: "6" },
      unit: null,
      dimensions: ["skills-capacity"],
      field: "0613",
      result: "passed-with-merit",
    },
  ],
};

describe("account files", () => {
  it("a minimal file is valid and gets its defaults", () => {
    expect(validateAccountFile(minimal)).toEqual([]);
    const entries = entriesFromAccountFile(minimal);
    expect(entries[0]).toMatchObject({
      id: "1",
      type: "deposit",
      status: "active",
      source: "earned",
      level: null,
      dimensions: [],
      unit: { code: "EL1" },
    });
    expect(entries[1]).toMatchObject({ id: "rpl-1", source: "recognised", unit: null, result: "passed-with-merit" });
  });

  it("reports problems with JSON pointers", () => {
    const bad = {
      entries: [
        { effectiveOn: "June", credits: 5, creditSystem: "ects", providerId: "uni" },
        { effectiveOn: "2025-06-01", creditSystem: "ects", providerId: "uni", colour: "red" },
      ],
    };
    const findings = validateAccountFile(bad).map((f) => [f.code, f.path]);
    expect(findings).toEqual([
      ["invalid-value", "/entries/0/effectiveOn"],
      ["unexpected-property", "/entries/1/colour"],
      ["missing-property", "/entries/1/credits"],
    ]);
    expect(validateAccountFile("nope").map((f) => f.path)).toEqual([""]);
  });

  it("refuses an entry id used twice, counting positions as ids", () => {
    const twice = { entries: [minimal.entries[0], { ...minimal.entries[0], id: "1" }] };
    expect(validateAccountFile(twice).map((f) => [f.code, f.path])).toEqual([["duplicate-entry-id", "/entries/1/id"]]);
  });

  it("a statement's entries, as the API returns them, are an account file the audit reads", () => {
    const deposit = {
      id: "41",
      learnerId: "0b1f4a8e-4c2e-4a8b-9f43-2a7d8c9e1f00",
      achievementId: null,
      type: "deposit" as const,
      source: "earned" as const,
      effectiveOn: "2025-05-01",
      recordedAt: "2025-05-02T10:00:00.000Z",
      credits: 5,
      creditSystem: "ects",
      level: { framework: "eqf", level: "6" },
      levelOrdinal: 6,
      providerId: "uni",
      unit: { id: "5a0d7a3c-2b6e-4b8f-8e21-0c9f4d2a7b11", code: "EL1", version: 1, title: "EL1 title" },
      dimensions: [],
      reversesEntryId: null,
      reason: null,
    };
    const statement = buildStatement([deposit]);
    const file = { learner: "Ada", entries: statement.lines };
    expect(validateAccountFile(file)).toEqual([]);
    const result = audit(
      rules({ requirements: [{ id: "el", units: ["uni:EL1"], minCount: "all" }] }),
      entriesFromAccountFile(file),
      context(),
    );
    expect(result.complete).toBe(true);
  });

  it("the JSON Schema agrees", () => {
    const check = new Ajv2020({ strict: false }).compile(AccountFileJsonSchema);
    expect(check(minimal)).toBe(true);
    expect(check({ entries: [{ credits: 5 }] })).toBe(false);
  });
});
