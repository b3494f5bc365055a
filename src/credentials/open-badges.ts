/**
 * Open Badges 3.0 documents (1EdTech OB 3.0 data model on W3C VC Data Model 2.0): the
 * `OpenBadgeCredential` the bank issues for an achievement, with the unit version as its `Achievement`.
 * Pure construction from facts the services have already resolved; nothing here reads the database.
 */

import { createHash, randomBytes } from "node:crypto";
import { OB_CONTEXT, VC_V2_CONTEXT } from "./document-loader.ts";
import { sharePart } from "./json-text.ts";
import type { StatusEntry } from "./status-list.ts";

export const OB_CREDENTIAL_CONTEXTS = [VC_V2_CONTEXT, OB_CONTEXT] as const;

export interface IssuerProfile {
  id: string;
  name: string;
  url?: string;
  description?: string;
}

export interface AlignmentFacts {
  targetName: string;
  targetUrl: string;
  targetCode?: string;
  targetFramework?: string;
  targetDescription?: string;
  /** OB 3.0 AlignmentTargetType, e.g. "ceasn:Competency", or an `ext:` extension. */
  targetType?: string;
}

export interface ResultDescriptionFacts {
  id: string;
  name: string;
  resultType: "LetterGrade" | "Percent" | "RawScore" | "Status" | "Result";
  allowedValue?: string[];
  requiredValue?: string;
}

export interface AchievementFacts {
  /** Dereferenceable URL of the unit version. */
  id: string;
  achievementType: "MicroCredential" | "Certificate" | "Diploma" | "Degree" | "Course" | "Achievement";
  name: string;
  description: string;
  criteriaNarrative: string;
  humanCode?: string;
  version?: string;
  inLanguage?: string;
  creditsAvailable?: number;
  fieldOfStudy?: string;
  /** Level, credit system and skills, as alignments. */
  alignment: AlignmentFacts[];
  resultDescription?: ResultDescriptionFacts[];
  tag?: string[];
  image?: string;
}

/** How the learner is named in the credential: a DID they gave, or a salted hash of an identifier. */
export type SubjectIdentity =
  | { kind: "did"; did: string }
  | {
      kind: "hashed";
      identityType: "emailAddress" | "nationalIdentityNumber" | "studentId" | "identifier";
      value: string;
      /** Hex salt; when absent, 16 random bytes are drawn. */
      salt?: string;
    };

export interface OpenBadgeInput {
  /** `urn:uuid:…` */
  id: string;
  issuer: IssuerProfile;
  achievement: AchievementFacts;
  subject: SubjectIdentity;
  creditsEarned?: number;
  /** YYYY-MM-DD the learner achieved the unit; also the credential's validFrom. */
  achievedOn: string;
  /** When the bank issued the credential (ISO date-time). */
  issuedAt: string;
  validUntil?: string;
  grade?: string;
  result?: string;
  evidence?: string[];
  credentialStatus?: StatusEntry[];
  /** The credential this one replaces (a reissue after a correction). */
  replaces?: string;
}

/** OB 3.0 IdentityObject hash: `sha256$` + hex(SHA-256(value ‖ salt)). */
export function identityHash(value: string, salt: string): string {
  return `sha256$${createHash("sha256")
    .update(value + salt, "utf8")
    .digest("hex")}`;
}

export function identityObject(subject: Extract<SubjectIdentity, { kind: "hashed" }>) {
  const salt = subject.salt ?? randomBytes(16).toString("hex");
  return {
    type: "IdentityObject",
    identityHash: identityHash(subject.value, salt),
    identityType: subject.identityType,
    hashed: true,
    salt,
  };
}

const dateTime = (date: string): string => (date.length === 10 ? `${date}T00:00:00Z` : date);

export function achievementDocument(facts: AchievementFacts, creator?: IssuerProfile): Record<string, unknown> {
  if (creator) return buildAchievementDocument(facts, creator);
  // Every credential of a unit version carries the same document: made once, frozen, its JSON text kept.
  let document = achievementDocuments.get(facts);
  if (!document) {
    document = sharePart(buildAchievementDocument(facts));
    achievementDocuments.set(facts, document);
  }
  return document;
}

const achievementDocuments = new WeakMap<AchievementFacts, Record<string, unknown>>();
const profileDocuments = new WeakMap<IssuerProfile, Record<string, unknown>>();

function buildAchievementDocument(facts: AchievementFacts, creator?: IssuerProfile): Record<string, unknown> {
  return {
    id: facts.id,
    type: ["Achievement"],
    achievementType: facts.achievementType,
    name: facts.name,
    description: facts.description,
    criteria: { narrative: facts.criteriaNarrative },
    ...(facts.image ? { image: { id: facts.image, type: "Image" } } : {}),
    ...(facts.creditsAvailable !== undefined ? { creditsAvailable: facts.creditsAvailable } : {}),
    ...(facts.fieldOfStudy ? { fieldOfStudy: facts.fieldOfStudy } : {}),
    ...(facts.humanCode ? { humanCode: facts.humanCode } : {}),
    ...(facts.version ? { version: facts.version } : {}),
    ...(facts.inLanguage ? { inLanguage: facts.inLanguage } : {}),
    ...(facts.tag && facts.tag.length > 0 ? { tag: facts.tag } : {}),
    ...(facts.alignment.length > 0 ? { alignment: facts.alignment.map((a) => ({ type: ["Alignment"], ...a })) } : {}),
    ...(facts.resultDescription && facts.resultDescription.length > 0
      ? { resultDescription: facts.resultDescription.map((r) => ({ type: ["ResultDescription"], ...r })) }
      : {}),
    ...(creator ? { creator: profileDocument(creator) } : {}),
  };
}

/** The issuer's Profile as a credential carries it; made once per profile, frozen, its JSON text kept. */
export function profileDocument(issuer: IssuerProfile): Record<string, unknown> {
  let document = profileDocuments.get(issuer);
  if (!document) {
    document = sharePart({
      id: issuer.id,
      type: ["Profile"],
      name: issuer.name,
      ...(issuer.url ? { url: issuer.url } : {}),
      ...(issuer.description ? { description: issuer.description } : {}),
    });
    profileDocuments.set(issuer, document);
  }
  return document;
}

/** The unsigned OpenBadgeCredential. */
export function openBadgeCredential(input: OpenBadgeInput): Record<string, unknown> {
  const results: Record<string, unknown>[] = [];
  const gradeDescription = input.achievement.resultDescription?.find((r) => r.resultType !== "Status");
  if (input.grade !== undefined) {
    results.push({
      type: ["Result"],
      value: input.grade,
      ...(gradeDescription ? { resultDescription: gradeDescription.id } : {}),
    });
  }
  results.push({ type: ["Result"], status: "Completed", ...(input.result ? { value: input.result } : {}) });
  const subject: Record<string, unknown> = {
    type: ["AchievementSubject"],
    ...(input.subject.kind === "did" ? { id: input.subject.did } : { identifier: [identityObject(input.subject)] }),
    achievement: achievementDocument(input.achievement),
    ...(input.creditsEarned !== undefined ? { creditsEarned: input.creditsEarned } : {}),
    activityEndDate: dateTime(input.achievedOn),
    result: results,
  };
  return {
    "@context": [...OB_CREDENTIAL_CONTEXTS],
    id: input.id,
    type: ["VerifiableCredential", "OpenBadgeCredential"],
    name: input.achievement.name,
    issuer: profileDocument(input.issuer),
    validFrom: dateTime(input.achievedOn),
    ...(input.validUntil ? { validUntil: dateTime(input.validUntil) } : {}),
    awardedDate: input.issuedAt,
    credentialSubject: subject,
    ...(input.evidence && input.evidence.length > 0
      ? { evidence: input.evidence.map((url) => ({ id: url, type: ["Evidence"] })) }
      : {}),
    ...(input.credentialStatus && input.credentialStatus.length > 0
      ? { credentialStatus: input.credentialStatus.length === 1 ? input.credentialStatus[0] : input.credentialStatus }
      : {}),
    // VC 2.0 and OB 3.0 have no "replaces" property; the signed description carries the lineage for
    // people, and the bank's records carry it both ways for machines.
    ...(input.replaces ? { description: `This credential replaces credential ${input.replaces}.` } : {}),
  };
}
