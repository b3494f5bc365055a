/**
 * Shared building blocks of the wire and storage schemas.
 *
 * The schemas are TypeBox values: plain JSON Schema objects with static TypeScript types. One schema
 * serves as the type in the domain, the request validation and OpenAPI in the API, and the validation
 * of catalogue bundles in the CLI, so the three can never disagree.
 */
import { Kind, type Static, type TSchema, Type, TypeRegistry } from "@sinclair/typebox";

/** A stable, URL-safe identifier chosen by people (framework, provider, credit system ids). */
export const Slug = Type.String({
  pattern: "^[a-z0-9][a-z0-9._-]{0,62}$",
  description: "Lower-case letters, digits, '.', '_' or '-', starting with a letter or digit, at most 63 characters.",
  examples: ["eqf", "uni-aurora"],
});

/** A code chosen by a provider for its unit or qualification (course codes keep their case). */
export const Code = Type.String({
  pattern: "^[A-Za-z0-9][A-Za-z0-9._/-]{0,62}$",
  description: "Letters, digits, '.', '_', '/' or '-', starting with a letter or digit, at most 63 characters.",
  examples: ["CS101", "DATA-2.1"],
});

export const Uuid = Type.String({ format: "uuid" });

/** A calendar date, ISO 8601 (YYYY-MM-DD). */
export const IsoDate = Type.String({ format: "date", examples: ["2026-06-30"] });

export const DateTime = Type.String({ format: "date-time" });

export const Text = (maxLength = 2000, minLength = 1) => Type.String({ minLength, maxLength });

export const HttpUrl = Type.String({ format: "uri", pattern: "^https?://", maxLength: 2000 });

/** ISO 3166-1 alpha-2 country code. */
export const CountryCode = Type.String({ pattern: "^[A-Z]{2}$", examples: ["IE", "FR"] });

/** BCP 47 language tag (simplified: language with an optional region). */
export const LanguageTag = Type.String({ pattern: "^[a-z]{2,3}(-[A-Z]{2})?$", examples: ["en", "fr-CA"] });

/** ISO 4217 currency code. */
export const CurrencyCode = Type.String({ pattern: "^[A-Z]{3}$" });

/** A level of a qualifications framework: the framework's id and the level's code in it. */
export const LevelRef = Type.Object(
  { framework: Slug, level: Type.String({ minLength: 1, maxLength: 16 }) },
  { additionalProperties: false },
);
export type LevelRef = Static<typeof LevelRef>;

/** An amount of credit in a named credit system. */
export const CreditAmount = Type.Object(
  { value: Type.Number({ minimum: 0, maximum: 1000 }), system: Slug },
  { additionalProperties: false },
);
export type CreditAmount = Static<typeof CreditAmount>;

/** The three dimensions every learning outcome is tagged with (the common template's rule). */
export const DIMENSIONS = ["knowledge-understanding", "skills-capacity", "attitudes-values"] as const;
export type Dimension = (typeof DIMENSIONS)[number];
export const DimensionSchema = literalUnion(DIMENSIONS);

export const DIMENSION_LABELS: Record<Dimension, string> = {
  "knowledge-understanding": "Knowledge and understanding",
  "skills-capacity": "Skills and capacity",
  "attitudes-values": "Attitudes and values",
};

/**
 * A union of string literals whose static type is the union of the values. It is emitted as a plain
 * JSON Schema `enum` rather than TypeBox's `anyOf` of constants: the OpenAPI document reads better and a
 * wrong value gets one clear validation error listing the allowed values instead of one per value.
 * The custom kind (TypeBox's documented "StringEnum" pattern) lets TypeBox's own Value.Check use it too.
 */
export function literalUnion<const T extends readonly string[]>(
  values: T,
  description?: string,
): TStringEnum<T[number]> {
  return {
    [Kind]: "StringEnum",
    type: "string",
    enum: [...values],
    ...(description ? { description } : {}),
  } as unknown as TStringEnum<T[number]>;
}

export interface TStringEnum<T extends string> extends TSchema {
  [Kind]: "StringEnum";
  static: T;
  type: "string";
  enum: T[];
}

if (!TypeRegistry.Has("StringEnum")) {
  TypeRegistry.Set<TStringEnum<string>>(
    "StringEnum",
    (schema, value) => typeof value === "string" && schema.enum.includes(value),
  );
}
