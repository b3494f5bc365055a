/**
 * Issuing and verifying one credential, side by side in one run: the Digital Bazaar stack, the bank's own
 * paths, `jose` and raw node:crypto Ed25519, on the same generated Open Badges credentials of one unit
 * (~3.9 KB each; different learners, dates, ids, grades, status entries: bench/canonize.ts `unitCredential`).
 *
 *   node bin/run-ts.mjs bench/credentials.ts [--n 200] [--bulk 2000]
 *
 * Rows (docs/benchmarks.md says what each measures):
 *
 * - eddsa-rdfc-2022, one core: Digital Bazaar issue (`signDataIntegrityReference`: `vc.issue` with
 *   `DataIntegrityProof` + the stock cryptosuite, the Multikey library's signer) and verify
 *   (`vc.verifyCredential`, stock cryptosuite, a `checkStatus` stub, an offline loader that resolves the key);
 *   the bank's issue (`signDataIntegrity`) and verify (`verifyDataIntegrity` with a resolved key); and
 *   canonicalization alone (`jsonld.canonize`, the bank's canonizer) to show where the time goes.
 * - VC-JWT, one core: raw Ed25519 sign / verify of the same signing input bytes (the yardstick); the bank's
 *   `signJwt` (through the Signer interface) and `signJwtWithKey` (src/credentials/jwt-fast.ts); the bank's
 *   verification as the verifier does it (`decodeJwt` + `verifyJwtSignature`, jose, key imported per call)
 *   and on the fast path (`decodeJwt` + `verifyJwtSignatureFast`, key imported once); jose's own
 *   `CompactSign` / `compactVerify` with an imported key.
 * - VC-JWT, 2 workers: the bank's signing and verification of `bulk` credentials spread over a
 *   worker_threads pool of 2 (src/services/signing-pool.ts), and raw Ed25519 over the same workers; plus,
 *   for information, eddsa-rdfc-2022 issuance over the same pool.
 *
 * Every path is warmed up first on other credentials of the unit. Then the rows take turns in rounds, so
 * that whatever else loads the machine hits every row alike: in each round the Digital Bazaar rows and
 * jsonld.canonize do the next slice of the credentials (each credential exactly once over the run), and
 * every other row runs for as long as the slowest of those took, in an order that rotates from round to round.
 *
 * Differential checks (any mismatch throws, failing the run):
 * - canonical form: for every benchmarked credential, the bank canonizer's N-Quads (with the cryptosuite's
 *   options) equal jsonld.canonize's;
 * - proofs: for every credential, the bank's signed credential equals the Digital Bazaar one (same key, same
 *   `created`) byte for byte, and so does the pool's eddsa-rdfc-2022 output;
 * - tokens: signJwt, signJwtWithKey, jose CompactSign and the pool give the same token for every credential;
 * - verdicts: the fast JWT check, jose and the pool agree on every token and on tampered copies of it
 *   (one character changed in the header, in the payload, in the signature), and the Digital Bazaar
 *   verifier accepts every credential the bank signed.
 */
import { createPublicKey, type KeyObject, sign, verify } from "node:crypto";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { DataIntegrityProof } from "@digitalbazaar/data-integrity";
import * as Ed25519Multikey from "@digitalbazaar/ed25519-multikey";
import { cryptosuite as stockCryptosuite } from "@digitalbazaar/eddsa-rdfc-2022-cryptosuite";
import * as vc from "@digitalbazaar/vc";
import { CompactSign, compactVerify, importJWK, type JWK } from "jose";
import jsonld from "jsonld";
import { ed25519KeyObjects } from "../src/credentials/canonize/data-integrity-fast.ts";
import { createDocumentLoader, type DocumentLoader } from "../src/credentials/document-loader.ts";
import { decodeJwt, signJwt, verifyJwtSignature } from "../src/credentials/jwt.ts";
import { jwtPayloadJson, signJwtWithKey, verifyJwtSignatureFast } from "../src/credentials/jwt-fast.ts";
import { generateKeyPair, localSigner, publicKeyJwk } from "../src/credentials/keys.ts";
import {
  canonizer as bankCanonizer,
  signDataIntegrity,
  signDataIntegrityReference,
  verifyDataIntegrity,
} from "../src/credentials/proofs.ts";
import type { ResolvedKey } from "../src/credentials/resolver.ts";
import { SigningPool } from "../src/services/signing-pool.ts";
import { unitCredential } from "./canonize.ts";

export type CredentialGroup = "eddsa-rdfc-2022, one core" | "VC-JWT, one core" | "VC-JWT, 2 workers";

export interface CredentialRow {
  id: string;
  group: CredentialGroup;
  name: string;
  /** Credentials per second. */
  perSecond: number;
  /** CPU time of the whole process (all threads) per credential, in microseconds. */
  cpuMicros: number;
  ops: number;
  seconds: number;
}

export interface CredentialComparison {
  what: string;
  /** Row id of the measured path and of its yardstick. */
  row: string;
  baseline: string;
  /** row rate / baseline rate. */
  ratio: number;
  /** The issue's target for the ratio (10 = 10×, 0.5 = 50%); null for rows shown for information. */
  target: number | null;
  met: boolean | null;
}

export interface CredentialBenchReport {
  n: number;
  bulk: number;
  workers: number;
  rounds: number;
  averageCredentialBytes: number;
  averageJwtBytes: number;
  rows: CredentialRow[];
  comparisons: CredentialComparison[];
  checks: {
    canonicalChecked: number;
    canonicalMismatches: number;
    proofsChecked: number;
    proofMismatches: number;
    tokensChecked: number;
    tokenMismatches: number;
    verdictsChecked: number;
    verdictMismatches: number;
  };
}

export interface CredentialBenchOptions {
  /** Credentials per one-core row (the Digital Bazaar rows do each exactly once); default 200. */
  n?: number;
  /** Credentials per call of a pool row; default 2000. */
  bulk?: number;
  rounds?: number;
  log?: (line: string) => void;
}

const ISSUER = "did:web:bank.example.eu";
const CREATED = "2025-06-01T12:00:00Z";
/** The eddsa-rdfc-2022 cryptosuite's jsonld options, as the bank's canonizer is called when signing. */
const SUITE_CANONIZE = { rdfDirection: "i18n-datatype", base: null } as const;

type Json = Record<string, unknown>;

interface Row extends CredentialRow {
  kind: "stock" | "timed" | "pool";
  /** stock / timed: one operation on credential i. */
  run?: (i: number) => unknown;
  /** pool: one call over the bulk set; returns how many credentials it did. */
  batch?: () => Promise<number>;
  ms: number;
  cpuMs: number;
  /** timed rows: where the next operation starts, so rounds continue through the credentials. */
  next: number;
}

const jsonldCanonize = jsonld.canonize as unknown as (input: unknown, options: Json) => Promise<string>;

export async function benchCredentials(options: CredentialBenchOptions = {}): Promise<CredentialBenchReport> {
  const n = Math.max(1, Math.floor(options.n ?? 200));
  const bulk = Math.max(1, Math.floor(options.bulk ?? 2000));
  const rounds = Math.max(1, Math.min(n, Math.floor(options.rounds ?? 8)));
  const log = options.log ?? (() => {});

  // ── Keys: one Ed25519 key in every form each stack takes. ──
  const material = await generateKeyPair();
  const methodId = `${ISSUER}#key-1`;
  const multikey = await Ed25519Multikey.from({ type: "Multikey", id: methodId, controller: ISSUER, ...material });
  const multikeySigner = multikey.signer(); // the Digital Bazaar stack's own signer
  const bankSigner = await localSigner(methodId, material); // the bank's (node:crypto key imported once)
  const keyObjects = ed25519KeyObjects({ publicKey: multikey.publicKey, secretKey: multikey.secretKey });
  const privateKey = keyObjects.privateKey as KeyObject;
  const publicKey: KeyObject = keyObjects.publicKey;
  const jwk = (await publicKeyJwk(material.publicKeyMultibase)) as JWK;
  const josePrivate = await importJWK({ ...jwk, d: privateKey.export({ format: "jwk" }).d as string } as JWK, "EdDSA");
  const josePublic = await importJWK(jwk, "EdDSA");
  if (!createPublicKey(privateKey).equals(publicKey)) throw new Error("bench keys disagree");

  const method = {
    "@context": "https://w3id.org/security/multikey/v1",
    id: methodId,
    type: "Multikey" as const,
    controller: ISSUER,
    publicKeyMultibase: material.publicKeyMultibase,
  };
  const controllerDocument = {
    "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
    id: ISSUER,
    verificationMethod: [method],
    assertionMethod: [methodId],
  };
  const contexts = createDocumentLoader();
  // The Digital Bazaar verifier's loader: the contexts, plus the key and its controller, offline.
  const documentLoader: DocumentLoader = async (url) => {
    if (url === methodId) return { contextUrl: null, documentUrl: url, document: method };
    if (url === ISSUER) return { contextUrl: null, documentUrl: url, document: controllerDocument };
    return contexts(url);
  };
  // What the bank's resolver returns for the key (src/credentials/resolver.ts).
  const { "@context": _methodContext, ...methodFields } = method;
  const resolvedKey: ResolvedKey = {
    method: methodFields,
    controller: controllerDocument as unknown as ResolvedKey["controller"],
    source: "resolved",
  };
  const checkStatus = async () => ({ verified: true }); // status lists are the bank verifier's own check
  const jsonldOptions = {
    algorithm: "RDFC-1.0",
    format: "application/n-quads",
    safe: true,
    documentLoader: contexts,
    ...SUITE_CANONIZE,
  };
  const canonizer = bankCanonizer();
  const encoder = new TextEncoder();
  const josePayload = (credential: Json) => encoder.encode(jwtPayloadJson(credential));
  const joseSign = (credential: Json) =>
    new CompactSign(josePayload(credential))
      .setProtectedHeader({ alg: "EdDSA", typ: "JWT", kid: methodId })
      .sign(josePrivate);

  // ── Credentials ──
  const credentials = Array.from({ length: n }, (_, i) => unitCredential(i));
  const bulkCredentials = Array.from({ length: bulk }, (_, i) => unitCredential(100_000 + i));
  const averageCredentialBytes = Math.round(
    credentials.reduce((sum, c) => sum + Buffer.byteLength(JSON.stringify(c)), 0) / n,
  );
  // Inputs of the verify rows, made before the clock starts (the sign rows' outputs are checked afterwards).
  const tokens = await Promise.all(credentials.map((c) => signJwt(c, bankSigner)));
  const averageJwtBytes = Math.round(tokens.reduce((sum, t) => sum + t.length, 0) / n);
  const split = (token: string) => {
    const dot = token.lastIndexOf(".");
    return {
      input: Buffer.from(token.slice(0, dot), "latin1"),
      signature: Uint8Array.from(Buffer.from(token.slice(dot + 1), "base64url")),
    };
  };
  const rawInputs = tokens.map((t) => split(t).input);
  const rawSignatures = tokens.map((t) => split(t).signature);
  const bankSignedDi = await Promise.all(
    credentials.map((c) => signDataIntegrity(c, bankSigner, { created: CREATED })),
  );
  const bulkTokens = await Promise.all(bulkCredentials.map((c) => signJwt(c, bankSigner)));
  const bulkInputs = bulkTokens.map((t) => split(t).input);
  const bulkSignatures = bulkTokens.map((t) => split(t).signature);
  const diBulk = bulkCredentials.slice(0, Math.max(1, Math.ceil(bulk / 10)));

  log(
    `   credentials: ${n} of one unit (~${averageCredentialBytes} bytes JSON, ~${averageJwtBytes} bytes as VC-JWT); pool rows ${bulk} per call`,
  );
  const pool = new SigningPool({ size: 2 });
  const poolKey = { id: methodId, privateKey };

  try {
    // ── Rows ──
    const dbSigned: Json[] = new Array(n);
    const jsonldCanonical: string[] = new Array(n);
    let poolDiOut: string[] = [];
    const specs: Array<Pick<Row, "id" | "group" | "name" | "kind" | "run" | "batch">> = [
      {
        id: "db-issue",
        group: "eddsa-rdfc-2022, one core",
        name: "Digital Bazaar issue: vc.issue, DataIntegrityProof + stock eddsa-rdfc-2022",
        kind: "stock",
        run: async (i) => {
          dbSigned[i] = await signDataIntegrityReference(credentials[i] as Json, multikeySigner, {
            created: CREATED,
            documentLoader,
          });
        },
      },
      {
        id: "bank-issue",
        group: "eddsa-rdfc-2022, one core",
        name: "bank issue: signDataIntegrity",
        kind: "timed",
        run: (i) => signDataIntegrity(credentials[i] as Json, bankSigner, { created: CREATED }),
      },
      {
        id: "db-verify",
        group: "eddsa-rdfc-2022, one core",
        name: "Digital Bazaar verify: vc.verifyCredential, stock cryptosuite",
        kind: "stock",
        run: async (i) => {
          const result = await vc.verifyCredential({
            credential: dbSigned[i],
            suite: new DataIntegrityProof({ cryptosuite: stockCryptosuite }),
            documentLoader,
            checkStatus,
          });
          if (!result.verified) {
            const why =
              result.error?.errors?.[0]?.message ?? result.error?.message ?? result.results?.[0]?.error?.message;
            throw new Error(`the Digital Bazaar verifier rejected credential ${i}: ${why}`);
          }
        },
      },
      {
        id: "bank-verify",
        group: "eddsa-rdfc-2022, one core",
        name: "bank verify: verifyDataIntegrity, resolved key",
        kind: "timed",
        run: async (i) => {
          const result = await verifyDataIntegrity(bankSignedDi[i] as Json, resolvedKey);
          if (!result.verified) throw new Error(`the bank rejected credential ${i}: ${result.message}`);
        },
      },
      {
        id: "jsonld-canonize",
        group: "eddsa-rdfc-2022, one core",
        name: "(part of both) jsonld.canonize alone, RDFC-1.0",
        kind: "stock",
        run: async (i) => {
          jsonldCanonical[i] = await jsonldCanonize(credentials[i], jsonldOptions);
        },
      },
      {
        id: "bank-canonize",
        group: "eddsa-rdfc-2022, one core",
        name: "(part of both) the bank's canonizer alone",
        kind: "timed",
        run: (i) => canonizer.canonize(credentials[i] as Json, SUITE_CANONIZE),
      },
      {
        id: "raw-sign",
        group: "VC-JWT, one core",
        name: "raw Ed25519 sign (node:crypto) of the signing input bytes",
        kind: "timed",
        run: (i) => sign(null, rawInputs[i] as Buffer, privateKey),
      },
      {
        id: "bank-sign",
        group: "VC-JWT, one core",
        name: "bank sign: signJwt (Signer interface)",
        kind: "timed",
        run: (i) => signJwt(credentials[i] as Json, bankSigner),
      },
      {
        id: "bank-sign-fast",
        group: "VC-JWT, one core",
        name: "bank sign: signJwtWithKey (jwt-fast.ts)",
        kind: "timed",
        run: (i) => signJwtWithKey(credentials[i] as Json, methodId, privateKey),
      },
      {
        id: "jose-sign",
        group: "VC-JWT, one core",
        name: "jose: CompactSign, imported key",
        kind: "timed",
        run: (i) => joseSign(credentials[i] as Json),
      },
      {
        id: "raw-verify",
        group: "VC-JWT, one core",
        name: "raw Ed25519 verify (node:crypto) of the same bytes",
        kind: "timed",
        run: (i) => {
          if (!verify(null, rawInputs[i] as Buffer, publicKey, rawSignatures[i] as Uint8Array)) {
            throw new Error(`raw verify failed on credential ${i}`);
          }
        },
      },
      {
        id: "bank-verify-jose",
        group: "VC-JWT, one core",
        name: "bank verify as the verifier does it: decodeJwt + verifyJwtSignature (jose, JWK imported per call)",
        kind: "timed",
        run: async (i) => {
          decodeJwt(tokens[i] as string);
          const failure = await verifyJwtSignature(tokens[i] as string, jwk);
          if (failure) throw new Error(`verifyJwtSignature rejected credential ${i}: ${failure}`);
        },
      },
      {
        id: "bank-verify-fast",
        group: "VC-JWT, one core",
        name: "bank verify, fast path: decodeJwt + verifyJwtSignatureFast (key imported once)",
        kind: "timed",
        run: async (i) => {
          decodeJwt(tokens[i] as string);
          const failure = await verifyJwtSignatureFast(tokens[i] as string, jwk);
          if (failure) throw new Error(`verifyJwtSignatureFast rejected credential ${i}: ${failure}`);
        },
      },
      {
        id: "jose-verify",
        group: "VC-JWT, one core",
        name: "jose: compactVerify, imported key",
        kind: "timed",
        run: (i) => compactVerify(tokens[i] as string, josePublic),
      },
      {
        id: "pool-raw-sign",
        group: "VC-JWT, 2 workers",
        name: "raw Ed25519 sign over the pool (bytes in, signatures out)",
        kind: "pool",
        batch: async () => (await pool.signBytes(bulkInputs, privateKey)).length,
      },
      {
        id: "pool-bank-sign",
        group: "VC-JWT, 2 workers",
        name: "bank sign over the pool: SigningPool.signJwts",
        kind: "pool",
        batch: async () => (await pool.signJwts(bulkCredentials, poolKey)).length,
      },
      {
        id: "pool-raw-verify",
        group: "VC-JWT, 2 workers",
        name: "raw Ed25519 verify over the pool",
        kind: "pool",
        batch: async () => {
          const ok = await pool.verifyBytes(bulkInputs, bulkSignatures, publicKey);
          if (!ok.every(Boolean)) throw new Error("raw verify over the pool failed");
          return ok.length;
        },
      },
      {
        id: "pool-bank-verify",
        group: "VC-JWT, 2 workers",
        name: "bank verify over the pool: SigningPool.verifyJwts (decode + fast check)",
        kind: "pool",
        batch: async () => {
          const verdicts = await pool.verifyJwts(bulkTokens, jwk);
          const failed = verdicts.findIndex((v) => v !== null);
          if (failed >= 0) throw new Error(`pool verification rejected token ${failed}: ${verdicts[failed]}`);
          return verdicts.length;
        },
      },
      {
        id: "pool-bank-di",
        group: "VC-JWT, 2 workers",
        name: "(information) bank eddsa-rdfc-2022 issue over the pool: SigningPool.signDataIntegrity",
        kind: "pool",
        batch: async () => {
          poolDiOut = await pool.signDataIntegrity(diBulk, poolKey, { created: CREATED });
          return poolDiOut.length;
        },
      },
    ];
    const rows: Row[] = specs.map((s) => ({
      ...s,
      perSecond: 0,
      cpuMicros: 0,
      ops: 0,
      seconds: 0,
      ms: 0,
      cpuMs: 0,
      next: 0,
    }));

    // ── Warm-up: JIT, jsonld's context cache, the canonizers' templates (also in each worker). ──
    log("   warming up every path");
    const warm = Array.from({ length: 6 }, (_, i) => unitCredential(1_000_000 + i));
    for (const credential of warm) {
      const signed = await signDataIntegrityReference(credential, multikeySigner, { created: CREATED, documentLoader });
      await vc.verifyCredential({
        credential: signed,
        suite: new DataIntegrityProof({ cryptosuite: stockCryptosuite }),
        documentLoader,
        checkStatus,
      });
      await jsonldCanonize(credential, jsonldOptions);
      await verifyDataIntegrity(await signDataIntegrity(credential, bankSigner, { created: CREATED }), resolvedKey);
    }
    for (const row of rows.filter((r) => r.kind === "timed")) {
      for (let k = 0; k < 300; k++) await row.run?.(k % n);
    }
    for (const row of rows.filter((r) => r.kind === "pool")) {
      await row.batch?.();
      await row.batch?.();
    }

    // ── Rounds ──
    log(`   measuring: ${rounds} rounds, the rows taking turns`);
    const chunk = Math.ceil(n / rounds);
    const others = rows.filter((r) => r.kind !== "stock");
    for (let round = 0, start = 0; start < n; round++, start += chunk) {
      const end = Math.min(n, start + chunk);
      let slice = 0;
      for (const row of rows.filter((r) => r.kind === "stock")) {
        const cpu = process.cpuUsage();
        const t0 = performance.now();
        for (let i = start; i < end; i++) await row.run?.(i);
        const ms = performance.now() - t0;
        row.ms += ms;
        row.cpuMs += cpuMs(process.cpuUsage(cpu));
        row.ops += end - start;
        slice = Math.max(slice, ms);
      }
      slice = Math.max(slice, 200);
      // The others in an order that rotates, so that no row always follows the same one.
      const shift = (round * 5) % others.length;
      for (const row of [...others.slice(shift), ...others.slice(0, shift)]) {
        const cpu = process.cpuUsage();
        const t0 = performance.now();
        let ops = 0;
        if (row.kind === "pool") {
          do ops += await (row.batch as () => Promise<number>)();
          while (performance.now() - t0 < slice);
        } else {
          const run = row.run as (i: number) => unknown;
          do {
            await run(row.next);
            row.next = row.next + 1 < n ? row.next + 1 : 0;
            ops++;
          } while (performance.now() - t0 < slice);
        }
        row.ms += performance.now() - t0;
        row.cpuMs += cpuMs(process.cpuUsage(cpu));
        row.ops += ops;
      }
      log(`   round ${round + 1} of ${Math.ceil(n / chunk)} done`);
    }
    for (const row of rows) {
      row.seconds = row.ms / 1000;
      row.perSecond = (row.ops * 1000) / row.ms;
      row.cpuMicros = (row.cpuMs * 1000) / row.ops;
    }

    // ── Differential checks ──
    log("   differential checks");
    let canonicalMismatches = 0;
    let proofMismatches = 0;
    let proofsChecked = 0;
    for (let i = 0; i < n; i++) {
      const ours = await canonizer.canonize(credentials[i] as Json, SUITE_CANONIZE);
      if (ours !== jsonldCanonical[i]) canonicalMismatches++;
      proofsChecked++;
      if (JSON.stringify(bankSignedDi[i]) !== JSON.stringify(dbSigned[i])) proofMismatches++;
      // The Digital Bazaar verifier accepts what the bank signed (the same bytes, but checked end to end).
      const accepted = await vc.verifyCredential({
        credential: bankSignedDi[i],
        suite: new DataIntegrityProof({ cryptosuite: stockCryptosuite }),
        documentLoader,
        checkStatus,
      });
      if (!accepted.verified) proofMismatches++;
    }
    for (const [i, text] of poolDiOut.entries()) {
      proofsChecked++;
      const expected = await signDataIntegrity(diBulk[i] as Json, bankSigner, { created: CREATED });
      if (text !== JSON.stringify(expected)) proofMismatches++;
    }

    let tokensChecked = 0;
    let tokenMismatches = 0;
    for (const [i, credential] of credentials.entries()) {
      tokensChecked++;
      const expected = tokens[i];
      if (signJwtWithKey(credential, methodId, privateKey) !== expected || (await joseSign(credential)) !== expected) {
        tokenMismatches++;
      }
    }
    const poolTokens = await pool.signJwts(bulkCredentials, poolKey);
    for (const [i, token] of poolTokens.entries()) {
      tokensChecked++;
      if (token !== bulkTokens[i]) tokenMismatches++;
    }

    // Verdicts on every token and on three tampered copies of each.
    const flip = (text: string, at: number) => {
      const c = text[at] === "A" ? "B" : "A";
      return `${text.slice(0, at)}${c}${text.slice(at + 1)}`;
    };
    const cases: Array<{ token: string; valid: boolean }> = [];
    for (const token of tokens) {
      const [h = "", p = ""] = token.split(".");
      cases.push({ token, valid: true });
      cases.push({ token: flip(token, Math.floor(h.length / 2)), valid: false });
      cases.push({ token: flip(token, h.length + 1 + Math.floor(p.length / 2)), valid: false });
      cases.push({ token: flip(token, token.length - 10), valid: false });
    }
    const poolVerdicts = await pool.verifyJwts(
      cases.map((c) => c.token),
      jwk,
    );
    let verdictMismatches = 0;
    for (const [k, c] of cases.entries()) {
      let decodes = true;
      try {
        decodeJwt(c.token);
      } catch {
        decodes = false;
      }
      const jose = decodes ? await verifyJwtSignature(c.token, jwk) : "malformed";
      const fast = decodes ? await verifyJwtSignatureFast(c.token, jwk) : "malformed";
      const verdicts = [jose === null, fast === null, poolVerdicts[k] === null];
      if (verdicts.some((v) => v !== c.valid)) verdictMismatches++;
      // Where both explain a failure, they say the same.
      else if (!c.valid && decodes && jose !== fast) verdictMismatches++;
    }

    const checks = {
      canonicalChecked: n,
      canonicalMismatches,
      proofsChecked,
      proofMismatches,
      tokensChecked,
      tokenMismatches,
      verdictsChecked: cases.length,
      verdictMismatches,
    };
    if (canonicalMismatches + proofMismatches + tokenMismatches + verdictMismatches > 0) {
      throw new Error(
        `differential checks FAILED: ${canonicalMismatches} of ${n} canonical forms differ from jsonld.canonize's, ` +
          `${proofMismatches} of ${proofsChecked} proofs differ from the Digital Bazaar stack's (or are rejected by it), ` +
          `${tokenMismatches} of ${tokensChecked} tokens differ from signJwt's, ` +
          `${verdictMismatches} of ${cases.length} JWT verdicts disagree with jose's`,
      );
    }

    const result: CredentialRow[] = rows.map(({ id, group, name, perSecond, cpuMicros, ops, seconds }) => ({
      id,
      group,
      name,
      perSecond,
      cpuMicros,
      ops,
      seconds,
    }));
    const rate = (id: string) => result.find((r) => r.id === id)?.perSecond ?? Number.NaN;
    const compare = (what: string, row: string, baseline: string, target: number | null): CredentialComparison => {
      const ratio = rate(row) / rate(baseline);
      return { what, row, baseline, ratio, target, met: target === null ? null : ratio >= target };
    };
    const comparisons = [
      compare("eddsa-rdfc-2022 issue: bank / Digital Bazaar", "bank-issue", "db-issue", 10),
      compare("eddsa-rdfc-2022 verify: bank / Digital Bazaar", "bank-verify", "db-verify", 10),
      compare("VC-JWT sign, 2 workers: bank / raw Ed25519", "pool-bank-sign", "pool-raw-sign", 0.5),
      compare("VC-JWT verify, 2 workers: bank / raw Ed25519", "pool-bank-verify", "pool-raw-verify", 0.5),
      compare("VC-JWT sign, one core: signJwt / raw Ed25519", "bank-sign", "raw-sign", 0.5),
      compare("VC-JWT sign, one core: signJwtWithKey / raw Ed25519", "bank-sign-fast", "raw-sign", 0.5),
      compare("VC-JWT verify, one core: verifier's path (jose) / raw Ed25519", "bank-verify-jose", "raw-verify", 0.5),
      compare("VC-JWT verify, one core: fast path / raw Ed25519", "bank-verify-fast", "raw-verify", 0.5),
      compare("jose CompactSign / raw Ed25519 sign", "jose-sign", "raw-sign", null),
      compare("jose compactVerify / raw Ed25519 verify", "jose-verify", "raw-verify", null),
      compare("jsonld.canonize / Digital Bazaar issue (canonicalization's share)", "db-issue", "jsonld-canonize", null),
      compare("raw Ed25519 sign: 2 workers / one core", "pool-raw-sign", "raw-sign", null),
      compare("bank eddsa-rdfc-2022 issue: 2 workers / one core", "pool-bank-di", "bank-issue", null),
    ];
    return {
      n,
      bulk,
      workers: pool.size,
      rounds: Math.ceil(n / chunk),
      averageCredentialBytes,
      averageJwtBytes,
      rows: result,
      comparisons,
      checks,
    };
  } finally {
    await pool.close();
  }
}

const cpuMs = (used: NodeJS.CpuUsage) => (used.user + used.system) / 1000;

// ---------------------------------------------------------------------------------------------
// Tables (also used by bench/run.ts)

export const formatOps = (rate: number) => Math.round(rate).toLocaleString("en-US");

export function formatRatio(c: CredentialComparison): string {
  return c.target !== null && c.target >= 1 ? `${c.ratio.toFixed(1)}×` : `${(c.ratio * 100).toFixed(0)}%`;
}

export function formatTarget(c: CredentialComparison): string {
  if (c.target === null) return "";
  return c.target >= 1 ? `≥ ${c.target}×` : `≥ ${c.target * 100}%`;
}

/** The comparisons with a target, then those for information: what / ratio / target / met. */
export function comparisonLines(report: CredentialBenchReport, markdown: boolean): string[] {
  const lines: string[] = [];
  if (markdown) lines.push("| comparison (same run) | ratio | target | met |", "|---|---:|---:|:---:|");
  for (const c of report.comparisons) {
    const ratio = c.target === null ? formatInfoRatio(c) : formatRatio(c);
    const met = c.met === null ? "" : c.met ? "yes" : "**no**";
    if (markdown) lines.push(`| ${c.what} | ${ratio} | ${formatTarget(c)} | ${met} |`);
    else
      lines.push(
        `${c.what.padEnd(66)} ${ratio.padStart(7)} ${formatTarget(c).padStart(7)} ${c.met === null ? "" : c.met ? "met" : "NOT met"}`,
      );
  }
  return lines;
}

function formatInfoRatio(c: CredentialComparison): string {
  return c.ratio >= 2 ? `${c.ratio.toFixed(1)}×` : `${(c.ratio * 100).toFixed(0)}%`;
}

export function rowLines(report: CredentialBenchReport, markdown: boolean): string[] {
  const lines: string[] = [];
  if (markdown) lines.push("| group | row | credentials/s | CPU µs per credential |", "|---|---|---:|---:|");
  for (const r of report.rows) {
    if (markdown) lines.push(`| ${r.group} | ${r.name} | ${formatOps(r.perSecond)} | ${r.cpuMicros.toFixed(0)} |`);
    else lines.push(`${r.group.padEnd(26)} ${r.name.slice(0, 88).padEnd(88)} ${formatOps(r.perSecond).padStart(8)}/s`);
  }
  return lines;
}

export function checkLine(report: CredentialBenchReport): string {
  const c = report.checks;
  return (
    `differential checks: ${c.canonicalMismatches} of ${c.canonicalChecked} canonical forms differ from jsonld.canonize's; ` +
    `${c.proofMismatches} of ${c.proofsChecked} eddsa-rdfc-2022 proofs differ from the Digital Bazaar stack's; ` +
    `${c.tokenMismatches} of ${c.tokensChecked} VC-JWTs differ from signJwt's; ` +
    `${c.verdictMismatches} of ${c.verdictsChecked} JWT verdicts (valid and tampered) disagree with jose's`
  );
}

// ---------------------------------------------------------------------------------------------
// Standalone: node bin/run-ts.mjs bench/credentials.ts [--n N] [--bulk N]

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const flag = (name: string, fallback: number) => {
    const at = process.argv.indexOf(name);
    const value = at > 0 ? Number(process.argv[at + 1]) : fallback;
    if (!Number.isInteger(value) || value < 1) {
      console.error("usage: node bin/run-ts.mjs bench/credentials.ts [--n <credentials>] [--bulk <per pool call>]");
      process.exit(2);
    }
    return value;
  };
  const report = await benchCredentials({
    n: flag("--n", 200),
    bulk: flag("--bulk", 2000),
    log: (line) => console.log(line),
  });
  console.log("");
  for (const line of rowLines(report, false)) console.log(line);
  console.log("");
  for (const line of comparisonLines(report, false)) console.log(line);
  console.log("");
  console.log(checkLine(report));
}
