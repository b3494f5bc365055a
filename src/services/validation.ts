/**
 * Validation of untrusted input (catalogue bundles, achievement files) against the domain's JSON
 * Schemas, reporting every problem at once with a JSON pointer and a sentence.
 */
import type { Static, TSchema } from "@sinclair/typebox";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
import type { ErrorDetail } from "./errors.ts";

// ajv-formats is CommonJS; under NodeNext its default export arrives wrapped.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

const ajv = addFormats(new Ajv({ allErrors: true, strict: false, coerceTypes: false }));
const cache = new WeakMap<TSchema, ValidateFunction>();

function compiled(schema: TSchema): ValidateFunction {
  let validate = cache.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    cache.set(schema, validate);
  }
  return validate;
}

function describe(e: ErrorObject): { path: string; message: string } {
  const path = e.instancePath;
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case "required":
      return { path: `${path}/${String(p.missingProperty)}`, message: `is required but missing` };
    case "additionalProperties":
      return {
        path: `${path}/${String(p.additionalProperty)}`,
        message: `is not a known property here (check the spelling)`,
      };
    case "enum":
      return { path, message: `must be one of: ${(p.allowedValues as unknown[]).map(String).join(", ")}` };
    case "type":
      return { path, message: `must be ${p.type === "integer" ? "a whole number" : `of type ${String(p.type)}`}` };
    case "format":
      return { path, message: `must be a valid ${String(p.format)}` };
    case "pattern":
      return {
        path,
        message: `has the wrong form${e.parentSchema?.description ? `: ${e.parentSchema.description}` : ""}`,
      };
    default:
      return { path, message: e.message ?? "is invalid" };
  }
}

const SUSPECT_ESCAPE = /\\u0000|\\ud[89a-f][0-9a-f]{2}/i;

function suspect(value: unknown): boolean {
  try {
    return SUSPECT_ESCAPE.test(JSON.stringify(value));
  } catch {
    // Too deep (or cyclic) to serialise: let the bounded walk below look at it.
    return true;
  }
}

/**
 * Strings a database cannot store faithfully: a NUL character (PostgreSQL text cannot hold one) or an
 * unpaired UTF-16 surrogate (not Unicode; it would be silently replaced). Checked before the schema, in
 * keys and values at any depth, so the caller learns exactly which value is at fault.
 */
export function invalidTextProblems(value: unknown, path = ""): ErrorDetail[] {
  // Fast path for the common case. JSON.stringify writes a NUL and an unpaired surrogate as \u escapes
  // (paired surrogates stay raw characters), so text without those escapes is clean.
  if (value === undefined || !suspect(value)) return [];
  const problems: ErrorDetail[] = [];
  const check = (s: string, at: string) => {
    if (s.includes("\u0000"))
      problems.push({
        path: at,
        message: "contains a NUL character, which is not allowed in text",
        code: "invalid-characters",
      });
    else if (!s.isWellFormed())
      problems.push({
        path: at,
        message: "is not valid Unicode (it has an unpaired surrogate)",
        code: "invalid-characters",
      });
  };
  const walk = (v: unknown, at: string, depth: number) => {
    if (problems.length >= 100 || depth > 64) return;
    if (typeof v === "string") check(v, at);
    else if (Array.isArray(v)) {
      for (const [i, item] of v.entries()) walk(item, `${at}/${i}`, depth + 1);
    } else if (v && typeof v === "object") {
      for (const [k, item] of Object.entries(v)) {
        const key = `${at}/${k.replaceAll("~", "~0").replaceAll("/", "~1")}`;
        check(k, key);
        walk(item, key, depth + 1);
      }
    }
  };
  walk(value, path, 0);
  return problems;
}

/** Every problem of `value` against `schema`, or an empty list when it is valid. */
export function schemaProblems(schema: TSchema, value: unknown, pathPrefix = ""): ErrorDetail[] {
  const textProblems = invalidTextProblems(value, pathPrefix);
  if (textProblems.length > 0) return textProblems;
  const validate = compiled(schema);
  if (validate(value)) return [];
  const seen = new Set<string>();
  const details: ErrorDetail[] = [];
  for (const e of validate.errors ?? []) {
    // A failed branch of a union repeats what its parts said; the parts are more precise.
    if (e.keyword === "anyOf" || e.keyword === "oneOf" || e.keyword === "if") continue;
    const { path, message } = describe(e);
    const key = `${path} ${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    details.push({ path: `${pathPrefix}${path}`, message, code: `schema-${e.keyword}` });
  }
  return details;
}

export function isValid<T extends TSchema>(schema: T, value: unknown): value is Static<T> {
  return compiled(schema)(value) === true;
}
