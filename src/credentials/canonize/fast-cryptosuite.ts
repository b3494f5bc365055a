/**
 * The `eddsa-rdfc-2022` cryptosuite of `@digitalbazaar/eddsa-rdfc-2022-cryptosuite`, with its transformation
 * (RDFC-1.0 canonicalization) done by the fast canonizer. Name, required algorithm and verifier are the stock
 * suite's, and the canonical form is byte for byte the stock one (jsonld with `rdfDirection: "i18n-datatype"`,
 * `base: null`, safe mode), so proofs are interchangeable with the stock suite's.
 *
 *   new DataIntegrityProof({ signer, cryptosuite: createFastEddsaRdfc2022Cryptosuite(canonizer) })
 *
 * Contexts are resolved by the canonizer's document loader, not by the one passed with each call (the
 * stock suite uses the per-call loader): give the canonizer the same offline context loader.
 */
import { cryptosuite as stock } from "@digitalbazaar/eddsa-rdfc-2022-cryptosuite";
import type { Canonizer } from "./canonizer.ts";

/** Options DataIntegrityProof passes to `canonize`. */
export interface CryptosuiteCanonizeOptions {
  documentLoader?: unknown;
  base?: string | null;
  safe?: boolean;
  skipExpansion?: boolean;
  rdfDirection?: string;
  [option: string]: unknown;
}

export interface FastEddsaRdfc2022Cryptosuite {
  readonly name: "eddsa-rdfc-2022";
  readonly requiredAlgorithm: "Ed25519";
  canonize(input: object, options?: CryptosuiteCanonizeOptions): Promise<string>;
  createVerifier(options: { verificationMethod: Record<string, unknown> }): Promise<unknown>;
}

/** Options the canonizer answers for; anything else goes to the stock suite's canonize. */
const HANDLED = new Set(["documentLoader", "base", "safe", "skipExpansion", "rdfDirection"]);

export function createFastEddsaRdfc2022Cryptosuite(canonizer: Canonizer): FastEddsaRdfc2022Cryptosuite {
  return {
    name: "eddsa-rdfc-2022",
    requiredAlgorithm: "Ed25519",
    createVerifier: stock.createVerifier,
    async canonize(input: object, options: CryptosuiteCanonizeOptions = {}): Promise<string> {
      const usual =
        options.safe !== false &&
        options.skipExpansion !== true &&
        (options.rdfDirection === undefined || options.rdfDirection === "i18n-datatype") &&
        Object.keys(options).every((key) => HANDLED.has(key));
      if (!usual) return stock.canonize(input, options);
      return canonizer.canonize(input, { rdfDirection: "i18n-datatype", base: options.base ?? null });
    },
  };
}
