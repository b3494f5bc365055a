/**
 * CLR 2.0 (1EdTech Comprehensive Learner Record): a `ClrCredential` that bundles a learner's credentials
 * into one transcript, issued and signed by the bank. Data Integrity credentials go in as issued, so each
 * still verifies on its own; VC-JWT credentials go in as their decoded credential (the CLR schema holds
 * objects only), vouched for by the transcript's own proof.
 */
import { CLR_CONTEXT_URL, OB_CONTEXT, VC_V2_CONTEXT } from "./document-loader.ts";
import type { IssuerProfile, SubjectIdentity } from "./open-badges.ts";
import { identityObject, profileDocument } from "./open-badges.ts";

export const CLR_CREDENTIAL_CONTEXTS = [VC_V2_CONTEXT, CLR_CONTEXT_URL, OB_CONTEXT] as const;

export interface TranscriptInput {
  id: string;
  issuer: IssuerProfile;
  subject: SubjectIdentity;
  name: string;
  description?: string;
  issuedAt: string;
  /** The learner's credentials: JSON objects (Data Integrity) or decoded JWT credentials. */
  credentials: Array<Record<string, unknown>>;
  /** Whether the transcript leaves out some of the learner's credentials (revoked ones, say). */
  partial?: boolean;
}

export function clrCredential(input: TranscriptInput): Record<string, unknown> {
  return {
    "@context": [...CLR_CREDENTIAL_CONTEXTS],
    id: input.id,
    type: ["VerifiableCredential", "ClrCredential"],
    issuer: profileDocument(input.issuer),
    name: input.name,
    ...(input.description ? { description: input.description } : {}),
    validFrom: input.issuedAt,
    ...(input.partial !== undefined ? { partial: input.partial } : {}),
    credentialSubject: {
      type: ["ClrSubject"],
      ...(input.subject.kind === "did" ? { id: input.subject.did } : { identifier: [identityObject(input.subject)] }),
      verifiableCredential: input.credentials,
    },
  };
}
