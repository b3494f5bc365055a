/**
 * The credential a badge image or certificate carries. Open Badges 3.0 bakes either the JSON of a
 * Data Integrity credential or the compact JWS of a VC-JWT, and the containers store both as plain text.
 */
import { CredentialError } from "../errors.ts";

export type BakedCredential = { format: "json"; text: string } | { format: "jwt"; text: string };

// Three base64url segments; the signature may be empty only for unsecured JWTs, which a verifier rejects
// later, but it is still a JWT and not JSON.
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

export function isCompactJws(text: string): boolean {
  return COMPACT_JWS.test(text);
}

/**
 * Classifies extracted text. Containers do not record which form they hold, so the content decides; a
 * JWT is trimmed because bakers often add a newline, JSON is kept verbatim because its bytes may be signed.
 */
export function credentialFromText(text: string): BakedCredential {
  const trimmed = text.trim();
  return isCompactJws(trimmed) ? { format: "jwt", text: trimmed } : { format: "json", text };
}

/**
 * Checks a credential before it is written into a container, so the bank never bakes something a reader
 * would classify differently or could not parse.
 */
export function assertBakeable(credential: BakedCredential): void {
  // An unpaired surrogate has no UTF-8 form, so it would silently turn into U+FFFD inside the container.
  if (!credential.text.isWellFormed()) {
    throw new CredentialError(
      "invalid-credential-text",
      "The credential text contains an unpaired surrogate character.",
    );
  }
  if (credential.format === "jwt") {
    if (!isCompactJws(credential.text)) {
      throw new CredentialError(
        "invalid-credential-text",
        "The credential is marked as a JWT but is not a compact JWS (three base64url parts separated by dots).",
      );
    }
    return;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(credential.text);
  } catch {
    throw new CredentialError("invalid-credential-text", "The credential is marked as JSON but is not valid JSON.");
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new CredentialError("invalid-credential-text", "The credential JSON must be an object.");
  }
}
