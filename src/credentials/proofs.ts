/**
 * Data Integrity proofs (`eddsa-rdfc-2022`, and the older `Ed25519Signature2020` when verifying),
 * through the Digital Bazaar libraries: `@digitalbazaar/vc` to issue, `jsonld-signatures` to check a
 * proof on its own (the verifier reports dates and status as checks of their own), with the offline
 * document loader.
 */
import { DataIntegrityProof } from "@digitalbazaar/data-integrity";
import { Ed25519Signature2020 } from "@digitalbazaar/ed25519-signature-2020";
import { cryptosuite as eddsaRdfc2022 } from "@digitalbazaar/eddsa-rdfc-2022-cryptosuite";
import * as vc from "@digitalbazaar/vc";
import jsigs from "jsonld-signatures";
import { type Canonizer, createCanonizer } from "./canonize/canonizer.ts";
import { signEddsaRdfc2022, verifyEddsaRdfc2022Proof } from "./canonize/data-integrity-fast.ts";
import { createDocumentLoader, type DocumentLoader } from "./document-loader.ts";
import { publicKeyBytes, type Signer } from "./keys.ts";
import type { ResolvedKey } from "./resolver.ts";

const MULTIKEY_CONTEXT = "https://w3id.org/security/multikey/v1";
const ED25519_2020_CONTEXT = "https://w3id.org/security/suites/ed25519-2020/v1";

/**
 * One canonizer for the process: contexts never change at run time, so what it learns about a shape of
 * credential (its expansion template) holds for every later one (src/credentials/canonize).
 */
let sharedCanonizer: Canonizer | undefined;
export const canonizer = (): Canonizer => {
  sharedCanonizer ??= createCanonizer(createDocumentLoader());
  return sharedCanonizer;
};

/**
 * Adds an `eddsa-rdfc-2022` proof (`created` defaults to now). The proof is byte for byte what the Digital
 * Bazaar stack makes (test/credentials/canonize.test.ts), at a small fraction of the cost.
 */
export async function signDataIntegrity(
  credential: Record<string, unknown>,
  signer: Signer,
  options: { created?: string } = {},
): Promise<Record<string, unknown>> {
  return signEddsaRdfc2022(
    credential,
    { signer, verificationMethod: signer.id, ...(options.created ? { created: options.created } : {}) },
    canonizer(),
  ) as Promise<Record<string, unknown>>;
}

/** The same, through the Digital Bazaar libraries only (the reference; used by the benchmark and tests). */
export async function signDataIntegrityReference(
  credential: Record<string, unknown>,
  signer: Signer,
  options: { created?: string; documentLoader?: DocumentLoader } = {},
): Promise<Record<string, unknown>> {
  const suite = new DataIntegrityProof({
    signer,
    cryptosuite: eddsaRdfc2022,
    ...(options.created ? { date: options.created } : {}),
  });
  return vc.issue({
    credential: structuredClone(credential),
    suite,
    documentLoader: options.documentLoader ?? createDocumentLoader(),
  });
}

export interface ProofResult {
  verified: boolean;
  /** Why it failed, as a sentence. */
  message?: string;
}

/**
 * A document loader that answers for exactly one key: the verification method and its controller, as
 * the verifier resolved them, so the libraries never resolve anything themselves.
 */
function loaderForKey(key: ResolvedKey, proofType: string): DocumentLoader {
  const base = createDocumentLoader();
  const legacy = proofType === "Ed25519Signature2020";
  const method = {
    "@context": legacy ? ED25519_2020_CONTEXT : MULTIKEY_CONTEXT,
    ...key.method,
    type: legacy ? "Ed25519VerificationKey2020" : "Multikey",
  };
  const controller = {
    ...key.controller,
    "@context": ["https://www.w3.org/ns/did/v1", MULTIKEY_CONTEXT],
    verificationMethod: [method],
    assertionMethod: [key.method.id],
  };
  // A bare did:key names the key and its controller with one URL: answer with both in one document.
  const both =
    key.method.id === key.method.controller
      ? { ...method, ...controller, type: method.type, publicKeyMultibase: key.method.publicKeyMultibase }
      : undefined;
  return async (url: string) => {
    if (both && url === key.method.id) return { contextUrl: null, documentUrl: url, document: both };
    if (url === key.method.id) return { contextUrl: null, documentUrl: url, document: method };
    if (url === key.method.controller) return { contextUrl: null, documentUrl: url, document: controller };
    return base(url);
  };
}

/** Checks the document's proofs made with `key`; proofs of unknown types are skipped, as VC 2.0 asks. */
export async function verifyDataIntegrity(document: Record<string, unknown>, key: ResolvedKey): Promise<ProofResult> {
  const proofs = [document.proof].flat().filter(Boolean) as Array<Record<string, unknown>>;
  const ours = proofs.find((p) => p.verificationMethod === key.method.id) ?? proofs[0];
  const proofType = String(ours?.type ?? "");
  if (ours && proofType === "DataIntegrityProof" && ours.cryptosuite === "eddsa-rdfc-2022") {
    return verifyEddsa(document, ours, key);
  }
  const suite =
    proofType === "Ed25519Signature2020"
      ? new Ed25519Signature2020()
      : new DataIntegrityProof({ cryptosuite: eddsaRdfc2022 });
  try {
    const result = await jsigs.verify(document, {
      suite,
      purpose: new jsigs.purposes.AssertionProofPurpose(),
      documentLoader: loaderForKey(key, proofType),
    });
    if (result.verified) return { verified: true };
    return { verified: false, message: proofFailure(result.error) };
  } catch (error) {
    return { verified: false, message: proofFailure(error) };
  }
}

/**
 * eddsa-rdfc-2022 on the fast path. The signature check is the cryptosuite's; what jsonld-signatures
 * would check around it is checked here: the purpose is assertion, and the key is the one the proof
 * names and one its controller lists for assertion.
 */
async function verifyEddsa(
  document: Record<string, unknown>,
  proof: Record<string, unknown>,
  key: ResolvedKey,
): Promise<ProofResult> {
  if (proof.proofPurpose !== "assertionMethod") {
    return { verified: false, message: `The proof's purpose is '${String(proof.proofPurpose)}', not assertionMethod.` };
  }
  if (proof.verificationMethod !== key.method.id || !key.controller.assertionMethod?.includes(key.method.id)) {
    return {
      verified: false,
      message: `The key ${String(proof.verificationMethod)} is not one its controller lists for issuing.`,
    };
  }
  const ok = await verifyEddsaRdfc2022Proof(
    document,
    proof,
    await publicKeyBytes(key.method.publicKeyMultibase),
    canonizer(),
  );
  return ok
    ? { verified: true }
    : {
        verified: false,
        message:
          "The signature does not match the credential: it was changed after signing, or signed with another key.",
      };
}

function proofFailure(error: unknown): string {
  const errors = (error as { errors?: unknown[] })?.errors;
  const first = Array.isArray(errors) && errors.length > 0 ? errors[0] : error;
  const text = (first as Error)?.message ?? String(first);
  if (/Invalid signature|signature.*(invalid|verif)/i.test(text) || text === "false") {
    return "The signature does not match the credential: it was changed after signing, or signed with another key.";
  }
  return `The proof cannot be checked: ${text.slice(0, 300)}`;
}

/**
 * A presentation's own proof (holder binding): an `eddsa-rdfc-2022` proof for authentication, by a key the
 * holder controls, over the verifier's challenge and domain when it gave them.
 */
export async function verifyPresentationProof(
  presentation: Record<string, unknown>,
  key: ResolvedKey,
  expected: { challenge?: string; domain?: string },
): Promise<ProofResult> {
  const proofs = [presentation.proof].flat().filter(Boolean) as Array<Record<string, unknown>>;
  const proof = proofs.find((p) => p.verificationMethod === key.method.id) ?? proofs[0];
  if (proof?.type !== "DataIntegrityProof" || proof.cryptosuite !== "eddsa-rdfc-2022") {
    return { verified: false, message: "The presentation's proof is not an eddsa-rdfc-2022 Data Integrity proof." };
  }
  if (proof.proofPurpose !== "authentication") {
    return {
      verified: false,
      message: `The presentation's proof purpose is '${String(proof.proofPurpose)}', not authentication.`,
    };
  }
  if (expected.challenge !== undefined && proof.challenge !== expected.challenge) {
    return {
      verified: false,
      message: "The presentation was not made for this challenge (a replay, or another verifier's).",
    };
  }
  if (expected.domain !== undefined && proof.domain !== expected.domain) {
    return {
      verified: false,
      message: `The presentation was made for the domain '${String(proof.domain)}', not '${expected.domain}'.`,
    };
  }
  const holder = presentation.holder;
  const holderId = typeof holder === "string" ? holder : (holder as { id?: unknown } | undefined)?.id;
  if (holderId !== undefined && holderId !== key.method.controller && holderId !== key.controller.id) {
    return {
      verified: false,
      message: `The presentation was signed by ${key.method.controller}, not by its holder ${String(holderId)}.`,
    };
  }
  const ok = await verifyEddsaRdfc2022Proof(
    presentation,
    proof,
    await publicKeyBytes(key.method.publicKeyMultibase),
    canonizer(),
  );
  return ok
    ? { verified: true }
    : {
        verified: false,
        message:
          "The presentation's signature does not match: it was changed after signing, or signed with another key.",
      };
}
