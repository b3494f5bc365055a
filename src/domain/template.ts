/**
 * The common unit template: the European standard elements that describe a micro-credential (Council
 * Recommendation of 16 June 2022, 2022/C 243/02, Annex I) and where each lives in our data.
 *
 * The table is the single source of truth for "is this element present": the coherence check and the
 * credential issuer read it rather than hard-coding field names, so adding or moving an element is one
 * edit here.
 */
import type { Provider, UnitSpec } from "./schema/catalogue.ts";
import type { Dimension } from "./schema/common.ts";

export const MANDATORY_ELEMENT_IDS = [
  "learnerIdentification",
  "title",
  "issuerCountryOrRegion",
  "awardingBody",
  "dateOfIssuing",
  "learningOutcomes",
  "notionalWorkload",
  "level",
  "typeOfAssessment",
  "formOfParticipation",
  "qualityAssurance",
] as const;

export const OPTIONAL_ELEMENT_IDS = [
  "prerequisites",
  "supervisionAndIdentityVerification",
  "gradeAchieved",
  "integrationStackability",
  "furtherInformation",
] as const;

export type TemplateElementId = (typeof MANDATORY_ELEMENT_IDS)[number] | (typeof OPTIONAL_ELEMENT_IDS)[number];

/**
 * Where an element lives.
 * - 'unit': in the unit spec; every pointer in `unit` must be filled (notional workload needs both
 *   hours and credits). When `provider` is given, the provider's fields are the fallback (quality
 *   assurance, awarding body).
 * - 'provider': taken from the provider that owns the unit (its country).
 * - 'issuance': filled on each credential when it is issued, never on the unit (who, and when).
 */
export type ElementLocation =
  | { kind: "unit"; unit: readonly string[]; provider?: readonly string[] }
  | { kind: "provider"; provider: readonly string[] }
  | { kind: "issuance" };

export interface TemplateElement {
  id: TemplateElementId;
  /** The Annex I heading, as shown to people. */
  label: string;
  mandatory: boolean;
  location: ElementLocation;
}

/** The Annex I elements in the order the Recommendation lists them, mandatory first. */
export const TEMPLATE_ELEMENTS: readonly TemplateElement[] = [
  { id: "learnerIdentification", label: "Identification of the learner", mandatory: true, location: issuance() },
  { id: "title", label: "Title of the micro-credential", mandatory: true, location: unit("/title") },
  {
    id: "issuerCountryOrRegion",
    label: "Country(ies)/Region(s) of the issuer",
    mandatory: true,
    location: { kind: "provider", provider: ["/country"] },
  },
  {
    id: "awardingBody",
    label: "Awarding body(ies)",
    mandatory: true,
    // The unit names its awarding bodies only when they differ from the provider (joint awards).
    location: { kind: "unit", unit: ["/awardingBodies"], provider: ["/id"] },
  },
  { id: "dateOfIssuing", label: "Date of issuing", mandatory: true, location: issuance() },
  { id: "learningOutcomes", label: "Learning outcomes", mandatory: true, location: unit("/outcomes") },
  {
    id: "notionalWorkload",
    label: "Notional workload needed to achieve the learning outcomes",
    mandatory: true,
    location: unit("/notionalHours", "/credits"),
  },
  {
    id: "level",
    label: "Level (and cycle, if applicable) of the learning experience leading to the micro-credential",
    mandatory: true,
    location: unit("/level"),
  },
  { id: "typeOfAssessment", label: "Type of assessment", mandatory: true, location: unit("/assessments") },
  {
    id: "formOfParticipation",
    label: "Form of participation in the learning activity",
    mandatory: true,
    location: unit("/mode"),
  },
  {
    id: "qualityAssurance",
    label: "Type of quality assurance used to underpin the micro-credential",
    mandatory: true,
    // Quality assurance is usually institutional; a unit states its own only when it differs.
    location: { kind: "unit", unit: ["/qualityAssurance"], provider: ["/qualityAssurance"] },
  },
  {
    id: "prerequisites",
    label: "Prerequisites needed to enrol in the learning activity",
    mandatory: false,
    location: unit("/prerequisites"),
  },
  {
    id: "supervisionAndIdentityVerification",
    label: "Supervision and identity verification during assessment",
    mandatory: false,
    location: unit("/identityVerification"),
  },
  // On the unit this is the grading scheme; the grade itself is filled on each credential.
  { id: "gradeAchieved", label: "Grade achieved", mandatory: false, location: unit("/gradingScheme") },
  {
    id: "integrationStackability",
    label: "Integration/stackability options",
    mandatory: false,
    location: unit("/stackability"),
  },
  { id: "furtherInformation", label: "Further information", mandatory: false, location: unit("/furtherInformation") },
];

function unit(...paths: string[]): ElementLocation {
  return { kind: "unit", unit: paths };
}

function issuance(): ElementLocation {
  return { kind: "issuance" };
}

/** The element with this id. */
export function templateElement(id: TemplateElementId): TemplateElement {
  const element = TEMPLATE_ELEMENTS.find((e) => e.id === id);
  // The ids are a closed union that the table covers, so this only fires if the table is edited wrongly.
  if (!element) throw new Error(`No template element '${id}'.`);
  return element;
}

/** Which outcome dimensions a unit must cover. A policy, not a constant: a register may require all three. */
export interface TemplatePolicy {
  requiredDimensions: Dimension[];
}

/**
 * Knowledge and skills are required; attitudes and values are recommended but not required, because many
 * short technical units honestly have none and forcing one invites filler outcomes.
 */
export const DEFAULT_TEMPLATE_POLICY: TemplatePolicy = {
  requiredDimensions: ["knowledge-understanding", "skills-capacity"],
};

// ---------------------------------------------------------------------------------------------
// Presence of elements

/** The value at a JSON pointer (RFC 6901) in plain data, or undefined when the path does not exist. */
export function valueAt(data: unknown, pointer: string): unknown {
  if (pointer === "") return data;
  let current: unknown = data;
  for (const raw of pointer.slice(1).split("/")) {
    const key = raw.replaceAll("~1", "/").replaceAll("~0", "~");
    if (current === null || typeof current !== "object") return undefined;
    current = Object.hasOwn(current, key) ? (current as Record<string, unknown>)[key] : undefined;
  }
  return current;
}

/** Whether a value counts as filled in: not absent, not a blank string, not an empty list. */
export function isFilled(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === "string") return value.trim() !== "";
  if (Array.isArray(value)) return value.length > 0;
  return true;
}

/**
 * A mandatory element the unit does not fill: the element and the unit pointer where it should be given.
 * An element taken from the provider points at '/provider', because that is where the fix starts.
 */
export interface MissingElement {
  element: TemplateElement;
  path: string;
}

/**
 * The mandatory elements a unit (with its provider, when known) leaves empty. Elements filled at issuance
 * are never missing on a unit. A unit element made of several fields is reported once per empty field,
 * so the message can say which.
 */
export function missingMandatoryElements(spec: UnitSpec, provider: Provider | undefined): MissingElement[] {
  const missing: MissingElement[] = [];
  for (const element of TEMPLATE_ELEMENTS) {
    if (!element.mandatory) continue;
    const location = element.location;
    switch (location.kind) {
      case "issuance":
        break;
      case "provider":
        if (!(provider && location.provider.every((p) => isFilled(valueAt(provider, p)))))
          missing.push({ element, path: "/provider" });
        break;
      case "unit": {
        const empty = location.unit.filter((p) => !isFilled(valueAt(spec, p)));
        if (empty.length === 0) break;
        const fallback = location.provider;
        if (fallback && provider && fallback.every((p) => isFilled(valueAt(provider, p)))) break;
        for (const path of empty) missing.push({ element, path });
        break;
      }
    }
  }
  return missing;
}
