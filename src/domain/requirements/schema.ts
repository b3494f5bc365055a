/**
 * The requirement language: how a qualification says which credits make it up.
 *
 * A rule set is plain JSON-compatible data, versioned with the qualification (QualificationSpec.rules).
 * It is a list of requirements that must all be met. A requirement is either a *block* (a pool of units,
 * named explicitly or selected by a query, with minimum and maximum credits or units) or a *group* that
 * combines requirements: `all` of them, `any` of them, or `choose` N `of` them. Qualification-wide
 * constraints (total credits, level floors and caps, residency, recency, outcome dimensions, a capstone)
 * sit beside the requirements. docs/requirements.md is the guide for authors.
 *
 * Every schema here is a TypeBox value, so it is the TypeScript type, the JSON Schema (see
 * `RequirementRulesJsonSchema`) and the API's validation at once. Structural validation with precise JSON
 * pointers, and the semantic checks a schema cannot express, are in validate.ts.
 */
import { type Static, type TSchema, Type } from "@sinclair/typebox";
import type { CreditRounding } from "../frameworks.ts";
import { ENTRY_SOURCES, RESULTS } from "../schema/accounts.ts";
import { Code, DimensionSchema, LevelRef, literalUnion, Slug, Text } from "../schema/common.ts";

/** The version of the requirement language this code reads. */
export const REQUIREMENT_LANGUAGE_VERSION = 1;

/** An id of a requirement, pool or limit: unique in its rule set, used in JSON pointers' place in results. */
export const RequirementId = Type.String({
  pattern: "^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$",
  description: "Letters, digits, '.', '_' or '-', starting with a letter or digit; unique within the rule set.",
  examples: ["core", "electives-2"],
});

/** A unit named as 'providerId:CODE' (the key used across the catalogue) or as { provider, code }. */
export const UnitRef = Type.Union(
  [
    Type.String({
      pattern: "^[a-z0-9][a-z0-9._-]{0,62}:[A-Za-z0-9][A-Za-z0-9._/-]{0,62}$",
      description: "'providerId:CODE', e.g. 'uni-aurelia:DS101'.",
    }),
    Type.Object({ provider: Slug, code: Code }, { additionalProperties: false }),
  ],
  { description: "A unit of the catalogue: 'providerId:CODE' or { provider, code }." },
);
export type UnitRef = Static<typeof UnitRef>;

const Credits = (description: string) => Type.Number({ minimum: 0, maximum: 100_000, description });
const Count = (description: string) => Type.Integer({ minimum: 0, maximum: 10_000, description });

/**
 * A selection of units by their properties. Every property given must hold (AND); a list property holds
 * when any of its values matches (OR). An empty query `{}` selects every unit.
 */
export const UnitQuery = Type.Object(
  {
    providers: Type.Optional(
      Type.Array(Slug, { minItems: 1, maxItems: 200, description: "Issued by one of these providers." }),
    ),
    atAwardingBody: Type.Optional(
      Type.Boolean({
        description:
          "true: earned at the awarding body (or a provider in residency.homeProviders); false: earned elsewhere.",
      }),
    ),
    minLevel: Type.Optional(LevelRef),
    maxLevel: Type.Optional(LevelRef),
    fields: Type.Optional(
      Type.Array(Type.String({ pattern: "^(\\*|[0-9]{2,4})$" }), {
        minItems: 1,
        maxItems: 100,
        description: "ISCED-F 2013 field codes; a broad code covers its narrower codes; '*' is any field.",
      }),
    ),
    skills: Type.Optional(
      Type.Array(
        Type.Object(
          { framework: Slug, code: Type.String({ minLength: 1, maxLength: 64 }) },
          { additionalProperties: false },
        ),
        {
          minItems: 1,
          maxItems: 200,
          description: "Aligned to at least one of these skills.",
        },
      ),
    ),
    dimensions: Type.Optional(
      Type.Array(DimensionSchema, { minItems: 1, maxItems: 3, description: "Outcomes cover at least one of these." }),
    ),
    achievementTypes: Type.Optional(
      Type.Array(Type.String({ pattern: "^[A-Za-z][A-Za-z0-9]{0,63}$" }), {
        minItems: 1,
        maxItems: 50,
        description: "Open Badges 3.0 achievement types, e.g. 'MicroCredential', 'Course', 'Certificate'.",
      }),
    ),
    sources: Type.Optional(
      Type.Array(literalUnion(ENTRY_SOURCES), {
        minItems: 1,
        maxItems: 3,
        description: "earned, imported, recognised.",
      }),
    ),
    earnedWithinYears: Type.Optional(
      Type.Number({
        exclusiveMinimum: 0,
        maximum: 100,
        description: "Earned at most this many years before the audit date.",
      }),
    ),
  },
  { additionalProperties: false },
);
export type UnitQuery = Static<typeof UnitQuery>;

/** A letter-grade floor: the grade and the scale it belongs to, best grade first. */
export const GradeFloor = Type.Object(
  {
    grade: Type.String({ minLength: 1, maxLength: 20 }),
    scale: Type.Array(Type.String({ minLength: 1, maxLength: 20 }), {
      minItems: 1,
      maxItems: 30,
      description: "Grades from best to worst.",
    }),
  },
  { additionalProperties: false },
);
export type GradeFloor = Static<typeof GradeFloor>;

const nodeHeader = {
  id: RequirementId,
  title: Type.Optional(Text(200)),
  description: Type.Optional(Text(2000)),
};

/** Which units a block or pool accepts: the union of named units, query matches and pools, minus exclusions. */
const selectionProperties = {
  units: Type.Optional(Type.Array(UnitRef, { maxItems: 1000, description: "Units named explicitly." })),
  select: Type.Optional(
    Type.Union([UnitQuery, Type.Array(UnitQuery, { minItems: 1, maxItems: 20 })], {
      description: "Units selected by a query, or by any of several queries.",
    }),
  ),
  exclude: Type.Optional(Type.Array(UnitRef, { maxItems: 1000, description: "Units never accepted here." })),
};

const blockProperties = {
  ...nodeHeader,
  ...selectionProperties,
  pools: Type.Optional(Type.Array(RequirementId, { minItems: 1, maxItems: 50, description: "Ids of shared pools." })),
  minCredits: Type.Optional(Credits("At least this many credits (in the rule set's credit system).")),
  maxCredits: Type.Optional(Credits("At most this many credits count here.")),
  minCount: Type.Optional(
    Type.Union([Count("At least this many units."), Type.Literal("all")], {
      description: "At least this many units, or 'all' for every unit named in `units`.",
    }),
  ),
  maxCount: Type.Optional(Count("At most this many units count here.")),
  minResult: Type.Optional(literalUnion(RESULTS, "Only results at least this good count here.")),
  minGrade: Type.Optional(GradeFloor),
  minMark: Type.Optional(
    Type.Number({ minimum: 0, maximum: 1000, description: "Only numeric grades at least this high count here." }),
  ),
  shared: Type.Optional(
    Type.Boolean({
      description: "Entries counted here may also count in one other block (an overlay such as 'writing-intensive').",
    }),
  ),
};

/** A leaf requirement: credits or units from a selection. */
export const RequirementBlock = Type.Object(blockProperties, { additionalProperties: false });
export type RequirementBlock = Static<typeof RequirementBlock>;

/** The forms of a requirement, with their children typed as `T` (the recursive node, or unknown for validation). */
function nodeForms<T extends TSchema>(child: T) {
  const children = (description: string) => Type.Array(child, { minItems: 1, maxItems: 200, description });
  return [
    Type.Object({ ...nodeHeader, all: children("Every one of these must be met.") }, { additionalProperties: false }),
    Type.Object(
      { ...nodeHeader, any: children("At least one of these must be met.") },
      { additionalProperties: false },
    ),
    Type.Object(
      {
        ...nodeHeader,
        choose: Type.Integer({ minimum: 1, maximum: 200, description: "How many of `of` must be met." }),
        of: children("The requirements to choose from."),
      },
      { additionalProperties: false },
    ),
    RequirementBlock,
  ] as const;
}

/** One requirement: a block, or a group of requirements (`all`, `any`, `choose` N `of`). */
export const RequirementNode = Type.Recursive((This) => Type.Union([...nodeForms(This)]), { $id: "RequirementNode" });
export type RequirementNode = Static<typeof RequirementNode>;

/** The node forms with unknown children: validate.ts checks a node's own shape, then walks its children. */
export const [AllGroupShape, AnyGroupShape, ChooseGroupShape] = nodeForms(Type.Unknown());

export type AllGroup = Extract<RequirementNode, { all: unknown }>;
export type AnyGroup = Extract<RequirementNode, { any: unknown }>;
export type ChooseGroup = Extract<RequirementNode, { choose: unknown }>;
export type RequirementGroup = AllGroup | AnyGroup | ChooseGroup;

/** A named selection that blocks (and other pools, through `include`) reuse. */
export const Pool = Type.Object(
  {
    ...nodeHeader,
    ...selectionProperties,
    include: Type.Optional(Type.Array(RequirementId, { minItems: 1, maxItems: 50, description: "Other pools' ids." })),
  },
  { additionalProperties: false },
);
export type Pool = Static<typeof Pool>;

const LevelCredits = Type.Object({ level: LevelRef, credits: Credits("Credits.") }, { additionalProperties: false });

/** A general credit constraint on the counted entries a query selects. */
export const CreditLimit = Type.Object(
  {
    id: RequirementId,
    title: Type.Optional(Text(200)),
    minCredits: Type.Optional(Credits("At least this many counted credits must match `where`.")),
    maxCredits: Type.Optional(Credits("At most this many credits matching `where` count.")),
    where: UnitQuery,
  },
  { additionalProperties: false },
);
export type CreditLimit = Static<typeof CreditLimit>;

const ROUNDINGS = ["down", "nearest", "half-up-to-0.5"] as const satisfies readonly CreditRounding[];

export const RequirementRules = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    version: Type.Literal(REQUIREMENT_LANGUAGE_VERSION, { description: "Version of the requirement language: 1." }),
    creditSystem: Slug,
    totalCredits: Type.Optional(Credits("At least this many credits must count in all.")),
    requirements: Type.Array(RequirementNode, {
      minItems: 1,
      maxItems: 500,
      description: "Every one of these must be met.",
    }),
    pools: Type.Optional(Type.Array(Pool, { maxItems: 200 })),
    minCreditsAtOrAbove: Type.Optional(
      Type.Array(LevelCredits, { maxItems: 20, description: "At least `credits` at `level` or above." }),
    ),
    maxCreditsBelow: Type.Optional(
      Type.Array(LevelCredits, { maxItems: 20, description: "At most `credits` below `level` count." }),
    ),
    minCreditsByDimension: Type.Optional(
      Type.Array(
        Type.Object({ dimension: DimensionSchema, credits: Credits("Credits.") }, { additionalProperties: false }),
        {
          maxItems: 3,
          description: "At least `credits` from units whose outcomes cover `dimension`.",
        },
      ),
    ),
    residency: Type.Optional(
      Type.Object(
        {
          homeProviders: Type.Optional(
            Type.Array(Slug, { maxItems: 50, description: "Providers counted as the awarding body's own." }),
          ),
          minCreditsAtAwardingBody: Type.Optional(Credits("At least this many credits earned at the awarding body.")),
          maxCreditsOutside: Type.Optional(Credits("At most this many credits from other providers count.")),
          maxCreditsRecognised: Type.Optional(Credits("At most this many credits from recognition count.")),
        },
        { additionalProperties: false },
      ),
    ),
    recency: Type.Optional(
      Type.Object(
        {
          withinYears: Type.Optional(
            Type.Number({ exclusiveMinimum: 0, maximum: 100, description: "Only credits earned this recently count." }),
          ),
          respectValidity: Type.Optional(
            Type.Boolean({ description: "Credits past their validity (validUntil) on the audit date do not count." }),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    capstone: Type.Optional(
      Type.Object(
        {
          block: RequirementId,
          atAwardingBody: Type.Optional(
            Type.Boolean({ description: "The capstone must be earned at the awarding body." }),
          ),
          minLevel: Type.Optional(LevelRef),
          minCreditsBefore: Type.Optional(
            Credits("Counted credits earned on or before the capstone's date, the capstone itself excluded."),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    limits: Type.Optional(Type.Array(CreditLimit, { maxItems: 50 })),
    allowDoubleCounting: Type.Optional(
      Type.Boolean({ description: "Whether one entry may count in several blocks (default false)." }),
    ),
    conversion: Type.Optional(
      Type.Object(
        {
          rounding: Type.Optional(literalUnion(ROUNDINGS, "How converted credits are rounded (default 'down').")),
          rates: Type.Optional(
            Type.Array(
              Type.Object(
                { from: Slug, rate: Type.Number({ exclusiveMinimum: 0, maximum: 1000 }) },
                { additionalProperties: false },
              ),
              { maxItems: 50, description: "Fixed rates: one credit of `from` is `rate` credits here." },
            ),
          ),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false, $id: "RequirementRules" },
);
export type RequirementRules = Static<typeof RequirementRules>;

/** The top level with unchecked requirements: validate.ts walks the requirement tree itself. */
export const RulesShape = Type.Object(
  { ...RequirementRules.properties, requirements: Type.Array(Type.Unknown(), { minItems: 1, maxItems: 500 }) },
  { additionalProperties: false },
);

/** A schema as plain JSON Schema (draft 2020-12 compatible), without TypeBox's symbol keys. */
export function toJsonSchema(schema: TSchema, id: string, title: string): Record<string, unknown> {
  const plain = JSON.parse(JSON.stringify(schema)) as Record<string, unknown>;
  return { $schema: "https://json-schema.org/draft/2020-12/schema", ...plain, $id: id, title };
}

/** The JSON Schema of a rule set, for editors, the bundle importer and OpenAPI. */
export const RequirementRulesJsonSchema = toJsonSchema(
  RequirementRules,
  "https://creditbank.example/schemas/requirement-rules-v1.json",
  "Credit Bank requirement rules, version 1",
);

/** Whether a node is a block (a leaf). */
export function isBlock(node: RequirementNode): node is RequirementBlock {
  return !("all" in node) && !("any" in node) && !("of" in node);
}
