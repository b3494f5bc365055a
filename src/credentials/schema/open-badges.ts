/**
 * The bank's own run-time JSON Schemas for Open Badges 3.0 credentials (AchievementCredential /
 * OpenBadgeCredential, EndorsementCredential) and the classes inside them (Achievement, Profile, …),
 * with validators that report each problem as a JSON pointer and a sentence.
 *
 * These schemas are written here from the OB 3.0 data model; the official 1EdTech JSON Schemas are
 * licensed and are not copied. test/credentials/credential-schemas.test.ts proves the two agree: every
 * official valid example passes ours, and whatever the official schema rejects, ours rejects too.
 *
 * Like the official "JSON-LD schema adaptation", ours accepts a single value or an array wherever JSON-LD
 * compaction allows either (evidence, result, alignment, proof, endorsement, …), and leaves objects open
 * to extension properties except where the data model closes them (Image, IdentityObject,
 * IdentifierEntry).
 *
 * WHERE OURS IS STRICTER THAN THE OFFICIAL SCHEMA (each a deliberate choice):
 *  1. `@context` must be an array: first `https://www.w3.org/ns/credentials/v2`, then an OB 3.0 context
 *     (official: also a single string or object). VC 2.0 requires an ordered set that starts with the
 *     VC 2.0 URL, so a lone context can never be complete.
 *  2. The OB context at `@context[1]` must be `…/ob/v3p0/context.json` or `…/context-3.x.y.json` (the
 *     official pattern also admits repeated version segments such as `context-3.0.1-3.0.2.json`).
 *     Further `@context` entries must be absolute IRIs or objects (official: any string).
 *  3. The credential's `type` must be an array that includes `VerifiableCredential` and
 *     `OpenBadgeCredential` or `AchievementCredential` (official: also any single string, which can never
 *     name both). The same for `EndorsementCredential`.
 *  4. Nested `type`s the data model says MUST include a class name (AchievementSubject, Achievement,
 *     Profile, Result, ResultDescription, RubricCriterionLevel, Alignment, Evidence, Address, Related,
 *     EndorsementSubject): a single string must be that name (official: any string). This is why the
 *     validator examples `simple-err-credential-subject-profile-type`, `…-result-description-type` and
 *     `simple-err-evidence-type`, which pass the official schema, fail ours.
 *  5. No language maps. The official schema accepts `{"en": "…"}` for almost every string, but neither
 *     the OB 3.0 nor the CLR 2.0 context declares a `@language` container, so such a value cannot expand
 *     in JSON-LD safe mode (checked with jsonld@8: "invalid property", or "@id value must a string").
 *  6. Identifier-valued properties must be absolute IRIs (a scheme, ':' and no whitespace): the `id` of
 *     every class, `issuer` given as a string, Profile `url`, Alignment `targetUrl`, Result
 *     `resultDescription` and `achievedLevel`, ResultDescription `requiredLevel`, the ids of
 *     credentialStatus, credentialSchema, refreshService and termsOfUse, and in CLR the Association's
 *     `sourceId` and `targetId` (official: any string). Proof properties stay plain strings: a malformed
 *     `verificationMethod` is the proof check's to report.
 *  7. A subject (AchievementSubject, and ClrSubject in clr.ts) needs `id` or at least one `identifier`,
 *     and Criteria needs `id` or `narrative`, as the data model's prose requires.
 *  8. An extension term in a vocabulary (achievementType, identityType, identifierType, resultType,
 *     targetType) must be the whole value, `ext:` then letters, digits, '.', '_' or '-' (the official
 *     pattern is unanchored and accepts any string that contains such a term).
 *  9. `creditsAvailable` and `creditsEarned` must not be negative: a negative number of credits has no
 *     meaning in a credit bank.
 * (clr.ts adds one more for CLR: see there.)
 *
 * Validation is bounded on hostile input: documents nested deeper than MAX_DEPTH are refused before
 * Ajv sees them, documents with more than MAX_VALUES_FOR_ALL_ERRORS values are checked fail-fast (first
 * problem only) instead of collecting every error, and at most MAX_SCHEMA_PROBLEMS problems are reported.
 */
import { Ajv2019, type ErrorObject, type SchemaObject, type ValidateFunction } from "ajv/dist/2019.js";
import addFormatsModule from "ajv-formats";

/** One schema problem: where (a JSON pointer into the document) and what, as a sentence. */
export type SchemaProblem = { path: string; message: string };

export const MAX_SCHEMA_PROBLEMS = 50;
export const MAX_DEPTH = 64;
export const MAX_VALUES_FOR_ALL_ERRORS = 20_000;

export const VC_V2_CONTEXT_URL = "https://www.w3.org/ns/credentials/v2";

// ---------------------------------------------------------------------------------------------------
// Building blocks
// ---------------------------------------------------------------------------------------------------

/** An absolute IRI: a scheme, ':' and at least one character, no whitespace. */
export const ABSOLUTE_IRI_PATTERN = "^[A-Za-z][A-Za-z0-9+.\\-]*:\\S+$";
export const OB_CONTEXT_PATTERN = "^https://purl\\.imsglobal\\.org/spec/ob/v3p0/context(-3\\.\\d\\.\\d)?\\.json$";
const EXTENSION_TERM_PATTERN = "^ext:[A-Za-z0-9._][A-Za-z0-9._\\-]*$";
const COMPACT_JWS_PATTERN = "^[a-zA-Z0-9_-]+\\.[a-zA-Z0-9_-]*\\.[a-zA-Z0-9_-]+$";
const LANGUAGE_CODE_PATTERN = "^[a-z]{2,4}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?$";

/**
 * A JSON Schema conditional. `if`/`then`/`else` (rather than `oneOf`) keeps error reports to the branch
 * that applies, so a problem names the real fault instead of every alternative.
 */
export function conditional(condition: SchemaObject, whenTrue: SchemaObject, whenFalse?: SchemaObject): SchemaObject {
  // biome-ignore lint/suspicious/noThenProperty: `then` is a JSON Schema keyword, not a promise.
  const schema: SchemaObject = { if: condition, then: whenTrue };
  if (whenFalse) schema.else = whenFalse;
  return schema;
}

export const ref = (name: string): SchemaObject => ({ $ref: `#/$defs/${name}` });
export const text = (): SchemaObject => ({ type: "string" });
export const iri = (): SchemaObject => ({
  type: "string",
  pattern: ABSOLUTE_IRI_PATTERN,
  description: "an absolute URI such as https://example.org/things/1 or urn:uuid:…",
});
export const dateTime = (): SchemaObject => ({
  type: "string",
  format: "date-time",
  description: "a date-time such as 2026-05-01T00:00:00Z",
});
const credits = (): SchemaObject => ({ type: "number", minimum: 0, description: "a number of credits, 0 or more" });

/** A single value or an array of them, as JSON-LD compaction allows. */
export function oneOrMany(item: SchemaObject, minItems?: number): SchemaObject {
  const many: SchemaObject = { type: "array", items: item };
  if (minItems !== undefined) {
    many.minItems = minItems;
    many.description = `a list of at least ${minItems} item${minItems === 1 ? "" : "s"}`;
  }
  return conditional({ type: "array" }, many, item);
}

/** The `type` of a class whose type MUST include `name`: the name itself, or a list that includes it. */
export function classType(name: string): SchemaObject {
  return conditional(
    { type: "array" },
    {
      type: "array",
      minItems: 1,
      items: { type: "string" },
      contains: { const: name },
      description: `a list of types that includes "${name}"`,
    },
    { const: name, description: `"${name}" or a list of types that includes it` },
  );
}

/** The `type` of a credential: a list with `VerifiableCredential` and one of `names`. */
export function credentialType(names: readonly string[]): SchemaObject {
  const alternatives = names.map((n) => `"${n}"`).join(" or ");
  return {
    type: "array",
    minItems: 2,
    items: { type: "string" },
    allOf: [
      {
        contains: { const: "VerifiableCredential" },
        description: `a list of types that includes "VerifiableCredential"`,
      },
      {
        contains: names.length === 1 ? { const: names[0] } : { enum: [...names] },
        description: `a list of types that includes ${alternatives}`,
      },
    ],
    description: `a list of types that includes "VerifiableCredential" and ${alternatives}`,
  };
}

const article = (word: string): string => (/^[AEIOU]/i.test(word) ? "an" : "a");

/** JSON pointer escaping of one property name (RFC 6901). */
const escapePointer = (name: string): string => name.replace(/~/g, "~0").replace(/\//g, "~1");

/** A controlled vocabulary that also admits extension terms (`ext:…`). */
function vocabulary(name: string, terms: readonly string[]): SchemaObject {
  return {
    type: "string",
    ...conditional(
      { pattern: "^ext:" },
      { pattern: EXTENSION_TERM_PATTERN, description: "an extension term such as ext:MyTerm" },
      {
        enum: [...terms],
        description: `${article(name)} ${name} term (${terms.slice(0, 4).join(", ")}, …) or an extension term such as ext:MyTerm`,
      },
    ),
  };
}

/** An `@context` entry after the fixed ones: an absolute IRI or an inline context object. */
const contextEntry = (): SchemaObject =>
  conditional({ type: "string" }, iri(), { type: "object", description: "a context URL or an inline context object" });

/**
 * The `@context` of a credential: the VC 2.0 URL, then the given fixed entries (patterns), then any
 * further contexts.
 */
export function credentialContext(fixed: readonly { pattern: string; description: string }[]): SchemaObject {
  const names = fixed.map((f) => f.description).join(", then ");
  return {
    type: "array",
    minItems: 1 + fixed.length,
    items: [
      { const: VC_V2_CONTEXT_URL, description: `the VC 2.0 context URL ${VC_V2_CONTEXT_URL}` },
      ...fixed.map((f) => ({ type: "string", pattern: f.pattern, description: f.description })),
    ],
    additionalItems: contextEntry(),
    description: `a list of contexts that starts with ${VC_V2_CONTEXT_URL}${names ? `, then ${names}` : ""}`,
  };
}

export const OB_CONTEXT_ENTRY = {
  pattern: OB_CONTEXT_PATTERN,
  description: "an Open Badges 3.0 context URL such as https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
} as const;

// ---------------------------------------------------------------------------------------------------
// Vocabularies (OB 3.0 data model enumerations)
// ---------------------------------------------------------------------------------------------------

export const ACHIEVEMENT_TYPES = [
  "Achievement",
  "ApprenticeshipCertificate",
  "Assessment",
  "Assignment",
  "AssociateDegree",
  "Award",
  "Badge",
  "BachelorDegree",
  "Certificate",
  "CertificateOfCompletion",
  "Certification",
  "CommunityService",
  "Competency",
  "Course",
  "CoCurricular",
  "Degree",
  "Diploma",
  "DoctoralDegree",
  "Fieldwork",
  "GeneralEducationDevelopment",
  "JourneymanCertificate",
  "LearningProgram",
  "License",
  "Membership",
  "ProfessionalDoctorate",
  "QualityAssuranceCredential",
  "MasterCertificate",
  "MasterDegree",
  "MicroCredential",
  "ResearchDoctorate",
  "SecondarySchoolDiploma",
] as const;

export const IDENTIFIER_TYPES = [
  "name",
  "sourcedId",
  "systemId",
  "productId",
  "userName",
  "accountId",
  "emailAddress",
  "nationalIdentityNumber",
  "isbn",
  "issn",
  "lisSourcedId",
  "oneRosterSourcedId",
  "sisSourcedId",
  "ltiContextId",
  "ltiDeploymentId",
  "ltiToolId",
  "ltiPlatformId",
  "ltiUserId",
  "identifier",
] as const;

export const RESULT_TYPES = [
  "GradePointAverage",
  "LetterGrade",
  "Percent",
  "PerformanceLevel",
  "PredictedScore",
  "RawScore",
  "Result",
  "RubricCriterion",
  "RubricCriterionLevel",
  "RubricScore",
  "ScaledScore",
  "Status",
] as const;

export const ALIGNMENT_TARGET_TYPES = [
  "ceasn:Competency",
  "ceterms:Credential",
  "CFItem",
  "CFRubric",
  "CFRubricCriterion",
  "CFRubricCriterionLevel",
  "CTDL",
] as const;

export const RESULT_STATUSES = [
  "Completed",
  "Enrolled",
  "Failed",
  "InProgress",
  "OnHold",
  "Provisional",
  "Withdrew",
] as const;

// ---------------------------------------------------------------------------------------------------
// Classes
// ---------------------------------------------------------------------------------------------------

/** An object with a title (the class name, used in messages) and open to extension properties. */
function openClass(title: string, properties: Record<string, SchemaObject>, required: string[]): SchemaObject {
  return { title, type: "object", properties, required };
}

/** An object the data model closes: no other properties. */
function closedClass(title: string, properties: Record<string, SchemaObject>, required: string[]): SchemaObject {
  return { title, type: "object", properties, required, additionalProperties: false };
}

export const vcProperties = (): Record<string, SchemaObject> => ({
  proof: oneOrMany(ref("Proof")),
  credentialSchema: oneOrMany(ref("CredentialSchema")),
  credentialStatus: ref("CredentialStatus"),
  refreshService: ref("RefreshService"),
  termsOfUse: oneOrMany(ref("TermsOfUse")),
  evidence: oneOrMany(ref("Evidence")),
});

export const endorsable = (): Record<string, SchemaObject> => ({
  endorsement: oneOrMany(ref("EndorsementCredential")),
  endorsementJwt: oneOrMany({
    type: "string",
    pattern: COMPACT_JWS_PATTERN,
    description: "a compact JWS (three base64url parts joined by '.')",
  }),
});

/** The classes shared by OB 3.0 and CLR 2.0 credentials, by data-model class name. */
export const OB_DEFS: Record<string, SchemaObject> = {
  Image: closedClass("Image", { id: iri(), type: { const: "Image", description: '"Image"' }, caption: text() }, [
    "id",
    "type",
  ]),
  Criteria: {
    ...openClass("Criteria", { id: iri(), narrative: text() }, []),
    anyOf: [{ required: ["id"] }, { required: ["narrative"] }],
  },
  IdentifierEntry: closedClass(
    "IdentifierEntry",
    {
      type: { const: "IdentifierEntry", description: '"IdentifierEntry"' },
      identifier: text(),
      identifierType: vocabulary("IdentifierType", IDENTIFIER_TYPES),
    },
    ["type", "identifier", "identifierType"],
  ),
  IdentityObject: closedClass(
    "IdentityObject",
    {
      type: { const: "IdentityObject", description: '"IdentityObject"' },
      hashed: { type: "boolean" },
      identityHash: text(),
      identityType: vocabulary("IdentifierType", IDENTIFIER_TYPES),
      salt: text(),
    },
    ["type", "hashed", "identityHash", "identityType"],
  ),
  GeoCoordinates: openClass(
    "GeoCoordinates",
    {
      type: { const: "GeoCoordinates", description: '"GeoCoordinates"' },
      latitude: { type: "number" },
      longitude: { type: "number" },
    },
    ["type", "latitude", "longitude"],
  ),
  Address: openClass(
    "Address",
    {
      type: classType("Address"),
      addressCountry: text(),
      addressCountryCode: text(),
      addressRegion: text(),
      addressLocality: text(),
      streetAddress: text(),
      postOfficeBoxNumber: text(),
      postalCode: text(),
      geo: ref("GeoCoordinates"),
    },
    ["type"],
  ),
  Profile: openClass(
    "Profile",
    {
      id: iri(),
      type: classType("Profile"),
      name: text(),
      url: iri(),
      phone: text(),
      description: text(),
      ...endorsable(),
      image: ref("Image"),
      email: text(),
      address: ref("Address"),
      otherIdentifier: oneOrMany(ref("IdentifierEntry")),
      official: text(),
      parentOrg: ref("Profile"),
      familyName: text(),
      givenName: text(),
      additionalName: text(),
      patronymicName: text(),
      honorificPrefix: text(),
      honorificSuffix: text(),
      familyNamePrefix: text(),
      dateOfBirth: { type: "string", format: "date", description: "a date such as 2000-01-31" },
    },
    ["id", "type"],
  ),
  /** `issuer`: a Profile, or the URI of one. */
  ProfileRef: conditional({ type: "string" }, iri(), ref("Profile")),
  Alignment: openClass(
    "Alignment",
    {
      type: classType("Alignment"),
      targetCode: text(),
      targetDescription: text(),
      targetName: text(),
      targetFramework: text(),
      targetType: vocabulary("AlignmentTargetType", ALIGNMENT_TARGET_TYPES),
      targetUrl: iri(),
    },
    ["type", "targetName", "targetUrl"],
  ),
  RubricCriterionLevel: openClass(
    "RubricCriterionLevel",
    {
      id: iri(),
      type: classType("RubricCriterionLevel"),
      alignment: oneOrMany(ref("Alignment")),
      description: text(),
      level: text(),
      name: text(),
      points: text(),
    },
    ["id", "type", "name"],
  ),
  ResultDescription: openClass(
    "ResultDescription",
    {
      id: iri(),
      type: classType("ResultDescription"),
      alignment: oneOrMany(ref("Alignment")),
      allowedValue: oneOrMany(text()),
      name: text(),
      requiredLevel: iri(),
      requiredValue: text(),
      resultType: vocabulary("ResultType", RESULT_TYPES),
      rubricCriterionLevel: oneOrMany(ref("RubricCriterionLevel")),
      valueMax: text(),
      valueMin: text(),
    },
    ["id", "type", "name", "resultType"],
  ),
  Result: openClass(
    "Result",
    {
      type: classType("Result"),
      achievedLevel: iri(),
      alignment: oneOrMany(ref("Alignment")),
      resultDescription: iri(),
      status: { enum: [...RESULT_STATUSES], description: `one of ${RESULT_STATUSES.join(", ")}` },
      value: text(),
    },
    ["type"],
  ),
  Related: openClass(
    "Related",
    {
      id: iri(),
      type: classType("Related"),
      inLanguage: {
        type: "string",
        pattern: LANGUAGE_CODE_PATTERN,
        description: "a language code such as en or fr-CA",
      },
      version: text(),
    },
    ["id", "type"],
  ),
  Achievement: openClass(
    "Achievement",
    {
      id: iri(),
      type: classType("Achievement"),
      alignment: oneOrMany(ref("Alignment")),
      achievementType: vocabulary("AchievementType", ACHIEVEMENT_TYPES),
      creator: ref("Profile"),
      creditsAvailable: credits(),
      criteria: ref("Criteria"),
      description: text(),
      ...endorsable(),
      fieldOfStudy: text(),
      humanCode: text(),
      image: ref("Image"),
      inLanguage: {
        type: "string",
        pattern: LANGUAGE_CODE_PATTERN,
        description: "a language code such as en or fr-CA",
      },
      name: text(),
      otherIdentifier: oneOrMany(ref("IdentifierEntry")),
      related: oneOrMany(ref("Related")),
      resultDescription: oneOrMany(ref("ResultDescription")),
      specialization: text(),
      tag: oneOrMany(text()),
      version: text(),
    },
    ["id", "type", "criteria", "description", "name"],
  ),
  AchievementSubject: {
    ...openClass(
      "AchievementSubject",
      {
        id: iri(),
        type: classType("AchievementSubject"),
        activityEndDate: dateTime(),
        activityStartDate: dateTime(),
        creditsEarned: credits(),
        achievement: ref("Achievement"),
        identifier: oneOrMany(ref("IdentityObject")),
        image: ref("Image"),
        licenseNumber: text(),
        narrative: text(),
        result: oneOrMany(ref("Result")),
        role: text(),
        source: ref("Profile"),
        term: text(),
      },
      ["type", "achievement"],
    ),
    anyOf: [{ required: ["id"] }, { required: ["identifier"], properties: { identifier: { minItems: 1 } } }],
  },
  Evidence: openClass(
    "Evidence",
    {
      id: iri(),
      type: classType("Evidence"),
      narrative: text(),
      name: text(),
      description: text(),
      genre: text(),
      audience: text(),
    },
    ["type"],
  ),
  Proof: openClass(
    "Proof",
    {
      type: text(),
      created: dateTime(),
      cryptosuite: text(),
      challenge: text(),
      domain: text(),
      nonce: text(),
      proofPurpose: text(),
      proofValue: text(),
      verificationMethod: text(),
    },
    ["type"],
  ),
  CredentialSchema: openClass("CredentialSchema", { id: iri(), type: text() }, ["id", "type"]),
  CredentialStatus: openClass("CredentialStatus", { id: iri(), type: text() }, ["type"]),
  RefreshService: openClass("RefreshService", { id: iri(), type: text() }, ["id", "type"]),
  TermsOfUse: openClass("TermsOfUse", { id: iri(), type: text() }, ["type"]),
  EndorsementSubject: openClass(
    "EndorsementSubject",
    { id: iri(), type: classType("EndorsementSubject"), endorsementComment: text() },
    ["id", "type"],
  ),
  EndorsementCredential: openClass(
    "EndorsementCredential",
    {
      "@context": credentialContext([OB_CONTEXT_ENTRY]),
      type: credentialType(["EndorsementCredential"]),
      id: iri(),
      name: text(),
      description: text(),
      credentialSubject: ref("EndorsementSubject"),
      awardedDate: dateTime(),
      issuer: ref("ProfileRef"),
      validFrom: dateTime(),
      validUntil: dateTime(),
      ...vcProperties(),
    },
    ["@context", "type", "id", "name", "credentialSubject", "issuer", "validFrom"],
  ),
  AchievementCredential: openClass(
    "AchievementCredential",
    {
      "@context": credentialContext([OB_CONTEXT_ENTRY]),
      id: iri(),
      type: credentialType(["OpenBadgeCredential", "AchievementCredential"]),
      name: text(),
      description: text(),
      image: ref("Image"),
      awardedDate: dateTime(),
      credentialSubject: ref("AchievementSubject"),
      ...endorsable(),
      issuer: ref("ProfileRef"),
      validFrom: dateTime(),
      validUntil: dateTime(),
      ...vcProperties(),
    },
    ["@context", "id", "type", "credentialSubject", "issuer", "validFrom"],
  ),
};

/**
 * The base of our schema documents' `$id`s. A placeholder under the reserved .invalid domain: where the
 * API publishes a schema at a real URL, it sets `$id` on its copy.
 */
export const SCHEMA_BASE = "https://creditbank.invalid/schemas/";
const DRAFT_2019_09 = "https://json-schema.org/draft/2019-09/schema";

/** Freezes a schema and everything in it, so that no caller (one that publishes it, say) can change it. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/**
 * A self-contained schema document whose root is one of `defs`, so that it can be published on its own.
 * The document is frozen.
 */
export function schemaDocument(
  name: string,
  root: string,
  defs: Record<string, SchemaObject>,
  title: string,
): Readonly<SchemaObject> {
  return deepFreeze({
    $schema: DRAFT_2019_09,
    $id: `${SCHEMA_BASE}${name}`,
    title,
    $ref: `#/$defs/${root}`,
    $defs: defs,
  });
}

export const OPEN_BADGE_CREDENTIAL_SCHEMA = schemaDocument(
  "ob-v3p0-achievement-credential.json",
  "AchievementCredential",
  OB_DEFS,
  "Open Badges 3.0 AchievementCredential / OpenBadgeCredential (credit bank run-time schema)",
);
export const ENDORSEMENT_CREDENTIAL_SCHEMA = schemaDocument(
  "ob-v3p0-endorsement-credential.json",
  "EndorsementCredential",
  OB_DEFS,
  "Open Badges 3.0 EndorsementCredential (credit bank run-time schema)",
);
export const ACHIEVEMENT_SCHEMA = schemaDocument(
  "ob-v3p0-achievement.json",
  "Achievement",
  OB_DEFS,
  "Open Badges 3.0 Achievement (credit bank run-time schema)",
);
export const PROFILE_SCHEMA = schemaDocument(
  "ob-v3p0-profile.json",
  "Profile",
  OB_DEFS,
  "Open Badges 3.0 Profile (credit bank run-time schema)",
);

// ---------------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------------

// ajv-formats is CommonJS; under NodeNext its default export arrives wrapped.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2019, formats: string[]) => Ajv2019;

const ajvOptions = { verbose: true, strictTypes: false, strictTuples: false } as const;
let collectAll: Ajv2019 | undefined;
let failFast: Ajv2019 | undefined;

function compiledPair(schema: SchemaObject): { all: ValidateFunction; first: ValidateFunction } {
  collectAll ??= addFormats(new Ajv2019({ ...ajvOptions, allErrors: true }), ["date-time", "date"]);
  failFast ??= addFormats(new Ajv2019({ ...ajvOptions, allErrors: false }), ["date-time", "date"]);
  const id = String(schema.$id);
  const all = collectAll.getSchema(id) ?? collectAll.compile(schema);
  const first = failFast.getSchema(id) ?? failFast.compile(schema);
  return { all, first };
}

/**
 * Depth and number of values of a JSON value, walked without recursion. Values are counted as they are
 * queued, so the walk stops at the limits however wide an array is.
 */
function measure(doc: unknown, maxValues: number): { depth: number; values: number } {
  const stack: { value: unknown; depth: number }[] = [{ value: doc, depth: 1 }];
  let depth = 0;
  let values = 1;
  while (stack.length > 0 && depth <= MAX_DEPTH && values <= maxValues) {
    const { value, depth: d } = stack.pop() as { value: unknown; depth: number };
    if (d > depth) depth = d;
    if (value === null || typeof value !== "object") continue;
    const children = Array.isArray(value) ? value : Object.values(value);
    values += children.length;
    if (values > maxValues) break;
    for (const child of children) stack.push({ value: child, depth: d + 1 });
  }
  return { depth, values };
}

const TYPE_NAMES: Record<string, string> = {
  string: "a string",
  number: "a number",
  integer: "a whole number",
  boolean: "true or false",
  object: "an object",
  array: "an array",
  null: "null",
};

function schemaOf(e: ErrorObject): SchemaObject {
  return (e.parentSchema ?? {}) as SchemaObject;
}

function where(path: string): string {
  return path === "" ? "The document" : path;
}

/** Turns one Ajv error into a problem, or null for errors that only restate another one. */
function problemOf(e: ErrorObject): SchemaProblem | null {
  // Errors inside `contains`, `anyOf` branches or `if` conditions are summed up by the error of the
  // keyword itself; `if` errors restate the error of the branch taken.
  if (e.keyword === "if" || /\/(contains|anyOf)\//.test(e.schemaPath)) return null;
  const parent = schemaOf(e);
  const expected = typeof parent.description === "string" ? parent.description : undefined;
  const params = e.params as Record<string, unknown>;
  const path = e.instancePath;
  const at = where(path);
  switch (e.keyword) {
    case "required": {
      const missing = `${path}/${escapePointer(String(params.missingProperty))}`;
      return { path: missing, message: `${missing} is required` };
    }
    case "additionalProperties": {
      const extra = `${path}/${escapePointer(String(params.additionalProperty))}`;
      const title = typeof parent.title === "string" ? parent.title : "this object";
      return { path: extra, message: `${extra} is not allowed in ${article(title)} ${title}` };
    }
    case "type": {
      if (typeof parent.title === "string") {
        return { path, message: `${at} must be ${article(parent.title)} ${parent.title} object` };
      }
      return { path, message: `${at} must be ${expected ?? TYPE_NAMES[String(params.type)] ?? String(params.type)}` };
    }
    case "anyOf": {
      const branches = Array.isArray(parent.anyOf) ? (parent.anyOf as SchemaObject[]) : [];
      const names = branches.flatMap((b) => (Array.isArray(b.required) ? (b.required as string[]) : []));
      return { path, message: `${at} must have ${names.join(" or ") || "one of the allowed forms"}` };
    }
    case "const":
      return { path, message: `${at} must be ${expected ?? JSON.stringify(params.allowedValue)}` };
    case "enum":
      return {
        path,
        message: `${at} must be ${expected ?? `one of ${(params.allowedValues as unknown[]).map(String).join(", ")}`}`,
      };
    case "contains":
      return { path, message: `${at} must be ${expected ?? "a list that includes the required item"}` };
    case "minItems":
      return { path, message: `${at} must be ${expected ?? `a list of at least ${String(params.limit)} item(s)`}` };
    case "minimum":
      return { path, message: `${at} must be ${expected ?? `${String(params.limit)} or more`}` };
    case "pattern":
    case "format":
      return { path, message: `${at} must be ${expected ?? `a valid ${String(params.format ?? "value")}`}` };
    default:
      return { path, message: `${at} ${e.message ?? "is not valid"}` };
  }
}

/** Problems for a set of Ajv errors: one per JSON pointer, at most MAX_SCHEMA_PROBLEMS. */
function problemsOf(errors: readonly ErrorObject[]): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    const problem = problemOf(e);
    if (!problem || seen.has(problem.path)) continue;
    seen.add(problem.path);
    problems.push(problem);
    if (problems.length >= MAX_SCHEMA_PROBLEMS) break;
  }
  return problems;
}

/** A validator for one schema document, bounded on hostile input. */
export function schemaValidator(schema: SchemaObject): (doc: unknown) => SchemaProblem[] {
  let pair: { all: ValidateFunction; first: ValidateFunction } | undefined;
  return (doc: unknown): SchemaProblem[] => {
    const size = measure(doc, MAX_VALUES_FOR_ALL_ERRORS + 1);
    if (size.depth > MAX_DEPTH) {
      return [{ path: "", message: `The document is nested more than ${MAX_DEPTH} levels deep` }];
    }
    pair ??= compiledPair(schema);
    // Fail fast first: cheap on any input, and the common case (a valid document) ends here.
    if (pair.first(doc)) return [];
    const tooBig = size.values > MAX_VALUES_FOR_ALL_ERRORS;
    const validate = tooBig ? pair.first : pair.all;
    if (!tooBig) validate(doc);
    const problems = problemsOf(validate.errors ?? []);
    // An error that only restates others (never expected) must still not let an invalid document pass.
    return problems.length > 0 ? problems : [{ path: "", message: "The document does not match the schema" }];
  };
}

export const validateOpenBadgeCredential = schemaValidator(OPEN_BADGE_CREDENTIAL_SCHEMA);
export const validateEndorsementCredential = schemaValidator(ENDORSEMENT_CREDENTIAL_SCHEMA);
export const validateAchievement = schemaValidator(ACHIEVEMENT_SCHEMA);
export const validateProfile = schemaValidator(PROFILE_SCHEMA);
