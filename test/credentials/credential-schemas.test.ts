/**
 * The bank's own OB 3.0 / CLR 2.0 schemas (src/credentials/schema) against the official 1EdTech JSON
 * Schemas, read in place from the shared standards folder (never copied: they are licensed).
 *
 * Agreement means: every official valid example passes ours; every document the official schema rejects,
 * ours rejects too (examples, and random single mutations of valid credentials); where ours rejects what
 * the official schema accepts, the reason is one of the stricter choices documented at the top of
 * src/credentials/schema/open-badges.ts and clr.ts.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { Ajv2019, type ValidateFunction } from "ajv/dist/2019.js";
import addFormatsModule from "ajv-formats";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { CLR_CREDENTIAL_SCHEMA, validateClrCredential } from "../../src/credentials/schema/clr.ts";
import {
  ACHIEVEMENT_SCHEMA,
  ENDORSEMENT_CREDENTIAL_SCHEMA,
  MAX_SCHEMA_PROBLEMS,
  OPEN_BADGE_CREDENTIAL_SCHEMA,
  PROFILE_SCHEMA,
  type SchemaProblem,
  validateAchievement,
  validateEndorsementCredential,
  validateOpenBadgeCredential,
  validateProfile,
} from "../../src/credentials/schema/open-badges.ts";
import { readStandardsJson, standardsDir } from "../support/standards.ts";

// ajv-formats is CommonJS; under NodeNext its default export arrives wrapped.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2019) => Ajv2019;

/** Multiplies the property-test runs for a longer soak: FUZZ_MULTIPLIER=20 npx vitest run <this file>. */
const FUZZ = Math.max(1, Number(process.env.FUZZ_MULTIPLIER ?? 1) || 1);
const PROPERTY_TIMEOUT = 60_000 * FUZZ;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Validator = (doc: unknown) => SchemaProblem[];

const OB_SCHEMA = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/";
const CLR_SCHEMA = "https://purl.imsglobal.org/spec/clr/v2p0/schema/json/";

interface Official {
  credential: ValidateFunction;
  endorsement: ValidateFunction;
  profile: ValidateFunction;
  achievement: ValidateFunction;
  clr: ValidateFunction;
}

function loadOfficial(): Official {
  const ajv = addFormats(new Ajv2019({ strict: false, allErrors: false }));
  for (const folder of ["openbadges-3.0/schema", "clr-2.0/schema"]) {
    for (const file of readdirSync(join(standardsDir(), folder))) {
      if (file.endsWith("_schema.json")) ajv.addSchema(readStandardsJson(`${folder}/${file}`) as object);
    }
  }
  const get = (id: string): ValidateFunction => {
    const validate = ajv.getSchema(id);
    if (!validate) throw new Error(`official schema ${id} not found`);
    return validate;
  };
  return {
    credential: get(`${OB_SCHEMA}ob_v3p0_achievementcredential_schema.json`),
    endorsement: get(`${OB_SCHEMA}ob_v3p0_endorsementcredential_schema.json`),
    profile: get(`${OB_SCHEMA}ob_v3p0_profile_schema.json`),
    achievement: get(`${OB_SCHEMA}ob_v3p0_achievementcredential_schema.json#/$defs/Achievement`),
    clr: get(`${CLR_SCHEMA}clr_v2p0_clrcredential_schema.json`),
  };
}

const json = (relPath: string): Json => readStandardsJson(relPath) as Json;
const jsonFiles = (folder: string): string[] =>
  readdirSync(join(standardsDir(), folder))
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => `${folder}/${f}`);

const OB_SPEC = "openbadges-3.0/examples/spec";
const OB_VALIDATOR = "openbadges-3.0/examples/validator";

function typesOf(doc: Json): string[] {
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) return [];
  const type = doc.type;
  return Array.isArray(type)
    ? type.filter((t): t is string => typeof t === "string")
    : typeof type === "string"
      ? [type]
      : [];
}
const isObCredential = (doc: Json): boolean =>
  typesOf(doc).some((t) => t === "OpenBadgeCredential" || t === "AchievementCredential");
const isEndorsement = (doc: Json): boolean => typesOf(doc).includes("EndorsementCredential");

let official: Official;
beforeAll(() => {
  official = loadOfficial();
});

// -----------------------------------------------------------------------------------------------------
// Examples
// -----------------------------------------------------------------------------------------------------

describe("official valid examples pass our schemas", () => {
  const specCredentials = jsonFiles(OB_SPEC).filter((f) => isObCredential(json(f)));
  const validatorTop = jsonFiles(OB_VALIDATOR);

  it("finds the examples it is meant to check", () => {
    expect(specCredentials.length).toBeGreaterThanOrEqual(6);
    expect(validatorTop.length).toBeGreaterThanOrEqual(8);
  });

  it.each(specCredentials)("%s (spec example credential)", (file) => {
    const doc = json(file);
    expect(official.credential(doc)).toBe(true);
    expect(validateOpenBadgeCredential(doc)).toEqual([]);
  });

  it.each(validatorTop)("%s (validator example)", (file) => {
    const doc = json(file);
    if (isEndorsement(doc)) {
      expect(official.endorsement(doc)).toBe(true);
      expect(validateEndorsementCredential(doc)).toEqual([]);
    } else {
      expect(official.credential(doc)).toBe(true);
      expect(validateOpenBadgeCredential(doc)).toEqual([]);
    }
  });

  it.each([
    `${OB_VALIDATOR}/status-list/credential-status-revoked.json`,
    `${OB_VALIDATOR}/status-list/credential-status-revoked-blank-nodes.json`,
  ])("%s (OpenBadgeCredential with a BitstringStatusListEntry)", (file) => {
    expect(official.credential(json(file))).toBe(true);
    expect(validateOpenBadgeCredential(json(file))).toEqual([]);
  });

  it("the BitstringStatusListCredential is not an Open Badge: both schemas reject it as one", () => {
    const doc = json(`${OB_VALIDATOR}/status-list/bitstring-status-list-credential.json`);
    expect(official.credential(doc)).toBe(false);
    expect(validateOpenBadgeCredential(doc)).toContainEqual(expect.objectContaining({ path: "/type" }));
  });

  it("the spec EndorsementCredential passes the endorsement schemas", () => {
    const doc = json(`${OB_SPEC}/endorsementcredential.json`);
    expect(official.endorsement(doc)).toBe(true);
    expect(validateEndorsementCredential(doc)).toEqual([]);
  });

  it.each([`${OB_SPEC}/derived-profile-from-complete-issuer.json`, `${OB_SPEC}/api-getprofile-response-profile.json`])(
    "%s passes the Profile schemas",
    (file) => {
      expect(official.profile(json(file))).toBe(true);
      expect(validateProfile(json(file))).toEqual([]);
    },
  );

  it("derived-achievement-from-complete.json passes the Achievement schemas", () => {
    const doc = json(`${OB_SPEC}/derived-achievement-from-complete.json`);
    expect(official.achievement(doc)).toBe(true);
    expect(validateAchievement(doc)).toEqual([]);
  });

  it("clr-2.0/examples/simple.json passes the ClrCredential schemas", () => {
    const doc = json("clr-2.0/examples/simple.json");
    expect(official.clr(doc)).toBe(true);
    expect(validateClrCredential(doc)).toEqual([]);
  });
});

describe("examples the official schema rejects, or that are wrong in meaning", () => {
  // README §1, "Negative cases": what the official schema does, and what ours does.
  const INVALID: Record<string, { official: "fails" | "passes"; ours: "fails" | "passes"; path?: string }> = {
    "simple-err-type.json": { official: "fails", ours: "fails", path: "/type" },
    "simple-err-context.json": { official: "fails", ours: "fails", path: "/@context/0" },
    "simple-err-issuer.json": { official: "fails", ours: "fails", path: "/issuer" },
    "simple-err-issued.json": { official: "fails", ours: "fails", path: "/credentialSubject/achievement" },
    "simple-err-credential-subject-type.json": { official: "fails", ours: "fails", path: "/credentialSubject/type" },
    "simple-err-credential-subject-identifier-type.json": {
      official: "fails",
      ours: "fails",
      path: "/credentialSubject/identifier/0/type",
    },
    "simple-err-credential-subject-result-type.json": {
      official: "fails",
      ours: "fails",
      path: "/credentialSubject/result/1/type",
    },
    "simple-err-issuer-type.json": { official: "fails", ours: "fails", path: "/issuer/type" },
    "simple-err-issuer-parentorg-type.json": { official: "fails", ours: "fails", path: "/issuer/parentOrg/type" },
    "simple-err-issuer-otheridentifier-type.json": {
      official: "fails",
      ours: "fails",
      path: "/issuer/otherIdentifier/1/type",
    },
    // Pass the official schema but are wrong: a nested `type` that is a single string other than the
    // class name. Ours rejects them (stricter choice 4 in open-badges.ts).
    "simple-err-credential-subject-profile-type.json": {
      official: "passes",
      ours: "fails",
      path: "/credentialSubject/source/type",
    },
    "simple-err-credential-subject-achievement-result-description-type.json": {
      official: "passes",
      ours: "fails",
      path: "/credentialSubject/achievement/resultDescription/2/type",
    },
    "simple-err-evidence-type.json": { official: "passes", ours: "fails", path: "/evidence/1/type" },
    // Well-formed: expiry and proofs are other checks of the verifier (validity dates, proof), not the
    // schema's. Ours passes them, like the official schema.
    "simple-err-expired.json": { official: "passes", ours: "passes" },
    "simple-err-proof-method.json": { official: "passes", ours: "passes" },
    "simple-err-proof-method-no-scheme.json": { official: "passes", ours: "passes" },
    "simple-err-proof-method-unknown-scheme.json": { official: "passes", ours: "passes" },
    "simple-err-proof-method-unknown-did-method.json": { official: "passes", ours: "passes" },
    "simple-err-proof-value.json": { official: "passes", ours: "passes" },
  };

  it("the table covers every file in examples/validator/invalid", () => {
    expect(jsonFiles(`${OB_VALIDATOR}/invalid`).map((f) => f.split("/").pop())).toEqual(Object.keys(INVALID).sort());
  });

  it.each(Object.entries(INVALID))("%s", (file, expected) => {
    const doc = json(`${OB_VALIDATOR}/invalid/${file}`);
    expect(official.credential(doc) ? "passes" : "fails").toBe(expected.official);
    const problems = validateOpenBadgeCredential(doc);
    expect(problems.length > 0 ? "fails" : "passes").toBe(expected.ours);
    if (expected.path) expect(problems.map((p) => p.path)).toContain(expected.path);
  });

  it.each(jsonFiles(`${OB_VALIDATOR}/legacy-vc1`))("%s (VC 1.1 era) fails both schemas", (file) => {
    const doc = json(file);
    const [ours, theirs] = isEndorsement(doc)
      ? [validateEndorsementCredential, official.endorsement]
      : [validateOpenBadgeCredential, official.credential];
    expect(theirs(doc)).toBe(false);
    const problems = ours(doc);
    expect(problems).toContainEqual({ path: "/validFrom", message: "/validFrom is required" });
    expect(problems.map((p) => p.path)).toContain("/@context/0");
  });

  it.each(jsonFiles("clr-2.0/examples/legacy-vc1"))("%s (VC 1.1 era CLR) fails both schemas", (file) => {
    expect(official.clr(json(file))).toBe(false);
    expect(validateClrCredential(json(file))).toContainEqual({ path: "/validFrom", message: "/validFrom is required" });
  });
});

// -----------------------------------------------------------------------------------------------------
// Generated valid credentials
// -----------------------------------------------------------------------------------------------------

const iriArb = fc.oneof(
  fc.webUrl({ withFragments: false, withQueryParameters: false }),
  fc.uuid().map((u) => `urn:uuid:${u}`),
  fc.stringMatching(/^[0-9a-f]{8,16}$/).map((h) => `did:example:${h}`),
);
const dateTimeArb = fc
  .date({ min: new Date("1990-01-01T00:00:00Z"), max: new Date("2100-01-01T00:00:00Z"), noInvalidDate: true })
  .map((d) => d.toISOString().replace(/\.\d{3}Z$/, "Z"));
const textArb = fc.string({ maxLength: 12 });
const typeArb = (name: string): fc.Arbitrary<Json> => fc.constantFrom<Json>(name, [name], [name, "ext:Other"]);
const oneOrManyArb = (item: fc.Arbitrary<Json>): fc.Arbitrary<Json> =>
  fc.oneof(item, fc.array(item, { minLength: 1, maxLength: 3 }));
const extTermArb = fc.stringMatching(/^[A-Za-z0-9._][A-Za-z0-9._-]{0,8}$/).map((s) => `ext:${s}`);
const vocabArb = (terms: string[]): fc.Arbitrary<Json> => fc.oneof(fc.constantFrom(...terms), extTermArb);

const imageArb = fc.record(
  { id: iriArb, type: fc.constant("Image"), caption: textArb },
  { requiredKeys: ["id", "type"] },
);
const identifierEntryArb = fc.record({
  type: fc.constant("IdentifierEntry"),
  identifier: textArb,
  identifierType: vocabArb(["identifier", "sourcedId", "emailAddress"]),
});
const geoArb = fc.record({
  type: fc.constant("GeoCoordinates"),
  latitude: fc.double({ min: -90, max: 90, noNaN: true }),
  longitude: fc.double({ min: -180, max: 180, noNaN: true }),
});
const addressArb = fc.record(
  { type: typeArb("Address"), addressCountry: textArb, postalCode: textArb, geo: geoArb },
  { requiredKeys: ["type"] },
);
const profileArb: fc.Arbitrary<Json> = fc.record(
  {
    id: iriArb,
    type: typeArb("Profile"),
    name: textArb,
    url: iriArb,
    email: textArb,
    image: imageArb,
    address: addressArb,
    otherIdentifier: oneOrManyArb(identifierEntryArb),
    parentOrg: fc.record({ id: iriArb, type: typeArb("Profile"), name: textArb }, { requiredKeys: ["id", "type"] }),
    dateOfBirth: fc.constantFrom("1990-02-28", "2001-12-31"),
  },
  { requiredKeys: ["id", "type"] },
);
const alignmentArb = fc.record(
  {
    type: typeArb("Alignment"),
    targetName: textArb,
    targetUrl: iriArb,
    targetCode: textArb,
    targetType: vocabArb(["CFItem", "CTDL", "ceasn:Competency"]),
  },
  { requiredKeys: ["type", "targetName", "targetUrl"] },
);
const rubricLevelArb = fc.record(
  { id: iriArb, type: typeArb("RubricCriterionLevel"), name: textArb, level: textArb, points: textArb },
  { requiredKeys: ["id", "type", "name"] },
);
const resultDescriptionArb = fc.record(
  {
    id: iriArb,
    type: typeArb("ResultDescription"),
    name: textArb,
    resultType: vocabArb(["LetterGrade", "RubricCriterionLevel", "Status"]),
    allowedValue: oneOrManyArb(textArb),
    alignment: oneOrManyArb(alignmentArb),
    rubricCriterionLevel: oneOrManyArb(rubricLevelArb),
    requiredLevel: iriArb,
  },
  { requiredKeys: ["id", "type", "name", "resultType"] },
);
const achievementArb = fc.record(
  {
    id: iriArb,
    type: typeArb("Achievement"),
    name: textArb,
    description: textArb,
    criteria: fc.oneof(
      fc.record({ narrative: textArb }),
      fc.record({ id: iriArb }),
      fc.record({ id: iriArb, narrative: textArb }),
    ),
    achievementType: vocabArb(["Badge", "MicroCredential", "Course", "Certificate"]),
    creditsAvailable: fc.double({ min: 0, max: 300, noNaN: true }),
    alignment: oneOrManyArb(alignmentArb),
    resultDescription: oneOrManyArb(resultDescriptionArb),
    image: imageArb,
    creator: profileArb,
    inLanguage: fc.constantFrom("en", "fr-CA", "de"),
    tag: oneOrManyArb(textArb),
    otherIdentifier: oneOrManyArb(identifierEntryArb),
    related: fc.record({ id: iriArb, type: typeArb("Related"), version: textArb }, { requiredKeys: ["id", "type"] }),
  },
  { requiredKeys: ["id", "type", "name", "description", "criteria"] },
);
const identityObjectArb = fc.record(
  {
    type: fc.constant("IdentityObject"),
    hashed: fc.boolean(),
    identityHash: textArb,
    identityType: vocabArb(["emailAddress", "sourcedId", "name"]),
    salt: textArb,
  },
  { requiredKeys: ["type", "hashed", "identityHash", "identityType"] },
);
const resultArb = fc.record(
  {
    type: typeArb("Result"),
    value: textArb,
    status: fc.constantFrom("Completed", "InProgress", "Failed"),
    resultDescription: iriArb,
    achievedLevel: iriArb,
    alignment: oneOrManyArb(alignmentArb),
  },
  { requiredKeys: ["type"] },
);
const subjectArb = fc
  .tuple(
    fc.record(
      {
        type: typeArb("AchievementSubject"),
        achievement: achievementArb,
        creditsEarned: fc.double({ min: 0, max: 300, noNaN: true }),
        activityStartDate: dateTimeArb,
        result: oneOrManyArb(resultArb),
        source: profileArb,
        image: imageArb,
        role: textArb,
        term: textArb,
      },
      { requiredKeys: ["type", "achievement"] },
    ),
    fc.oneof(
      iriArb.map((id) => ({ id })),
      oneOrManyArb(identityObjectArb).map((identifier) => ({ identifier })),
    ),
  )
  .map(([subject, who]) => ({ ...subject, ...who }) as Json);
const proofArb = fc.record({
  type: fc.constant("DataIntegrityProof"),
  cryptosuite: fc.constant("eddsa-rdfc-2022"),
  created: dateTimeArb,
  verificationMethod: iriArb,
  proofPurpose: fc.constant("assertionMethod"),
  proofValue: fc.stringMatching(/^z[1-9A-HJ-NP-Za-km-z]{20,40}$/),
});
const evidenceArb = fc.record(
  { id: iriArb, type: typeArb("Evidence"), name: textArb, narrative: textArb },
  { requiredKeys: ["type"] },
);
const obContextArb = fc.constantFrom(
  "https://purl.imsglobal.org/spec/ob/v3p0/context.json",
  "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json",
  "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json",
  "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
);
const credentialArb: fc.Arbitrary<Json> = fc.record(
  {
    "@context": fc
      .tuple(obContextArb, fc.boolean())
      .map(([ob, ext]) => [
        "https://www.w3.org/ns/credentials/v2",
        ob,
        ...(ext ? ["https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"] : []),
      ]),
    id: iriArb,
    type: fc.constantFrom<Json>(
      ["VerifiableCredential", "OpenBadgeCredential"],
      ["AchievementCredential", "VerifiableCredential"],
    ),
    issuer: fc.oneof(profileArb, iriArb),
    validFrom: dateTimeArb,
    validUntil: dateTimeArb,
    name: textArb,
    description: textArb,
    image: imageArb,
    awardedDate: dateTimeArb,
    credentialSubject: subjectArb,
    evidence: oneOrManyArb(evidenceArb),
    credentialStatus: fc.record({
      id: iriArb,
      type: fc.constant("BitstringStatusListEntry"),
      statusPurpose: fc.constant("revocation"),
      statusListIndex: fc.nat({ max: 131071 }).map(String),
      statusListCredential: iriArb,
    }),
    credentialSchema: oneOrManyArb(
      fc.record({ id: iriArb, type: fc.constant("1EdTechJsonSchemaValidator2019") }) as fc.Arbitrary<Json>,
    ),
    proof: oneOrManyArb(proofArb),
  },
  { requiredKeys: ["@context", "id", "type", "issuer", "validFrom", "credentialSubject"] },
);
const clrArb: fc.Arbitrary<Json> = fc
  .record({
    id: iriArb,
    issuer: profileArb,
    validFrom: dateTimeArb,
    name: textArb,
    credentials: fc.array(credentialArb, { minLength: 1, maxLength: 2 }),
    achievements: fc.array(achievementArb, { maxLength: 2 }),
    associationType: fc.constantFrom("isChildOf", "isParentOf", "precedes"),
    subjectId: iriArb,
  })
  .map((c) => ({
    "@context": [
      "https://www.w3.org/ns/credentials/v2",
      "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json",
      "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ],
    id: c.id,
    type: ["VerifiableCredential", "ClrCredential"],
    issuer: c.issuer,
    validFrom: c.validFrom,
    name: c.name,
    credentialSubject: {
      id: c.subjectId,
      type: ["ClrSubject"],
      verifiableCredential: c.credentials,
      achievement: c.achievements,
      association: c.achievements.map((a, i) => ({
        type: "Association",
        associationType: c.associationType,
        sourceId: (a as { id: string }).id,
        targetId: (c.achievements[(i + 1) % c.achievements.length] as { id: string }).id,
      })),
    },
  }));

describe("generated valid credentials pass both schemas", () => {
  it(
    "OpenBadgeCredential / AchievementCredential",
    () => {
      fc.assert(
        fc.property(credentialArb, (doc) => {
          expect(official.credential(doc)).toBe(true);
          expect(validateOpenBadgeCredential(doc)).toEqual([]);
        }),
        { numRuns: 150 * FUZZ },
      );
    },
    PROPERTY_TIMEOUT,
  );

  it(
    "ClrCredential",
    () => {
      fc.assert(
        fc.property(clrArb, (doc) => {
          expect(official.clr(doc)).toBe(true);
          expect(validateClrCredential(doc)).toEqual([]);
        }),
        { numRuns: 60 * FUZZ },
      );
    },
    PROPERTY_TIMEOUT,
  );
});

// -----------------------------------------------------------------------------------------------------
// Mutations: whatever the official schema rejects, ours rejects
// -----------------------------------------------------------------------------------------------------

type Segment = string | number;

/** Every value of a document, as a path of segments (the root excluded). */
function pathsOf(doc: Json, prefix: Segment[] = [], out: Segment[][] = []): Segment[][] {
  if (Array.isArray(doc)) {
    doc.forEach((v, i) => {
      out.push([...prefix, i]);
      pathsOf(v, [...prefix, i], out);
    });
  } else if (doc !== null && typeof doc === "object") {
    for (const [k, v] of Object.entries(doc)) {
      out.push([...prefix, k]);
      pathsOf(v, [...prefix, k], out);
    }
  }
  return out;
}

function valueAt(doc: Json, path: Segment[]): Json | undefined {
  let node: Json | undefined = doc;
  for (const segment of path) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string, Json>)[segment as string];
  }
  return node;
}

function pointerValue(doc: Json, pointer: string): Json | undefined {
  if (pointer === "") return doc;
  const path = pointer
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
  return valueAt(doc, path);
}

const JUNK_VALUES: Json[] = [
  42,
  -1.5,
  0,
  true,
  null,
  "",
  " ",
  "text",
  "not a date",
  "2026-05-01",
  "2026-13-45T99:99:99Z",
  "2026-05-01T00:00:00",
  "relative/path",
  "urn:x y",
  "ext:",
  "ext:-x",
  "xext:Thing",
  "Other",
  "VerifiableCredential",
  "Profile",
  "https://example.org/x",
  "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
  "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1-3.0.2.json",
  "eyJhbGciOiJFZERTQSJ9.eyJ4IjoxfQ.c2ln",
  {},
  { en: "language map" },
  [],
  ["x"],
  [{}],
];

const MUTATIONS = [
  "delete",
  "replace",
  "emptyArray",
  "wrapInArray",
  "unwrapArray",
  "dropVerifiableCredential",
  "renameType",
  "addProperty",
  "languageMap",
] as const;
type Mutation = (typeof MUTATIONS)[number];

interface MutationPlan {
  kind: Mutation;
  pick: number;
  junk: Json;
  text: string;
}

const planArb: fc.Arbitrary<MutationPlan> = fc.record({
  kind: fc.constantFrom(...MUTATIONS),
  pick: fc.nat(),
  junk: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...JUNK_VALUES) }, fc.jsonValue() as fc.Arbitrary<Json>),
  text: fc.string({ maxLength: 8 }),
});

/** Applies one mutation to a copy of `doc`; returns the copy and a description for failure reports. */
function mutate(doc: Json, plan: MutationPlan): { mutant: Json; what: string } {
  const mutant = structuredClone(doc);
  const paths = pathsOf(mutant);
  if (plan.kind === "dropVerifiableCredential") {
    const typePaths = paths.filter((p) => p.at(-1) === "type" && Array.isArray(valueAt(mutant, p)));
    const path = typePaths[plan.pick % Math.max(1, typePaths.length)] ?? ["type"];
    const list = valueAt(mutant, path);
    if (Array.isArray(list)) {
      const kept = list.filter((t) => t !== "VerifiableCredential");
      list.splice(0, list.length, ...kept);
    }
    return { mutant, what: `drop VerifiableCredential at /${path.join("/")}` };
  }
  if (plan.kind === "renameType") {
    const typePaths = paths.filter((p) => p.at(-1) === "type" || p.at(-2) === "type");
    const path = typePaths[plan.pick % Math.max(1, typePaths.length)] ?? ["type"];
    return { mutant: setAt(mutant, path, "Other"), what: `rename type at /${path.join("/")}` };
  }
  const path = paths[plan.pick % paths.length] ?? [];
  const current = valueAt(mutant, path);
  const where = `/${path.join("/")}`;
  switch (plan.kind) {
    case "delete": {
      const parent = valueAt(mutant, path.slice(0, -1));
      const key = path.at(-1);
      if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else if (parent && typeof parent === "object" && key !== undefined) delete parent[key as string];
      return { mutant, what: `delete ${where}` };
    }
    case "replace":
      return {
        mutant: setAt(mutant, path, structuredClone(plan.junk)),
        what: `${where} := ${JSON.stringify(plan.junk)}`,
      };
    case "emptyArray":
      return { mutant: setAt(mutant, path, []), what: `${where} := []` };
    case "wrapInArray":
      return { mutant: setAt(mutant, path, [current ?? null]), what: `${where} := [value]` };
    case "unwrapArray":
      return {
        mutant: setAt(mutant, path, Array.isArray(current) ? (current[0] ?? null) : (current ?? null)),
        what: `${where} := value[0]`,
      };
    case "addProperty": {
      const target = current !== null && typeof current === "object" && !Array.isArray(current) ? path : [];
      const object = valueAt(mutant, target) as Record<string, Json>;
      object[`x${plan.text}`] = plan.junk;
      return { mutant, what: `add /${target.join("/")}/x${plan.text}` };
    }
    case "languageMap":
      return {
        mutant: setAt(mutant, path, typeof current === "string" ? { en: current } : { en: "x" }),
        what: `${where} := language map`,
      };
    default:
      return { mutant, what: "none" };
  }
}

function setAt(doc: Json, path: Segment[], value: Json): Json {
  if (path.length === 0) return value;
  const parent = valueAt(doc, path.slice(0, -1)) as Record<string, Json>;
  parent[path.at(-1) as string] = value;
  return doc;
}

const OB_TYPES = new Set(["OpenBadgeCredential", "AchievementCredential"]);

/**
 * Whether a problem ours reports (for a document the official schema accepts) comes from one of the
 * stricter choices documented in src/credentials/schema/open-badges.ts (1–9) and clr.ts (10).
 */
function documentedStricterChoice(doc: Json, problem: SchemaProblem): boolean {
  const { path, message } = problem;
  // 10: an Open Badge inside a CLR must be a full AchievementCredential, so any of its problems counts.
  const nested = /^\/credentialSubject\/verifiableCredential\/(\d+)(\/|$)/.exec(path);
  if (nested) {
    const list = pointerValue(doc, "/credentialSubject/verifiableCredential");
    const item = Array.isArray(list) ? list[Number(nested[1])] : list;
    if (item !== undefined && typesOf(item).some((t) => OB_TYPES.has(t))) return true;
  }
  if (/\/@context(\/\d+)?$/.test(path)) return true; // 1, 2
  if (/\/type(\/\d+)?$/.test(path)) return true; // 3, 4
  // 5: a language map (an empty object is one too, for the official schema) where a string belongs; ours
  // reports the value itself, or, where a Profile could also stand, a property the "Profile" lacks.
  const parentPath = path.slice(0, Math.max(0, path.lastIndexOf("/")));
  if (isLanguageMap(pointerValue(doc, path)) || isLanguageMap(pointerValue(doc, parentPath))) return true;
  if (message.includes("must be an absolute URI")) return true; // 6
  if (/ must have (id or identifier|id or narrative)$/.test(message)) return true; // 7
  if (message.includes("or an extension term such as ext:")) return true; // 8
  if (message.includes("a number of credits, 0 or more")) return true; // 9
  return false;
}

/** The official schema's language map: an object of strings keyed by language tags (possibly empty). */
function isLanguageMap(value: Json | undefined): boolean {
  return (
    value !== null &&
    typeof value === "object" &&
    !Array.isArray(value) &&
    Object.entries(value).every(([k, v]) => /^[a-z]{2}(-[A-Z]{2})?$/.test(k) && typeof v === "string")
  );
}

interface Agreement {
  mutants: number;
  officialRejects: number;
  oursStricter: number;
}

function checkAgreement(
  bases: fc.Arbitrary<Json>,
  ours: Validator,
  theirs: ValidateFunction,
  numRuns: number,
): Agreement {
  const stats: Agreement = { mutants: 0, officialRejects: 0, oursStricter: 0 };
  fc.assert(
    fc.property(bases, planArb, (base, plan) => {
      const { mutant, what } = mutate(base, plan);
      const problems = ours(mutant);
      const theirsAccepts = theirs(mutant) === true;
      stats.mutants++;
      if (!theirsAccepts) {
        stats.officialRejects++;
        expect(problems, `official rejects after ${what}, ours must too`).not.toEqual([]);
      } else if (problems.length > 0) {
        stats.oursStricter++;
        const undocumented = problems.filter((p) => !documentedStricterChoice(mutant, p));
        expect(undocumented, `ours is stricter after ${what} for an undocumented reason`).toEqual([]);
      }
    }),
    { numRuns: numRuns * FUZZ },
  );
  return stats;
}

describe("single mutations of valid documents: official rejects ⇒ ours rejects", () => {
  const exampleCredentials = [
    ...jsonFiles(OB_SPEC).filter((f) => isObCredential(json(f))),
    ...jsonFiles(OB_VALIDATOR).filter((f) => isObCredential(json(f))),
    `${OB_VALIDATOR}/status-list/credential-status-revoked.json`,
  ].map(json);

  it(
    "AchievementCredential / OpenBadgeCredential (examples and generated)",
    () => {
      const bases = fc.oneof(fc.constantFrom(...exampleCredentials), credentialArb);
      const stats = checkAgreement(bases, validateOpenBadgeCredential, official.credential, 2500);
      // The mutations must really exercise both sides.
      expect(stats.officialRejects).toBeGreaterThan(stats.mutants / 5);
    },
    PROPERTY_TIMEOUT,
  );

  it(
    "ClrCredential (the example and generated)",
    () => {
      const bases = fc.oneof(fc.constant(json("clr-2.0/examples/simple.json")), clrArb);
      const stats = checkAgreement(bases, validateClrCredential, official.clr, 700);
      expect(stats.officialRejects).toBeGreaterThan(stats.mutants / 5);
    },
    PROPERTY_TIMEOUT,
  );

  it(
    "EndorsementCredential (the examples)",
    () => {
      const bases = fc.constantFrom(
        json(`${OB_SPEC}/endorsementcredential.json`),
        json(`${OB_VALIDATOR}/endorsement-valid.json`),
      );
      checkAgreement(bases, validateEndorsementCredential, official.endorsement, 500);
    },
    PROPERTY_TIMEOUT,
  );

  it(
    "Achievement sub-validator against the official $defs/Achievement",
    () => {
      const bases = fc.oneof(fc.constant(json(`${OB_SPEC}/derived-achievement-from-complete.json`)), achievementArb);
      checkAgreement(bases, validateAchievement, official.achievement, 700);
    },
    PROPERTY_TIMEOUT,
  );

  it(
    "Profile sub-validator against the official Profile schema",
    () => {
      const bases = fc.oneof(
        fc.constantFrom(
          json(`${OB_SPEC}/derived-profile-from-complete-issuer.json`),
          json(`${OB_SPEC}/api-getprofile-response-profile.json`),
        ),
        profileArb,
      );
      checkAgreement(bases, validateProfile, official.profile, 700);
    },
    PROPERTY_TIMEOUT,
  );
});

describe("each documented stricter choice: the official schema accepts, ours rejects", () => {
  const simple = (): Record<string, Json> =>
    structuredClone(json(`${OB_VALIDATOR}/simple.json`)) as Record<string, Json>;
  const subject = (doc: Record<string, Json>) => doc.credentialSubject as Record<string, Json>;
  const achievement = (doc: Record<string, Json>) => subject(doc).achievement as Record<string, Json>;

  const CASES: [string, (doc: Record<string, Json>) => void, string][] = [
    ["1: a single @context", (d) => (d["@context"] = "https://www.w3.org/ns/credentials/v2"), "/@context"],
    [
      "2: a made-up OB context version",
      (d) => ((d["@context"] as Json[])[1] = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1-3.0.2.json"),
      "/@context/1",
    ],
    ["2: a further context that is not a URI", (d) => (d["@context"] as Json[]).push("extras"), "/@context/2"],
    ["3: a single credential type", (d) => (d.type = "OpenBadgeCredential"), "/type"],
    ["4: a nested single type that is not the class", (d) => (subject(d).type = "Learner"), "/credentialSubject/type"],
    ["5: a language map", (d) => (d.name = { en: "Teamwork Badge" }), "/name"],
    ["6: an id that is not a URI", (d) => (d.id = "credential 3527"), "/id"],
    ["6: an issuer URI that is not a URI", (d) => (d.issuer = "Example Corp"), "/issuer"],
    ["7: a subject without id or identifier", (d) => delete subject(d).id, "/credentialSubject"],
    [
      "7: criteria without id or narrative",
      (d) => (achievement(d).criteria = {}),
      "/credentialSubject/achievement/criteria",
    ],
    [
      "8: an extension term inside other text",
      (d) => (achievement(d).achievementType = "our ext:Badge"),
      "/credentialSubject/achievement/achievementType",
    ],
    ["9: negative credits", (d) => (subject(d).creditsEarned = -3), "/credentialSubject/creditsEarned"],
  ];

  it.each(CASES)("%s", (_name, change, path) => {
    const doc = simple();
    change(doc);
    expect(official.credential(doc)).toBe(true);
    const problems = validateOpenBadgeCredential(doc);
    expect(problems.map((p) => p.path)).toEqual([path]);
    expect(documentedStricterChoice(doc, problems[0] as SchemaProblem)).toBe(true);
  });

  it("10: an Open Badge inside a CLR must be a full AchievementCredential", () => {
    const clr = structuredClone(json("clr-2.0/examples/simple.json")) as Record<string, Json>;
    const inner = (subject(clr).verifiableCredential as Json[])[0] as Record<string, Json>;
    delete (subject(inner).achievement as Record<string, Json>).criteria;
    expect(official.clr(clr)).toBe(true);
    expect(validateClrCredential(clr)).toEqual([
      {
        path: "/credentialSubject/verifiableCredential/0/credentialSubject/achievement/criteria",
        message: "/credentialSubject/verifiableCredential/0/credentialSubject/achievement/criteria is required",
      },
    ]);
  });
});

// -----------------------------------------------------------------------------------------------------
// Problems: JSON pointers and sentences
// -----------------------------------------------------------------------------------------------------

describe("problems name the field with a JSON pointer and a sentence", () => {
  const simple = (): Record<string, Json> =>
    structuredClone(json(`${OB_VALIDATOR}/simple.json`)) as Record<string, Json>;
  const complete = (): Record<string, Json> =>
    structuredClone(json(`${OB_SPEC}/complete-openbadgecredential.json`)) as Record<string, Json>;
  const at = (doc: Json, pointer: string) => pointerValue(doc, pointer) as Record<string, Json>;

  const TABLE: [string, () => unknown, SchemaProblem[]][] = [
    [
      "a missing achievement name",
      () => {
        const d = simple();
        delete at(d, "/credentialSubject/achievement").name;
        return d;
      },
      [{ path: "/credentialSubject/achievement/name", message: "/credentialSubject/achievement/name is required" }],
    ],
    [
      "a validFrom that is not a date-time",
      () => ({ ...simple(), validFrom: "1 May 2026" }),
      [{ path: "/validFrom", message: "/validFrom must be a date-time such as 2026-05-01T00:00:00Z" }],
    ],
    [
      "a validFrom that is a number",
      () => ({ ...simple(), validFrom: 20260501 }),
      [{ path: "/validFrom", message: "/validFrom must be a date-time such as 2026-05-01T00:00:00Z" }],
    ],
    [
      "a type without VerifiableCredential",
      () => ({ ...simple(), type: ["OpenBadgeCredential", "Extra"] }),
      [{ path: "/type", message: '/type must be a list of types that includes "VerifiableCredential"' }],
    ],
    [
      "an unknown property in an IdentityObject, with pointer escaping",
      () => {
        const d = complete();
        at(d, "/credentialSubject/identifier/0")["a/b~c"] = 1;
        return d;
      },
      [
        {
          path: "/credentialSubject/identifier/0/a~1b~0c",
          message: "/credentialSubject/identifier/0/a~1b~0c is not allowed in an IdentityObject",
        },
      ],
    ],
    [
      "an achievementType outside the vocabulary",
      () => {
        const d = simple();
        at(d, "/credentialSubject/achievement").achievementType = "Gold";
        return d;
      },
      [
        {
          path: "/credentialSubject/achievement/achievementType",
          message:
            "/credentialSubject/achievement/achievementType must be an AchievementType term (Achievement, ApprenticeshipCertificate, Assessment, Assignment, …) or an extension term such as ext:MyTerm",
        },
      ],
    ],
    [
      "an evidence of the wrong type, given as a single object",
      () => ({ ...simple(), evidence: { type: "Proof" } }),
      [{ path: "/evidence/type", message: '/evidence/type must be "Evidence" or a list of types that includes it' }],
    ],
    [
      "an issuer that is neither a URI nor a Profile",
      () => ({ ...simple(), issuer: 7 }),
      [{ path: "/issuer", message: "/issuer must be a Profile object" }],
    ],
    [
      "a subject with neither id nor identifier, and a bad result status",
      () => {
        const d = complete();
        const s = at(d, "/credentialSubject");
        delete s.id;
        s.identifier = [];
        (s.result as Record<string, Json>[])[2] = { type: ["Result"], status: "Done" };
        return d;
      },
      [
        { path: "/credentialSubject", message: "/credentialSubject must have id or identifier" },
        {
          path: "/credentialSubject/result/2/status",
          message:
            "/credentialSubject/result/2/status must be one of Completed, Enrolled, Failed, InProgress, OnHold, Provisional, Withdrew",
        },
      ],
    ],
    [
      "a document that is not an object",
      () => "not a credential",
      [{ path: "", message: "The document must be an AchievementCredential object" }],
    ],
    [
      "an @context that starts with the VC 1.1 URL",
      () => ({
        ...simple(),
        "@context": [
          "https://www.w3.org/2018/credentials/v1",
          "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
      }),
      [
        {
          path: "/@context/0",
          message: "/@context/0 must be the VC 2.0 context URL https://www.w3.org/ns/credentials/v2",
        },
      ],
    ],
  ];

  it.each(TABLE)("%s", (_name, make, expected) => {
    expect(validateOpenBadgeCredential(make())).toEqual(expected);
  });

  it("a CLR association outside the vocabulary", () => {
    const clr = structuredClone(json("clr-2.0/examples/simple.json")) as Record<string, Json>;
    at(clr, "/credentialSubject/association/0").associationType = "isCousinOf";
    at(clr, "/credentialSubject/association/0").note = "x";
    expect(validateClrCredential(clr)).toEqual([
      {
        path: "/credentialSubject/association/0/note",
        message: "/credentialSubject/association/0/note is not allowed in an Association",
      },
      {
        path: "/credentialSubject/association/0/associationType",
        message:
          "/credentialSubject/association/0/associationType must be one of exactMatchOf, isChildOf, isParentOf, isPartOf, isPeerOf, isRelatedTo, precedes, replacedBy",
      },
    ]);
  });

  it("an empty verifiableCredential list in a CLR", () => {
    const clr = structuredClone(json("clr-2.0/examples/simple.json")) as Record<string, Json>;
    at(clr, "/credentialSubject").verifiableCredential = [];
    expect(validateClrCredential(clr)).toEqual([
      {
        path: "/credentialSubject/verifiableCredential",
        message: "/credentialSubject/verifiableCredential must be a list of at least 1 item",
      },
    ]);
  });
});

describe("hostile input is bounded", () => {
  const simple = (): Record<string, Json> =>
    structuredClone(json(`${OB_VALIDATOR}/simple.json`)) as Record<string, Json>;

  it(`reports at most ${MAX_SCHEMA_PROBLEMS} problems`, () => {
    const problems = validateOpenBadgeCredential({ ...simple(), evidence: Array.from({ length: 5000 }, () => 5) });
    expect(problems).toHaveLength(MAX_SCHEMA_PROBLEMS);
    expect(problems[0]).toEqual({ path: "/evidence/0", message: "/evidence/0 must be an Evidence object" });
  });

  it("checks a huge document fail-fast, quickly", () => {
    const started = performance.now();
    const problems = validateOpenBadgeCredential({
      ...simple(),
      evidence: Array.from({ length: 300_000 }, () => ({})),
    });
    expect(performance.now() - started).toBeLessThan(3000);
    expect(problems).toEqual([{ path: "/evidence/0/type", message: "/evidence/0/type is required" }]);
  });

  it("refuses a document nested too deep without recursing into it", () => {
    let org: Json = { id: "https://example.org/org", type: "Profile" };
    for (let i = 0; i < 100_000; i++) org = { id: `https://example.org/org/${i}`, type: "Profile", parentOrg: org };
    const problems = validateOpenBadgeCredential({ ...simple(), issuer: org });
    expect(problems).toEqual([{ path: "", message: "The document is nested more than 64 levels deep" }]);
  });
});

describe("the published schema documents", () => {
  const DOCUMENTS: [string, object, string, string][] = [
    [
      "AchievementCredential",
      OPEN_BADGE_CREDENTIAL_SCHEMA,
      `${OB_VALIDATOR}/simple.json`,
      `${OB_VALIDATOR}/invalid/simple-err-type.json`,
    ],
    [
      "EndorsementCredential",
      ENDORSEMENT_CREDENTIAL_SCHEMA,
      `${OB_SPEC}/endorsementcredential.json`,
      `${OB_VALIDATOR}/simple.json`,
    ],
    [
      "Achievement",
      ACHIEVEMENT_SCHEMA,
      `${OB_SPEC}/derived-achievement-from-complete.json`,
      `${OB_VALIDATOR}/simple.json`,
    ],
    ["Profile", PROFILE_SCHEMA, `${OB_SPEC}/derived-profile-from-complete-issuer.json`, `${OB_VALIDATOR}/simple.json`],
    ["ClrCredential", CLR_CREDENTIAL_SCHEMA, "clr-2.0/examples/simple.json", `${OB_VALIDATOR}/simple.json`],
  ];

  it.each(DOCUMENTS)(
    "%s is a self-contained, frozen draft 2019-09 document that works from its JSON",
    (_name, schema, good, bad) => {
      expect(Object.isFrozen(schema)).toBe(true);
      const ajv = addFormats(new Ajv2019({ strict: false }));
      expect(ajv.validateSchema(schema)).toBe(true);
      const validate = ajv.compile(JSON.parse(JSON.stringify(schema)) as object);
      expect(validate(json(good))).toBe(true);
      expect(validate(json(bad))).toBe(false);
    },
  );
});
