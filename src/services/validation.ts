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

/** Every problem of `value` against `schema`, or an empty list when it is valid. */
export function schemaProblems(schema: TSchema, value: unknown, pathPrefix = ""): ErrorDetail[] {
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
