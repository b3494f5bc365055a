/**
 * The official 1EdTech JSON Schemas (Open Badges 3.0, CLR 2.0) from the shared standards folder,
 * compiled with Ajv 2019-09 as the standards README says, for "every issued credential validates" tests.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv2019 } from "ajv/dist/2019.js";
import addFormatsModule from "ajv-formats";
import { standardsDir } from "./standards.ts";

// ajv-formats is CommonJS; its default export is the plugin function.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2019) => Ajv2019;

const OB = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/";
const CLR = "https://purl.imsglobal.org/spec/clr/v2p0/schema/json/";

let ajv: Ajv2019 | undefined;

function compiler() {
  if (ajv) return ajv;
  ajv = new Ajv2019({ strict: false, allErrors: true });
  addFormats(ajv);
  for (const dir of ["openbadges-3.0/schema", "clr-2.0/schema"]) {
    for (const f of readdirSync(join(standardsDir(), dir)).filter((n) => n.endsWith("_schema.json"))) {
      ajv.addSchema(JSON.parse(readFileSync(join(standardsDir(), dir, f), "utf8")));
    }
  }
  return ajv;
}

/** Problems of a credential against the official schema ([] when valid). */
export function officialSchemaErrors(kind: "ob" | "clr", document: unknown): string[] {
  const id =
    kind === "ob" ? `${OB}ob_v3p0_achievementcredential_schema.json` : `${CLR}clr_v2p0_clrcredential_schema.json`;
  const validate = compiler().getSchema(id);
  if (!validate) throw new Error(`official schema ${id} not found`);
  return validate(document) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

/**
 * Problems of a document against any official schema of the collection, by its `$id` or file name
 * (e.g. `ob_v3p0_profile_schema.json`), or by a JSON pointer into one (`…#/$defs/Achievement`).
 */
export function schemaErrorsById(idOrFile: string, document: unknown): string[] {
  const id = /^https?:\/\//.test(idOrFile) ? idOrFile : `${idOrFile.startsWith("clr_") ? CLR : OB}${idOrFile}`;
  const validate = compiler().getSchema(id);
  if (!validate) throw new Error(`official schema ${id} not found`);
  return validate(document) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

let apiComponents: Ajv2019 | undefined;

/**
 * Problems of a document against a schema of the OB 3.0 OpenAPI build's `components.schemas` (e.g.
 * `ServiceDescriptionDocument`, `Imsx_StatusInfo`). Those are OpenAPI 3.0 schemas: compiled here as JSON
 * Schema, their `#/components/schemas/…` references rewritten to `$defs`.
 */
export function openApiComponentErrors(name: string, document: unknown): string[] {
  const id = "urn:test:ob-v3p0-openapi-components";
  if (!apiComponents) {
    apiComponents = new Ajv2019({ strict: false, allErrors: true, validateFormats: false });
    const spec = JSON.parse(
      readFileSync(join(standardsDir(), "openbadges-3.0/schema/ob_v3p0_openapi.spec-repo-build.json"), "utf8"),
    ) as { components: { schemas: Record<string, unknown> } };
    const defs = JSON.parse(JSON.stringify(spec.components.schemas).replaceAll("#/components/schemas/", "#/$defs/"));
    apiComponents.addSchema({ $id: id, $defs: defs });
  }
  const validate = apiComponents.getSchema(`${id}#/$defs/${name}`);
  if (!validate) throw new Error(`OpenAPI component schema ${name} not found`);
  return validate(document) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}
