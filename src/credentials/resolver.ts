/**
 * Finding the key that signed a credential. A verification method id is a DID URL (`did:web:…#key`,
 * `did:key:z6Mk…#z6Mk…`) or, in older credentials, an https URL. did:key resolves from the identifier;
 * everything else goes to a `Resolve` port the services supply (the bank's own register for its DIDs,
 * HTTPS for other banks, a fixed map in tests).
 *
 * Many Open Badges in the wild name keys as `https://issuer.example/…#z6Mk…`, with the key in the
 * fragment. When nothing resolves such a URL the key is taken from the fragment: the signature can then
 * be checked, but the key is not confirmed to be the issuer's, which the verifier reports as a warning.
 */
import { type DidDocument, didKeyDocument, findVerificationMethod, type VerificationMethod } from "./did.ts";
import { CredentialError } from "./errors.ts";

/** Returns the document at a URL (DID document, verification method or controller document), or null. */
export type Resolve = (url: string) => Promise<unknown | null>;

export interface ResolvedKey {
  method: VerificationMethod;
  /** The controller's document, which lists the key under assertionMethod. */
  controller: DidDocument;
  /**
   * How the key was found: `did:key` (self-certifying), `resolved` (the controller's published document),
   * `fragment` (read from the id's fragment only: not confirmed as the issuer's).
   */
  source: "did:key" | "resolved" | "fragment";
}

const MULTIKEY_FRAGMENT = /#(z6Mk[1-9A-HJ-NP-Za-km-z]{40,50})$/;

export async function resolveVerificationMethod(id: string, resolve?: Resolve): Promise<ResolvedKey | null> {
  const [base] = id.split("#") as [string];
  if (base.startsWith("did:key:")) {
    const document = didKeyDocument(base);
    const found = findVerificationMethod(document, id) ?? (id === base ? document.verificationMethod[0] : undefined);
    if (!found) return null;
    // A proof may name the bare did:key as its method; keep the id it used.
    const method = { ...found, id };
    return { method, controller: { ...document, assertionMethod: [id] }, source: "did:key" };
  }
  if (resolve) {
    const document = (await resolve(base)) as DidDocument | null;
    if (document && typeof document === "object" && Array.isArray(document.verificationMethod)) {
      const method = findVerificationMethod(document, id);
      if (method && method.type === "Multikey" && typeof method.publicKeyMultibase === "string") {
        return {
          method: { ...method, id, controller: method.controller ?? document.id },
          controller: document,
          source: "resolved",
        };
      }
      if (!method) {
        throw new CredentialError(
          "key-not-in-did-document",
          `The issuer's document ${base} does not list the key ${id}.`,
        );
      }
    }
  }
  const fragment = MULTIKEY_FRAGMENT.exec(id);
  if (fragment?.[1]) {
    const method: VerificationMethod = { id, type: "Multikey", controller: base, publicKeyMultibase: fragment[1] };
    return {
      method,
      controller: { "@context": [], id: base, verificationMethod: [method], assertionMethod: [id] },
      source: "fragment",
    };
  }
  return null;
}
