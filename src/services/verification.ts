/**
 * The verifier wired to a bank: the bank's own DIDs resolve from its key ring, key history comes from
 * its records, the register judges its providers, and its status lists are read without a network
 * round trip. Credentials of other issuers are still verified; their issuer is reported as unknown.
 */
import { didKeyDocument, didWebDocumentUrl } from "../credentials/did.ts";
import { CredentialError } from "../credentials/errors.ts";
import {
  type PresentationReport,
  type RegisterFacts,
  type VerificationReport,
  type VerifierPorts,
  verifyCredential,
  verifyPresentation,
} from "../credentials/verifier.ts";
import { accreditationCovers } from "../domain/accreditation.ts";
import { loadFrameworks, loadProvider } from "../store/catalogue-repo.ts";
import { statusListDocument } from "./credential-status.ts";
import { AppError } from "./errors.ts";
import type { IssuingBank } from "./issuance.ts";
import { BANK_ISSUER } from "./issuers.ts";
import { logLookupForCredential } from "./transparency-log.ts";

type Json = Record<string, unknown>;

export function bankVerifierPorts(bank: IssuingBank): VerifierPorts {
  return {
    resolve: async (url) => {
      if (url.startsWith("did:key:")) return didKeyDocument(url);
      // Any DID the bank has held keys under, compromised keys included: the key-history port below
      // judges by the moment of compromise.
      return (await bank.keys.didDocumentOf(bank.db, url))?.document ?? null;
    },
    keyHistory: (methodId) => bank.keys.keyFacts(bank.db, methodId),
    companionStatusLists: (entry) =>
      entry.statusPurpose === "revocation" &&
      entry.statusListCredential.startsWith(`${bank.config.publicUrl}/status/`) &&
      entry.statusListCredential.endsWith("/revocation")
        ? [
            {
              statusListCredential: entry.statusListCredential.replace(/\/revocation$/, "/suspension"),
              statusPurpose: "suspension",
            },
          ]
        : [],
    register: (facts) => judgeIssuer(bank, facts),
    transparencyLog: async (credential) =>
      logLookupForCredential(
        bank,
        credential,
        bank.keys.issuerOfDid(credential.issuer) ??
          (await bank.keys.didDocumentOf(bank.db, credential.issuer))?.issuerId,
      ),
    statusList: async (url) => {
      const prefix = `${bank.config.publicUrl}/status/`;
      if (!url.startsWith(prefix)) return null;
      const [listId, purpose] = url.slice(prefix.length).split("/");
      if (!listId || (purpose !== "revocation" && purpose !== "suspension")) return null;
      try {
        return (await statusListDocument(bank, decodeURIComponent(listId), purpose)).document;
      } catch {
        return null;
      }
    },
  };
}

/**
 * Was the issuer an accredited provider in this bank's register on the credential's validFrom, with the
 * credential's level within its scope? The level is the credential's alignment to a framework level of
 * this bank (the unit's own framework).
 */
async function judgeIssuer(bank: IssuingBank, facts: RegisterFacts) {
  const issuerId =
    bank.keys.issuerOfDid(facts.issuer) ?? (await bank.keys.didDocumentOf(bank.db, facts.issuer))?.issuerId;
  if (issuerId === undefined) return null;
  if (issuerId === BANK_ISSUER) return { status: "pass" as const, message: "Issued by the bank itself." };
  const provider = await loadProvider(bank.db, issuerId);
  if (!provider) return { status: "fail" as const, message: `The issuer ${issuerId} is not in the register.` };
  const on = (facts.validFrom ?? "").slice(0, 10);
  const achievement = ((facts.credential.credentialSubject as Json | undefined)?.achievement ?? {}) as Json;
  const alignments = (Array.isArray(achievement.alignment) ? achievement.alignment : []) as Json[];
  const levelPrefix = `${bank.config.publicUrl}/api/v1/frameworks/`;
  const level = alignments.find(
    (a) => a.targetType === "ext:FrameworkLevel" && String(a.targetUrl).startsWith(levelPrefix),
  );
  if (!level || !/^\d{4}-\d{2}-\d{2}$/.test(on)) {
    return {
      status: "warning" as const,
      message: `${provider.name} is in the register, but the credential names no level of this bank's frameworks to check against its accreditation.`,
    };
  }
  const framework = decodeURIComponent(String(level.targetUrl).slice(levelPrefix.length).split("#")[0] ?? "");
  const field =
    typeof achievement.fieldOfStudy === "string" ? /^(\d{2,4})\b/.exec(achievement.fieldOfStudy)?.[1] : undefined;
  const frameworks = await loadFrameworks(bank.db);
  const covered = accreditationCovers(provider, frameworks, {
    level: { framework, level: String(level.targetCode) },
    ...(field ? { field } : {}),
    on,
  });
  return covered.covered
    ? {
        status: "pass" as const,
        message: `${provider.name} was accredited on ${on} for ${String(level.targetName)}${field ? ` in field ${field}` : ""}.`,
      }
    : { status: "fail" as const, message: covered.message };
}

/** Verifies with this bank's ports; unreadable input becomes a 400 with the verifier's code. */
export async function verifyWithBank(
  bank: IssuingBank,
  input: Uint8Array | string | Json,
): Promise<VerificationReport> {
  try {
    return await verifyCredential(input, bankVerifierPorts(bank));
  } catch (error) {
    throw asAppError(error);
  }
}

export async function verifyPresentationWithBank(
  bank: IssuingBank,
  input: Uint8Array | string | Json,
  expected: { challenge?: string; domain?: string } = {},
): Promise<PresentationReport> {
  try {
    return await verifyPresentation(input, bankVerifierPorts(bank), expected);
  } catch (error) {
    throw asAppError(error);
  }
}

export function asAppError(error: unknown): unknown {
  return error instanceof CredentialError ? new AppError(error.code, error.message, 400) : error;
}

export interface OfflineOptions {
  /** DID documents (or controller documents) to resolve issuers' keys with, without a network. */
  didDocuments?: Array<Record<string, unknown>>;
  /** Status list credentials, keyed by their URL (their `id`). */
  statusLists?: Array<Record<string, unknown>>;
  /** Fetch did:web documents and status lists over HTTPS when they are not given. */
  online?: boolean;
}

const FETCH_LIMIT_BYTES = 2 * 1024 * 1024;

/** Fetches a JSON document with a time and size limit; null when it cannot be had. */
async function fetchJson(url: string): Promise<Record<string, unknown> | null> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(10_000), headers: { accept: "application/json" } });
    if (!response.ok) return null;
    const text = await response.text();
    if (text.length > FETCH_LIMIT_BYTES) return null;
    const value = JSON.parse(text) as unknown;
    return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Ports for verifying without a bank: documents from files, and the network only when asked. */
export function offlineVerifierPorts(options: OfflineOptions): VerifierPorts {
  const dids = new Map((options.didDocuments ?? []).map((d) => [String(d.id), d]));
  const lists = new Map((options.statusLists ?? []).map((d) => [String(d.id), d]));
  return {
    resolve: async (url) => {
      if (url.startsWith("did:key:")) return didKeyDocument(url);
      const given = dids.get(url);
      if (given) return given;
      if (options.online && url.startsWith("did:web:")) {
        return fetchJson(didWebDocumentUrl(url));
      }
      return null;
    },
    statusList: async (url) => lists.get(url) ?? (options.online && url.startsWith("https://") ? fetchJson(url) : null),
  };
}

export async function verifyOffline(input: Uint8Array | string | Json, options: OfflineOptions = {}) {
  try {
    const ports = offlineVerifierPorts(options);
    try {
      return await verifyCredential(input, ports);
    } catch (error) {
      if (error instanceof CredentialError && error.code === "is-a-presentation")
        return await verifyPresentation(input, ports);
      throw error;
    }
  } catch (error) {
    throw asAppError(error);
  }
}
