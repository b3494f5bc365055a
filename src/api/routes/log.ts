/**
 * The transparency log over HTTP (docs/transparency-log.md):
 *
 * - c2sp.org/tlog-tiles at /log: the checkpoint (with witnesses' cosignatures), tiles and entry bundles,
 *   as a static log would serve them (tiles and bundles never change: cacheable forever);
 * - c2sp.org/tlog-witness: POST /log/witness/add-checkpoint, for the logs this bank witnesses;
 * - a JSON API under /api/v1/log: the log's keys and size, inclusion proofs of a credential or an event,
 *   consistency proofs between two sizes.
 *
 * Everything is public: the log holds no personal data, and anyone must be able to audit it.
 */
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import type { Bank } from "../../services/bank.ts";
import { AppError } from "../../services/errors.ts";
import {
  consistencyProofBetween,
  credentialEvents,
  credentialInclusionProof,
  eventInclusionProof,
  logInfo,
  parseLogPath,
  publishedCheckpoint,
  recentCheckpoints,
  tileResource,
} from "../../services/transparency-log.ts";
import { addCheckpoint } from "../../services/witness-service.ts";
import { EVERYONE } from "../access-control.ts";

/** Tiles and bundles at a path never change: any cache may keep them. */
const IMMUTABLE = "public, max-age=31536000, immutable";
/** The checkpoint changes with every batch: caches keep it a few seconds at most (c2sp.org/tlog-tiles). */
const CHECKPOINT_CACHE = "public, max-age=5";

const Size = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: "A tree size." });
const SizeQuery = Type.Object(
  { size: Type.Optional({ ...Size, description: "Prove against the checkpoint of this size (default: the latest)." }) },
  { additionalProperties: false },
);
const CredentialParam = Type.Object({
  credentialId: Type.String({ minLength: 1, maxLength: 200, description: "Credential id (urn:uuid:… or the UUID)." }),
});

const InclusionProof = Type.Object(
  {
    origin: Type.String(),
    verifierKey: Type.String({ description: "The log's Ed25519 verifier key (c2sp.org/signed-note vkey)." }),
    eventId: Type.String(),
    kind: Type.String(),
    record: Type.String({ description: "The leaf's entry: the event's canonical JSON record." }),
    leafIndex: Type.Integer(),
    leafHash: Type.String({ description: "RFC 6962 leaf hash of the record, base64." }),
    treeSize: Type.Integer(),
    rootHash: Type.String(),
    proof: Type.Array(Type.String(), { description: "RFC 9162 inclusion proof, base64 hashes, leaf's sibling first." }),
    checkpoint: Type.String({ description: "The signed checkpoint of treeSize (c2sp.org/tlog-checkpoint)." }),
  },
  { $id: "LogInclusionProof" },
);

const ConsistencyProof = Type.Object(
  {
    origin: Type.String(),
    verifierKey: Type.String(),
    from: Type.Integer(),
    to: Type.Integer(),
    fromRoot: Type.String(),
    toRoot: Type.String(),
    proof: Type.Array(Type.String(), { description: "RFC 9162 consistency proof, base64 hashes." }),
    checkpoint: Type.String({ description: "The signed checkpoint of `to`." }),
  },
  { $id: "LogConsistencyProof" },
);

/** The tlog-tiles and tlog-witness endpoints, at the root. */
export const logRoutes =
  (bank: Bank): FastifyPluginAsyncTypebox =>
  async (app) => {
    // A witness request is text; some clients send it without a Content-Type. Only in this plugin.
    app.addContentTypeParser("*", { parseAs: "buffer" }, (_request, body, done) => done(null, body));

    app.get(
      "/log/checkpoint",
      {
        config: { roles: EVERYONE },
        schema: {
          tags: ["log"],
          summary: "The log's latest signed checkpoint, with its witnesses' cosignatures (c2sp.org/tlog-tiles).",
        },
      },
      async (_request, reply) => {
        const { note } = await publishedCheckpoint(bank);
        reply.header("cache-control", CHECKPOINT_CACHE);
        return reply.type("text/plain; charset=utf-8").send(note);
      },
    );

    app.get(
      "/log/tile/*",
      {
        config: { roles: EVERYONE },
        // Not in the OpenAPI document: its path is a wildcard OpenAPI cannot write, and the resource is
        // specified by c2sp.org/tlog-tiles (docs/api.md lists it).
        schema: {
          hide: true,
          tags: ["log"],
          summary: "A tile (`tile/<L>/<N>[.p/<W>]`) or entry bundle (`tile/entries/<N>[.p/<W>]`) of the log.",
          description:
            "c2sp.org/tlog-tiles with tile height 8: hashes of one tree level, 32 bytes each; an entry bundle is each entry's big-endian uint16 length and bytes. A malformed path is 400 `tile-path-invalid`; one the tree does not have (yet) 404 `tile-not-found`.",
        },
      },
      async (request, reply) => {
        const rest = (request.params as { "*": string })["*"];
        const resource = await tileResource(bank, parseLogPath(`tile/${rest}`));
        reply.header("cache-control", IMMUTABLE);
        return reply.type("application/octet-stream").send(resource.bytes);
      },
    );

    app.post(
      "/log/witness/add-checkpoint",
      {
        config: { roles: EVERYONE },
        bodyLimit: 64 * 1024,
        schema: {
          tags: ["log"],
          summary: "Asks this bank, as a witness, to cosign another log's checkpoint (c2sp.org/tlog-witness).",
          description:
            "Text body: `old <size>`, the consistency proof (base64 lines), an empty line, the signed checkpoint. 200 with cosignature lines; 409 `text/x.tlog.size` with the size this witness holds; 400, 403, 404, 422 as the specification says. Only logs configured in WITNESSED_LOGS are witnessed.",
        },
      },
      async (request, reply) => {
        const raw = request.body;
        const body = typeof raw === "string" ? raw : Buffer.isBuffer(raw) ? raw : Buffer.alloc(0);
        const answer = await addCheckpoint(
          bank.db,
          { logs: bank.log.witnessed, cosigner: bank.log.keys.cosigner },
          body,
        );
        reply.header("cache-control", "no-store");
        return reply.status(answer.status).type(answer.contentType).send(answer.body);
      },
    );
  };

/** The JSON API of the log, under /api/v1. */
export const logApiRoutes =
  (bank: Bank): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.get(
      "/log",
      {
        config: { roles: EVERYONE },
        schema: {
          tags: ["log"],
          summary:
            "The log: its origin, verifier key, witness key, size and root, entries waiting, witnesses and the logs this bank witnesses.",
        },
      },
      async () => logInfo(bank),
    );

    app.get(
      "/log/checkpoints",
      {
        config: { roles: EVERYONE },
        schema: {
          tags: ["log"],
          summary: "Checkpoints the bank published, newest first (size, root, time).",
          querystring: Type.Object(
            {
              limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
              before: Type.Optional({ ...Size, description: "Only checkpoints smaller than this size." }),
            },
            { additionalProperties: false },
          ),
        },
      },
      async (request) => recentCheckpoints(bank, request.query.limit ?? 100, request.query.before),
    );

    app.get(
      "/log/credentials/:credentialId/proof",
      {
        config: { roles: EVERYONE },
        schema: {
          tags: ["log"],
          summary: "The inclusion proof of a credential's issuance in the log.",
          description:
            "The record, its leaf index and the proof against the latest checkpoint (or the one of `size`), with the signed checkpoint. 404 `log-credential-not-found` when the log has no issuance of the credential.",
          params: CredentialParam,
          querystring: SizeQuery,
          response: { 200: InclusionProof },
        },
      },
      async (request) => credentialInclusionProof(bank, request.params.credentialId, request.query.size),
    );

    app.get(
      "/log/credentials/:credentialId/events",
      {
        config: { roles: EVERYONE },
        schema: {
          tags: ["log"],
          summary: "Every event the log holds about a credential (issued, revoked, …), with its leaf index.",
          params: CredentialParam,
        },
      },
      async (request) => credentialEvents(bank, request.params.credentialId),
    );

    app.get(
      "/log/events/:eventId/proof",
      {
        config: { roles: EVERYONE },
        schema: {
          tags: ["log"],
          summary: "The inclusion proof of any logged event, by its id.",
          params: Type.Object({ eventId: Type.String({ pattern: "^[1-9][0-9]{0,17}$" }) }),
          querystring: SizeQuery,
          response: { 200: InclusionProof },
        },
      },
      async (request) => eventInclusionProof(bank, request.params.eventId, request.query.size),
    );

    app.get(
      "/log/consistency",
      {
        config: { roles: EVERYONE },
        schema: {
          tags: ["log"],
          summary: "The consistency proof between two tree sizes: the newer tree extends the older one.",
          querystring: Type.Object(
            {
              from: Size,
              to: Type.Optional({ ...Size, description: "The newer size (default: the latest checkpoint)." }),
            },
            { additionalProperties: false },
          ),
          response: { 200: ConsistencyProof },
        },
      },
      async (request) => {
        const { from, to } = request.query;
        if (to !== undefined && from > to) {
          throw new AppError("size-out-of-range", `The older size ${from} is larger than the newer size ${to}.`, 400);
        }
        return consistencyProofBetween(bank, from, to);
      },
    );
  };
