/**
 * A fast path for RDF Dataset Canonicalization (RDFC-1.0) of JSON-LD documents, byte for byte the output of
 *
 *   jsonld.canonize(document, { algorithm: "RDFC-1.0", format: "application/n-quads", safe: true, documentLoader })
 *
 * (jsonld@9 with rdf-canonize@5, the pair the Digital Bazaar eddsa-rdfc-2022 cryptosuite uses), for every
 * input: whatever the fast path cannot answer exactly, jsonld answers, errors included.
 *
 * Where the time goes in jsonld is JSON-LD expansion (context processing, type-scoped contexts, cloning
 * active contexts): about 90% of a Digital Bazaar issue or verify of an Open Badges credential. Credentials of
 * one unit share their shape, so the expansion is done once per shape, on a probe document:
 *
 * 1. Shape. A document's shape is its JSON structure: every key in order, array lengths, the values of
 *    `@context`, `@type`/`type`, `@language`, `@direction` and `@index` verbatim, booleans and nulls
 *    verbatim, and of each number only its jsonld class (integer or double lexical form). Strings outside
 *    those keys and numbers are the leaves.
 * 2. Template. The first document of a shape goes to jsonld; on the second, the leaves are replaced by unique
 *    sentinels (absolute IRIs for strings, numbers of the same class) and the probe is canonized by jsonld.
 *    Each sentinel must come out whole and once in role: as an IRI (an `@id`, `@type: @id` or `@type: @vocab`
 *    value) or as a literal's lexical form (any other string or number: datatype and language come from the
 *    term, never from the value). A sentinel dropped, inside a longer term (`@json`), or in both roles makes
 *    the shape jsonld-only. The probe's quads with leaf slots are the template, kept only if it reproduces
 *    jsonld's output for the second document exactly. (So a one-off shape costs no more than jsonld.)
 * 3. Fill. A document of a known shape fills the slots: strings verbatim as literals (a string's lexical form
 *    never changes how it expands), numbers in jsonld's lexical forms, IRI leaves only when they are
 *    absolute IRIs as jsonld tests them (otherwise jsonld resolves, drops or, in safe mode, rejects them)
 *    and neither a term nor prefixed by a term of any context the shape uses. An IRI leaf whose value is a
 *    term (`proofPurpose: "assertionMethod"`) selects a variant template probed with that value. Anything
 *    else, and any fill that produces two equal quads (equal ids, which jsonld merges), goes to jsonld.
 * 4. Canonicalize. RDFC-1.0 with SHA-256 from node:crypto for the common case where every blank node has
 *    a unique first-degree hash (no N-degree hashing needed); otherwise the filled quads go to
 *    rdf-canonize. N-Quads escaping is rdf-canonize's, character for character.
 *
 * Templates depend on the document loader's contexts: a canonizer serves one loader, whose contexts must not
 * change (the bank's loader serves them from npm packages).
 */
import { createHash, randomBytes } from "node:crypto";
import jsonld from "jsonld";
import * as rdfCanonize from "rdf-canonize";
import type { DocumentLoader } from "../document-loader.ts";

/** Per-call options, passed to jsonld as they are; both change the output, so shapes are cached per value. */
export interface CanonizeOptions {
  /** jsonld's `rdfDirection`: the eddsa-rdfc-2022 cryptosuite uses "i18n-datatype"; unset, `@direction` throws. */
  rdfDirection?: "i18n-datatype";
  /** jsonld's `base`; the cryptosuite passes null. Unset: jsonld's default. */
  base?: string | null;
}

export interface CanonizerStats {
  /** Answered from a cached shape template. */
  hits: number;
  /** Shapes seen for the first time (answered by jsonld, which also built the template). */
  misses: number;
  /** Answered by jsonld for a known shape: the shape is jsonld-only, or a value the template cannot take. */
  fallbacks: number;
  /** Of the hits: blank nodes with equal first-degree hashes, canonicalized by rdf-canonize. */
  nDegree: number;
  /** Shapes cached with a template / as jsonld-only. */
  templates: number;
  jsonldOnlyShapes: number;
  /** Templates whose output differed from jsonld's on their first document (discarded; should stay 0). */
  selfCheckFailures: number;
}

export interface Canonizer {
  canonize(document: object, options?: CanonizeOptions): Promise<string>;
  stats(): CanonizerStats;
}

export interface CanonizerOptions {
  /** Most shapes kept (oldest dropped first); default 512. */
  maxShapes?: number;
}

const jsonldCanonize = jsonld.canonize as unknown as (
  input: unknown,
  options: Record<string, unknown>,
) => Promise<string>;

// ---------------------------------------------------------------------------------------------
// N-Quads escaping, exactly as rdf-canonize@5 (lib/NQuads.js) serializes

// biome-ignore lint/suspicious/noControlCharactersInRegex: N-Quads escapes these control characters
const LITERAL_ESCAPE_TEST = /[\u0000-\u001F\u007F"\\]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: N-Quads escapes these control characters
const LITERAL_ESCAPE = /[\u0000-\u001F\u007F"\\]/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: N-Quads escapes these control characters
const IRI_ESCAPE_TEST = /[\u0000-\u0020<>"{}|^`\\]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: N-Quads escapes these control characters
const IRI_ESCAPE = /[\u0000-\u0020<>"{}|^`\\]/g;
const uchar = (code: number): string => `\\u${code.toString(16).toUpperCase().padStart(4, "0")}`;
const LITERAL_ESCAPES: string[] = [];
const IRI_ESCAPES: string[] = [];
for (let code = 0; code <= 0x7f; code++) {
  const char = String.fromCharCode(code);
  if (LITERAL_ESCAPE_TEST.test(char)) LITERAL_ESCAPES[code] = uchar(code);
  if (IRI_ESCAPE_TEST.test(char)) IRI_ESCAPES[code] = uchar(code);
}
for (const [char, escaped] of [
  ["\b", "\\b"],
  ["\t", "\\t"],
  ["\n", "\\n"],
  ["\f", "\\f"],
  ["\r", "\\r"],
  ['"', '\\"'],
  ["\\", "\\\\"],
] as const) {
  LITERAL_ESCAPES[char.charCodeAt(0)] = escaped;
}

/** A string literal's lexical form as it appears between the quotes of an N-Quad. */
export function escapeLiteral(value: string): string {
  return LITERAL_ESCAPE_TEST.test(value)
    ? value.replace(LITERAL_ESCAPE, (c) => LITERAL_ESCAPES[c.charCodeAt(0)] as string)
    : value;
}

/** An IRI as it appears between the angle brackets of an N-Quad. */
export function escapeIri(value: string): string {
  return IRI_ESCAPE_TEST.test(value) ? value.replace(IRI_ESCAPE, (c) => IRI_ESCAPES[c.charCodeAt(0)] as string) : value;
}

const XSD_STRING = "http://www.w3.org/2001/XMLSchema#string";
const RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString";

/** What follows a literal's closing quote: `@lang`, `^^<datatype>` or nothing. */
function literalSuffix(literal: rdfCanonize.LiteralTerm): string {
  if (literal.datatype.value === RDF_LANGSTRING) return literal.language ? `@${literal.language}` : "";
  return literal.datatype.value === XSD_STRING ? "" : `^^<${escapeIri(literal.datatype.value)}>`;
}

// ---------------------------------------------------------------------------------------------
// Shapes

/** Keys whose values are part of the shape: they select contexts or change how sibling values expand. */
const VERBATIM_KEYS: ReadonlySet<string> = new Set(["@context", "@type", "type", "@language", "@direction", "@index"]);
/** Keywords that must never be aliased by a term outside VERBATIM_KEYS (else the shape is jsonld-only). */
const VERBATIM_KEYWORDS: ReadonlySet<string> = new Set(["@type", "@language", "@direction", "@index"]);
const MAX_DEPTH = 100;

function isPlainObject(value: object): value is Record<string, unknown> {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** True for JSON values only (no undefined, functions, class instances, non-finite numbers, holes). */
function isPlainJson(value: unknown, depth: number): boolean {
  switch (typeof value) {
    case "string":
    case "boolean":
      return true;
    case "number":
      return Number.isFinite(value);
    case "object": {
      if (value === null) return true;
      if (depth > MAX_DEPTH) return false;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) if (!(i in value) || !isPlainJson(value[i], depth + 1)) return false;
        return true;
      }
      if (!isPlainObject(value)) return false;
      for (const key of Object.keys(value)) if (!isPlainJson(value[key], depth + 1)) return false;
      return true;
    }
    default:
      return false;
  }
}

/** A leaf: a string, or a number (only its integer/double class is part of the shape). */
type Leaf = string | number;

interface Shape {
  key: string;
  leaves: Leaf[];
}

/** jsonld's number classes (lib/types.js isDouble): a double is written in E notation, the rest as integers. */
const isDouble = (value: number): boolean => String(value).includes(".") || Math.abs(value) >= 1e21;
/** jsonld's lexical forms of numbers (lib/toRdf.js). */
const integerForm = (value: number): string => value.toFixed(0);
const doubleForm = (value: number): string => value.toExponential(15).replace(/(\d)0*e\+?/, "$1E");

/** The document's shape key and its leaves in traversal order; null for anything but plain JSON. */
function shapeOf(document: unknown, prefix: string): Shape | null {
  const leaves: Leaf[] = [];
  const parts: string[] = [prefix];
  const visit = (value: unknown, depth: number): boolean => {
    switch (typeof value) {
      case "string":
        leaves.push(value);
        parts.push("s");
        return true;
      case "number":
        if (!Number.isFinite(value)) return false;
        leaves.push(value);
        parts.push(isDouble(value) ? "d" : "i");
        return true;
      case "boolean":
        parts.push(value ? "T" : "F");
        return true;
      case "object": {
        if (value === null) {
          parts.push("N");
          return true;
        }
        if (depth > MAX_DEPTH) return false;
        if (Array.isArray(value)) {
          parts.push("[");
          for (let i = 0; i < value.length; i++) if (!(i in value) || !visit(value[i], depth + 1)) return false;
          parts.push("]");
          return true;
        }
        if (!isPlainObject(value)) return false;
        parts.push("{");
        for (const name of Object.keys(value)) {
          const item = value[name];
          // Length-prefixed names and self-delimiting values keep the encoding unambiguous (JSON.stringify
          // never writes a raw U+0001).
          parts.push(`${name.length}:`, name);
          if (VERBATIM_KEYS.has(name)) {
            if (!isPlainJson(item, depth + 1)) return false;
            parts.push("=", JSON.stringify(item), "\u0001");
          } else if (!visit(item, depth + 1)) {
            return false;
          }
        }
        parts.push("}");
        return true;
      }
      default:
        return false;
    }
  };
  return visit(document, 0) ? { key: parts.join(""), leaves } : null;
}

/** A copy of a plain-JSON document with its leaves (in shapeOf's order) replaced by `leaf(i, value)`. */
function substituteLeaves(document: unknown, leaf: (index: number, value: Leaf) => Leaf): unknown {
  let next = 0;
  const visit = (value: unknown): unknown => {
    if (typeof value === "string" || typeof value === "number") return leaf(next++, value);
    if (value === null || typeof value !== "object") return value;
    if (Array.isArray(value)) return value.map(visit);
    const copy: Record<string, unknown> = {};
    for (const [name, item] of Object.entries(value)) {
      // defineProperty: a "__proto__" member stays a member.
      Object.defineProperty(copy, name, {
        value: VERBATIM_KEYS.has(name) ? structuredClone(item) : visit(item),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return copy;
  };
  return visit(document);
}

// ---------------------------------------------------------------------------------------------
// Contexts: every term a shape's contexts define (conservatively: every non-keyword key at any depth)

interface ContextFacts {
  terms: Set<string>;
  /** A term aliases @type, @language, @direction or @index but is not a VERBATIM_KEYS key. */
  unsafeAlias: boolean;
  /**
   * Some context mentions @index (index maps): jsonld throws when nodes it merges carry different indexes,
   * which depends on the ids' values, so such shapes are left to jsonld.
   */
  indexed: boolean;
}

async function contextFacts(document: unknown, loader: DocumentLoader): Promise<ContextFacts> {
  const facts: ContextFacts = { terms: new Set(), unsafeAlias: false, indexed: false };
  const loaded = new Set<string>();
  const pending: Promise<void>[] = [];

  const loadUrl = async (url: string): Promise<void> => {
    if (loaded.has(url)) return;
    loaded.add(url);
    const remote = await loader(url);
    const body = typeof remote.document === "string" ? JSON.parse(remote.document) : remote.document;
    if (JSON.stringify(body).includes('"@index"')) facts.indexed = true;
    if (body && typeof body === "object" && "@context" in body)
      await context((body as Record<string, unknown>)["@context"]);
  };
  const noteAlias = (term: string, target: unknown) => {
    if (typeof target === "string" && VERBATIM_KEYWORDS.has(target) && !VERBATIM_KEYS.has(term)) {
      facts.unsafeAlias = true;
    }
  };
  // A context value: a URL, an array of contexts, or a context definition.
  const context = async (value: unknown): Promise<void> => {
    if (typeof value === "string") return loadUrl(value);
    if (Array.isArray(value)) {
      for (const item of value) await context(item);
      return;
    }
    if (value === null || typeof value !== "object") return;
    for (const [name, definition] of Object.entries(value as Record<string, unknown>)) {
      if (name === "@import" && typeof definition === "string") {
        await loadUrl(definition);
        continue;
      }
      if (name.startsWith("@")) continue;
      facts.terms.add(name);
      noteAlias(name, definition);
      if (definition && typeof definition === "object" && !Array.isArray(definition)) {
        const entry = definition as Record<string, unknown>;
        noteAlias(name, entry["@id"]);
        if ("@context" in entry) await context(entry["@context"]);
        // Any other nested keys are counted as terms too (over-collecting only costs fallbacks).
        for (const inner of Object.keys(entry)) if (!inner.startsWith("@")) facts.terms.add(inner);
      }
    }
  };
  // Every @context anywhere in the document (embedded credentials carry their own).
  const find = (value: unknown): void => {
    if (value === null || typeof value !== "object") return;
    if (Array.isArray(value)) {
      for (const item of value) find(item);
      return;
    }
    for (const [name, item] of Object.entries(value as Record<string, unknown>)) {
      if (name === "@context") pending.push(context(item));
      else find(item);
    }
  };
  find(document);
  await Promise.all(pending);
  return facts;
}

/** jsonld's absolute-IRI test (lib/url.js isAbsolute), without blank node identifiers. */
const ABSOLUTE_IRI = /^[A-Za-z][A-Za-z0-9+-.]*:[^\s]*$/;

/** An IRI leaf jsonld keeps exactly as written: absolute, and neither a term nor prefixed by one. */
function isVerbatimIri(value: string, terms: ReadonlySet<string>): boolean {
  if (!ABSOLUTE_IRI.test(value) || terms.has(value)) return false;
  return !terms.has(value.slice(0, value.indexOf(":")));
}

// ---------------------------------------------------------------------------------------------
// Templates

const CONST = 0;
const BLANK = 1;
const IRI_SLOT = 2;
const LITERAL_SLOT = 3;

interface TemplateTerm {
  kind: typeof CONST | typeof BLANK | typeof IRI_SLOT | typeof LITERAL_SLOT;
  /** CONST: the serialized term; LITERAL_SLOT: the suffix after the closing quote. */
  text: string;
  /** BLANK: blank node number; slots: leaf index. */
  index: number;
  /** The term as rdf-canonize takes it (CONST), or the literal's datatype and language (LITERAL_SLOT). */
  raw: rdfCanonize.Term | null;
}

interface TemplateQuad {
  s: TemplateTerm;
  p: string;
  pRaw: rdfCanonize.NamedNodeTerm;
  o: TemplateTerm;
  /** null: the default graph. */
  g: TemplateTerm | null;
}

interface Template {
  quads: TemplateQuad[];
  blankCount: number;
  /** For each blank node, the quads that mention it (each once). */
  quadsOfBlank: number[][];
  /** String leaves written as IRIs / as literals' lexical forms. */
  iriLeaves: number[];
  literalLeaves: number[];
  /** Number leaves, written in jsonld's integer / double lexical form. */
  integerLeaves: number[];
  doubleLeaves: number[];
  leafCount: number;
  terms: ReadonlySet<string>;
}

const RDF_JSON = "http://www.w3.org/1999/02/22-rdf-syntax-ns#JSON";

/** The probe's stand-in for number leaf i: unique, of the leaf's class, recognizable in either lexical form. */
const numberSentinel = (i: number, value: number): number =>
  isDouble(value) ? 1_000_000.5 + i : 700_000_000_000_000 + i;

/**
 * Compiles the probe's canonical N-Quads into a template, or null when a sentinel is not used whole.
 * `probeLeaves` are the probe's leaf values (sentinels, or held values).
 */
function compileTemplate(
  probeNQuads: string,
  marker: string,
  probeLeaves: readonly Leaf[],
  terms: ReadonlySet<string>,
  held: ReadonlyMap<number, string>,
): Template | null {
  const leafCount = probeLeaves.length;
  const parsed = rdfCanonize.NQuads.parse(probeNQuads);
  const blanks = new Map<string, number>();
  type Kind = "iri" | "literal" | "integer" | "double";
  const leafKind: Array<Kind | undefined> = new Array(leafCount);
  let broken = false;

  // Number sentinels by the lexical forms jsonld may give them (double form also for xsd:double terms).
  const numberSlots = new Map<string, { index: number; kind: Kind }>();
  probeLeaves.forEach((value, index) => {
    if (typeof value !== "number" || held.has(index)) return;
    if (!isDouble(value)) numberSlots.set(integerForm(value), { index, kind: "integer" });
    numberSlots.set(doubleForm(value), { index, kind: "double" });
  });

  const slotOf = (value: string): number => {
    if (!value.startsWith(marker)) return -1;
    const digits = value.slice(marker.length);
    const index = /^(0|[1-9][0-9]*)$/.test(digits) ? Number(digits) : Number.NaN;
    return Number.isInteger(index) && index < leafCount && typeof probeLeaves[index] === "string" ? index : Number.NaN;
  };
  const claim = (index: number, kind: Kind) => {
    const previous = leafKind[index];
    if (previous !== undefined && previous !== kind) broken = true;
    leafKind[index] = kind;
  };
  const term = (t: rdfCanonize.Term): TemplateTerm => {
    if (t.termType === "BlankNode") {
      let index = blanks.get(t.value);
      if (index === undefined) {
        index = blanks.size;
        blanks.set(t.value, index);
      }
      return { kind: BLANK, text: "", index, raw: null };
    }
    if (t.termType === "NamedNode") {
      const slot = slotOf(t.value);
      if (slot >= 0) {
        claim(slot, "iri");
        return { kind: IRI_SLOT, text: "", index: slot, raw: null };
      }
      if (Number.isNaN(slot) || t.value.includes(marker)) broken = true;
      return { kind: CONST, text: `<${escapeIri(t.value)}>`, index: -1, raw: t };
    }
    if (t.termType === "Literal") {
      if (t.datatype.value.includes(marker) || (t.language ?? "").includes(marker)) broken = true;
      const slot = slotOf(t.value);
      if (slot >= 0) {
        claim(slot, "literal");
        return { kind: LITERAL_SLOT, text: literalSuffix(t), index: slot, raw: t };
      }
      if (Number.isNaN(slot) || t.value.includes(marker)) broken = true;
      const number = numberSlots.get(t.value);
      if (number) {
        // A JSON literal writes numbers its own way.
        if (t.datatype.value === RDF_JSON) broken = true;
        claim(number.index, number.kind);
        return { kind: LITERAL_SLOT, text: literalSuffix(t), index: number.index, raw: t };
      }
      return { kind: CONST, text: `"${escapeLiteral(t.value)}"${literalSuffix(t)}`, index: -1, raw: t };
    }
    broken = true;
    return { kind: CONST, text: "", index: -1, raw: t };
  };

  const quads: TemplateQuad[] = parsed.map((q) => {
    if (q.predicate.value.includes(marker)) broken = true;
    return {
      s: term(q.subject),
      p: `<${escapeIri(q.predicate.value)}>`,
      pRaw: q.predicate,
      o: term(q.object),
      g: q.graph.termType === "DefaultGraph" ? null : term(q.graph),
    };
  });
  const lists: Record<Kind, number[]> = { iri: [], literal: [], integer: [], double: [] };
  for (let i = 0; i < leafCount; i++) {
    const kind = leafKind[i];
    if (kind !== undefined) lists[kind].push(i);
    // Dropped by jsonld: whether the real value would be is not known. (Held leaves were probed as themselves.)
    else if (!held.has(i)) broken = true;
  }
  if (broken) return null;
  const quadsOfBlank: number[][] = Array.from({ length: blanks.size }, () => []);
  quads.forEach((q, index) => {
    for (const t of [q.s, q.o, q.g]) {
      if (t?.kind !== BLANK) continue;
      const list = quadsOfBlank[t.index] as number[];
      if (list[list.length - 1] !== index) list.push(index);
    }
  });
  return {
    quads,
    blankCount: blanks.size,
    quadsOfBlank,
    iriLeaves: lists.iri,
    literalLeaves: lists.literal,
    integerLeaves: lists.integer,
    doubleLeaves: lists.double,
    leafCount,
    terms,
  };
}

/** The lexical forms of a document's literal leaves under a template (strings as they are). */
function lexicalForms(template: Template, leaves: readonly Leaf[]): string[] {
  const lexical: string[] = new Array(template.leafCount);
  for (const i of template.literalLeaves) lexical[i] = leaves[i] as string;
  for (const i of template.integerLeaves) lexical[i] = integerForm(leaves[i] as number);
  for (const i of template.doubleLeaves) lexical[i] = doubleForm(leaves[i] as number);
  return lexical;
}

/** Filled template: serialized non-blank terms per quad, or the blank node number. */
interface Filled {
  s: string[];
  o: string[];
  g: string[];
  sBlank: Int32Array;
  oBlank: Int32Array;
  gBlank: Int32Array;
}

const sha256Hex = (text: string): string => createHash("sha256").update(text, "utf8").digest("hex");

/**
 * Serializes the template for these leaves and canonicalizes it: the canonical N-Quads, N_DEGREE when
 * blank nodes share a first-degree hash (rdf-canonize must finish), or null when jsonld must answer.
 */
function fillAndCanonize(template: Template, leaves: readonly Leaf[]): string | typeof N_DEGREE | null {
  const serialized: string[] = new Array(template.leafCount);
  for (const i of template.iriLeaves) {
    const value = leaves[i];
    if (typeof value !== "string" || !isVerbatimIri(value, template.terms)) return null;
    serialized[i] = `<${escapeIri(value)}>`;
  }
  for (const i of template.literalLeaves) serialized[i] = `"${escapeLiteral(leaves[i] as string)}"`;
  // Digits, '.', 'E' and '-': nothing to escape.
  for (const i of template.integerLeaves) serialized[i] = `"${integerForm(leaves[i] as number)}"`;
  for (const i of template.doubleLeaves) serialized[i] = `"${doubleForm(leaves[i] as number)}"`;

  const { quads, blankCount } = template;
  const n = quads.length;
  const filled: Filled = {
    s: new Array(n),
    o: new Array(n),
    g: new Array(n),
    sBlank: new Int32Array(n).fill(-1),
    oBlank: new Int32Array(n).fill(-1),
    gBlank: new Int32Array(n).fill(-1),
  };
  const text = (t: TemplateTerm): string =>
    t.kind === CONST
      ? t.text
      : t.kind === LITERAL_SLOT
        ? (serialized[t.index] as string) + t.text
        : (serialized[t.index] as string);
  for (let i = 0; i < n; i++) {
    const q = quads[i] as TemplateQuad;
    if (q.s.kind === BLANK) filled.sBlank[i] = q.s.index;
    else filled.s[i] = text(q.s);
    if (q.o.kind === BLANK) filled.oBlank[i] = q.o.index;
    else filled.o[i] = text(q.o);
    if (q.g === null) filled.g[i] = "";
    else if (q.g.kind === BLANK) filled.gBlank[i] = q.g.index;
    else filled.g[i] = ` ${text(q.g)}`;
  }
  // One N-Quad, with blank node b written as labels[b].
  const line = (i: number, labels: readonly string[]): string => {
    const sb = filled.sBlank[i] as number;
    const ob = filled.oBlank[i] as number;
    const gb = filled.gBlank[i] as number;
    return `${sb < 0 ? filled.s[i] : labels[sb]} ${(quads[i] as TemplateQuad).p} ${ob < 0 ? filled.o[i] : labels[ob]}${
      gb < 0 ? filled.g[i] : ` ${labels[gb]}`
    } .\n`;
  };

  // First-degree hashes (RDFC-1.0 4.6): the blank node's quads with itself as _:a and others as _:z.
  const blankOfHash = new Map<string, number>();
  let unique = true;
  const hashLabels: string[] = new Array(blankCount).fill("_:z");
  for (let b = 0; b < blankCount; b++) {
    hashLabels[b] = "_:a";
    const mentions = template.quadsOfBlank[b] as number[];
    let hash: string;
    if (mentions.length === 1) {
      hash = sha256Hex(line(mentions[0] as number, hashLabels));
    } else {
      const lines: string[] = new Array(mentions.length);
      for (let k = 0; k < mentions.length; k++) lines[k] = line(mentions[k] as number, hashLabels);
      lines.sort();
      hash = sha256Hex(lines.join(""));
    }
    hashLabels[b] = "_:z";
    if (blankOfHash.has(hash)) unique = false;
    blankOfHash.set(hash, b);
  }

  if (unique) {
    // Canonical identifiers in hash order (RDFC-1.0 4.4.3 step 5.4), then every quad relabelled and sorted.
    const labels: string[] = new Array(blankCount);
    const sorted = [...blankOfHash.keys()].sort();
    for (let order = 0; order < sorted.length; order++) {
      labels[blankOfHash.get(sorted[order] as string) as number] = `_:c14n${order}`;
    }
    const output: string[] = new Array(n);
    for (let i = 0; i < n; i++) output[i] = line(i, labels);
    output.sort();
    // Two equal quads mean nodes jsonld would have merged: let it answer.
    for (let i = 1; i < n; i++) if (output[i] === output[i - 1]) return null;
    return output.join("");
  }
  return N_DEGREE;
}

const N_DEGREE = Symbol("n-degree");

/** Equal first-degree hashes need N-degree hashing: rdf-canonize, on the same quads. */
async function canonizeWithRdfCanonize(template: Template, leaves: readonly Leaf[]): Promise<string | null> {
  const canonical = await rdfCanonize.canonize(toDataset(template, leaves), { algorithm: "RDFC-1.0" });
  const lines = canonical.split("\n");
  for (let i = 1; i < lines.length; i++) if (lines[i] === lines[i - 1]) return null;
  return canonical;
}

/** The template's canonical N-Quads for these leaves, or null when jsonld must answer. */
async function canonizeTemplate(
  template: Template,
  leaves: readonly Leaf[],
): Promise<{ nquads: string; nDegree: boolean } | null> {
  const fast = fillAndCanonize(template, leaves);
  if (fast !== N_DEGREE) return fast === null ? null : { nquads: fast, nDegree: false };
  const slow = await canonizeWithRdfCanonize(template, leaves);
  return slow === null ? null : { nquads: slow, nDegree: true };
}

/** The filled template as an rdf-canonize dataset (blank nodes b0, b1, …). */
function toDataset(template: Template, leaves: readonly Leaf[]): rdfCanonize.Quad[] {
  const lexical = lexicalForms(template, leaves);
  const term = (t: TemplateTerm): rdfCanonize.Term => {
    if (t.kind === BLANK) return { termType: "BlankNode", value: `b${t.index}` };
    if (t.kind === IRI_SLOT) return { termType: "NamedNode", value: leaves[t.index] as string };
    if (t.kind === LITERAL_SLOT) {
      const raw = t.raw as rdfCanonize.LiteralTerm;
      return {
        termType: "Literal",
        value: lexical[t.index] as string,
        datatype: raw.datatype,
        ...(raw.language !== undefined ? { language: raw.language } : {}),
      };
    }
    return t.raw as rdfCanonize.Term;
  };
  return template.quads.map(
    (q) =>
      ({
        subject: term(q.s),
        predicate: q.pRaw,
        object: term(q.o),
        graph: q.g === null ? { termType: "DefaultGraph", value: "" } : term(q.g),
      }) as rdfCanonize.Quad,
  );
}

// ---------------------------------------------------------------------------------------------
// The canonizer

/** IRI leaves held at their own value in a variant template: [leaf index, value] pairs, by index. */
type Held = Array<[number, string]>;

/**
 * The IRI leaves of `template` whose values jsonld would not keep verbatim but that are terms (such as
 * `proofPurpose: "assertionMethod"`, an `@vocab`-typed value): such values get a variant template, probed
 * with the value itself. null: none. undefined: some other value jsonld must see (relative IRI, blank node,
 * keyword, compact IRI whose prefix is a term — left to jsonld rather than a variant per value).
 */
function heldLeaves(template: Template, leaves: readonly Leaf[]): Held | null | undefined {
  let held: Held | null = null;
  for (const i of template.iriLeaves) {
    const value = leaves[i];
    if (typeof value !== "string") return undefined;
    if (isVerbatimIri(value, template.terms)) continue;
    if (!template.terms.has(value)) return undefined;
    if (held === null) held = [];
    held.push([i, value]);
  }
  return held;
}

interface ShapeEntry {
  /** False after the first sighting only: a template is built on the second (so one-off shapes cost no more). */
  building: boolean;
  /** Settles once the template is built and checked: the template, or null for jsonld-only. */
  ready: Promise<Template | null> | null;
  settled: boolean;
  template: Template | null;
}

const variantKeyOf = (shapeKey: string, held: Held): string => `${shapeKey}\u0002${JSON.stringify(held)}`;

export function createCanonizer(documentLoader: DocumentLoader, options: CanonizerOptions = {}): Canonizer {
  const maxShapes = Math.max(1, options.maxShapes ?? 512);
  const marker = `urn:x-cbank-probe-${randomBytes(9).toString("hex")}:`;
  /** Shapes by key, and variants by shape key + held values; oldest first (dropped beyond maxShapes). */
  const shapes = new Map<string, ShapeEntry>();
  const counts = { hits: 0, misses: 0, fallbacks: 0, nDegree: 0, selfCheckFailures: 0 };

  const reference = (document: unknown, call: CanonizeOptions): Promise<string> =>
    jsonldCanonize(document, {
      algorithm: "RDFC-1.0",
      format: "application/n-quads",
      safe: true,
      documentLoader,
      ...(call.rdfDirection !== undefined ? { rdfDirection: call.rdfDirection } : {}),
      ...(call.base !== undefined ? { base: call.base } : {}),
    });

  const sighted = (key: string): void => {
    if (shapes.has(key)) return;
    if (shapes.size >= maxShapes) {
      const oldest = shapes.keys().next().value;
      if (oldest !== undefined) shapes.delete(oldest);
    }
    shapes.set(key, { building: false, ready: null, settled: false, template: null });
  };

  /** The template of a shape or variant, from a probe; null (jsonld-only) when it cannot be built. */
  const build = async (document: object, shape: Shape, held: Held, call: CanonizeOptions): Promise<Template | null> => {
    const json = JSON.stringify(document);
    if (json.includes(marker.slice(0, -1)) || json.includes('"@index"')) return null;
    try {
      const facts = await contextFacts(document, documentLoader);
      if (facts.unsafeAlias || facts.indexed) return null;
      const heldMap = new Map(held);
      const probeLeaves: Leaf[] = [];
      const probe = substituteLeaves(document, (i, value) => {
        const stand = heldMap.get(i) ?? (typeof value === "number" ? numberSentinel(i, value) : `${marker}${i}`);
        probeLeaves.push(stand);
        return stand;
      });
      if (probeLeaves.length !== shape.leaves.length) return null;
      return compileTemplate(await reference(probe, call), marker, probeLeaves, facts.terms, heldMap);
    } catch {
      return null;
    }
  };

  /**
   * The second sighting of a shape or variant: build its template; jsonld answers, and the template is kept
   * only if it gives the same answer.
   */
  const buildOnSecondSighting = async (
    entry: ShapeEntry,
    document: object,
    shape: Shape,
    key: string,
    held: Held,
    call: CanonizeOptions,
  ): Promise<string> => {
    let settle: (template: Template | null) => void = () => {};
    entry.building = true;
    entry.ready = new Promise((resolve) => {
      settle = resolve;
    });
    const done = (template: Template | null) => {
      entry.template = template;
      entry.settled = true;
      settle(template);
    };
    const template = await build(document, shape, held, call);
    // A base template cannot answer documents whose values need a variant: no self-check then, and this
    // counts as the variant's first sighting.
    const needs = template && held.length === 0 ? heldLeaves(template, shape.leaves) : null;
    if (needs) sighted(variantKeyOf(key, needs));
    const fromTemplate = template && !needs ? await canonizeTemplate(template, shape.leaves).catch(() => null) : null;
    let expected: string;
    try {
      expected = await reference(document, call);
    } catch (error) {
      // jsonld rejects the document: a template that accepted it cannot be trusted.
      if (fromTemplate) counts.selfCheckFailures++;
      done(fromTemplate ? null : template);
      throw error;
    }
    if (fromTemplate && fromTemplate.nquads !== expected) {
      counts.selfCheckFailures++;
      done(null);
    } else {
      done(template);
    }
    return expected;
  };

  /** The template for a key, or jsonld's answer when the key has none yet (first and second sightings). */
  const templateFor = async (
    key: string,
    document: object,
    shape: Shape,
    held: Held,
    call: CanonizeOptions,
  ): Promise<Template | null | { answer: string }> => {
    const entry = shapes.get(key);
    if (!entry) {
      counts.misses++;
      sighted(key);
      return { answer: await reference(document, call) };
    }
    if (!entry.building) {
      counts.misses++;
      return { answer: await buildOnSecondSighting(entry, document, shape, key, held, call) };
    }
    return entry.settled ? entry.template : (entry.ready as Promise<Template | null>);
  };

  return {
    async canonize(document: object, call: CanonizeOptions = {}): Promise<string> {
      const baseCode = call.base === undefined ? 0 : call.base === null ? 1 : call.base;
      // Only JSON objects and arrays (a string would be a URL for jsonld to load).
      const shape =
        typeof document === "object" && document !== null
          ? shapeOf(document, `${JSON.stringify([call.rdfDirection ?? 0, baseCode])}\u0001`)
          : null;
      if (!shape) {
        counts.fallbacks++;
        return reference(document, call);
      }
      let found = await templateFor(shape.key, document, shape, [], call);
      if (found !== null && "answer" in found) return found.answer;
      let template = found;
      if (template) {
        const held = heldLeaves(template, shape.leaves);
        if (held === undefined) {
          template = null;
        } else if (held !== null) {
          found = await templateFor(variantKeyOf(shape.key, held), document, shape, held, call);
          if (found !== null && "answer" in found) return found.answer;
          template = found;
        }
      }
      if (template) {
        const fast = fillAndCanonize(template, shape.leaves);
        if (typeof fast === "string") {
          counts.hits++;
          return fast;
        }
        if (fast === N_DEGREE) {
          const slow = await canonizeWithRdfCanonize(template, shape.leaves);
          if (slow !== null) {
            counts.hits++;
            counts.nDegree++;
            return slow;
          }
        }
      }
      counts.fallbacks++;
      return reference(document, call);
    },
    stats(): CanonizerStats {
      let templates = 0;
      let jsonldOnlyShapes = 0;
      for (const entry of shapes.values()) {
        if (!entry.settled) continue;
        if (entry.template) templates++;
        else jsonldOnlyShapes++;
      }
      return { ...counts, templates, jsonldOnlyShapes };
    },
  };
}
