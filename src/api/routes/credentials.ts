/**
 * Credentials over HTTP: the bank's and its issuers' DID documents and key histories, the signed status
 * lists, reading and revoking credentials, the verifier, and the W3C CCG VC API (issue, verify
 * credentials and presentations).
 */
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import type { Bank } from "../../services/bank.ts";
import { changeStatus, statusListDocument } from "../../services/credential-status.ts";
import {
  getCredential,
  issueCredential,
  learnerCredentials,
  verifyStoredCredential,
} from "../../services/credentials.ts";
import { invalid, notFound } from "../../services/errors.ts";
import { BANK_ISSUER } from "../../services/issuers.ts";
import { assertList, bulkReissue, bulkRevoke } from "../../services/reissue.ts";
import { credentialFile, learnerTranscript } from "../../services/transcripts.ts";
import { verifyPresentationWithBank, verifyWithBank } from "../../services/verification.ts";
import { ANY_SIGNED_IN, EVERYONE } from "../access-control.ts";
import { VERIFY_PAGE } from "../verify-page.ts";

const EDITORS = ["registry-admin", "provider-admin"] as const;
const REGISTRY = ["registry-admin"] as const;
const Reason = Type.Object({ reason: Type.String({ minLength: 1, maxLength: 2000 }) }, { additionalProperties: false });
const IssuerParam = Type.Object({
  issuerId: Type.String({ minLength: 1, maxLength: 63, pattern: "^[a-z0-9][a-z0-9-]*$" }),
});
const CredentialParam = Type.Object({ credentialId: Type.String({ minLength: 1, maxLength: 100 }) });
const AnyObject = Type.Object({}, { additionalProperties: true });

/** Binary and text bodies the verifier accepts besides JSON. */
export const CREDENTIAL_MEDIA_TYPES = ["image/png", "image/svg+xml", "application/pdf", "application/octet-stream"];

type Json = Record<string, unknown>;

/** Items per bulk revoke or reissue request; larger cohorts go in parts or through the CLI. */
const MAX_BULK = 10_000;

/** The VC API's verification result: checks that passed, warnings and errors, plus our full report. */
function vcApiResult(report: { verified: boolean; checks: Array<{ id: string; status: string; message: string }> }) {
  return {
    verified: report.verified,
    checks: [...new Set(report.checks.filter((c) => c.status === "pass").map((c) => c.id))],
    warnings: report.checks.filter((c) => c.status === "warning").map((c) => ({ type: c.id, message: c.message })),
    errors: report.checks.filter((c) => c.status === "fail").map((c) => ({ type: c.id, message: c.message })),
  };
}

/** Routes at the root: DID documents, key histories, status lists, and the VC API. */
export const publicCredentialRoutes =
  (bank: Bank): FastifyPluginAsyncTypebox =>
  async (app) => {
    for (const url of ["/.well-known/did.json", "/did.json"]) {
      app.get(
        url,
        {
          config: { roles: EVERYONE },
          schema: { tags: ["credentials"], summary: "The bank's DID document (did:web)." },
        },
        async (_r, reply) => {
          const doc = await bank.keys.didDocument(bank.db, BANK_ISSUER);
          reply.header("cache-control", "public, max-age=300");
          return reply.type("application/did+json").send(doc);
        },
      );
    }
    app.get(
      "/issuers/:issuerId/did.json",
      {
        config: { roles: EVERYONE },
        schema: {
          tags: ["credentials"],
          summary: "An issuing provider's DID document (did:web).",
          params: IssuerParam,
        },
      },
      async (request, reply) => {
        const doc = await bank.keys.didDocument(bank.db, request.params.issuerId);
        if (!doc) throw notFound("Issuer", request.params.issuerId, "unknown-issuer");
        reply.header("cache-control", "public, max-age=300");
        return reply.type("application/did+json").send(doc);
      },
    );
    app.get(
      "/key-history.json",
      { config: { roles: EVERYONE }, schema: { tags: ["credentials"], summary: "The bank's signed key history." } },
      async () => ({
        issuer: bank.keys.didOf(BANK_ISSUER),
        events: await bank.keys.keyHistory(bank.db, BANK_ISSUER),
      }),
    );
    app.get(
      "/issuers/:issuerId/key-history.json",
      {
        config: { roles: EVERYONE },
        schema: {
          tags: ["credentials"],
          summary: "An issuer's key history, each event signed by the bank.",
          params: IssuerParam,
        },
      },
      async (request) => {
        const events = await bank.keys.keyHistory(bank.db, request.params.issuerId);
        if (events.length === 0) throw notFound("Issuer", request.params.issuerId, "unknown-issuer");
        return { issuer: bank.keys.didOf(request.params.issuerId), events };
      },
    );
    app.get(
      "/status/:listId/:purpose",
      {
        config: { roles: EVERYONE },
        schema: {
          tags: ["credentials"],
          summary: "A signed Bitstring Status List credential (revocation or suspension).",
          params: Type.Object({
            listId: Type.String({ minLength: 1, maxLength: 80, pattern: "^[a-z0-9][a-z0-9-]*$" }),
            purpose: Type.Union([Type.Literal("revocation"), Type.Literal("suspension")]),
          }),
        },
      },
      async (request, reply) => {
        const { document, changedAt } = await statusListDocument(bank, request.params.listId, request.params.purpose);
        const etag = `"${request.params.purpose}-${Date.parse(changedAt)}"`;
        reply.header("cache-control", "public, max-age=300, must-revalidate");
        reply.header("etag", etag);
        reply.header("last-modified", new Date(changedAt).toUTCString());
        if (request.headers["if-none-match"] === etag) return reply.status(304).send();
        return reply.type("application/vc+ld+json").send(document);
      },
    );

    app.get(
      "/verify",
      { config: { roles: EVERYONE }, schema: { tags: ["credentials"], summary: "The verification page (HTML)." } },
      async (_request, reply) => reply.type("text/html; charset=utf-8").send(VERIFY_PAGE),
    );

    // ── W3C CCG VC API ──
    app.post(
      "/credentials/issue",
      {
        config: { roles: EDITORS },
        schema: {
          tags: ["vc-api"],
          summary: "Sign a credential (VC 2.0, or VC 1.1) as the caller's issuer.",
          body: Type.Object(
            {
              credential: AnyObject,
              options: Type.Optional(
                Type.Object(
                  {
                    format: Type.Optional(Type.Union([Type.Literal("data-integrity"), Type.Literal("jwt")])),
                    credentialStatus: Type.Optional(Type.Union([Type.Boolean(), AnyObject])),
                  },
                  { additionalProperties: true },
                ),
              ),
            },
            { additionalProperties: false },
          ),
        },
      },
      async (request, reply) => {
        const options = request.body.options ?? {};
        const issued = await issueCredential(bank, request.actor, request.body.credential as Json, {
          ...(options.format ? { format: options.format } : {}),
          ...(options.credentialStatus === false ? { credentialStatus: false } : {}),
        });
        return reply.status(201).send({
          verifiableCredential: issued.format === "jwt" ? issued.document : JSON.parse(issued.document),
        });
      },
    );
    app.post(
      "/credentials/verify",
      {
        config: { roles: EVERYONE },
        schema: {
          tags: ["vc-api"],
          summary: "Verify a credential (JSON-LD object, or a VC-JWT string).",
          body: Type.Object(
            {
              verifiableCredential: Type.Union([AnyObject, Type.String({ maxLength: 1_000_000 })]),
              options: Type.Optional(AnyObject),
            },
            { additionalProperties: false },
          ),
        },
      },
      async (request, reply) => {
        const report = await verifyWithBank(bank, request.body.verifiableCredential as Json | string);
        return reply.status(report.verified ? 200 : 400).send({ ...vcApiResult(report), report });
      },
    );
    app.post(
      "/presentations/verify",
      {
        config: { roles: EVERYONE },
        schema: {
          tags: ["vc-api"],
          summary: "Verify a presentation and every credential in it.",
          body: Type.Object(
            { verifiablePresentation: AnyObject, options: Type.Optional(AnyObject) },
            { additionalProperties: false },
          ),
        },
      },
      async (request, reply) => {
        const options = (request.body.options ?? {}) as { challenge?: unknown; domain?: unknown };
        const report = await verifyPresentationWithBank(bank, request.body.verifiablePresentation as Json, {
          ...(typeof options.challenge === "string" ? { challenge: options.challenge } : {}),
          ...(typeof options.domain === "string" ? { domain: options.domain } : {}),
        });
        const all = {
          verified: report.verified,
          checks: [...report.checks, ...report.credentials.flatMap((c) => c.checks)],
        };
        return reply.status(report.verified ? 200 : 400).send({ ...vcApiResult(all), report });
      },
    );
  };

/** Routes under /api/v1. */
export const credentialRoutes =
  (bank: Bank): FastifyPluginAsyncTypebox =>
  async (app) => {
    // Baked badges and PDF certificates arrive as bytes, for the verifier (only in this plugin's scope:
    // elsewhere these types stay unsupported).
    app.addContentTypeParser(CREDENTIAL_MEDIA_TYPES, { parseAs: "buffer" }, (_req, body, done) => done(null, body));
    app.post(
      "/verify",
      {
        config: { roles: EVERYONE },
        schema: {
          tags: ["credentials"],
          summary:
            "Verify a credential in any form: JSON-LD, VC-JWT (text/plain), a baked PNG or SVG, a PDF certificate, or a presentation.",
        },
      },
      async (request) => {
        const body = request.body as unknown;
        if (body === undefined || body === null || (typeof body === "string" && body.trim() === "")) {
          throw invalid("Send a credential to verify in the request body.", undefined, "empty-body");
        }
        const input = Buffer.isBuffer(body) ? new Uint8Array(body) : (body as Json | string);
        if (typeof input === "object" && !(input instanceof Uint8Array)) {
          const types = Array.isArray(input.type) ? input.type : [input.type];
          if (types.includes("VerifiablePresentation")) return verifyPresentationWithBank(bank, input);
        }
        return verifyWithBank(bank, input);
      },
    );
    app.get(
      "/credentials/:credentialId",
      {
        config: { roles: ANY_SIGNED_IN },
        schema: {
          tags: ["credentials"],
          summary: "A credential exactly as issued, with its status and lineage.",
          params: CredentialParam,
        },
      },
      async (request) => getCredential(bank, request.actor, request.params.credentialId),
    );
    for (const action of ["revoke", "suspend", "reinstate"] as const) {
      app.post(
        `/credentials/:credentialId/${action}`,
        {
          config: { roles: EDITORS },
          schema: {
            tags: ["credentials"],
            summary:
              action === "revoke"
                ? "Revoke a credential (final); its deposit is reversed in the account."
                : action === "suspend"
                  ? "Suspend a credential until it is reinstated."
                  : "Reinstate a suspended credential.",
            params: CredentialParam,
            body: Reason,
          },
        },
        async (request) => changeStatus(bank, request.actor, request.params.credentialId, action, request.body.reason),
      );
    }
    app.post(
      "/credentials/bulk-revoke",
      {
        config: { roles: EDITORS },
        schema: {
          tags: ["credentials"],
          summary: `Revoke many credentials: a JSON array of { credential, reason } (at most ${MAX_BULK}). Idempotent; a per-row report.`,
          body: Type.Array(Type.Unknown()),
        },
      },
      async (request) => {
        assertList(request.body, MAX_BULK);
        return bulkRevoke(bank, request.actor, request.body);
      },
    );
    app.post(
      "/credentials/reissue",
      {
        config: { roles: EDITORS },
        schema: {
          tags: ["credentials"],
          summary: `Revoke and reissue many credentials with corrections: a JSON array of { credential, reason, grade?, result? } (at most ${MAX_BULK}). The new credential names the one it replaces. Idempotent.`,
          body: Type.Array(Type.Unknown()),
          querystring: Type.Object({
            proof: Type.Optional(Type.Union([Type.Literal("data-integrity"), Type.Literal("jwt")])),
          }),
        },
      },
      async (request) => {
        assertList(request.body, MAX_BULK);
        const proof = request.query.proof;
        return bulkReissue(bank, request.actor, request.body, proof ? { format: proof } : {});
      },
    );
    // ── Issuer keys ──
    app.post(
      "/issuers/:issuerId/keys/rotate",
      {
        config: { roles: EDITORS },
        schema: {
          tags: ["credentials"],
          summary: "Rotate an issuer's key: new credentials use a new key; what the old one signed still verifies.",
          params: IssuerParam,
          body: Reason,
        },
      },
      async (request) => {
        const key = await bank.keys.rotate(bank.db, request.actor, request.params.issuerId, request.body.reason);
        return { issuer: bank.keys.didOf(request.params.issuerId), activeKey: key.id };
      },
    );
    app.post(
      "/issuers/:issuerId/keys/retire",
      {
        config: { roles: EDITORS },
        schema: {
          tags: ["credentials"],
          summary: "Retire one of an issuer's keys (no more issuing with it; what it signed still verifies).",
          params: IssuerParam,
          body: Type.Object(
            {
              keyId: Type.String({ minLength: 1, maxLength: 500 }),
              reason: Type.String({ minLength: 1, maxLength: 2000 }),
            },
            { additionalProperties: false },
          ),
        },
      },
      async (request) => {
        await bank.keys.retire(
          bank.db,
          request.actor,
          request.body.keyId,
          request.body.reason,
          request.params.issuerId,
        );
        return { issuer: bank.keys.didOf(request.params.issuerId), retired: request.body.keyId };
      },
    );
    app.post(
      "/issuers/:issuerId/keys/compromised",
      {
        config: { roles: REGISTRY },
        schema: {
          tags: ["credentials"],
          summary:
            "Report a key compromised from a moment on: what it signed from then on stops verifying; the issuer gets a new key.",
          params: IssuerParam,
          body: Type.Object(
            {
              keyId: Type.String({ minLength: 1, maxLength: 500 }),
              since: Type.String({ format: "date-time" }),
              reason: Type.String({ minLength: 1, maxLength: 2000 }),
            },
            { additionalProperties: false },
          ),
        },
      },
      async (request) => {
        const { keyId, since, reason } = request.body;
        await bank.keys.reportCompromised(bank.db, request.actor, keyId, since, reason, request.params.issuerId);
        return {
          issuer: bank.keys.didOf(request.params.issuerId),
          compromised: keyId,
          since: new Date(since).toISOString(),
        };
      },
    );
    app.get(
      "/credentials/:credentialId/verification",
      {
        config: { roles: EVERYONE },
        schema: {
          tags: ["credentials"],
          summary:
            "Verify a stored credential by its id (what a certificate's QR code opens); the id is the capability.",
          params: CredentialParam,
        },
      },
      async (request) => verifyStoredCredential(bank, request.params.credentialId),
    );
    app.get(
      "/credentials/:credentialId/:file",
      {
        config: { roles: ANY_SIGNED_IN },
        schema: {
          tags: ["credentials"],
          summary: "The credential baked into a badge image (badge.png, badge.svg) or a printable PDF certificate.",
          params: Type.Object({
            credentialId: Type.String({ minLength: 1, maxLength: 100 }),
            file: Type.Union([Type.Literal("badge.png"), Type.Literal("badge.svg"), Type.Literal("certificate.pdf")]),
          }),
        },
      },
      async (request, reply) => {
        const { bytes, contentType } = await credentialFile(
          bank,
          request.actor,
          request.params.credentialId,
          request.params.file,
        );
        reply.header("content-disposition", `attachment; filename="${request.params.file}"`);
        return reply.type(contentType).send(Buffer.from(bytes));
      },
    );
    app.get(
      "/learners/:learnerId/transcript",
      {
        config: { roles: ANY_SIGNED_IN },
        schema: {
          tags: ["credentials"],
          summary: "A CLR 2.0 transcript of every valid credential in the account, signed by the bank.",
          params: Type.Object({ learnerId: Type.String({ format: "uuid" }) }),
        },
      },
      async (request) => learnerTranscript(bank, request.actor, request.params.learnerId),
    );
    app.get(
      "/learners/:learnerId/credentials",
      {
        config: { roles: ANY_SIGNED_IN },
        schema: {
          tags: ["credentials"],
          summary: "Every credential in a learner's account.",
          params: Type.Object({ learnerId: Type.String({ format: "uuid" }) }),
        },
      },
      async (request) => learnerCredentials(bank, request.actor, request.params.learnerId),
    );
  };
