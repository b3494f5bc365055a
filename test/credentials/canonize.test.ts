/**
 * The fast RDFC-1.0 path (src/credentials/canonize/) against jsonld and the Digital Bazaar stack: the 1EdTech
 * eddsa-rdfc-2022 test vector byte for byte, a differential property test over generated Open Badges
 * credentials (same-shape documents, the case the shape templates serve, and shapes varied by fast-check),
 * the inputs that must fall back or throw as jsonld does, and proofs interchangeable both ways.
 */
import { createHash } from "node:crypto";
import { DataIntegrityProof } from "@digitalbazaar/data-integrity";
import * as Ed25519Multikey from "@digitalbazaar/ed25519-multikey";
import { cryptosuite as stockCryptosuite } from "@digitalbazaar/eddsa-rdfc-2022-cryptosuite";
import * as vc from "@digitalbazaar/vc";
import * as base58btc from "base58-universal";
import fc from "fast-check";
import jsonld from "jsonld";
import { NQuads } from "rdf-canonize";
import { beforeAll, describe, expect, it } from "vitest";
import {
  type CanonizeOptions,
  type Canonizer,
  createCanonizer,
  escapeIri,
  escapeLiteral,
} from "../../src/credentials/canonize/canonizer.ts";
import {
  createKeyObjectSigner,
  ed25519KeyObjects,
  signEddsaRdfc2022,
  verifyEddsaRdfc2022Proof,
} from "../../src/credentials/canonize/data-integrity-fast.ts";
import { createFastEddsaRdfc2022Cryptosuite } from "../../src/credentials/canonize/fast-cryptosuite.ts";
import { createDocumentLoader, type DocumentLoader } from "../../src/credentials/document-loader.ts";
import { readStandardsJson } from "../support/standards.ts";

type Json = Record<string, unknown>;

const contexts = createDocumentLoader();
const OB_CONTEXTS = [
  "https://www.w3.org/ns/credentials/v2",
  "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
];
/** The eddsa-rdfc-2022 cryptosuite's jsonld options. */
const SUITE: CanonizeOptions = { rdfDirection: "i18n-datatype", base: null };

const jsonldCanonize = jsonld.canonize as unknown as (input: unknown, options: Json) => Promise<string>;

/** The reference: jsonld.canonize with the options the fast path promises to match. */
function reference(document: unknown, options: CanonizeOptions = {}): Promise<string> {
  return jsonldCanonize(document, {
    algorithm: "RDFC-1.0",
    format: "application/n-quads",
    safe: true,
    documentLoader: contexts,
    ...options,
  });
}

type Outcome = { nquads: string } | { error: true };
const outcome = (promise: Promise<string>): Promise<Outcome> =>
  promise.then(
    (nquads) => ({ nquads }),
    () => ({ error: true as const }),
  );

/** Both paths' answers for a document: the same N-Quads, or both throwing. */
async function expectSame(canonizer: Canonizer, document: object, options: CanonizeOptions = {}): Promise<Outcome> {
  const expected = await outcome(reference(document, options));
  const actual = await outcome(canonizer.canonize(document, options));
  expect(actual).toEqual(expected);
  return expected;
}

// ---------------------------------------------------------------------------------------------
// The 1EdTech vector

interface Vector {
  keyPair: { publicKeyMultibase: string; secretKeyMultibase: string; verificationMethodId: string; controller: string };
  unsignedCredential: Json;
  proofOptions: Json & { created: string };
  canonicalDocumentNQuads: string;
  canonicalProofNQuads: string;
  proofHashHex: string;
  documentHashHex: string;
  proofValue: string;
  signedCredential: Json & { proof: Json };
}

function readVector(): Vector {
  const data = readStandardsJson("openbadges-3.0/test-vectors/eddsa-rdfc-2022-openbadgecredential.json") as Vector;
  expect(typeof data.canonicalDocumentNQuads).toBe("string");
  expect(typeof data.proofValue).toBe("string");
  return data;
}

const sha256Hex = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

describe("the 1EdTech eddsa-rdfc-2022 test vector", () => {
  const vector = readVector();

  it("canonicalizes the document and the proof configuration byte for byte, on a miss and on a hit", async () => {
    const canonizer = createCanonizer(contexts);
    const proofConfig = { "@context": vector.unsignedCredential["@context"], ...vector.proofOptions };
    for (let round = 0; round < 4; round++) {
      expect(await canonizer.canonize(vector.unsignedCredential, SUITE)).toBe(vector.canonicalDocumentNQuads);
      expect(await canonizer.canonize(proofConfig, SUITE)).toBe(vector.canonicalProofNQuads);
      expect(await canonizer.canonize(vector.unsignedCredential)).toBe(vector.canonicalDocumentNQuads);
    }
    expect(sha256Hex(vector.canonicalProofNQuads)).toBe(vector.proofHashHex);
    expect(sha256Hex(vector.canonicalDocumentNQuads)).toBe(vector.documentHashHex);
    // A shape's first sighting goes to jsonld, its second too while its template is built and checked:
    // misses for the document under both option sets (2 + 2), the proof configuration's shape (2) and its
    // variant for proofPurpose "assertionMethod", an @vocab term held at its value (first sighted with the
    // shape, then built); everything after from templates.
    expect(canonizer.stats()).toMatchObject({ misses: 7, hits: 5, fallbacks: 0, nDegree: 0, selfCheckFailures: 0 });
  });

  it("signs to the vector's proofValue and signed credential, and verifies it", async () => {
    const canonizer = createCanonizer(contexts);
    const pair = await Ed25519Multikey.from({
      id: vector.keyPair.verificationMethodId,
      controller: vector.keyPair.controller,
      publicKeyMultibase: vector.keyPair.publicKeyMultibase,
      secretKeyMultibase: vector.keyPair.secretKeyMultibase,
    });
    const raw = await pair.export({ publicKey: true, secretKey: true, raw: true, canonicalize: true });
    const keys = ed25519KeyObjects(raw);
    const created = vector.proofOptions.created;
    for (const signer of [
      pair.signer(),
      createKeyObjectSigner(pair.id, keys.privateKey as NonNullable<typeof keys.privateKey>),
    ]) {
      const signed = await signEddsaRdfc2022(
        vector.unsignedCredential,
        { signer, verificationMethod: vector.keyPair.verificationMethodId, created },
        canonizer,
      );
      expect(signed).toEqual(vector.signedCredential);
      expect(JSON.stringify(signed)).toBe(JSON.stringify(vector.signedCredential));
    }
    const { proof } = vector.signedCredential;
    expect(await verifyEddsaRdfc2022Proof(vector.signedCredential, proof, keys.publicKey, canonizer)).toBe(true);
    expect(await verifyEddsaRdfc2022Proof(vector.signedCredential, proof, raw.publicKey, canonizer)).toBe(true);
    expect(vector.unsignedCredential).not.toHaveProperty("proof");
  });
});

// ---------------------------------------------------------------------------------------------
// N-Quads escaping

describe("N-Quads escaping", () => {
  const anyString = fc.oneof(
    fc.string({ unit: "binary" }),
    fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) }),
    fc.string({
      unit: fc.constantFrom(
        '"',
        "\\",
        "\n",
        "\r",
        "\t",
        "\b",
        "\f",
        "\u0000",
        "\u001f",
        "\u007f",
        "<",
        ">",
        " ",
        "{",
        "}",
        "|",
        "^",
        "`",
        "é",
        "😀",
        "\u2028",
      ),
    }),
  );

  it("escapes literals and IRIs exactly as rdf-canonize serializes them", () => {
    fc.assert(
      fc.property(anyString, anyString, (value, iri) => {
        const line = NQuads.serialize([
          {
            subject: { termType: "NamedNode", value: `https://example.org/${iri}` },
            predicate: { termType: "NamedNode", value: "https://schema.org/name" },
            object: {
              termType: "Literal",
              value,
              datatype: { termType: "NamedNode", value: "http://www.w3.org/2001/XMLSchema#string" },
            },
            graph: { termType: "DefaultGraph", value: "" },
          },
        ]);
        expect(line).toBe(
          `<${escapeIri(`https://example.org/${iri}`)}> <https://schema.org/name> "${escapeLiteral(value)}" .\n`,
        );
      }),
      { numRuns: 2000 },
    );
    expect(escapeLiteral('a"b\\c\nd\re\tf\bg\fh\u0001i\u007fj')).toBe('a\\"b\\\\c\\nd\\re\\tf\\bg\\fh\\u0001i\\u007Fj');
    expect(escapeIri('https://x/{a}|^`<>"\\ \u0001')).toBe(
      "https://x/\\u007Ba\\u007D\\u007C\\u005E\\u0060\\u003C\\u003E\\u0022\\u005C\\u0020\\u0001",
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Generated Open Badges credentials

/** Strings as credentials carry them, and the awkward ones: quotes, backslashes, controls, astral, lone surrogates. */
const text = fc.oneof(
  { weight: 3, arbitrary: fc.string({ minLength: 1, maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 30 }) },
  {
    weight: 2,
    arbitrary: fc.string({
      unit: fc.constantFrom(
        '"',
        "\\",
        "\n",
        "\r",
        "\t",
        "\b",
        "\f",
        "\u0000",
        "\u0001",
        "\u001f",
        "\u007f",
        "é",
        "😀",
        "\u2028",
        "\ud800",
        "a",
        " ",
      ),
      maxLength: 12,
    }),
  },
  { weight: 1, arbitrary: fc.constantFrom("", "@id", "name", "https://example.org/not-an-iri-here", "_:b0") },
);

const dateTime = fc.oneof(
  fc
    .date({ min: new Date("1900-01-01T00:00:00Z"), max: new Date("2100-01-01T00:00:00Z"), noInvalidDate: true })
    .map((d) => d.toISOString().replace(/\.\d{3}Z$/, "Z")),
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  text, // jsonld does not check lexical forms: a malformed date is still a typed literal
);

/** jsonld writes a number as a double when its string has a '.' or it is at least 1e21, else as an integer. */
const isDouble = (n: number) => String(n).includes(".") || Math.abs(n) >= 1e21;
/** Numbers of one jsonld class (the class, not the value, is part of a shape). */
const numberOf = (double: boolean): fc.Arbitrary<number> =>
  double
    ? fc.oneof(
        fc.constantFrom(0.5, 2.5, 1e21, 1e300, 0.1 + 0.2, -1.5, 1.7976931348623157e308, 5e-7 + 1),
        fc.double({ noNaN: true, noDefaultInfinity: true }).filter(isDouble),
      )
    : fc.oneof(
        fc.constantFrom(0, -0, 1, 5, 42.0, -3, 1e-7, 5e-324, 1e20, 123456789012, Number.MAX_SAFE_INTEGER),
        fc.integer(),
        fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !isDouble(n)),
      );

const absoluteIri = fc.oneof(
  { weight: 4, arbitrary: fc.uuid().map((u) => `urn:uuid:${u}`) },
  { weight: 4, arbitrary: fc.webUrl({ withQueryParameters: true, withFragments: true }) },
  { weight: 4, arbitrary: fc.stringMatching(/^[a-z0-9]{1,24}$/).map((s) => `did:example:${s}`) },
  { weight: 4, arbitrary: fc.stringMatching(/^[1-9A-HJ-NP-Za-km-z]{44}$/).map((s) => `did:key:z6Mk${s}`) },
  { weight: 4, arbitrary: fc.stringMatching(/^[a-z0-9.-]{1,20}$/).map((s) => `did:web:${s}`) },
  // Escaped IRI characters; a scheme that is also an OB term ("tag": left to jsonld); a URN.
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'https://example.org/{a}|^`<>"\\\u0001',
      "tag:example.org,2025:x",
      "urn:isbn:0451450523",
    ),
  },
);
/** Ids: mostly absolute IRIs; sometimes what jsonld resolves, drops or rejects. */
const anyId = fc.oneof(
  { weight: 60, arbitrary: absoluteIri },
  {
    weight: 1,
    arbitrary: fc.constantFrom("credentials/3527", "VerifiableCredential", "_:b7", "@foo", "https://a b", ""),
  },
);

interface Layout {
  alignments: number;
  evidence: number;
  results: number;
  tags: number;
  subjectId: boolean;
  identifier: boolean;
  creditsAvailable: boolean;
  validUntil: boolean;
  image: boolean;
  valueObjectName: boolean;
  creditsDouble: boolean;
  earnedDouble: boolean;
  /** Booleans, like number classes and @language values, are part of a shape. */
  hashed: boolean;
  language: string;
}

const layout: fc.Arbitrary<Layout> = fc.record({
  alignments: fc.integer({ min: 0, max: 4 }),
  evidence: fc.integer({ min: 0, max: 2 }),
  results: fc.integer({ min: 0, max: 2 }),
  tags: fc.integer({ min: 0, max: 3 }),
  subjectId: fc.boolean(),
  identifier: fc.boolean(),
  creditsAvailable: fc.boolean(),
  validUntil: fc.boolean(),
  image: fc.boolean(),
  valueObjectName: fc.boolean(),
  creditsDouble: fc.boolean(),
  earnedDouble: fc.boolean(),
  hashed: fc.boolean(),
  language: fc.constantFrom("en", "fr-CA", "de"),
});

/** An OpenBadgeCredential of the given layout (OB 3.0 complete example, trimmed to what the bank issues). */
function credential(shape: Layout, ids: fc.Arbitrary<string> = anyId): fc.Arbitrary<Json> {
  const alignment = fc.record({
    type: fc.constant(["Alignment"]),
    targetName: text,
    targetUrl: absoluteIri,
    targetDescription: text,
    targetFramework: text,
    targetType: fc.constantFrom("ceasn:Competency", "CFItem", "ext:EQFLevel"),
  });
  return fc
    .record({
      id: ids,
      name: text,
      description: text,
      issuerId: ids,
      issuerName: text,
      issuerUrl: text,
      validFrom: dateTime,
      validUntil: dateTime,
      subjectId: ids,
      identityHash: text,
      salt: text,
      achievementId: ids,
      achievementName: text,
      achievementDescription: text,
      narrative: text,
      credits: numberOf(shape.creditsDouble),
      creditsEarned: numberOf(shape.earnedDouble),
      imageId: ids,
      tags: fc.array(text, { minLength: shape.tags, maxLength: shape.tags }),
      alignment: fc.array(alignment, { minLength: shape.alignments, maxLength: shape.alignments }),
      evidence: fc.array(fc.record({ id: ids, name: text, narrative: text }), {
        minLength: shape.evidence,
        maxLength: shape.evidence,
      }),
      results: fc.array(fc.record({ value: text, status: fc.constantFrom("Completed", "Enrolled", "Failed") }), {
        minLength: shape.results,
        maxLength: shape.results,
      }),
    })
    .map((v) => {
      const achievement: Json = {
        id: v.achievementId,
        type: ["Achievement"],
        achievementType: "MicroCredential",
        name: v.achievementName,
        description: v.achievementDescription,
        criteria: { narrative: v.narrative },
        ...(shape.creditsAvailable ? { creditsAvailable: v.credits } : {}),
        ...(shape.image ? { image: { id: v.imageId, type: "Image", caption: v.achievementName } } : {}),
        ...(shape.tags > 0 ? { tag: v.tags } : {}),
        ...(shape.alignments > 0 ? { alignment: v.alignment } : {}),
      };
      const subject: Json = {
        ...(shape.subjectId ? { id: v.subjectId } : {}),
        type: ["AchievementSubject"],
        ...(shape.identifier
          ? {
              identifier: [
                {
                  type: "IdentityObject",
                  identityHash: v.identityHash,
                  identityType: "emailAddress",
                  hashed: shape.hashed,
                  salt: v.salt,
                },
              ],
            }
          : {}),
        achievement,
        creditsEarned: v.creditsEarned,
        activityEndDate: v.validFrom,
        ...(shape.results > 0 ? { result: v.results.map((r) => ({ type: ["Result"], ...r })) } : {}),
      };
      return {
        "@context": [...OB_CONTEXTS],
        id: v.id,
        type: ["VerifiableCredential", "OpenBadgeCredential"],
        name: shape.valueObjectName ? { "@value": v.name, "@language": shape.language } : v.name,
        description: v.description,
        issuer: { id: v.issuerId, type: ["Profile"], name: v.issuerName, url: v.issuerUrl },
        validFrom: v.validFrom,
        ...(shape.validUntil ? { validUntil: v.validUntil } : {}),
        credentialSubject: subject,
        ...(shape.evidence > 0 ? { evidence: v.evidence.map((e) => ({ ...e, type: ["Evidence"] })) } : {}),
      };
    });
}

const BANK_LAYOUT: Layout = {
  alignments: 3,
  evidence: 1,
  results: 2,
  tags: 2,
  subjectId: false,
  identifier: true,
  creditsAvailable: true,
  validUntil: false,
  image: false,
  valueObjectName: false,
  creditsDouble: false,
  earnedDouble: true,
  hashed: true,
  language: "en",
};

describe("differential: the fast canonizer against jsonld.canonize", () => {
  it("same-shape credentials (one unit, many learners) come from the template, byte-identical", async () => {
    const canonizer = createCanonizer(contexts);
    let answered = 0;
    await fc.assert(
      fc.asyncProperty(credential(BANK_LAYOUT, absoluteIri), async (document) => {
        const expected = await expectSame(canonizer, document);
        if ("nquads" in expected) answered++;
      }),
      { numRuns: 200 },
    );
    const stats = canonizer.stats();
    expect(answered).toBe(200);
    // One shape: everything after the first two documents from its template, but for ids with a "tag:"
    // scheme ("tag" is an OB term, so jsonld decides whether it is a prefix).
    expect(stats, JSON.stringify(stats)).toMatchObject({ misses: 2, selfCheckFailures: 0 });
    expect(stats.hits + stats.fallbacks).toBe(198);
    expect(stats.hits).toBeGreaterThan(150);
  });

  it("varied shapes and values: the third and fourth documents of each shape come from its template", async () => {
    const canonizer = createCanonizer(contexts);
    const four = layout.chain((shape) => fc.array(credential(shape), { minLength: 4, maxLength: 4 }));
    await fc.assert(
      fc.asyncProperty(four, async (documents) => {
        for (const document of documents) await expectSame(canonizer, document);
      }),
      { numRuns: 60 },
    );
    const stats = canonizer.stats();
    expect(stats.selfCheckFailures).toBe(0);
    // Most third and fourth documents come from a template (the rest: ids jsonld must see).
    expect(stats.hits, JSON.stringify(stats)).toBeGreaterThan(80);
  });

  it("the cryptosuite's options (rdfDirection, base null) and @direction", async () => {
    const canonizer = createCanonizer(contexts);
    await fc.assert(
      fc.asyncProperty(
        credential({ ...BANK_LAYOUT, valueObjectName: true }, absoluteIri),
        text,
        async (document, name) => {
          await expectSame(canonizer, document, SUITE);
          const directed = { ...document, name: { "@value": name, "@language": "ar", "@direction": "rtl" } };
          const withI18n = await expectSame(canonizer, directed, SUITE);
          expect("nquads" in withI18n).toBe(true);
          // Without rdfDirection jsonld rejects @direction in safe mode; so must the fast path.
          expect(await expectSame(canonizer, directed)).toEqual({ error: true });
        },
      ),
      { numRuns: 25 },
    );
    // Shapes (two misses each): the credential and the @direction one with the suite's options, and the
    // latter without (jsonld rejects it: jsonld-only). The rest are hits, but for the rejected ones and "tag:".
    const stats = canonizer.stats();
    expect(stats, JSON.stringify(stats)).toMatchObject({ misses: 6, selfCheckFailures: 0, jsonldOnlyShapes: 1 });
    expect(stats.hits).toBeGreaterThan(35);
  });
});

// ---------------------------------------------------------------------------------------------
// What must fall back or throw as jsonld does

describe("fallbacks and errors, as jsonld", () => {
  const simple = (id: string, extra: Json = {}): Json => ({
    "@context": [...OB_CONTEXTS],
    id,
    type: ["VerifiableCredential", "OpenBadgeCredential"],
    name: "Teamwork",
    issuer: { id: "https://example.edu/issuers/1", type: ["Profile"], name: "Example" },
    validFrom: "2025-01-01T00:00:00Z",
    credentialSubject: {
      type: ["AchievementSubject"],
      achievement: {
        id: "https://example.edu/achievements/1",
        type: ["Achievement"],
        name: "Teamwork",
        description: "Works in teams.",
        criteria: { narrative: "Peers nominate." },
      },
    },
    ...extra,
  });

  it("throws for an undefined term (safe mode), on the first document of a shape and after", async () => {
    const canonizer = createCanonizer(contexts);
    for (let i = 0; i < 3; i++) {
      const document = simple(`https://example.edu/credentials/${i}`, { notAnObTerm: "x" });
      await expect(reference(document)).rejects.toThrow();
      await expect(canonizer.canonize(document)).rejects.toThrow();
    }
    expect(canonizer.stats().hits).toBe(0);
  });

  it("throws for relative, term-like and keyword-like ids once the shape has a template", async () => {
    const canonizer = createCanonizer(contexts);
    await expectSame(canonizer, simple("https://example.edu/credentials/1"));
    await expectSame(canonizer, simple("https://example.edu/credentials/2"));
    await expectSame(canonizer, simple("urn:uuid:2f0a2a5e-8a43-4c35-9d1b-4a0d6d7b8e11"));
    expect(canonizer.stats().hits).toBe(1);
    for (const id of ["credentials/3527", "VerifiableCredential", "https://a b", "@foo", ""]) {
      expect(await expectSame(canonizer, simple(id))).toEqual({ error: true });
    }
    // A blank node id is accepted by jsonld: the fast path hands it over rather than treat it as an IRI.
    const blank = await expectSame(canonizer, simple("_:b1"));
    expect("nquads" in blank).toBe(true);
    // None of these came from the template ("VerifiableCredential", a term, went to a variant jsonld rejected).
    expect(canonizer.stats()).toMatchObject({ hits: 1, fallbacks: 5, selfCheckFailures: 0 });
  });

  it("expands a compact IRI whose prefix a context defines, as jsonld does", async () => {
    const canonizer = createCanonizer(contexts);
    const withPrefix = (id: string) => ({
      ...simple(id),
      "@context": [...OB_CONTEXTS, { ex: "https://example.org/ns#" }],
    });
    for (const n of [1, 2, 3]) await expectSame(canonizer, withPrefix(`https://example.edu/credentials/${n}`));
    expect(canonizer.stats().hits).toBe(1);
    const compact = await expectSame(canonizer, withPrefix("ex:credential-3"));
    expect(compact).toMatchObject({ nquads: expect.stringContaining("<https://example.org/ns#credential-3>") });
    await expectSame(canonizer, withPrefix("ex://not-a-compact-iri"));
  });

  it("proof configurations: @vocab terms (proofPurpose) get a template per term", async () => {
    const canonizer = createCanonizer(contexts);
    const config = (proofPurpose: string, created: string, verificationMethod: string) => ({
      "@context": [...OB_CONTEXTS],
      type: "DataIntegrityProof",
      created,
      verificationMethod,
      cryptosuite: "eddsa-rdfc-2022",
      proofPurpose,
    });
    const purposes = ["assertionMethod", "authentication", "capabilityInvocation", "notAPurpose"];
    const methods = [
      "did:web:bank.example.eu#key-1",
      "https://example.edu/issuers/1#key",
      "did:key:z6Mk#z6Mk",
      "relative#key",
    ];
    for (const [i, purpose] of purposes.entries()) {
      for (const method of [...methods, ...methods]) {
        await expectSame(canonizer, config(purpose, `2025-01-0${i + 1}T00:00:00Z`, method), SUITE);
      }
    }
    // Per term, after its first two sightings: the absolute verification methods from its variant.
    const stats = canonizer.stats();
    expect(stats, JSON.stringify(stats)).toMatchObject({ selfCheckFailures: 0, templates: 4 });
    expect(stats.hits).toBe(11);
  });

  it("hands jsonld the documents whose nodes it would merge (equal ids giving equal quads)", async () => {
    const canonizer = createCanonizer(contexts);
    const evidence = (a: string, b: string) =>
      simple("https://example.edu/credentials/9", {
        evidence: [
          { id: a, type: ["Evidence"], name: "Report" },
          { id: b, type: ["Evidence"], name: "Report" },
        ],
      });
    await expectSame(canonizer, evidence("https://e.example/1", "https://e.example/2"));
    await expectSame(canonizer, evidence("https://e.example/3", "https://e.example/4"));
    const before = canonizer.stats();
    await expectSame(canonizer, evidence("https://e.example/5", "https://e.example/5"));
    expect(canonizer.stats().fallbacks).toBe(before.fallbacks + 1);
  });

  it("leaves index maps to jsonld: merging nodes with different @index throws there", async () => {
    const canonizer = createCanonizer(contexts);
    const indexed = (a: string, b: string) => ({
      "@context": [
        "https://www.w3.org/ns/credentials/v2",
        {
          byIndex: { "@id": "https://example.org/byIndex", "@container": "@index" },
          other: { "@id": "https://example.org/other", "@container": "@index" },
        },
      ],
      id: "https://example.org/c",
      type: "VerifiableCredential",
      byIndex: { one: { id: a, name: "x" } },
      other: { two: { id: b, name: "y" } },
    });
    for (const n of [1, 3, 5])
      await expectSame(canonizer, indexed(`https://e.example/${n}`, `https://e.example/${n + 1}`));
    expect(await expectSame(canonizer, indexed("https://e.example/7", "https://e.example/7"))).toEqual({ error: true });
    expect(canonizer.stats()).toMatchObject({ hits: 0, jsonldOnlyShapes: 1 });
  });

  it("uses rdf-canonize when blank nodes share a first-degree hash", async () => {
    const canonizer = createCanonizer(contexts);
    const twins = (name: string, a: string, b: string) =>
      simple("https://example.edu/credentials/7", {
        credentialSubject: {
          type: ["AchievementSubject"],
          achievement: {
            id: "https://example.edu/achievements/7",
            type: ["Achievement"],
            name,
            description: "d",
            criteria: { narrative: "n" },
            alignment: [
              { type: ["Alignment"], targetName: a, targetUrl: "https://t.example/1" },
              { type: ["Alignment"], targetName: b, targetUrl: "https://t.example/1" },
            ],
          },
        },
      });
    await expectSame(canonizer, twins("x", "one", "two"));
    await expectSame(canonizer, twins("w", "five", "six"));
    await expectSame(canonizer, twins("y", "same", "same"));
    await expectSame(canonizer, twins("z", "three", "four"));
    const stats = canonizer.stats();
    expect(stats.nDegree).toBe(1);
    expect(stats.hits).toBe(2);
  });

  it("leaves @json literals and non-JSON values to jsonld", async () => {
    const canonizer = createCanonizer(contexts);
    const schema = (title: string) => ({
      "@context": ["https://www.w3.org/ns/credentials/v2"],
      id: "https://example.edu/schemas/1",
      type: "JsonSchema",
      jsonSchema: { $id: "https://example.edu/schemas/1", title, type: "object" },
    });
    await expectSame(canonizer, schema("a"));
    await expectSame(canonizer, schema('b "quoted"'));
    expect(canonizer.stats().jsonldOnlyShapes).toBe(1);
    expect(canonizer.stats().hits).toBe(0);
    // A "__proto__" member (JSON.parse makes it an own member) and an inline context defining it.
    for (const n of [1, 2, 3]) {
      const parsed = JSON.parse(
        `{"@context":["https://www.w3.org/ns/credentials/v2",{"__proto__":"https://example.org/proto"}],"id":"https://example.org/c${n}","type":"VerifiableCredential","__proto__":"v${n}"}`,
      );
      await expectSame(canonizer, parsed);
    }
    // Not JSON: undefined members, class instances, non-finite numbers.
    for (const extra of [{ description: undefined }, { description: new Date(0) }, { creditsAvailable: Number.NaN }]) {
      const document = { ...simple("https://example.edu/credentials/5"), ...extra } as object;
      await expectSame(canonizer, document);
    }
  });

  it("answers concurrent documents of a new shape alike", async () => {
    const canonizer = createCanonizer(contexts);
    const documents = Array.from({ length: 6 }, (_, i) => simple(`https://example.edu/credentials/c${i}`));
    const [fast, slow] = await Promise.all([
      Promise.all(documents.map((d) => canonizer.canonize(d))),
      Promise.all(documents.map((d) => reference(d))),
    ]);
    expect(fast).toEqual(slow);
    // The first is a first sighting, the second builds the template the other four wait for.
    expect(canonizer.stats()).toMatchObject({ misses: 2, hits: 4 });
  });
});

// ---------------------------------------------------------------------------------------------
// Proofs, both ways

describe("eddsa-rdfc-2022 proofs: fast and Digital Bazaar interchangeable", () => {
  let canonizer: Canonizer;
  let pair: Awaited<ReturnType<typeof Ed25519Multikey.generate>>;
  let keys: ReturnType<typeof ed25519KeyObjects>;
  let documentLoader: DocumentLoader;
  const checkStatus = async () => ({ verified: true });
  const created = "2025-03-04T05:06:07Z";

  beforeAll(async () => {
    canonizer = createCanonizer(contexts);
    pair = await Ed25519Multikey.generate({ controller: "did:web:bank.example.eu" });
    keys = ed25519KeyObjects(await pair.export({ publicKey: true, secretKey: true, raw: true, canonicalize: true }));
    const method = {
      "@context": "https://w3id.org/security/multikey/v1",
      id: pair.id,
      type: "Multikey",
      controller: pair.controller,
      publicKeyMultibase: pair.publicKeyMultibase,
    };
    const controller = {
      "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
      id: pair.controller,
      assertionMethod: [method],
    };
    documentLoader = async (url) => {
      if (url === method.id) return { contextUrl: null, documentUrl: url, document: method };
      if (url === method.controller) return { contextUrl: null, documentUrl: url, document: controller };
      return contexts(url);
    };
  });

  const bankCredential = (extra: Json = {}) =>
    credential(BANK_LAYOUT, absoluteIri).map((c) => ({
      ...c,
      issuer: { id: "did:web:bank.example.eu", type: ["Profile"], name: "Example Credit Bank" },
      validFrom: "2024-01-01T00:00:00Z",
      ...extra,
    }));

  const dbVerify = async (credential: unknown, cryptosuite: object = stockCryptosuite) =>
    (
      await vc.verifyCredential({
        credential,
        suite: new DataIntegrityProof({ cryptosuite }),
        documentLoader,
        checkStatus,
      })
    ).verified as boolean;

  it("fast sign → Digital Bazaar verify, and the same proof as vc.issue", async () => {
    const signer = createKeyObjectSigner(pair.id, keys.privateKey as NonNullable<typeof keys.privateKey>);
    await fc.assert(
      fc.asyncProperty(bankCredential(), async (unsigned) => {
        const fast = await signEddsaRdfc2022(unsigned, { signer, verificationMethod: pair.id, created }, canonizer);
        expect(unsigned).not.toHaveProperty("proof");
        expect(await dbVerify(fast)).toBe(true);
        const stock = await vc.issue({
          credential: structuredClone(unsigned),
          suite: new DataIntegrityProof({ signer: pair.signer(), cryptosuite: stockCryptosuite, date: created }),
          documentLoader,
        });
        expect(JSON.stringify(fast)).toBe(JSON.stringify(stock));
      }),
      { numRuns: 12 },
    );
  });

  it("Digital Bazaar sign → fast verify; any changed signature byte, document value or proof option → false", async () => {
    await fc.assert(
      fc.asyncProperty(
        bankCredential(),
        fc.integer({ min: 0, max: 63 }),
        fc.integer({ min: 0, max: 7 }),
        async (unsigned, byte, bit) => {
          const signed = await vc.issue({
            credential: structuredClone(unsigned),
            suite: new DataIntegrityProof({ signer: pair.signer(), cryptosuite: stockCryptosuite }),
            documentLoader,
          });
          const proof = signed.proof as Json;
          expect(await verifyEddsaRdfc2022Proof(signed, proof, keys.publicKey, canonizer)).toBe(true);

          const signature = base58btc.decode((proof.proofValue as string).slice(1));
          signature[byte] = (signature[byte] as number) ^ (1 << bit);
          const tampered = { ...proof, proofValue: `z${base58btc.encode(signature)}` };
          expect(
            await verifyEddsaRdfc2022Proof({ ...signed, proof: tampered }, tampered, keys.publicKey, canonizer),
          ).toBe(false);

          const renamed = { ...signed, name: `${signed.name as string}.` };
          expect(await verifyEddsaRdfc2022Proof(renamed, proof, keys.publicKey, canonizer)).toBe(false);
          const later = { ...proof, created: "2099-01-01T00:00:00Z" };
          expect(await verifyEddsaRdfc2022Proof(signed, later, keys.publicKey, canonizer)).toBe(false);
          const purpose = { ...proof, proofPurpose: "authentication" };
          expect(await verifyEddsaRdfc2022Proof(signed, purpose, keys.publicKey, canonizer)).toBe(false);
        },
      ),
      { numRuns: 12 },
    );
  });

  it("every single-byte change of a signature fails, and malformed proofs are false, not errors", async () => {
    const signer = createKeyObjectSigner(pair.id, keys.privateKey as NonNullable<typeof keys.privateKey>);
    const [unsigned] = fc.sample(bankCredential(), { numRuns: 1, seed: 7 });
    const signed = await signEddsaRdfc2022(
      unsigned as Json,
      { signer, verificationMethod: pair.id, created },
      canonizer,
    );
    const proof = signed.proof as Json;
    const signature = base58btc.decode((proof.proofValue as string).slice(1));
    for (let i = 0; i < signature.length; i++) {
      const changed = signature.slice();
      changed[i] = (changed[i] as number) ^ 0xff;
      const p = { ...proof, proofValue: `z${base58btc.encode(changed)}` };
      expect(await verifyEddsaRdfc2022Proof(signed, p, keys.publicKey, canonizer)).toBe(false);
    }
    const other = ed25519KeyObjects(await (await Ed25519Multikey.generate()).export({ publicKey: true, raw: true }));
    for (const [p, key] of [
      [{ ...proof, proofValue: `u${(proof.proofValue as string).slice(1)}` }, keys.publicKey],
      [{ ...proof, proofValue: `${proof.proofValue as string}0` }, keys.publicKey],
      [{ ...proof, proofValue: "z" }, keys.publicKey],
      [{ ...proof, cryptosuite: "ecdsa-rdfc-2019" }, keys.publicKey],
      [{ ...proof, created: "yesterday" }, keys.publicKey],
      [proof, other.publicKey],
      [proof, new Uint8Array(31)],
    ] as const) {
      expect(await verifyEddsaRdfc2022Proof(signed, p, key, canonizer)).toBe(false);
    }
    expect(await verifyEddsaRdfc2022Proof(signed, proof, keys.publicKey, canonizer)).toBe(true);
    const undefinedTerm = { ...signed, notAnObTerm: 1 };
    expect(await verifyEddsaRdfc2022Proof(undefinedTerm, proof, keys.publicKey, canonizer)).toBe(false);
  });

  it("the fast cryptosuite in DataIntegrityProof: same credentials as the stock suite, verified by it", async () => {
    const fastSuite = createFastEddsaRdfc2022Cryptosuite(canonizer);
    expect(fastSuite.name).toBe(stockCryptosuite.name);
    expect(fastSuite.requiredAlgorithm).toBe(stockCryptosuite.requiredAlgorithm);
    const samples = fc.sample(bankCredential(), { numRuns: 6, seed: 11 });
    for (const unsigned of samples) {
      const issue = (cryptosuite: object) =>
        vc.issue({
          credential: structuredClone(unsigned),
          suite: new DataIntegrityProof({ signer: pair.signer(), cryptosuite, date: created }),
          documentLoader,
        });
      const [fast, stock] = [await issue(fastSuite), await issue(stockCryptosuite)];
      expect(JSON.stringify(fast)).toBe(JSON.stringify(stock));
      expect(await dbVerify(fast)).toBe(true);
      expect(await dbVerify(stock, fastSuite)).toBe(true);
      const tampered = { ...stock, name: "Something else" };
      expect(await dbVerify(tampered, fastSuite)).toBe(false);
    }
  });

  it("keeps an existing proof and appends, as vc.issue does", async () => {
    const signer = createKeyObjectSigner(pair.id, keys.privateKey as NonNullable<typeof keys.privateKey>);
    const [unsigned] = fc.sample(bankCredential(), { numRuns: 1, seed: 3 });
    const once = await signEddsaRdfc2022(unsigned as Json, { signer, verificationMethod: pair.id, created }, canonizer);
    const twice = await signEddsaRdfc2022(
      once,
      { signer, verificationMethod: pair.id, created: "2025-03-05T00:00:00Z" },
      canonizer,
    );
    const stockTwice = await vc.issue({
      credential: structuredClone(once),
      suite: new DataIntegrityProof({
        signer: pair.signer(),
        cryptosuite: stockCryptosuite,
        date: "2025-03-05T00:00:00Z",
      }),
      documentLoader,
    });
    expect(JSON.stringify(twice)).toBe(JSON.stringify(stockTwice));
    const proofs = twice.proof as Json[];
    expect(proofs).toHaveLength(2);
    for (const proof of proofs)
      expect(await verifyEddsaRdfc2022Proof(twice, proof, keys.publicKey, canonizer)).toBe(true);
  });
});
