/**
 * Learner identifiers: the canonical form under which an identifier is stored and looked up.
 *
 * Providers send the same person's identifier in many spellings (" Ada@Example.org", "ada@example.org";
 * "IE 1234-567.A", "ie1234567a"). If two spellings were stored as two identifiers, one learner would get
 * two accounts and their credits would not stack; so every identifier passes through
 * `normalizeIdentifier` before it is stored or searched for, and `identifierKey` gives the one string
 * that deduplication and lookups compare.
 */
import type { IdentifierKind, LearnerIdentifier } from "./schema/accounts.ts";

export interface NormalizedIdentifier {
  kind: IdentifierKind;
  /** '' for an e-mail address (global); the country for a national id; the provider for a student number. */
  issuer: string;
  value: string;
}

export type IdentifierErrorCode =
  | "identifier-invalid-email"
  | "identifier-issuer-required"
  | "identifier-invalid-value";

export type NormalizeResult =
  | { ok: true; identifier: NormalizedIdentifier }
  | { ok: false; code: IdentifierErrorCode; message: string };

// Deliberately loose: an address is only proved by sending mail to it, and rejecting a valid but
// unusual address would lock a learner out. This catches typing and field-mapping mistakes.
const EMAIL = /^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$/u;
// The ASCII-only patterns below are tested BEFORE changing case: Unicode case mapping turns some
// non-ASCII letters into ASCII ones ('ß' -> 'SS', Kelvin sign -> 'k'), which would let them slip through.
const COUNTRY = /^[A-Za-z]{2}$/;
// The Slug schema's rule for provider ids, with either case accepted.
const PROVIDER_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
const NATIONAL_ID = /^[A-Za-z0-9]+$/;
// Control and invisible format characters would make two identical-looking numbers differ.
const INVISIBLE = /[\p{Cc}\p{Cf}]/u;
const MAX_VALUE_LENGTH = 254;

/**
 * Brings an identifier to its canonical form, or says why it cannot be one.
 *
 * - e-mail: trimmed, Unicode NFC, lower-cased as a whole (providers do not agree on case in the local
 *   part, and treating `Ada@` and `ada@` as different people is the worse mistake); issuer is always ''
 *   because an address is global, so an issuer sent with it is ignored.
 * - national id: issuer is the ISO 3166 alpha-2 country, upper-cased; the value loses the spaces, dots
 *   and hyphens people type as grouping, is upper-cased, and must then be letters and digits only.
 * - student number: issuer is the provider id (a lower-case slug); the value is trimmed, loses inner
 *   whitespace and is upper-cased; other punctuation is kept, since it can be significant to a provider.
 *
 * The result is a fixed point: normalising a normalised identifier returns it unchanged.
 */
export function normalizeIdentifier(id: LearnerIdentifier): NormalizeResult {
  switch (id.kind) {
    case "email":
      return normalizeEmail(id.value);
    case "national-id":
      return normalizeNationalId(id.value, id.issuer);
    case "student-number":
      return normalizeStudentNumber(id.value, id.issuer);
  }
}

/**
 * The single string that identifies a normalised identifier, for lookups and unique keys. The issuer
 * never contains ':' (a country code, a slug or ''), so the key is unambiguous even when a student
 * number does.
 */
export function identifierKey(normalized: NormalizedIdentifier): string {
  return `${normalized.kind}:${normalized.issuer}:${normalized.value}`;
}

function normalizeEmail(raw: string): NormalizeResult {
  // NFC on both sides of the case mapping, so that composed and decomposed accents give one key and a
  // second pass changes nothing.
  const value = raw.trim().normalize("NFC").toLowerCase().normalize("NFC");
  if (value.length > MAX_VALUE_LENGTH || !EMAIL.test(value) || INVISIBLE.test(value)) {
    return fail(
      "identifier-invalid-email",
      `'${raw}' is not a valid e-mail address: it needs a name, one '@' and a domain with a dot, without spaces.`,
    );
  }
  return { ok: true, identifier: { kind: "email", issuer: "", value } };
}

function normalizeNationalId(raw: string, rawIssuer: string | undefined): NormalizeResult {
  const issuer = (rawIssuer ?? "").trim();
  if (!COUNTRY.test(issuer)) {
    return fail(
      "identifier-issuer-required",
      `The national id '${raw}' needs its issuing country as an ISO 3166 two-letter code such as 'IE'` +
        (rawIssuer === undefined || rawIssuer.trim() === "" ? "." : `; '${rawIssuer}' is not one.`),
    );
  }
  const value = raw.replace(/[\s.-]+/gu, "");
  if (value.length === 0 || value.length > MAX_VALUE_LENGTH || !NATIONAL_ID.test(value)) {
    return fail(
      "identifier-invalid-value",
      `The national id '${raw}' is not valid: after removing spaces, dots and hyphens it must be letters and digits only.`,
    );
  }
  return { ok: true, identifier: { kind: "national-id", issuer: issuer.toUpperCase(), value: value.toUpperCase() } };
}

function normalizeStudentNumber(raw: string, rawIssuer: string | undefined): NormalizeResult {
  // Provider ids are lower-case slugs; lower-casing forgives 'Uni-Aurora' without accepting anything
  // that could not be a provider id.
  const issuer = (rawIssuer ?? "").trim();
  if (!PROVIDER_ID.test(issuer)) {
    return fail(
      "identifier-issuer-required",
      `The student number '${raw}' needs the id of the provider that issued it, such as 'uni-aurora'` +
        (rawIssuer === undefined || rawIssuer.trim() === "" ? "." : `; '${rawIssuer}' is not a provider id.`),
    );
  }
  const value = raw.replace(/\s+/gu, "").normalize("NFC").toUpperCase().normalize("NFC");
  if (value.length === 0 || value.length > MAX_VALUE_LENGTH || INVISIBLE.test(value)) {
    return fail(
      "identifier-invalid-value",
      `The student number '${raw}' is not valid: it must have at least one visible character and no control characters.`,
    );
  }
  return { ok: true, identifier: { kind: "student-number", issuer: issuer.toLowerCase(), value } };
}

function fail(code: IdentifierErrorCode, message: string): NormalizeResult {
  return { ok: false, code, message };
}
