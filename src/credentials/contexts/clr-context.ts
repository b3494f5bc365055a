/**
 * The CLR 2.0.1 JSON-LD context (1EdTech Comprehensive Learner Record 2.0), which no npm package ships.
 * Written here term by term from the CLR 2.0 vocabulary so that a ClrCredential can be signed and
 * verified offline; test/credentials/contexts.test.ts proves that it expands the official examples
 * exactly as the published context at this URL does. Acknowledgement: 1EdTech CLR 2.0.
 */
export const CLR_CONTEXT_URL = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json";

const CLR = "https://purl.imsglobal.org/spec/vc/clr/vocab.html#";

const setOf = (id: string, type: string) => ({ "@id": `${CLR}${id}`, "@type": type, "@container": "@set" });

export const clrContext = {
  "@context": {
    id: "@id",
    type: "@type",
    ClrCredential: {
      "@id": `${CLR}ClrCredential`,
      "@context": {
        id: "@id",
        type: "@type",
        partial: { "@id": `${CLR}partial`, "@type": "xsd:boolean" },
      },
    },
    ClrSubject: {
      "@id": `${CLR}ClrSubject`,
      "@context": {
        id: "@id",
        type: "@type",
        cred: "https://www.w3.org/2018/credentials#",
        obi: "https://purl.imsglobal.org/spec/vc/ob/vocab.html#",
        achievement: setOf("achievement", "obi:Achievement"),
        association: setOf("association", `${CLR}Association`),
        verifiableCredential: setOf("verifiableCredential", "cred:verifiableCredential"),
        identifier: setOf("identifier-1", "obi:Identifier"),
      },
    },
    Association: {
      "@id": `${CLR}Association`,
      "@context": {
        associationType: { "@id": `${CLR}AssociationType` },
        sourceId: { "@id": `${CLR}sourceId`, "@type": "xsd:anyURI" },
        targetId: { "@id": `${CLR}targetId`, "@type": "xsd:anyURI" },
      },
    },
  },
} as const;
