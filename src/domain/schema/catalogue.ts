/**
 * The register and catalogue: frameworks, credit systems, skill frameworks, providers with their
 * accreditations, learning units on the common template, and qualifications.
 *
 * These shapes are what a catalogue bundle holds and what the API accepts and returns. Units are
 * deliberately lenient (only provider, code and title are required) so that an incomplete draft can be
 * saved; the coherence check (`domain/coherence.ts`) then says what is missing, and the register
 * workflow refuses to submit or approve a unit with errors.
 */
import { type Static, Type } from "@sinclair/typebox";
import {
  Code,
  CountryCode,
  CreditAmount,
  CurrencyCode,
  DimensionSchema,
  HttpUrl,
  IsoDate,
  LanguageTag,
  LevelRef,
  literalUnion,
  Slug,
  Text,
} from "./common.ts";

// ---------------------------------------------------------------------------------------------
// Qualifications frameworks and credit systems

export const FrameworkLevel = Type.Object(
  {
    code: Type.String({ minLength: 1, maxLength: 16, description: "The level's code in its framework, e.g. '6'." }),
    ordinal: Type.Integer({
      minimum: 0,
      maximum: 100,
      description: "Position used to compare levels: higher is more advanced.",
    }),
    title: Type.Optional(Text(200)),
    knowledge: Type.Optional(Text(2000)),
    skills: Type.Optional(Text(2000)),
    responsibilityAutonomy: Type.Optional(Text(2000)),
  },
  { additionalProperties: false },
);
export type FrameworkLevel = Static<typeof FrameworkLevel>;

/** A statement that a level of this framework corresponds to a level of another framework. */
export const LevelReference = Type.Object(
  {
    level: Type.String({ minLength: 1, maxLength: 16 }),
    targetFramework: Slug,
    targetLevel: Type.String({ minLength: 1, maxLength: 16 }),
    basis: Type.Optional(Text(500)),
  },
  { additionalProperties: false },
);
export type LevelReference = Static<typeof LevelReference>;

export const Framework = Type.Object(
  {
    id: Slug,
    name: Text(200),
    shortName: Type.Optional(Text(40)),
    jurisdiction: Type.Optional(Text(100)),
    description: Type.Optional(Text(4000)),
    url: Type.Optional(HttpUrl),
    levels: Type.Array(FrameworkLevel, { minItems: 1, maxItems: 50 }),
    levelReferences: Type.Optional(Type.Array(LevelReference, { maxItems: 200 })),
  },
  { additionalProperties: false },
);
export type Framework = Static<typeof Framework>;

export const CreditSystem = Type.Object(
  {
    id: Slug,
    name: Text(200),
    description: Type.Optional(Text(2000)),
    hoursPerCredit: Type.Object(
      {
        min: Type.Number({ exclusiveMinimum: 0, maximum: 1000 }),
        max: Type.Number({ exclusiveMinimum: 0, maximum: 1000 }),
      },
      { additionalProperties: false, description: "Notional learning hours that one credit stands for (a range)." },
    ),
  },
  { additionalProperties: false },
);
export type CreditSystem = Static<typeof CreditSystem>;

// ---------------------------------------------------------------------------------------------
// Skill and competency frameworks

export const SkillItem = Type.Object(
  {
    code: Type.String({ minLength: 1, maxLength: 64 }),
    label: Text(300),
    parent: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: "Code of the broader item." })),
    description: Type.Optional(Text(4000)),
    uri: Type.Optional(HttpUrl),
  },
  { additionalProperties: false },
);
export type SkillItem = Static<typeof SkillItem>;

export const SkillFramework = Type.Object(
  {
    id: Slug,
    name: Text(200),
    publisher: Type.Optional(Text(200)),
    url: Type.Optional(HttpUrl),
    items: Type.Array(SkillItem, { maxItems: 100_000 }),
  },
  { additionalProperties: false },
);
export type SkillFramework = Static<typeof SkillFramework>;

// ---------------------------------------------------------------------------------------------
// Providers and accreditation

export const PROVIDER_KINDS = [
  "university",
  "polytechnic",
  "college",
  "mooc-platform",
  "industry-body",
  "employer",
  "other",
] as const;
export type ProviderKind = (typeof PROVIDER_KINDS)[number];

export const ACCREDITATION_STATUSES = ["active", "suspended", "withdrawn"] as const;
export type AccreditationStatus = (typeof ACCREDITATION_STATUSES)[number];

export const Identifier = Type.Object(
  { type: Type.String({ minLength: 1, maxLength: 40 }), value: Text(200) },
  { additionalProperties: false },
);

export const Accreditation = Type.Object(
  {
    framework: Slug,
    minLevel: Type.String({ minLength: 1, maxLength: 16 }),
    maxLevel: Type.String({ minLength: 1, maxLength: 16 }),
    fields: Type.Array(Type.String({ pattern: "^(\\*|[0-9]{2,4})$" }), {
      minItems: 1,
      maxItems: 100,
      description: "ISCED-F 2013 field codes in scope (a broad '06' covers '061' and '0613'), or '*' for all.",
    }),
    validFrom: IsoDate,
    validTo: Type.Optional(IsoDate),
    status: Type.Optional(literalUnion(ACCREDITATION_STATUSES)),
    reference: Type.Optional(Text(200, 0)),
  },
  { additionalProperties: false },
);
export type Accreditation = Static<typeof Accreditation>;

export const Provider = Type.Object(
  {
    id: Slug,
    name: Text(200),
    kind: literalUnion(PROVIDER_KINDS),
    country: CountryCode,
    region: Type.Optional(Text(100)),
    website: Type.Optional(HttpUrl),
    contactEmail: Type.Optional(Type.String({ format: "email", maxLength: 254 })),
    description: Type.Optional(Text(4000)),
    qualityAssurance: Type.Optional(Text(1000)),
    identifiers: Type.Optional(Type.Array(Identifier, { maxItems: 20 })),
    accreditations: Type.Optional(Type.Array(Accreditation, { maxItems: 50 })),
  },
  { additionalProperties: false },
);
export type Provider = Static<typeof Provider>;

// ---------------------------------------------------------------------------------------------
// Learning units on the common template (EU 2022 micro-credential elements plus our own)

export const MODES = ["online", "onsite", "blended"] as const;
export const ASSESSMENT_METHODS = [
  "written-exam",
  "oral-exam",
  "online-quiz",
  "project",
  "portfolio",
  "practical-demonstration",
  "presentation",
  "essay",
  "peer-review",
  "workplace-observation",
  "other",
] as const;
/** Annex I optional element "supervision and identity verification", as its three allowed values. */
export const IDENTITY_VERIFICATION = [
  "unsupervised-no-identity-verification",
  "supervised-no-identity-verification",
  "supervised-with-identity-verification",
] as const;
export const STACKABILITY = ["stand-alone", "stackable"] as const;
export const UNIT_STATUSES = [
  "draft",
  "submitted",
  "returned",
  "approved",
  "suspended",
  "withdrawn",
  "superseded",
] as const;
export type UnitStatus = (typeof UNIT_STATUSES)[number];

export const LearningObjective = Type.Object(
  { id: Type.String({ minLength: 1, maxLength: 20 }), text: Text(1000) },
  { additionalProperties: false },
);

export const LearningOutcome = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 20 }),
    text: Text(1000),
    dimension: Type.Optional(DimensionSchema),
    objectives: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 20 }), {
        description: "Ids of the objectives this outcome serves.",
        maxItems: 50,
      }),
    ),
  },
  { additionalProperties: false },
);
export type LearningOutcome = Static<typeof LearningOutcome>;

export const Assessment = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 20 }),
    method: literalUnion(ASSESSMENT_METHODS),
    description: Type.Optional(Text(1000)),
    outcomes: Type.Array(Type.String({ minLength: 1, maxLength: 20 }), {
      maxItems: 50,
      description: "Ids of the outcomes it assesses.",
    }),
    weight: Type.Optional(
      Type.Number({ minimum: 0, maximum: 100, description: "Share of the final grade, in percent." }),
    ),
  },
  { additionalProperties: false },
);
export type Assessment = Static<typeof Assessment>;

export const SkillAlignment = Type.Object(
  { framework: Slug, code: Type.String({ minLength: 1, maxLength: 64 }) },
  { additionalProperties: false },
);

/** A prerequisite: another unit, by code at the same provider or `provider:code` elsewhere. */
export const Prerequisite = Type.Object(
  {
    unit: Type.String({
      minLength: 1,
      maxLength: 130,
      description: "Unit code, or 'providerId:CODE' for another provider's unit.",
    }),
    note: Type.Optional(Text(500)),
  },
  { additionalProperties: false },
);

export const GradingScheme = Type.Object(
  {
    type: literalUnion(["pass-fail", "numeric", "letter"] as const),
    passMark: Type.Optional(Type.String({ minLength: 1, maxLength: 20 })),
    scale: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 20 }), {
        maxItems: 30,
        description: "Grades from best to worst.",
      }),
    ),
    description: Type.Optional(Text(1000)),
  },
  { additionalProperties: false },
);
export type GradingScheme = Static<typeof GradingScheme>;

export const Price = Type.Object(
  { amount: Type.Number({ minimum: 0, maximum: 1_000_000 }), currency: CurrencyCode },
  { additionalProperties: false },
);

export const UnitSpec = Type.Object(
  {
    provider: Slug,
    code: Code,
    title: Text(300),
    description: Type.Optional(Text(8000)),
    language: Type.Optional(LanguageTag),
    level: Type.Optional(LevelRef),
    credits: Type.Optional(CreditAmount),
    notionalHours: Type.Optional(Type.Number({ minimum: 0, maximum: 20_000 })),
    field: Type.Optional(Type.String({ pattern: "^[0-9]{2,4}$", description: "ISCED-F 2013 field code." })),
    objectives: Type.Optional(Type.Array(LearningObjective, { maxItems: 100 })),
    outcomes: Type.Optional(Type.Array(LearningOutcome, { maxItems: 200 })),
    assessments: Type.Optional(Type.Array(Assessment, { maxItems: 100 })),
    skills: Type.Optional(Type.Array(SkillAlignment, { maxItems: 200 })),
    mode: Type.Optional(literalUnion(MODES)),
    venue: Type.Optional(Text(300)),
    qualityAssurance: Type.Optional(Text(1000)),
    awardingBodies: Type.Optional(Type.Array(Slug, { maxItems: 10, description: "Defaults to the provider." })),
    prerequisites: Type.Optional(Type.Array(Prerequisite, { maxItems: 50 })),
    identityVerification: Type.Optional(literalUnion(IDENTITY_VERIFICATION)),
    gradingScheme: Type.Optional(GradingScheme),
    stackability: Type.Optional(literalUnion(STACKABILITY)),
    validityMonths: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 600, description: "How long the credential stays valid." }),
    ),
    price: Type.Optional(Price),
    furtherInformation: Type.Optional(Text(4000)),
    url: Type.Optional(HttpUrl),
  },
  { additionalProperties: false },
);
export type UnitSpec = Static<typeof UnitSpec>;

/** A unit as it appears in a bundle: the spec plus the register status the importer asks for. */
export const BundleUnit = Type.Composite([
  UnitSpec,
  Type.Object({ status: Type.Optional(literalUnion(["draft", "submitted", "approved"] as const)) }),
]);
export type BundleUnit = Static<typeof BundleUnit>;

// ---------------------------------------------------------------------------------------------
// Qualifications

export const QUALIFICATION_TYPES = [
  "award",
  "certificate",
  "diploma",
  "associate-degree",
  "bachelor-degree",
  "master-degree",
  "doctoral-degree",
  "micro-credential-programme",
] as const;
export type QualificationType = (typeof QUALIFICATION_TYPES)[number];

export const QualificationSpec = Type.Object(
  {
    awardingBody: Slug,
    code: Code,
    title: Text(300),
    type: literalUnion(QUALIFICATION_TYPES),
    level: LevelRef,
    credits: CreditAmount,
    field: Type.Optional(Type.String({ pattern: "^[0-9]{2,4}$" })),
    description: Type.Optional(Text(8000)),
    rules: Type.Optional(
      Type.Unknown({
        description: "Requirement rules as data; the requirement language is defined in a later release.",
      }),
    ),
  },
  { additionalProperties: false },
);
export type QualificationSpec = Static<typeof QualificationSpec>;

// ---------------------------------------------------------------------------------------------
// Catalogue bundles

export const CatalogueBundle = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    frameworks: Type.Optional(Type.Array(Framework)),
    creditSystems: Type.Optional(Type.Array(CreditSystem)),
    skillFrameworks: Type.Optional(Type.Array(SkillFramework)),
    providers: Type.Optional(Type.Array(Provider)),
    units: Type.Optional(Type.Array(BundleUnit)),
    qualifications: Type.Optional(Type.Array(QualificationSpec)),
  },
  { additionalProperties: false },
);
export type CatalogueBundle = Static<typeof CatalogueBundle>;
