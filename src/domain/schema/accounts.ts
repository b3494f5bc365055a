/**
 * Learners, their identifiers and personal learning accounts, and the achievements that deposit
 * credits into them.
 */
import { type Static, Type } from "@sinclair/typebox";
import { Code, DimensionSchema, HttpUrl, IsoDate, LevelRef, literalUnion, Slug, Text, Uuid } from "./common.ts";

/**
 * Kinds of identifier that find a learner's account. An e-mail address is global; a national identity
 * number is scoped by the issuing country; a student number is scoped by the provider that gave it.
 */
export const IDENTIFIER_KINDS = ["email", "national-id", "student-number"] as const;
export type IdentifierKind = (typeof IDENTIFIER_KINDS)[number];

export const LearnerIdentifier = Type.Object(
  {
    kind: literalUnion(IDENTIFIER_KINDS),
    value: Type.String({ minLength: 1, maxLength: 254 }),
    issuer: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 63,
        description: "Country (ISO 3166 alpha-2) for a national id, provider id for a student number.",
      }),
    ),
  },
  { additionalProperties: false },
);
export type LearnerIdentifier = Static<typeof LearnerIdentifier>;

export const LearnerProfile = Type.Object(
  {
    givenName: Type.Optional(Text(200)),
    familyName: Type.Optional(Text(200)),
    birthDate: Type.Optional(IsoDate),
    preferredLanguage: Type.Optional(Type.String({ pattern: "^[a-z]{2,3}(-[A-Z]{2})?$" })),
  },
  { additionalProperties: false },
);
export type LearnerProfile = Static<typeof LearnerProfile>;

export const NewLearner = Type.Composite([
  LearnerProfile,
  Type.Object({ identifiers: Type.Array(LearnerIdentifier, { minItems: 1, maxItems: 20 }) }),
]);
export type NewLearner = Static<typeof NewLearner>;

export const RESULTS = ["passed", "passed-with-merit", "passed-with-distinction"] as const;

export const Evidence = Type.Object({ url: HttpUrl, name: Type.Optional(Text(300)) }, { additionalProperties: false });

/**
 * One achievement to record: a learner passed a unit of a provider on a date. The learner is named by
 * identifiers; an unknown learner gets a new account. `recordId` is the provider's own key for the
 * record; together with the learner, unit and date it makes recording idempotent.
 */
export const AchievementRecord = Type.Object(
  {
    recordId: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    provider: Slug,
    unit: Code,
    unitVersion: Type.Optional(Type.Integer({ minimum: 1 })),
    learner: Type.Composite([
      LearnerProfile,
      Type.Object({ identifiers: Type.Array(LearnerIdentifier, { minItems: 1, maxItems: 10 }) }),
    ]),
    achievedOn: IsoDate,
    result: Type.Optional(literalUnion(RESULTS)),
    grade: Type.Optional(Type.String({ minLength: 1, maxLength: 20 })),
    evidence: Type.Optional(Type.Array(Evidence, { maxItems: 20 })),
  },
  { additionalProperties: false },
);
export type AchievementRecord = Static<typeof AchievementRecord>;

export const ENTRY_TYPES = ["deposit", "reversal"] as const;
export type EntryType = (typeof ENTRY_TYPES)[number];
export const ENTRY_SOURCES = ["earned", "imported", "recognised"] as const;
export type EntrySource = (typeof ENTRY_SOURCES)[number];
export const ENTRY_STATUSES = ["active", "revoked", "corrected"] as const;
export type EntryStatus = (typeof ENTRY_STATUSES)[number];

/** One line of the account statement. */
export const AccountEntry = Type.Object({
  id: Type.String({ description: "Entry number, unique in the bank." }),
  learnerId: Uuid,
  achievementId: Type.Union([Uuid, Type.Null()]),
  type: literalUnion(ENTRY_TYPES),
  source: literalUnion(ENTRY_SOURCES),
  status: literalUnion(ENTRY_STATUSES),
  effectiveOn: IsoDate,
  recordedAt: Type.String({ format: "date-time" }),
  credits: Type.Number(),
  creditSystem: Slug,
  level: Type.Union([LevelRef, Type.Null()]),
  levelOrdinal: Type.Union([Type.Integer(), Type.Null()]),
  providerId: Slug,
  unit: Type.Union([Type.Object({ id: Uuid, code: Code, version: Type.Integer(), title: Type.String() }), Type.Null()]),
  dimensions: Type.Array(DimensionSchema),
  reversesEntryId: Type.Union([Type.String(), Type.Null()]),
  reason: Type.Union([Type.String(), Type.Null()]),
});
export type AccountEntry = Static<typeof AccountEntry>;

export const ProviderRef = Slug;
