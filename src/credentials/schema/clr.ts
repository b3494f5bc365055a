/**
 * The bank's own run-time JSON Schema for CLR 2.0 credentials (ClrCredential, a learner's transcript),
 * built on the Open Badges 3.0 classes of open-badges.ts. As there, the official 1EdTech schema is not
 * copied: test/credentials/credential-schemas.test.ts proves the two agree.
 *
 * The CLR 2.0 shape: `@context` is the VC 2.0 URL, then a CLR 2.0 context, then an OB 3.0 context (the
 * order the official schema requires); `type` includes `VerifiableCredential` and `ClrCredential`; `name`
 * is required; `credentialSubject` is a ClrSubject holding at least one `verifiableCredential` (each a
 * VC 2.0 credential object: the official schema admits no compact JWS strings here), optional
 * `achievement`s and `association`s between them (associationType vocabulary, `sourceId`, `targetId`).
 *
 * Stricter than the official schema: everything listed in open-badges.ts applies to the OB classes in a
 * CLR, the ClrSubject needs `id` or at least one `identifier` (as the CLR data model says), and
 *  10. each entry of `verifiableCredential` whose `type` names `OpenBadgeCredential` or
 *      `AchievementCredential` must also be a valid AchievementCredential (the official schema checks only
 *      the generic Verifiable Credential shape there); any other credential must still have an `@context`
 *      array starting with the VC 2.0 URL and a `type` that includes `VerifiableCredential`.
 */
import type { SchemaObject } from "ajv/dist/2019.js";
import {
  classType,
  conditional,
  credentialContext,
  credentialType,
  dateTime,
  endorsable,
  iri,
  OB_CONTEXT_ENTRY,
  OB_DEFS,
  oneOrMany,
  ref,
  schemaDocument,
  schemaValidator,
  text,
  vcProperties,
} from "./open-badges.ts";

export const CLR_CONTEXT_PATTERN = "^https://purl\\.imsglobal\\.org/spec/clr/v2p0/context(-2\\.\\d\\.\\d)?\\.json$";

export const ASSOCIATION_TYPES = [
  "exactMatchOf",
  "isChildOf",
  "isParentOf",
  "isPartOf",
  "isPeerOf",
  "isRelatedTo",
  "precedes",
  "replacedBy",
] as const;

const OB_CREDENTIAL_TYPES = ["OpenBadgeCredential", "AchievementCredential"];

/** The CLR classes, added to the OB ones. */
export const CLR_DEFS: Record<string, SchemaObject> = {
  ...OB_DEFS,
  Association: {
    title: "Association",
    type: "object",
    properties: {
      type: { const: "Association", description: '"Association"' },
      associationType: { enum: [...ASSOCIATION_TYPES], description: `one of ${ASSOCIATION_TYPES.join(", ")}` },
      sourceId: iri(),
      targetId: iri(),
    },
    required: ["type", "associationType", "sourceId", "targetId"],
    additionalProperties: false,
  },
  CredentialSubject: { title: "CredentialSubject", type: "object", properties: { id: iri() } },
  /** Any VC 2.0 credential in a CLR; an Open Badge must also be a full AchievementCredential. */
  VerifiableCredential: {
    title: "VerifiableCredential",
    type: "object",
    properties: {
      "@context": credentialContext([]),
      id: iri(),
      type: conditional(
        { type: "array" },
        {
          type: "array",
          minItems: 1,
          items: { type: "string" },
          contains: { const: "VerifiableCredential" },
          description: 'a list of types that includes "VerifiableCredential"',
        },
        { const: "VerifiableCredential", description: 'a list of types that includes "VerifiableCredential"' },
      ),
      issuer: ref("ProfileRef"),
      validFrom: dateTime(),
      validUntil: dateTime(),
      credentialSubject: ref("CredentialSubject"),
      ...vcProperties(),
    },
    required: ["@context", "type", "issuer", "validFrom", "credentialSubject"],
    ...conditional(
      {
        required: ["type"],
        properties: { type: { type: "array", contains: { enum: OB_CREDENTIAL_TYPES } } },
      },
      ref("AchievementCredential"),
    ),
  },
  ClrSubject: {
    title: "ClrSubject",
    type: "object",
    properties: {
      id: iri(),
      type: classType("ClrSubject"),
      identifier: oneOrMany(ref("IdentityObject")),
      achievement: oneOrMany(ref("Achievement")),
      verifiableCredential: oneOrMany(ref("VerifiableCredential"), 1),
      association: oneOrMany(ref("Association")),
    },
    required: ["type", "verifiableCredential"],
    anyOf: [{ required: ["id"] }, { required: ["identifier"], properties: { identifier: { minItems: 1 } } }],
  },
  ClrCredential: {
    title: "ClrCredential",
    type: "object",
    properties: {
      "@context": credentialContext([
        {
          pattern: CLR_CONTEXT_PATTERN,
          description: "a CLR 2.0 context URL such as https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json",
        },
        OB_CONTEXT_ENTRY,
      ]),
      type: credentialType(["ClrCredential"]),
      id: iri(),
      name: text(),
      description: text(),
      ...endorsable(),
      image: ref("Image"),
      partial: { type: "boolean" },
      credentialSubject: ref("ClrSubject"),
      awardedDate: dateTime(),
      issuer: ref("ProfileRef"),
      validFrom: dateTime(),
      validUntil: dateTime(),
      ...vcProperties(),
    },
    required: ["@context", "type", "id", "name", "credentialSubject", "issuer", "validFrom"],
  },
};

export const CLR_CREDENTIAL_SCHEMA = schemaDocument(
  "clr-v2p0-clr-credential.json",
  "ClrCredential",
  CLR_DEFS,
  "CLR 2.0 ClrCredential (credit bank run-time schema)",
);

export const validateClrCredential = schemaValidator(CLR_CREDENTIAL_SCHEMA);
