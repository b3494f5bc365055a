/**
 * Credentials as people and machines ask for them: one credential with its status, a learner's
 * credentials, and issuing an arbitrary credential through the W3C VC API (`POST /credentials/issue`),
 * which signs any well-formed VC 2.0 (or VC 1.1) credential for an authorised issuer.
 */
import { randomUUID } from "node:crypto";
import { MIN_STATUS_LIST_BITS, statusEntry } from "../credentials/status-list.ts";
import { issuerIdOf } from "../credentials/verifier.ts";
import { accountMembers } from "../store/accounts-repo.ts";
import type { CredentialRow } from "../store/credentials-repo.ts";
import {
  allocateStatusSlots,
  credentialById,
  credentialsOfLearners,
  insertCredentials,
} from "../store/credentials-repo.ts";
import type { Actor } from "./actor.ts";
import { credentialStatus, credentialUuid } from "./credential-status.ts";
import { AppError, forbidden, invalid, notFound } from "./errors.ts";
import { type IssuingBank, type ProofFormat, signCredential } from "./issuance.ts";
import { BANK_ISSUER } from "./issuers.ts";
import { assertMaySeeLearner } from "./learners.ts";
import { appendLogEvents } from "./log-events.ts";
import { verifyWithBank } from "./verification.ts";

type Json = Record<string, unknown>;

export interface CredentialView {
  id: string;
  kind: CredentialRow["kind"];
  issuer: string;
  proofFormat: ProofFormat;
  issuedAt: string;
  learnerId: string | null;
  achievementId: string | null;
  /** The credential exactly as issued: a JSON object (Data Integrity) or a compact JWT. */
  credential: Json | string;
}

export function credentialView(bank: IssuingBank, row: CredentialRow): CredentialView {
  return {
    id: `urn:uuid:${row.id}`,
    kind: row.kind,
    // The bank's own issuers are stored by id; credentials stored from elsewhere, by their issuer's id.
    issuer: row.issuer_id.includes(":") ? row.issuer_id : bank.keys.didOf(row.issuer_id),
    proofFormat: row.proof_format,
    issuedAt: new Date(row.issued_at).toISOString(),
    learnerId: row.learner_id,
    achievementId: row.achievement_id,
    credential: row.proof_format === "jwt" ? row.document : (JSON.parse(row.document) as Json),
  };
}

/** Who may read a credential: its learner, its issuer's staff, registry admins. */
async function assertMayRead(bank: IssuingBank, actor: Actor, row: CredentialRow): Promise<void> {
  if (actor.role === "registry-admin") return;
  if (actor.role === "provider-admin" && actor.providerId === row.issuer_id) return;
  if (row.learner_id) {
    await assertMaySeeLearner(bank.db, actor, row.learner_id);
    return;
  }
  throw forbidden("You may not read this credential.");
}

export async function getCredential(bank: IssuingBank, actor: Actor, id: string) {
  const uuid = credentialUuid(id);
  const row = /^[0-9a-f-]{36}$/.test(uuid) ? await credentialById(bank.db, uuid) : undefined;
  if (!row) throw notFound("Credential", id, "credential-not-found");
  await assertMayRead(bank, actor, row);
  return { ...credentialView(bank, row), status: await credentialStatus(bank, uuid) };
}

export async function learnerCredentials(bank: IssuingBank, actor: Actor, learnerId: string) {
  await assertMaySeeLearner(bank.db, actor, learnerId);
  const members = await accountMembers(bank.db, learnerId);
  const rows = await credentialsOfLearners(bank.db, members.length > 0 ? members : [learnerId]);
  return rows.map((r) => ({
    ...credentialView(bank, r),
    revoked: r.revoked_at !== null,
    suspended: r.suspended_at !== null,
  }));
}

export interface IssueOptions {
  /** `data-integrity` (default) or `jwt`. */
  format?: ProofFormat;
  /** Add Bitstring status entries (revocation and suspension). Default true. */
  credentialStatus?: boolean;
}

const VC2 = "https://www.w3.org/ns/credentials/v2";
const VC1 = "https://www.w3.org/2018/credentials/v1";

/**
 * Signs a caller's credential (VC API issue). The issuer is the caller's: a provider admin issues as
 * its provider, a registry admin as the bank or any provider. A missing issuer or id is filled in; a
 * credential naming someone else's DID is refused.
 */
export async function issueCredential(bank: IssuingBank, actor: Actor, input: Json, options: IssueOptions = {}) {
  const contexts = Array.isArray(input["@context"]) ? input["@context"] : [input["@context"]];
  if (contexts[0] !== VC2 && contexts[0] !== VC1) {
    throw invalid(
      `The credential's first @context must be ${VC2} (or ${VC1} for VC 1.1).`,
      [{ path: "/@context/0", message: "must be the Verifiable Credentials context" }],
      "invalid-credential",
    );
  }
  const types = Array.isArray(input.type) ? input.type : [input.type];
  if (!types.includes("VerifiableCredential")) {
    throw invalid(
      "type must include VerifiableCredential.",
      [{ path: "/type", message: "must include VerifiableCredential" }],
      "invalid-credential",
    );
  }
  if (input.credentialSubject === undefined || input.proof !== undefined) {
    throw invalid(
      input.proof !== undefined
        ? "The credential is already signed; send it unsigned."
        : "The credential has no credentialSubject.",
      [
        {
          path: input.proof !== undefined ? "/proof" : "/credentialSubject",
          message: input.proof !== undefined ? "must be absent" : "is required",
        },
      ],
      "invalid-credential",
    );
  }
  const issuerDid = issuerIdOf(input);
  const issuerId = issuerDid
    ? bank.keys.issuerOfDid(issuerDid)
    : actor.role === "provider-admin"
      ? actor.providerId
      : BANK_ISSUER;
  if (issuerId === undefined) {
    throw forbidden(`This bank holds no keys for the issuer ${issuerDid}.`, "unknown-issuer");
  }
  if (actor.role !== "registry-admin" && !(actor.role === "provider-admin" && actor.providerId === issuerId)) {
    throw forbidden(`You may not issue credentials as ${bank.keys.didOf(issuerId)}.`, "not-your-issuer");
  }
  if (issuerId !== BANK_ISSUER) {
    const provider = await bank.db.selectFrom("provider").select("id").where("id", "=", issuerId).executeTakeFirst();
    if (!provider) throw notFound("Provider", issuerId, "unknown-provider");
  }
  const did = bank.keys.didOf(issuerId);
  const uuid = randomUUID();
  const credential: Json = { ...structuredClone(input) };
  if (typeof credential.id !== "string") credential.id = `urn:uuid:${uuid}`;
  if (!issuerDid) credential.issuer = did;
  if (contexts[0] === VC2 && typeof credential.validFrom !== "string")
    credential.validFrom = new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
  if (contexts[0] === VC1 && typeof credential.issuanceDate !== "string")
    credential.issuanceDate = new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
  const format = options.format ?? bank.config.credentialFormat;
  return bank.db.transaction().execute(async (tx) => {
    const key = await bank.keys.activeKey(tx, issuerId, actor.label);
    let slot: { listId: string; index: number } | undefined;
    if (options.credentialStatus !== false && contexts[0] === VC2 && credential.credentialStatus === undefined) {
      [slot] = await allocateStatusSlots(tx, issuerId, 1, MIN_STATUS_LIST_BITS);
      const listUrl = `${bank.config.publicUrl}/status/${encodeURIComponent(slot?.listId ?? "")}`;
      credential.credentialStatus = statusEntry(`${listUrl}/revocation`, "revocation", slot?.index ?? 0);
    }
    let document: string;
    try {
      document = await signCredential(credential, await bank.keys.signerFor(key), format);
    } catch (error) {
      throw new AppError(
        "unsignable-credential",
        `The credential cannot be signed: ${(error as Error).message.slice(0, 300)}`,
        400,
      );
    }
    await insertCredentials(tx, [
      {
        id: uuid,
        learner_id: null,
        achievement_id: null,
        kind: "external",
        issuer_id: issuerId,
        key_id: key.id,
        proof_format: format,
        document,
        status_list_id: slot?.listId ?? null,
        status_index: slot?.index ?? null,
        issued_at: new Date().toISOString(),
        issued_by: actor.label,
      },
    ]);
    await appendLogEvents(tx, [
      {
        kind: "credential.issued",
        credentialId: uuid,
        document,
        issuer: issuerId,
        ...(credential.id !== `urn:uuid:${uuid}` ? { documentId: String(credential.id) } : {}),
      },
    ]);
    return { id: uuid, document, format };
  });
}

/**
 * Verifies a stored credential by its id, for anyone holding the id (a printed certificate's QR code
 * names it): the id is random, so knowing it is the capability, as with a shared link.
 */
export async function verifyStoredCredential(bank: IssuingBank, id: string) {
  const uuid = credentialUuid(id);
  const row = /^[0-9a-f-]{36}$/.test(uuid) ? await credentialById(bank.db, uuid) : undefined;
  if (!row) throw notFound("Credential", id, "credential-not-found");
  return verifyWithBank(bank, row.proof_format === "jwt" ? row.document : (JSON.parse(row.document) as Json));
}
