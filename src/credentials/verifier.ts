/**
 * The verifier: one library for the API, the CLI and the web page. It takes a credential in any form the
 * bank meets (JSON-LD, VC-JWT, a baked PNG or SVG, a PDF certificate, a verifiable presentation) and runs
 * every check separately, so a person sees exactly what holds and what does not:
 *
 *   format    well-formed: a JSON object shaped as a verifiable credential
 *   schema    valid against the Open Badges 3.0 / CLR 2.0 data model
 *   jsonld    every term defined (JSON-LD safe mode), contexts known
 *   issuer    the signing key found and confirmed as the issuer's (unknown issuers are a warning)
 *   proof     the signature valid, by a key not reported compromised before it signed
 *   register  the issuer accredited in the register on `validFrom`, the level within its scope
 *   status    not revoked, not suspended (Bitstring Status List)
 *   validity  within `validFrom` … `validUntil`
 *   log       recorded in the issuing bank's transparency log: the leaf record names the credential and
 *             the SHA-256 of its text, an inclusion proof leads to a checkpoint signed by the log's key
 *             (only with the `transparencyLog` port: a bank checks its own credentials)
 *
 * Everything outside the document (DIDs, key history, the register, status lists) comes through ports,
 * so the same code verifies offline from files or online against a bank.
 */
import { createHash } from "node:crypto";
import jsonld from "jsonld";
import { openCheckpoint } from "../ledger/checkpoint.ts";
import { decodeBase64Strict } from "../ledger/encoding.ts";
import { LedgerError } from "../ledger/errors.ts";
import { leafHash } from "../ledger/hashes.ts";
import { ed25519NoteVerifier } from "../ledger/signed-note.ts";
import { verifyInclusion } from "../ledger/verify-proofs.ts";
import { detectContainer, unpackCredential } from "./baking/index.ts";
import { createDocumentLoader } from "./document-loader.ts";
import { CredentialError } from "./errors.ts";
import { decodeJwt, jwtClaimProblems, looksLikeJwt } from "./jwt.ts";
import { verifyJwtSignatureFast } from "./jwt-fast.ts";
import { publicKeyJwk } from "./keys.ts";
import { verifyDataIntegrity, verifyPresentationProof } from "./proofs.ts";
import { type Resolve, type ResolvedKey, resolveVerificationMethod } from "./resolver.ts";
import { validateClrCredential } from "./schema/clr.ts";
import { validateOpenBadgeCredential } from "./schema/open-badges.ts";
import { bitAt, decodeBitstring } from "./status-list.ts";

export type CheckId = "format" | "schema" | "jsonld" | "issuer" | "proof" | "register" | "status" | "validity" | "log";
export type CheckStatus = "pass" | "fail" | "warning";

export interface Check {
  id: CheckId;
  status: CheckStatus;
  message: string;
}

export interface VerificationReport {
  /** True when no check failed (warnings allowed). */
  verified: boolean;
  /** How it arrived. */
  container: "json" | "jwt" | "png" | "svg" | "pdf";
  /** How it is secured. */
  proofFormat: "data-integrity" | "jwt" | "none";
  credentialId?: string;
  issuer?: string;
  /** The credential as JSON (for a JWT: its payload's credential). */
  credential?: Record<string, unknown>;
  checks: Check[];
}

export interface PresentationReport {
  verified: boolean;
  checks: Check[];
  credentials: VerificationReport[];
}

export interface KeyHistoryFacts {
  /** From this moment on, signatures by the key are not trusted. */
  compromisedSince?: string;
}

export interface RegisterFacts {
  issuer: string;
  validFrom?: string;
  credential: Record<string, unknown>;
}

/**
 * What a bank's transparency log says about a credential: recorded (with everything needed to check
 * that independently), written but not yet in the tree, or absent although the bank should have it.
 */
export type LogLookup =
  | {
      state: "recorded";
      /** The log's origin and verifier key (vkey) the checkpoint must be signed with. */
      origin: string;
      verifierKey: string;
      /** The signed checkpoint the proof leads to. */
      checkpoint: string;
      leafIndex: number;
      /** The leaf's entry: the canonical JSON record of the credential's issuance. */
      record: string;
      /** The inclusion proof's hashes, base64. */
      proof: readonly string[];
    }
  | { state: "pending"; message: string }
  | { state: "missing"; message: string };

export interface VerifierPorts {
  resolve?: Resolve;
  keyHistory?: (verificationMethod: string) => Promise<KeyHistoryFacts | null>;
  /** Judges the issuer against a register; null when the issuer is not one the register knows. */
  register?: (facts: RegisterFacts) => Promise<Omit<Check, "id"> | null>;
  /**
   * Status lists that accompany an entry's list without being named in the credential (this bank's
   * suspension list beside each revocation list, since Open Badges 3.0 allows one status entry).
   */
  companionStatusLists?: (entry: { statusListCredential: string; statusPurpose: string }) => Array<{
    statusListCredential: string;
    statusPurpose: string;
  }>;
  /** Fetches a status list credential by URL; null when it cannot be had. */
  statusList?: (url: string) => Promise<Record<string, unknown> | null>;
  /**
   * The issuing bank's transparency log: what it records about the credential, or null when the log has
   * nothing to say (another issuer's credential, a document the bank does not log): the check is skipped.
   */
  transparencyLog?: (credential: {
    id: string;
    issuer: string;
    types: readonly string[];
    /** SHA-256 (hex) of the credential's text as the bank stores it: the record of this very text. */
    sha256: string;
  }) => Promise<LogLookup | null>;
  now?: () => Date;
}

const MAX_INPUT_BYTES = 8 * 1024 * 1024;
const MAX_DEPTH = 64;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const asArray = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** Parsed input: one credential, or a presentation holding several. */
type Parsed =
  | {
      kind: "credential";
      container: VerificationReport["container"];
      credential: Json | null;
      jwt?: string;
      error?: string;
    }
  | { kind: "presentation"; presentation: Json };

function depth(value: unknown, limit: number): number {
  let max = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [v, d] = stack.pop() as [unknown, number];
    if (d > max) max = d;
    if (max > limit) return max;
    if (typeof v === "object" && v !== null) for (const child of Object.values(v)) stack.push([child, d + 1]);
  }
  return max;
}

async function parseInput(input: Uint8Array | string | Json): Promise<Parsed> {
  if (!(input instanceof Uint8Array) && isObject(input)) {
    return asArray(input.type).includes("VerifiablePresentation")
      ? { kind: "presentation", presentation: input }
      : { kind: "credential", container: "json", credential: input };
  }
  const bytes = typeof input === "string" ? new TextEncoder().encode(input) : input;
  if (bytes.length > MAX_INPUT_BYTES) {
    throw new CredentialError("input-too-large", `The input is larger than ${MAX_INPUT_BYTES / 1024 / 1024} MiB.`);
  }
  const text = typeof input === "string" ? input.trim() : null;
  if (text !== null && looksLikeJwt(text)) return { kind: "credential", container: "jwt", credential: null, jwt: text };
  const unpacked = await unpackCredential(bytes);
  if (!unpacked) {
    throw new CredentialError("no-credential-found", "The file holds no credential (JSON, JWT, baked image or PDF).");
  }
  const detected = detectContainer(bytes);
  const container: VerificationReport["container"] =
    detected === "png" || detected === "svg" || detected === "pdf" || detected === "jwt" ? detected : "json";
  if (unpacked.format === "jwt") return { kind: "credential", container, credential: null, jwt: unpacked.text.trim() };
  let parsed: unknown;
  try {
    parsed = JSON.parse(unpacked.text);
  } catch (error) {
    throw new CredentialError("malformed-json", `The credential is not valid JSON: ${(error as Error).message}.`);
  }
  if (!isObject(parsed)) throw new CredentialError("malformed-json", "The credential must be a JSON object.");
  if (asArray(parsed.type).includes("VerifiablePresentation")) return { kind: "presentation", presentation: parsed };
  return { kind: "credential", container, credential: parsed };
}

/** Verifies one credential, in any accepted form. Throws CredentialError only for unreadable input. */
export async function verifyCredential(
  input: Uint8Array | string | Json,
  ports: VerifierPorts = {},
): Promise<VerificationReport> {
  const parsed = await parseInput(input);
  if (parsed.kind === "presentation") {
    throw new CredentialError("is-a-presentation", "This is a verifiable presentation; verify it as a presentation.");
  }
  return verifyParsed(parsed, ports);
}

/** Verifies a presentation: each credential in it, and the presentation's own proof when it has one. */
export async function verifyPresentation(
  input: Uint8Array | string | Json,
  ports: VerifierPorts = {},
  expected: { challenge?: string; domain?: string } = {},
): Promise<PresentationReport> {
  const parsed = await parseInput(input);
  if (parsed.kind !== "presentation") {
    throw new CredentialError(
      "not-a-presentation",
      "This is not a verifiable presentation (type VerifiablePresentation).",
    );
  }
  const checks: Check[] = [];
  const credentials: VerificationReport[] = [];
  for (const item of asArray(parsed.presentation.verifiableCredential)) {
    if (typeof item === "string" && looksLikeJwt(item)) {
      credentials.push(
        await verifyParsed({ kind: "credential", container: "jwt", credential: null, jwt: item }, ports),
      );
    } else if (isObject(item)) {
      credentials.push(await verifyParsed({ kind: "credential", container: "json", credential: item }, ports));
    } else {
      checks.push({
        id: "format",
        status: "fail",
        message: "An entry of verifiableCredential is neither a credential nor a JWT.",
      });
    }
  }
  if (credentials.length === 0 && checks.length === 0) {
    checks.push({ id: "format", status: "warning", message: "The presentation holds no credentials." });
  }
  const presentationProof = asArray(parsed.presentation.proof).filter(isObject)[0];
  if (!presentationProof) {
    checks.push({
      id: "proof",
      status: expected.challenge !== undefined ? "fail" : "warning",
      message:
        expected.challenge !== undefined
          ? "A challenge was given, but the presentation is not signed by its holder."
          : "The presentation is not signed, so nothing shows its holder presented it; each credential is checked on its own.",
    });
  } else {
    const methodId =
      typeof presentationProof.verificationMethod === "string" ? presentationProof.verificationMethod : "";
    let key: ResolvedKey | null = null;
    try {
      key = methodId ? await resolveVerificationMethod(methodId, ports.resolve) : null;
    } catch (error) {
      checks.push({ id: "issuer", status: "fail", message: (error as Error).message });
    }
    if (!key) {
      checks.push({
        id: "proof",
        status: "fail",
        message: `The holder's key ${methodId || "(none)"} cannot be resolved.`,
      });
    } else {
      const result = await verifyPresentationProof(parsed.presentation, key, expected);
      checks.push({
        id: "proof",
        status: result.verified ? "pass" : "fail",
        message: result.verified
          ? `The presentation is signed by its holder ${key.method.controller}.`
          : (result.message as string),
      });
    }
  }
  const verified = checks.every((c) => c.status !== "fail") && credentials.every((c) => c.verified);
  return { verified, checks, credentials };
}

async function verifyParsed(
  parsed: Extract<Parsed, { kind: "credential" }>,
  ports: VerifierPorts,
): Promise<VerificationReport> {
  const checks: Check[] = [];
  const add = (id: CheckId, status: CheckStatus, message: string) => checks.push({ id, status, message });
  const now = ports.now?.() ?? new Date();

  let credential = parsed.credential;
  let jwtHeader: Json | undefined;
  let jwtPayload: Json | undefined;
  if (parsed.jwt) {
    try {
      const decoded = decodeJwt(parsed.jwt);
      credential = decoded.credential;
      jwtHeader = decoded.header;
      jwtPayload = decoded.payload;
      for (const problem of jwtClaimProblems(decoded)) add("format", "fail", problem);
    } catch (error) {
      add("format", "fail", (error as Error).message);
      return finish(parsed, "jwt", undefined, checks);
    }
  }
  const proofFormat: VerificationReport["proofFormat"] = parsed.jwt
    ? "jwt"
    : credential?.proof
      ? "data-integrity"
      : "none";
  if (!credential) {
    add("format", "fail", "There is no credential.");
    return finish(parsed, proofFormat, undefined, checks);
  }

  // ── format ──
  const formatProblems = shapeProblems(credential);
  if (formatProblems.length > 0) {
    for (const p of formatProblems) add("format", "fail", p);
    return finish(parsed, proofFormat, credential, checks);
  }
  if (!checks.some((c) => c.id === "format")) add("format", "pass", "The credential is well formed.");

  // ── schema ──
  const types = asArray(credential.type);
  const contexts = asArray(credential["@context"]);
  const isV1 = contexts[0] === "https://www.w3.org/2018/credentials/v1";
  if (types.includes("ClrCredential") && isV1) {
    add("schema", "warning", "This is a VC 1.1 era CLR; the CLR 2.0 schema (VC 2.0) does not apply to it.");
  } else if (types.includes("ClrCredential")) {
    schemaCheck(add, validateClrCredential(credential), "CLR 2.0");
  } else if (types.includes("OpenBadgeCredential") || types.includes("AchievementCredential")) {
    if (isV1) {
      add(
        "schema",
        "warning",
        "This is a VC 1.1 era Open Badge; the Open Badges 3.0 schema (VC 2.0) does not apply to it.",
      );
    } else schemaCheck(add, validateOpenBadgeCredential(credential), "Open Badges 3.0");
  } else {
    add("schema", "pass", "Not an Open Badges or CLR credential: checked against the VC data model only.");
  }

  // ── jsonld ──
  const loader = createDocumentLoader();
  try {
    // Proofs are the proof check's business (an unknown proof type may use terms no context defines).
    const { proof: _proof, ...claims } = stripJwtClaims(credential, jwtPayload);
    await jsonld.expand(
      structuredClone(claims) as never,
      {
        documentLoader: loader as never,
        safe: true,
      } as never,
    );
    add("jsonld", "pass", "Every term is defined by the credential's contexts.");
  } catch (error) {
    add("jsonld", "fail", jsonLdFailure(error));
  }

  // ── issuer and proof ──
  const issuer = issuerIdOf(credential);
  let key: ResolvedKey | null = null;
  let signedAt: string | undefined;
  let methodId: string | undefined;
  let embeddedJwk: Json | undefined;
  if (proofFormat === "none") {
    add("issuer", "warning", "The credential is not signed, so nothing ties it to its issuer.");
    add("proof", "fail", "The credential carries no proof.");
  } else {
    if (proofFormat === "jwt") {
      methodId = typeof jwtHeader?.kid === "string" ? jwtHeader.kid : undefined;
      embeddedJwk = isObject(jwtHeader?.jwk) ? jwtHeader.jwk : undefined;
      const iat = jwtPayload?.iat ?? jwtPayload?.nbf;
      signedAt = typeof iat === "number" ? new Date(iat * 1000).toISOString() : undefined;
      if (methodId && !methodId.includes(":") && issuer) methodId = `${issuer}#${methodId}`;
    } else {
      const proofs = asArray(credential.proof).filter(isObject);
      const known = proofs.find((p) => isKnownProof(p)) ?? proofs[0];
      methodId = typeof known?.verificationMethod === "string" ? known.verificationMethod : undefined;
      signedAt = typeof known?.created === "string" ? known.created : undefined;
      if (known && !isKnownProof(known)) {
        add(
          "proof",
          "fail",
          `The proof type '${String(known.type)}' ${known.cryptosuite ? `(${String(known.cryptosuite)}) ` : ""}is not supported.`,
        );
      }
    }
    if (!checks.some((c) => c.id === "proof")) {
      try {
        key = methodId ? await resolveVerificationMethod(methodId, ports.resolve) : null;
      } catch (error) {
        add("issuer", "fail", (error as Error).message);
      }
      if (!checks.some((c) => c.id === "issuer")) {
        if (!key && embeddedJwk) {
          add("issuer", "warning", "The token carries its own public key; it is not confirmed to be the issuer's.");
        } else if (!key) {
          add(
            "issuer",
            "warning",
            methodId
              ? `The key ${methodId} cannot be resolved: the issuer is unknown to this verifier.`
              : "The proof names no key.",
          );
        } else if (issuer && key.method.controller !== issuer && key.controller.id !== issuer) {
          // An issuer named by a DID or URL publishes its keys, so a key it does not list is a forgery; an
          // issuer named only by a URN (common in Open Badges) cannot list keys, so nothing binds them.
          if (issuer.startsWith("urn:")) {
            add(
              "issuer",
              "warning",
              `The issuer ${issuer} cannot publish keys, so the signing key ${key.method.controller} is not confirmed to be its own.`,
            );
          } else {
            add(
              "issuer",
              "fail",
              `The credential was signed with a key of ${key.method.controller}, not of its issuer ${issuer}.`,
            );
          }
        } else if (key.source === "fragment") {
          add(
            "issuer",
            "warning",
            `The key is read from the identifier ${methodId}; the issuer's own document could not be consulted to confirm it.`,
          );
        } else {
          add(
            "issuer",
            "pass",
            key.source === "did:key"
              ? `The issuer is the did:key ${issuer}.`
              : `The issuer's key was found in the document of ${key.controller.id}.`,
          );
        }
      }
      // Proof.
      if (proofFormat === "jwt") {
        const jwk = key ? await publicKeyJwk(key.method.publicKeyMultibase) : embeddedJwk;
        if (!jwk) add("proof", "fail", "The signature cannot be checked: the signing key is unknown.");
        else {
          // EdDSA with a bare Ed25519 key on node:crypto (key imported once); anything else through jose.
          const failure = await verifyJwtSignatureFast(parsed.jwt as string, jwk as never);
          add("proof", failure ? "fail" : "pass", failure ?? "The JWT signature is valid.");
        }
      } else if (!key) {
        add("proof", "fail", "The signature cannot be checked: the signing key is unknown.");
      } else {
        const result = await verifyDataIntegrity(credential, key);
        add(
          "proof",
          result.verified ? "pass" : "fail",
          result.verified ? "The Data Integrity proof is valid." : (result.message as string),
        );
      }
      // A key reported compromised taints what it signed from that moment on.
      if (key && ports.keyHistory) {
        const history = await ports.keyHistory(key.method.id);
        // Proof times are often whole seconds: a signature within the second of the reported moment
        // counts as after it.
        const signedMs = signedAt ? Date.parse(signedAt) : Number.NaN;
        const tainted =
          history?.compromisedSince &&
          (Number.isNaN(signedMs) || signedMs + 1000 > Date.parse(history.compromisedSince));
        if (history?.compromisedSince && tainted) {
          const proof = checks.find((c) => c.id === "proof");
          if (proof) {
            proof.status = "fail";
            proof.message = `The signing key was reported compromised from ${history.compromisedSince}; this credential was signed ${signedAt ? `at ${signedAt}` : "at an unknown time"}, so its signature is not trusted.`;
          }
        }
      }
    }
  }

  // ── register ──
  const validFrom =
    typeof credential.validFrom === "string"
      ? credential.validFrom
      : typeof credential.issuanceDate === "string"
        ? credential.issuanceDate
        : undefined;
  const judged = issuer && ports.register ? await ports.register({ issuer, validFrom, credential }) : null;
  if (judged) add("register", judged.status, judged.message);
  else add("register", "warning", `The issuer ${issuer ?? "(none)"} is not in this bank's register.`);

  // ── status ──
  await statusCheck(credential, ports, add);

  // ── validity ──
  const validUntil =
    typeof credential.validUntil === "string"
      ? credential.validUntil
      : typeof credential.expirationDate === "string"
        ? credential.expirationDate
        : undefined;
  if (validFrom && !(Date.parse(validFrom) <= now.getTime())) {
    add(
      "validity",
      "fail",
      Number.isNaN(Date.parse(validFrom))
        ? `validFrom '${validFrom}' is not a date.`
        : `The credential is not valid before ${validFrom}.`,
    );
  } else if (validUntil && !(Date.parse(validUntil) > now.getTime())) {
    add(
      "validity",
      "fail",
      Number.isNaN(Date.parse(validUntil))
        ? `validUntil '${validUntil}' is not a date.`
        : `The credential expired on ${validUntil}.`,
    );
  } else {
    add(
      "validity",
      "pass",
      validUntil
        ? `Valid from ${validFrom} until ${validUntil}.`
        : `Valid from ${validFrom ?? "its issue"}, with no end date.`,
    );
  }

  // ── log ──
  if (ports.transparencyLog && issuer && typeof credential.id === "string") {
    // The exact text the bank stored: the compact JWS, or the credential's JSON (a copy that was
    // pretty-printed or baked into an image parses back to the same JSON).
    const sha256 = createHash("sha256")
      .update(parsed.jwt ?? JSON.stringify(credential), "utf8")
      .digest("hex");
    const lookup = await ports.transparencyLog({
      id: credential.id,
      issuer,
      types: asArray(credential.type).filter((t): t is string => typeof t === "string"),
      sha256,
    });
    if (lookup) {
      const judged = logCheck(lookup, credential.id, sha256);
      add("log", judged.status, judged.message);
    }
  }
  return finish(parsed, proofFormat, credential, checks);
}

/** The "recorded in the bank's log" check: signature, inclusion, and that the leaf names this text. */
function logCheck(lookup: LogLookup, credentialId: string, sha256: string): { status: CheckStatus; message: string } {
  const fail = (message: string) => ({ status: "fail" as const, message });
  if (lookup.state === "pending") return { status: "warning", message: lookup.message };
  if (lookup.state === "missing") return fail(lookup.message);
  let size: number;
  let root: Uint8Array;
  try {
    const opened = openCheckpoint(lookup.checkpoint, [ed25519NoteVerifier(lookup.verifierKey)], {
      origin: lookup.origin,
    });
    size = opened.checkpoint.size;
    root = opened.checkpoint.root;
  } catch (error) {
    const reason = error instanceof LedgerError ? error.message : String(error);
    return fail(`The log's checkpoint is not validly signed by ${lookup.origin}: ${reason}`);
  }
  const proof = lookup.proof.map((hash) => decodeBase64Strict(hash));
  if (proof.some((hash) => hash === null)) return fail("The log's inclusion proof is not base64.");
  const verdict = verifyInclusion(
    leafHash(Buffer.from(lookup.record, "utf8")),
    lookup.leafIndex,
    size,
    proof as Buffer[],
    root,
  );
  if (!verdict.ok) {
    return fail(`The record is not proven to be leaf ${lookup.leafIndex} of the log: ${verdict.message}`);
  }
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(lookup.record) as Record<string, unknown>;
  } catch {
    return fail("The log's record is not JSON.");
  }
  if (record.credential !== credentialId) {
    return fail(`The log's record names ${String(record.credential)}, not ${credentialId}.`);
  }
  if (record.sha256 !== sha256) {
    return fail(
      `The bank's log records a different text for ${credentialId} (SHA-256 ${String(record.sha256).slice(0, 16)}…, this copy ${sha256.slice(0, 16)}…): this is not the credential the bank issued.`,
    );
  }
  return {
    status: "pass",
    message: `Recorded in ${lookup.origin} as leaf ${lookup.leafIndex} of the tree of ${size} leaves, under a checkpoint signed by the log.`,
  };
}

function finish(
  parsed: Extract<Parsed, { kind: "credential" }>,
  proofFormat: VerificationReport["proofFormat"],
  credential: Json | undefined,
  checks: Check[],
): VerificationReport {
  return {
    verified: checks.length > 0 && checks.every((c) => c.status !== "fail"),
    container: parsed.container,
    proofFormat,
    ...(typeof credential?.id === "string" ? { credentialId: credential.id } : {}),
    ...(credential && issuerIdOf(credential) ? { issuer: issuerIdOf(credential) } : {}),
    ...(credential ? { credential } : {}),
    checks,
  };
}

export function issuerIdOf(credential: Json): string | undefined {
  const issuer = credential.issuer;
  if (typeof issuer === "string") return issuer;
  if (isObject(issuer) && typeof issuer.id === "string") return issuer.id;
  return undefined;
}

const isKnownProof = (p: Json): boolean =>
  (p.type === "DataIntegrityProof" && p.cryptosuite === "eddsa-rdfc-2022") || p.type === "Ed25519Signature2020";

function shapeProblems(credential: Json): string[] {
  const problems: string[] = [];
  if (depth(credential, MAX_DEPTH) > MAX_DEPTH) return [`The credential is nested more than ${MAX_DEPTH} levels deep.`];
  const contexts = asArray(credential["@context"]);
  if (contexts.length === 0) problems.push("The credential has no @context.");
  else if (
    contexts[0] !== "https://www.w3.org/ns/credentials/v2" &&
    contexts[0] !== "https://www.w3.org/2018/credentials/v1"
  ) {
    problems.push(
      "The first @context must be the Verifiable Credentials context (https://www.w3.org/ns/credentials/v2).",
    );
  }
  if (!asArray(credential.type).includes("VerifiableCredential"))
    problems.push("type must include VerifiableCredential.");
  if (!issuerIdOf(credential)) problems.push("The credential names no issuer (issuer or issuer.id).");
  if (credential.credentialSubject === undefined) problems.push("The credential has no credentialSubject.");
  return problems;
}

function schemaCheck(
  add: (id: CheckId, s: CheckStatus, m: string) => void,
  problems: Array<{ path: string; message: string }>,
  name: string,
) {
  if (problems.length === 0) add("schema", "pass", `Valid against the ${name} data model.`);
  else for (const p of problems.slice(0, 20)) add("schema", "fail", p.message);
}

/** JWT registered claims are not credential terms; they must not fail the JSON-LD check. */
function stripJwtClaims(credential: Json, payload?: Json): Json {
  if (!payload || credential !== payload) return credential;
  const { iss: _iss, nbf: _nbf, exp: _exp, iat: _iat, jti: _jti, sub: _sub, aud: _aud, ...rest } = credential;
  return rest;
}

function jsonLdFailure(error: unknown): string {
  const e = error as {
    message?: string;
    details?: { event?: { details?: { property?: string; type?: string } } };
    name?: string;
  };
  if (error instanceof CredentialError) return error.message;
  const event = e.details?.event?.details;
  if (event?.property) return `The term '${event.property}' is not defined by the credential's contexts.`;
  if (event?.type) return `The type '${event.type}' is not defined by the credential's contexts.`;
  const cause = (e as { details?: { cause?: Error } }).details?.cause;
  if (cause instanceof CredentialError) return cause.message;
  return `The credential is not valid JSON-LD: ${(e.message ?? String(error)).slice(0, 300)}`;
}

async function statusCheck(
  credential: Json,
  ports: VerifierPorts,
  add: (id: CheckId, s: CheckStatus, m: string) => void,
) {
  const named = asArray(credential.credentialStatus).filter(isObject);
  const entries: Json[] = [...named];
  for (const entry of named) {
    if (entry.type !== "BitstringStatusListEntry" || !ports.companionStatusLists) continue;
    for (const companion of ports.companionStatusLists({
      statusListCredential: String(entry.statusListCredential),
      statusPurpose: String(entry.statusPurpose),
    })) {
      entries.push({ ...entry, ...companion });
    }
  }
  if (entries.length === 0) {
    add("status", "pass", "The credential has no status entry, so it cannot be revoked.");
    return;
  }
  for (const entry of entries) {
    if (entry.type !== "BitstringStatusListEntry") {
      add("status", "warning", `The status method '${String(entry.type)}' is not supported.`);
      continue;
    }
    const purpose = String(entry.statusPurpose);
    const url = String(entry.statusListCredential);
    const index = Number(entry.statusListIndex);
    const list = ports.statusList ? await ports.statusList(url).catch(() => null) : null;
    if (!list) {
      add(
        "status",
        "warning",
        `The ${purpose} status list ${url} could not be fetched, so the ${purpose} status is unknown.`,
      );
      continue;
    }
    const listReport = await verifyParsed(
      { kind: "credential", container: "json", credential: list },
      { ...ports, statusList: undefined, register: undefined, transparencyLog: undefined },
    );
    const listProof = listReport.checks.find((c) => c.id === "proof");
    const listIssuer = issuerIdOf(list);
    if (listProof?.status !== "pass") {
      add(
        "status",
        "fail",
        `The ${purpose} status list ${url} is not validly signed: ${listProof?.message ?? "no proof"}`,
      );
      continue;
    }
    if (listIssuer !== issuerIdOf(credential)) {
      add("status", "fail", `The ${purpose} status list is issued by ${listIssuer}, not by the credential's issuer.`);
      continue;
    }
    const subject = isObject(list.credentialSubject) ? list.credentialSubject : {};
    if (subject.statusPurpose !== purpose && !asArray(subject.statusPurpose).includes(purpose)) {
      add("status", "fail", `The status list ${url} is for '${String(subject.statusPurpose)}', not '${purpose}'.`);
      continue;
    }
    try {
      const set = bitAt(decodeBitstring(String(subject.encodedList)), index);
      if (!set)
        add(
          "status",
          "pass",
          purpose === "suspension"
            ? "Not suspended."
            : purpose === "revocation"
              ? "Not revoked."
              : `Status '${purpose}' not set.`,
        );
      else if (purpose === "revocation") add("status", "fail", "The credential has been revoked by its issuer.");
      else if (purpose === "suspension") add("status", "fail", "The credential is suspended by its issuer.");
      else add("status", "warning", `The '${purpose}' status is set.`);
    } catch (error) {
      add("status", "fail", (error as Error).message);
    }
  }
}
