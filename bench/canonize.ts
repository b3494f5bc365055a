/**
 * eddsa-rdfc-2022 issuance and verification: the Digital Bazaar stack (`vc.issue` / `vc.verifyCredential`
 * with `DataIntegrityProof` and the stock cryptosuite) against the fast path (src/credentials/canonize/), in
 * one run, on the same generated credentials of one unit (~3.5 KB each; different learners, dates, ids).
 *
 *   node bin/run-ts.mjs bench/canonize.ts [--n 200]
 *
 * Rows: both stacks' issue and verify, vc.issue / vc.verifyCredential with only the cryptosuite swapped for
 * the fast one, and canonicalization alone (jsonld.canonize vs the fast canonizer). The measurements are
 * interleaved in rounds so that other load on the machine hits every row alike; one core (no workers).
 *
 * Differential checks, on every benchmarked credential: the fast canonical form equals jsonld.canonize's,
 * and the fast proof (same key, same `created`) equals the Digital Bazaar proof. Any mismatch throws.
 *
 * Not measured: the first credential of a shape (the canonizer builds the shape's template from a jsonld
 * probe then, two jsonld canonicalizations); a warm-up on other credentials of the same unit does that.
 */
import { cpus } from "node:os";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { DataIntegrityProof } from "@digitalbazaar/data-integrity";
import * as Ed25519Multikey from "@digitalbazaar/ed25519-multikey";
import { cryptosuite as stockCryptosuite } from "@digitalbazaar/eddsa-rdfc-2022-cryptosuite";
import * as vc from "@digitalbazaar/vc";
import jsonld from "jsonld";
import { type CanonizerStats, createCanonizer } from "../src/credentials/canonize/canonizer.ts";
import {
  createKeyObjectSigner,
  ed25519KeyObjects,
  signEddsaRdfc2022,
  verifyEddsaRdfc2022Proof,
} from "../src/credentials/canonize/data-integrity-fast.ts";
import { createFastEddsaRdfc2022Cryptosuite } from "../src/credentials/canonize/fast-cryptosuite.ts";
import { createDocumentLoader, type DocumentLoader } from "../src/credentials/document-loader.ts";

export interface BenchRow {
  name: string;
  perSecond: number;
}

export interface CanonizeBenchReport {
  rows: BenchRow[];
  /** Credentials whose fast canonical form was compared with jsonld.canonize's, and how many differed. */
  checked: number;
  canonicalMismatches: number;
  /** Credentials whose fast proof was compared with the Digital Bazaar proof, and how many differed. */
  proofMismatches: number;
  /** Fast issue (KeyObject signer) / Digital Bazaar issue, fast verify / Digital Bazaar verify. */
  issueRatio: number;
  verifyRatio: number;
  averageCredentialBytes: number;
  canonizerStats: CanonizerStats;
}

// ---------------------------------------------------------------------------------------------
// Workload: credentials of one unit, as the bank issues them (src/credentials/open-badges.ts shape)

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST_NAMES = ["Ana", "Bo", "Chloé", "Dmitri", "Eun-ji", "Fatima", "Günter", "Hiro", "Ilse", "José", "Łucja"];
const LAST_NAMES = ["Novak", "O'Brien", "Müller", "Nguyen", "Kowalski", "Silva", "Østergaard", "Smith", "Ferreira"];
const OUTCOMES = [
  "clean and validate tabular data sets with missing and inconsistent values",
  "explore a data set with descriptive statistics and visualisations",
  "fit, validate and compare regression and classification models",
  "explain a model's results and limits to a non-technical audience",
  "reproduce an analysis from a version-controlled notebook",
  "assess the ethical and data-protection implications of an analysis",
];

/** The i-th credential of the unit: its own id, learner, dates, grade, evidence and status entry. */
export function unitCredential(i: number, seed = 2026): Record<string, unknown> {
  const r = rng(seed * 1_000_003 + i);
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(r() * 16).toString(16)).join("");
  const uuid = () => `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`;
  const pick = <T>(items: readonly T[]): T => items[Math.floor(r() * items.length)] as T;
  const learner = `${pick(FIRST_NAMES)} ${pick(LAST_NAMES)}`;
  const day = new Date(Date.UTC(2024, 0, 1) + Math.floor(r() * 600) * 86_400_000).toISOString().slice(0, 10);
  const statusIndex = Math.floor(r() * 131_072);
  return {
    "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
    id: `urn:uuid:${uuid()}`,
    type: ["VerifiableCredential", "OpenBadgeCredential"],
    name: "Data Analysis with Python",
    issuer: {
      id: "did:web:bank.example.eu",
      type: ["Profile"],
      name: "Example Credit Bank",
      url: "https://bank.example.eu",
      description: "The regional credit bank for micro-credentials.",
    },
    validFrom: `${day}T00:00:00Z`,
    awardedDate: `${day}T${String(8 + Math.floor(r() * 10)).padStart(2, "0")}:${String(Math.floor(r() * 60)).padStart(2, "0")}:00Z`,
    credentialSubject: {
      type: ["AchievementSubject"],
      identifier: [
        {
          type: "IdentityObject",
          identityHash: `sha256$${hex(64)}`,
          identityType: "emailAddress",
          hashed: true,
          salt: hex(32),
        },
      ],
      achievement: {
        id: "https://bank.example.eu/units/dap-101/versions/3",
        type: ["Achievement"],
        achievementType: "MicroCredential",
        name: "Data Analysis with Python",
        description:
          "Learners clean, explore and model tabular data with pandas and scikit-learn, and report their findings.",
        criteria: {
          narrative:
            "Pass a supervised practical assessment (a notebook analysing an unseen data set) and an oral defence.",
        },
        creditsAvailable: 5,
        fieldOfStudy: "0613 Software and applications development and analysis",
        humanCode: "DAP-101",
        version: "3",
        inLanguage: "en",
        tag: ["data analysis", "python", "statistics"],
        alignment: [
          {
            type: ["Alignment"],
            targetName: "EQF level 5",
            targetUrl: "http://data.europa.eu/snb/eqf/5",
            targetFramework: "European Qualifications Framework",
            targetType: "ext:EQFLevel",
          },
          {
            type: ["Alignment"],
            targetName: "5 ECTS credits",
            targetUrl: "http://data.europa.eu/snb/education-credit/6fcec5c5af",
            targetFramework: "ECTS",
            targetType: "ext:CreditSystem",
          },
          ...OUTCOMES.map((outcome, k) => ({
            type: ["Alignment"],
            targetName: `Learning outcome ${k + 1}`,
            targetDescription: `The learner can ${outcome}.`,
            targetUrl: `https://bank.example.eu/units/dap-101/versions/3/outcomes/${k + 1}`,
            targetType: "ceasn:Competency",
          })),
        ],
      },
      creditsEarned: 5,
      activityEndDate: `${day}T00:00:00Z`,
      result: [
        { type: ["Result"], value: pick(["A", "B", "C", "D"]) },
        { type: ["Result"], status: "Completed" },
      ],
    },
    evidence: [{ id: `https://bank.example.eu/evidence/${uuid()}`, type: ["Evidence"] }],
    credentialStatus: {
      id: `https://bank.example.eu/status/1#${statusIndex}`,
      type: "BitstringStatusListEntry",
      statusPurpose: "revocation",
      statusListIndex: String(statusIndex),
      statusListCredential: "https://bank.example.eu/status/1",
    },
    description: `Awarded to ${learner}.`,
  };
}

// ---------------------------------------------------------------------------------------------
// Measurement

interface Row {
  name: string;
  ops: number;
  ms: number;
  /** One operation on credential i. */
  run: (i: number) => Promise<void>;
  /** Stock rows: how many credentials a round gives them (each credential once); 0 for fast rows. */
  share: number;
}

export async function benchCanonizeDetailed(options: { n: number }): Promise<CanonizeBenchReport> {
  const n = Math.max(1, Math.floor(options.n));
  const contexts = createDocumentLoader();
  const key = await Ed25519Multikey.generate({ controller: "did:web:bank.example.eu" });
  const method = {
    "@context": "https://w3id.org/security/multikey/v1",
    id: key.id as string,
    type: "Multikey",
    controller: key.controller as string,
    publicKeyMultibase: key.publicKeyMultibase as string,
  };
  const controller = {
    "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
    id: method.controller,
    assertionMethod: [method],
  };
  const documentLoader: DocumentLoader = async (url) => {
    if (url === method.id) return { contextUrl: null, documentUrl: url, document: method };
    if (url === method.controller) return { contextUrl: null, documentUrl: url, document: controller };
    return contexts(url);
  };
  const multikeySigner = key.signer();
  const raw = await key.export({ publicKey: true, secretKey: true, raw: true, canonicalize: true });
  const keyObjects = ed25519KeyObjects(raw);
  const keyObjectSigner = createKeyObjectSigner(
    method.id,
    keyObjects.privateKey as NonNullable<typeof keyObjects.privateKey>,
  );
  const canonizer = createCanonizer(contexts);
  const fastSuite = createFastEddsaRdfc2022Cryptosuite(canonizer);
  const created = "2025-06-01T12:00:00Z";
  // Status lists are checked by the bank's verifier on their own; vc requires a checker for credentialStatus.
  const checkStatus = async () => ({ verified: true });
  const jsonldCanonize = jsonld.canonize as unknown as (input: unknown, o: Record<string, unknown>) => Promise<string>;
  const canonizeOptions = {
    algorithm: "RDFC-1.0",
    format: "application/n-quads",
    safe: true,
    documentLoader: contexts,
  };

  const credentials = Array.from({ length: n }, (_, i) => unitCredential(i));
  const averageCredentialBytes = Math.round(
    credentials.reduce((sum, c) => sum + Buffer.byteLength(JSON.stringify(c)), 0) / n,
  );

  // Warm-up on other credentials of the same unit: JIT, jsonld's context cache, the canonizer's templates.
  const warm = Array.from({ length: 8 }, (_, i) => unitCredential(1_000_000 + i));
  for (const credential of warm) {
    const signed = await vc.issue({
      credential: structuredClone(credential),
      suite: new DataIntegrityProof({ signer: multikeySigner, cryptosuite: stockCryptosuite, date: created }),
      documentLoader,
    });
    await vc.verifyCredential({
      credential: signed,
      suite: new DataIntegrityProof({ cryptosuite: stockCryptosuite }),
      documentLoader,
      checkStatus,
    });
    const fast = await signEddsaRdfc2022(
      credential,
      { signer: keyObjectSigner, verificationMethod: method.id, created },
      canonizer,
    );
    await verifyEddsaRdfc2022Proof(fast, fast.proof as object, keyObjects.publicKey, canonizer);
    await vc.issue({
      credential: structuredClone(credential),
      suite: new DataIntegrityProof({ signer: multikeySigner, cryptosuite: fastSuite, date: created }),
      documentLoader,
    });
    await jsonldCanonize(credential, canonizeOptions);
    await canonizer.canonize(credential);
  }

  const stockSigned: Array<Record<string, unknown>> = new Array(n);
  const fastSigned: Array<Record<string, unknown>> = new Array(n);
  const jsonldCanonical: string[] = new Array(n);
  const fastCanonical: string[] = new Array(n);
  const stockShare = Math.max(1, Math.ceil(n / 4));
  const specs: Array<Omit<Row, "ops" | "ms">> = [
    {
      name: "Digital Bazaar vc.issue (stock eddsa-rdfc-2022)",
      share: stockShare,
      run: async (i: number) => {
        stockSigned[i] = await vc.issue({
          credential: structuredClone(credentials[i]),
          suite: new DataIntegrityProof({ signer: multikeySigner, cryptosuite: stockCryptosuite, date: created }),
          documentLoader,
        });
      },
    },
    {
      name: "fast issue: signEddsaRdfc2022 (node:crypto KeyObject signer)",
      share: 0,
      run: async (i: number) => {
        fastSigned[i] = await signEddsaRdfc2022(
          credentials[i] as object,
          { signer: keyObjectSigner, verificationMethod: method.id, created },
          canonizer,
        );
      },
    },
    {
      name: "fast issue: signEddsaRdfc2022 (Multikey signer, as stock)",
      share: 0,
      run: async (i: number) => {
        await signEddsaRdfc2022(
          credentials[i] as object,
          { signer: multikeySigner, verificationMethod: method.id, created },
          canonizer,
        );
      },
    },
    {
      name: "vc.issue with the fast cryptosuite (Multikey signer)",
      share: 0,
      run: async (i: number) => {
        await vc.issue({
          credential: structuredClone(credentials[i]),
          suite: new DataIntegrityProof({ signer: multikeySigner, cryptosuite: fastSuite, date: created }),
          documentLoader,
        });
      },
    },
    {
      name: "Digital Bazaar vc.verifyCredential (stock eddsa-rdfc-2022)",
      share: stockShare,
      run: async (i: number) => {
        const result = await vc.verifyCredential({
          credential: stockSigned[i],
          suite: new DataIntegrityProof({ cryptosuite: stockCryptosuite }),
          documentLoader,
          checkStatus,
        });
        if (!result.verified) {
          const why =
            result.error?.errors?.[0]?.message ?? result.error?.message ?? result.results?.[0]?.error?.message;
          throw new Error(`Digital Bazaar verification failed for credential ${i}: ${why}`);
        }
      },
    },
    {
      name: "fast verify: verifyEddsaRdfc2022Proof (node:crypto)",
      share: 0,
      run: async (i: number) => {
        const credential = stockSigned[i] as Record<string, unknown>;
        if (
          !(await verifyEddsaRdfc2022Proof(credential, credential.proof as object, keyObjects.publicKey, canonizer))
        ) {
          throw new Error(`fast verification failed for credential ${i}`);
        }
      },
    },
    {
      name: "vc.verifyCredential with the fast cryptosuite",
      share: 0,
      run: async (i: number) => {
        const result = await vc.verifyCredential({
          credential: stockSigned[i],
          suite: new DataIntegrityProof({ cryptosuite: fastSuite }),
          documentLoader,
          checkStatus,
        });
        if (!result.verified) throw new Error(`verification (fast cryptosuite) failed for credential ${i}`);
      },
    },
    {
      name: "jsonld.canonize (RDFC-1.0)",
      share: stockShare,
      run: async (i: number) => {
        jsonldCanonical[i] = await jsonldCanonize(credentials[i], canonizeOptions);
      },
    },
    {
      name: "fast canonize",
      share: 0,
      run: async (i: number) => {
        fastCanonical[i] = await canonizer.canonize(credentials[i] as object);
      },
    },
  ];
  const rows: Row[] = specs.map((row) => ({ ...row, ops: 0, ms: 0 }));

  // Rounds: every stock row does the next quarter of the credentials (all of them over four rounds; verify
  // after issue); then every fast row runs over the credentials signed so far, starting with this round's, for
  // as long as the slowest stock row of the round took (and at least once over this round's), so that all
  // rows share the same stretches of machine time.
  for (let start = 0; start < n; start += stockShare) {
    const end = Math.min(n, start + stockShare);
    let roundMs = 0;
    for (const row of rows.filter((r) => r.share > 0)) {
      const t0 = performance.now();
      for (let i = start; i < end; i++) await row.run(i);
      const ms = performance.now() - t0;
      row.ms += ms;
      row.ops += end - start;
      roundMs = Math.max(roundMs, ms);
    }
    for (const row of rows.filter((r) => r.share === 0)) {
      const t0 = performance.now();
      let ops = 0;
      let i = start;
      do {
        await row.run(i);
        ops++;
        i = i + 1 < end ? i + 1 : 0;
      } while (performance.now() - t0 < roundMs || ops < end - start);
      row.ms += performance.now() - t0;
      row.ops += ops;
    }
  }

  // Differential checks over every benchmarked credential.
  let canonicalMismatches = 0;
  let proofMismatches = 0;
  for (let i = 0; i < n; i++) {
    if (fastCanonical[i] !== jsonldCanonical[i]) canonicalMismatches++;
    if (JSON.stringify(fastSigned[i]) !== JSON.stringify(stockSigned[i])) proofMismatches++;
  }
  if (canonicalMismatches > 0 || proofMismatches > 0) {
    throw new Error(
      `fast path differs from the Digital Bazaar stack: ${canonicalMismatches} canonical forms and ${proofMismatches} proofs of ${n}`,
    );
  }

  const result = rows.map((row) => ({ name: row.name, perSecond: (row.ops * 1000) / row.ms }));
  const rate = (prefix: string) => result.find((r) => r.name.startsWith(prefix))?.perSecond ?? Number.NaN;
  return {
    rows: result,
    checked: n,
    canonicalMismatches,
    proofMismatches,
    issueRatio: rate("fast issue: signEddsaRdfc2022 (node") / rate("Digital Bazaar vc.issue"),
    verifyRatio: rate("fast verify") / rate("Digital Bazaar vc.verifyCredential"),
    averageCredentialBytes,
    canonizerStats: canonizer.stats(),
  };
}

/** The bench harness's entry: ops/s per row (throws if any differential check fails). */
export async function benchCanonize(options: { n: number }): Promise<Array<{ name: string; perSecond: number }>> {
  return (await benchCanonizeDetailed(options)).rows;
}

// ---------------------------------------------------------------------------------------------
// Standalone: node bin/run-ts.mjs bench/canonize.ts [--n N]

function baselineOf(name: string): string | null {
  if (name.startsWith("Digital Bazaar") || name.startsWith("jsonld.canonize")) return null;
  if (name.includes("issue")) return "Digital Bazaar vc.issue";
  if (name.includes("verif")) return "Digital Bazaar vc.verifyCredential";
  return "jsonld.canonize";
}

// (bin/run-ts.mjs passes the entry as given, often relative: compare resolved file URLs.)
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const flag = process.argv.indexOf("--n");
  const n = flag > 0 ? Number(process.argv[flag + 1]) : 200;
  if (!Number.isInteger(n) || n < 1) {
    console.error("usage: node bin/run-ts.mjs bench/canonize.ts [--n <credentials>]");
    process.exit(2);
  }
  const report = await benchCanonizeDetailed({ n });
  const cpu = cpus()[0]?.model ?? "unknown CPU";
  console.log(
    `eddsa-rdfc-2022, ${n} credentials of one unit (~${report.averageCredentialBytes} bytes each); ${cpu}, one core`,
  );
  console.log("");
  console.log(`| ${"row".padEnd(62)} | ${"ops/s".padStart(8)} | ${"× stock".padStart(8)} |`);
  console.log(`|${"-".repeat(64)}|${"-".repeat(9)}:|${"-".repeat(9)}:|`);
  for (const row of report.rows) {
    const base = baselineOf(row.name);
    const ref = base ? report.rows.find((r) => r.name.startsWith(base)) : undefined;
    const ratio = ref ? `${(row.perSecond / ref.perSecond).toFixed(1)}×` : "";
    console.log(`| ${row.name.padEnd(62)} | ${row.perSecond.toFixed(0).padStart(8)} | ${ratio.padStart(8)} |`);
  }
  console.log("");
  console.log(
    `differential: ${report.checked} credentials, ${report.canonicalMismatches} canonical-form mismatches with jsonld.canonize, ${report.proofMismatches} proof mismatches with vc.issue`,
  );
  const s = report.canonizerStats;
  console.log(
    `canonizer: ${s.hits} hits, ${s.misses} misses, ${s.fallbacks} fallbacks, ${s.nDegree} n-degree, ${s.templates} templates, ${s.selfCheckFailures} self-check failures`,
  );
  console.log(
    `issue ${report.issueRatio.toFixed(1)}×, verify ${report.verifyRatio.toFixed(1)}× the Digital Bazaar stack`,
  );
}
