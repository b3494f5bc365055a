// Type declarations for the parts of `rdf-canonize` (JavaScript only) that the fast canonicalization path uses.
declare module "rdf-canonize" {
  export interface NamedNodeTerm {
    termType: "NamedNode";
    value: string;
  }
  export interface BlankNodeTerm {
    termType: "BlankNode";
    value: string;
  }
  export interface LiteralTerm {
    termType: "Literal";
    value: string;
    datatype: NamedNodeTerm;
    language?: string;
  }
  export interface DefaultGraphTerm {
    termType: "DefaultGraph";
    value: "";
  }
  export type Term = NamedNodeTerm | BlankNodeTerm | LiteralTerm | DefaultGraphTerm;
  export interface Quad {
    subject: NamedNodeTerm | BlankNodeTerm;
    predicate: NamedNodeTerm;
    object: NamedNodeTerm | BlankNodeTerm | LiteralTerm;
    graph: NamedNodeTerm | BlankNodeTerm | DefaultGraphTerm;
  }
  /** RDF Dataset Canonicalization; resolves to canonical N-Quads. */
  export function canonize(
    input: Quad[],
    options: { algorithm: "RDFC-1.0"; [option: string]: unknown },
  ): Promise<string>;
  export const NQuads: {
    parse(input: string): Quad[];
    serialize(dataset: Quad[]): string;
  };
}

// base58btc (Bitcoin alphabet), as the Digital Bazaar Data Integrity suites encode proof values.
declare module "base58-universal" {
  export function encode(input: Uint8Array, maxline?: number): string;
  export function decode(input: string): Uint8Array;
}
