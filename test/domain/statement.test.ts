import { FormatRegistry, TypeRegistry } from "@sinclair/typebox";
import { Value } from "@sinclair/typebox/value";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { AccountEntry, ENTRY_SOURCES, type EntrySource } from "../../src/domain/schema/accounts.ts";
import { DIMENSIONS, type Dimension } from "../../src/domain/schema/common.ts";
import {
  buildStatement,
  compareEntries,
  reversedStatus,
  type Statement,
  type StatementEntryInput,
} from "../../src/domain/statement.ts";

const LEARNER = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b";
const UNIT_ID = "0a1b2c3d-4e5f-4061-8273-8495a6b7c8d9";

/** A deposit with sensible defaults; tests override only what they are about. */
function deposit(id: string, credits: number, over: Partial<StatementEntryInput> = {}): StatementEntryInput {
  return {
    id,
    learnerId: LEARNER,
    achievementId: null,
    type: "deposit",
    source: "earned",
    effectiveOn: "2026-01-10",
    recordedAt: "2026-01-10T09:00:00.000Z",
    credits,
    creditSystem: "ects",
    level: { framework: "eqf", level: "6" },
    levelOrdinal: 6,
    providerId: "uni-aurora",
    unit: { id: UNIT_ID, code: "CS101", version: 1, title: "Programming" },
    dimensions: ["knowledge-understanding", "skills-capacity"],
    reversesEntryId: null,
    reason: null,
    ...over,
  };
}

/** The reversal the issuing service writes: the deposit's mirror image. */
function reversal(
  id: string,
  of: StatementEntryInput,
  reason: string | null = "revoked by issuer",
  over: Partial<StatementEntryInput> = {},
): StatementEntryInput {
  return { ...of, id, type: "reversal", credits: -of.credits, reversesEntryId: of.id, reason, ...over };
}

const sumBy = <T>(xs: readonly T[], f: (x: T) => number) => xs.reduce((s, x) => s + Math.round(f(x) * 1000), 0) / 1000;

beforeAll(() => {
  // Value.Check refuses unknown formats; minimal stand-ins so output can be checked against AccountEntry.
  const formats: Record<string, (v: string) => boolean> = {
    uuid: (v) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v),
    date: (v) => /^\d{4}-\d{2}-\d{2}$/.test(v),
    "date-time": (v) => !Number.isNaN(Date.parse(v)),
  };
  for (const [name, check] of Object.entries(formats)) {
    if (!FormatRegistry.Has(name)) FormatRegistry.Set(name, check);
  }
  // `literalUnion` builds its enums with Type.Unsafe, which Value.Check cannot evaluate on its own
  // ("Unknown type"); check the `enum` it carries, and refuse any other Unsafe shape rather than pass it.
  if (!TypeRegistry.Has("Unsafe")) {
    TypeRegistry.Set("Unsafe", (schema: { enum?: unknown[] }, value) =>
      Array.isArray(schema.enum) ? schema.enum.includes(value) : false,
    );
  }
});

describe("ordering", () => {
  it.each<[string, Array<[string, string]>, string[]]>([
    [
      "by date first",
      [
        ["2", "2026-02-01"],
        ["1", "2026-03-01"],
      ],
      ["2", "1"],
    ],
    [
      "then by entry number, numerically",
      [
        ["10", "2026-01-01"],
        ["9", "2026-01-01"],
      ],
      ["9", "10"],
    ],
    [
      "numbers beyond 2^53 exactly",
      [
        ["9007199254740993", "2026-01-01"],
        ["9007199254740992", "2026-01-01"],
      ],
      ["9007199254740992", "9007199254740993"],
    ],
    [
      "dates before numbers",
      [
        ["1", "2026-01-02"],
        ["100", "2026-01-01"],
      ],
      ["100", "1"],
    ],
  ])("%s", (_, input, expected) => {
    const s = buildStatement(input.map(([id, effectiveOn]) => deposit(id, 1, { effectiveOn })));
    expect(s.entries.map((e) => e.id)).toEqual(expected);
    expect(s.lines.map((e) => e.id)).toEqual(expected);
  });

  it("compareEntries treats leading zeros as the same number", () => {
    expect(compareEntries({ id: "007", effectiveOn: "2026-01-01" }, { id: "7", effectiveOn: "2026-01-01" })).toBe(0);
  });
});

describe("statuses", () => {
  it.each<[string | null, string]>([
    ["revoked by issuer", "revoked"],
    [null, "revoked"],
    ["correction: wrong unit", "corrected"],
    ["Correction of credits", "corrected"],
    ["  correction", "corrected"],
    ["not a correction", "revoked"],
  ])("a reversal with reason %o leaves its deposit %s", (reason, status) => {
    const d = deposit("1", 5);
    const s = buildStatement([d, reversal("2", d, reason)]);
    expect(s.entries.map((e) => e.status)).toEqual([status, "active"]);
    expect(reversedStatus(reason)).toBe(status);
  });

  it("a deposit nobody reverses is active", () => {
    expect(buildStatement([deposit("1", 5)]).entries[0]?.status).toBe("active");
  });

  it("a correction followed by the replacement deposit: old corrected, new active, balance is the new amount", () => {
    const old = deposit("1", 5);
    const s = buildStatement([old, reversal("2", old, "correction: credits were 6"), deposit("3", 6)]);
    expect(s.entries.map((e) => [e.id, e.status])).toEqual([
      ["1", "corrected"],
      ["2", "active"],
      ["3", "active"],
    ]);
    expect(s.balances.total).toEqual({ ects: 6 });
  });
});

describe("balances", () => {
  it("keeps a running balance per credit system", () => {
    const s = buildStatement([
      deposit("1", 5),
      deposit("2", 10, { creditSystem: "cpd-point", level: null, levelOrdinal: null }),
      deposit("3", 2.5),
    ]);
    expect(s.lines.map((l) => [l.creditSystem, l.balance])).toEqual([
      ["ects", 5],
      ["cpd-point", 10],
      ["ects", 7.5],
    ]);
    expect(s.balances.total).toEqual({ ects: 7.5, "cpd-point": 10 });
  });

  it("does not drift: ten deposits of 0.1 make exactly 1, and 0.1 + 0.2 is 0.3", () => {
    const tenths = buildStatement(Array.from({ length: 10 }, (_, i) => deposit(String(i + 1), 0.1)));
    expect(tenths.balances.total.ects).toBe(1);
    expect(tenths.lines.map((l) => l.balance)).toEqual([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]);
    const s = buildStatement([deposit("1", 0.1), deposit("2", 0.2)]);
    expect(s.balances.total.ects).toBe(0.3);
  });

  it("rounds to three decimals and a reversal cancels its deposit exactly, with no negative zero", () => {
    const d = deposit("1", 1.0005);
    const s = buildStatement([d, reversal("2", d)]);
    expect(s.entries[0]?.credits).toBe(1.001);
    expect(s.entries[1]?.credits).toBe(-1.001);
    expect(Object.is(s.balances.total.ects, 0)).toBe(true);
    expect(Object.is(s.balances.bySource.earned, 0)).toBe(true);
    expect(s.balances.byLevel).toEqual([]);
    expect(s.balances.byProvider).toEqual([]);
  });

  it("shows an amount that rounds to nothing as 0, not -0", () => {
    const s = buildStatement([deposit("1", -0.0004, { type: "reversal" })]);
    expect(Object.is(s.entries[0]?.credits, 0)).toBe(true);
    expect(Object.is(s.lines[0]?.balance, 0)).toBe(true);
    expect(Object.is(s.balances.total.ects, 0)).toBe(true);
  });

  it("breaks down by level, unlevelled credit in its own bucket, sorted by ordinal", () => {
    const s = buildStatement([
      deposit("1", 5, { level: { framework: "eqf", level: "7" }, levelOrdinal: 7 }),
      deposit("2", 3),
      deposit("3", 2, { level: null, levelOrdinal: null }),
      deposit("4", 1),
    ]);
    expect(s.balances.byLevel).toEqual([
      { framework: "eqf", level: "6", ordinal: 6, credits: 4, creditSystem: "ects" },
      { framework: "eqf", level: "7", ordinal: 7, credits: 5, creditSystem: "ects" },
      { framework: null, level: null, ordinal: null, credits: 2, creditSystem: "ects" },
    ]);
  });

  it("counts a deposit in full toward each dimension it covers, and only while it is active", () => {
    const revoked = deposit("3", 100, { dimensions: ["attitudes-values"] });
    const s = buildStatement([
      deposit("1", 5, { dimensions: ["knowledge-understanding", "skills-capacity", "knowledge-understanding"] }),
      deposit("2", 2, { dimensions: ["attitudes-values", "skills-capacity"] }),
      revoked,
      reversal("4", revoked),
      deposit("5", 1, { unit: null, dimensions: [] }),
    ]);
    expect(s.balances.byDimension).toEqual({
      "knowledge-understanding": 5,
      "skills-capacity": 7,
      "attitudes-values": 2,
    });
    expect(s.balances.total.ects).toBe(8);
  });

  it("breaks down by provider and by source", () => {
    const s = buildStatement([
      deposit("1", 5, { providerId: "uni-b" }),
      deposit("2", 3, { providerId: "uni-a", source: "imported" }),
      deposit("3", 2, { providerId: "uni-b", source: "recognised" }),
    ]);
    expect(s.balances.byProvider).toEqual([
      { providerId: "uni-a", credits: 3, creditSystem: "ects" },
      { providerId: "uni-b", credits: 7, creditSystem: "ects" },
    ]);
    expect(s.balances.bySource).toEqual({ earned: 5, imported: 3, recognised: 2 });
  });

  it("counts a reversal under its deposit's level and provider even if its own fields are incomplete", () => {
    const d = deposit("1", 5);
    const s = buildStatement([
      d,
      deposit("2", 3),
      reversal("3", d, "revoked", { level: null, levelOrdinal: null, providerId: "someone-else" }),
    ]);
    expect(s.balances.byLevel).toEqual([
      { framework: "eqf", level: "6", ordinal: 6, credits: 3, creditSystem: "ects" },
    ]);
    expect(s.balances.byProvider).toEqual([{ providerId: "uni-aurora", credits: 3, creditSystem: "ects" }]);
  });

  it("restricts everything to one credit system on request", () => {
    const entries = [
      deposit("1", 5),
      deposit("2", 10, { creditSystem: "cpd-point", source: "imported", dimensions: ["attitudes-values"] }),
    ];
    const s = buildStatement(entries, { creditSystem: "cpd-point" });
    expect(s.entries.map((e) => e.id)).toEqual(["2"]);
    expect(s.balances.total).toEqual({ "cpd-point": 10 });
    expect(s.balances.bySource).toEqual({ earned: 0, imported: 10, recognised: 0 });
    expect(s.balances.byDimension).toEqual({
      "knowledge-understanding": 0,
      "skills-capacity": 0,
      "attitudes-values": 10,
    });
  });

  it("an empty account has empty balances with every dimension and source at zero", () => {
    expect(buildStatement([])).toEqual({
      entries: [],
      lines: [],
      balances: {
        total: {},
        byLevel: [],
        byDimension: { "knowledge-understanding": 0, "skills-capacity": 0, "attitudes-values": 0 },
        byProvider: [],
        bySource: { earned: 0, imported: 0, recognised: 0 },
      },
    });
  });
});

describe("input checks", () => {
  it.each([
    ["a duplicate id", [deposit("1", 1), deposit("1", 2)], "appears twice"],
    ["the same number with leading zeros", [deposit("1", 1), deposit("01", 2)], "appears twice"],
    ["a non-numeric id", [deposit("abc", 1)], "not a decimal entry number"],
    ["a non-finite amount", [deposit("1", Number.NaN)], "not a finite number"],
  ])("refuses %s", (_, entries, message) => {
    expect(() => buildStatement(entries)).toThrow(message);
  });

  it("does not share objects with its input", () => {
    const input = [deposit("1", 1)];
    const s = buildStatement(input);
    s.entries[0]?.dimensions.push("attitudes-values");
    if (s.entries[0]?.level) s.entries[0].level.level = "8";
    expect(input[0]?.dimensions).toEqual(["knowledge-understanding", "skills-capacity"]);
    expect(input[0]?.level?.level).toBe("6");
  });
});

// ------------------------------------------------------------------------------------------------
// Properties

interface Scenario {
  entries: StatementEntryInput[];
  deposits: StatementEntryInput[];
  reversedIds: Set<string>;
}

const systems = ["ects", "cpd-point"] as const;
const date = fc
  .integer({ min: 0, max: 3 * 365 })
  .map((d) => new Date(Date.UTC(2024, 0, 1) + d * 86_400_000).toISOString().slice(0, 10));

const depositSpec = fc.record({
  milli: fc.integer({ min: 1, max: 60_000 }),
  creditSystem: fc.constantFrom(...systems),
  level: fc.option(fc.integer({ min: 1, max: 8 }), { nil: null }),
  providerId: fc.constantFrom("uni-a", "uni-b", "mooc-c"),
  source: fc.constantFrom<EntrySource>(...ENTRY_SOURCES),
  effectiveOn: date,
  dimensions: fc.subarray<Dimension>([...DIMENSIONS]),
  reversed: fc.option(fc.record({ laterBy: fc.integer({ min: 0, max: 400 }), correction: fc.boolean() }), {
    nil: null,
  }),
});

/** Random deposits, some reversed, with unique ids scattered over a wide range (not just 1..n). */
const scenario: fc.Arbitrary<Scenario> = fc.array(depositSpec, { maxLength: 30 }).chain((specs) =>
  fc
    .uniqueArray(fc.bigInt({ min: 1n, max: 10n ** 18n }), { minLength: specs.length * 2, maxLength: specs.length * 2 })
    .map((ids) => {
      const sortedIds = [...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).map(String);
      const entries: StatementEntryInput[] = [];
      const deposits: StatementEntryInput[] = [];
      const reversedIds = new Set<string>();
      specs.forEach((spec, i) => {
        const d = deposit(sortedIds[i] ?? "0", spec.milli / 1000, {
          creditSystem: spec.creditSystem,
          level: spec.level === null ? null : { framework: "eqf", level: String(spec.level) },
          levelOrdinal: spec.level,
          providerId: spec.providerId,
          source: spec.source,
          effectiveOn: spec.effectiveOn,
          dimensions: spec.dimensions,
        });
        deposits.push(d);
        entries.push(d);
        if (spec.reversed) {
          // Reversal ids come after every deposit id, as a sequence would give them.
          const on = new Date(Date.parse(spec.effectiveOn) + spec.reversed.laterBy * 86_400_000);
          entries.push(
            reversal(sortedIds[specs.length + i] ?? "0", d, spec.reversed.correction ? "correction" : "withdrawn", {
              effectiveOn: on.toISOString().slice(0, 10),
            }),
          );
          reversedIds.add(d.id);
        }
      });
      return { entries, deposits, reversedIds };
    }),
);

function totalsBy<T>(items: readonly T[], system: (x: T) => string, credits: (x: T) => number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const x of items) out[system(x)] = sumBy([x], credits) + (out[system(x)] ?? 0);
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, Math.round(v * 1000) / 1000]));
}

describe("properties", () => {
  it("the total per system is the sum of the deposits that were not reversed, and the last running balance", () => {
    fc.assert(
      fc.property(scenario, ({ entries, deposits, reversedIds }) => {
        const s = buildStatement(entries);
        for (const system of new Set(deposits.map((d) => d.creditSystem))) {
          const kept = deposits.filter((d) => d.creditSystem === system && !reversedIds.has(d.id));
          expect(s.balances.total[system]).toBe(sumBy(kept, (d) => d.credits));
          const last = s.lines.filter((l) => l.creditSystem === system).at(-1);
          expect(last?.balance).toBe(s.balances.total[system]);
        }
        expect(Object.keys(s.balances.total).sort()).toEqual([...new Set(deposits.map((d) => d.creditSystem))].sort());
      }),
    );
  });

  it("balances by level and by provider each add up to the total, per credit system", () => {
    fc.assert(
      fc.property(scenario, ({ entries }) => {
        const { balances } = buildStatement(entries);
        const nonZero = Object.fromEntries(Object.entries(balances.total).filter(([, v]) => v !== 0));
        const level = totalsBy(
          balances.byLevel,
          (b) => b.creditSystem,
          (b) => b.credits,
        );
        const provider = totalsBy(
          balances.byProvider,
          (b) => b.creditSystem,
          (b) => b.credits,
        );
        expect(level).toEqual(nonZero);
        expect(provider).toEqual(nonZero);
        // And so do the sources, when there is one system to add up.
        if (Object.keys(balances.total).length === 1) {
          expect(sumBy(ENTRY_SOURCES, (k) => balances.bySource[k])).toBe(Object.values(balances.total)[0]);
        }
      }),
    );
  });

  it("a reversed deposit is revoked (or corrected) and nothing else changes status", () => {
    fc.assert(
      fc.property(scenario, ({ entries, reversedIds }) => {
        const s = buildStatement(entries);
        for (const e of s.entries) {
          if (e.type === "reversal") expect(e.status).toBe("active");
          else if (!reversedIds.has(e.id)) expect(e.status).toBe("active");
          else {
            const r = entries.find((x) => x.reversesEntryId === e.id);
            expect(e.status).toBe(r?.reason === "correction" ? "corrected" : "revoked");
          }
        }
      }),
    );
  });

  it("byDimension counts exactly the active deposits covering each dimension", () => {
    fc.assert(
      fc.property(scenario, ({ entries, deposits, reversedIds }) => {
        const s = buildStatement(entries, { creditSystem: "ects" });
        const active = deposits.filter((d) => d.creditSystem === "ects" && !reversedIds.has(d.id));
        for (const dim of DIMENSIONS) {
          expect(s.balances.byDimension[dim]).toBe(
            sumBy(
              active.filter((d) => d.dimensions.includes(dim)),
              (d) => d.credits,
            ),
          );
        }
      }),
    );
  });

  it("the order of the input does not change the result", () => {
    const shuffled = scenario.chain((sc) =>
      fc
        .shuffledSubarray(sc.entries, { minLength: sc.entries.length, maxLength: sc.entries.length })
        .map((perm) => [sc.entries, perm] as const),
    );
    fc.assert(
      fc.property(shuffled, ([original, permuted]) => {
        const a: Statement = buildStatement(original);
        const b: Statement = buildStatement(permuted);
        expect(b).toEqual(a);
      }),
    );
  });

  it("a wrong entry type fails the AccountEntry check (so the check below can fail)", () => {
    const [entry] = buildStatement([deposit("1", 1)]).entries;
    expect(Value.Check(AccountEntry, entry)).toBe(true);
    expect(Value.Check(AccountEntry, { ...entry, type: "withdrawal" })).toBe(false);
  });

  it("every output entry is a valid AccountEntry", () => {
    fc.assert(
      fc.property(scenario, ({ entries }) => {
        for (const e of buildStatement(entries).entries) expect(Value.Check(AccountEntry, e)).toBe(true);
      }),
      { numRuns: 30 },
    );
  });
});
