/**
 * Learners and their personal learning accounts: opening, looking up, the statement, merging,
 * recording achievements (one, or a file of many), revoking, erasing personal data.
 */

import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import { IDENTIFIER_KINDS, NewLearner } from "../../domain/schema/accounts.ts";
import { literalUnion, Uuid } from "../../domain/schema/common.ts";
import { parseAchievementsCsv, parseAchievementsJson } from "../../services/achievement-files.ts";
import type { Bank } from "../../services/bank.ts";
import { AppError, invalid } from "../../services/errors.ts";
import {
  assertMaySeeLearner,
  createLearner,
  erasePersonalData,
  findLearner,
  getLearner,
  mergeHistory,
  mergeLearners,
  revokeAchievement,
  setLearnerDid,
  statementOf,
} from "../../services/learners.ts";
import { recordAchievements } from "../../services/recording.ts";
import { ANY_SIGNED_IN, STAFF } from "../access-control.ts";

const EDITORS = ["registry-admin", "provider-admin"] as const;
const REGISTRY = ["registry-admin"] as const;
const LearnerParam = Type.Object({ learnerId: Uuid });
const ProofQuery = Type.Object({
  proof: Type.Optional(
    literalUnion(["data-integrity", "jwt"] as const, "Credential proof format (default: the bank's)."),
  ),
});
/** One request records at most this many achievements; larger files go through the CLI or in parts. */
export const MAX_ROWS_PER_REQUEST = 10_000;

export const accountRoutes =
  (bank: Bank): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.post(
      "/learners",
      {
        config: { roles: EDITORS },
        schema: { tags: ["accounts"], summary: "Open a learner account.", body: NewLearner },
      },
      async (request, reply) => reply.status(201).send(await createLearner(bank.db, request.actor, request.body)),
    );

    app.get(
      "/learners/lookup",
      {
        config: { roles: STAFF },
        schema: {
          tags: ["accounts"],
          summary: "Find a learner's account by one identifier.",
          querystring: Type.Object({
            kind: literalUnion(IDENTIFIER_KINDS),
            value: Type.String({ minLength: 1, maxLength: 254 }),
            issuer: Type.Optional(Type.String({ minLength: 1, maxLength: 63 })),
          }),
        },
      },
      async (request) => findLearner(bank.db, request.actor, request.query),
    );

    app.get(
      "/learners/:learnerId",
      {
        config: { roles: ANY_SIGNED_IN },
        schema: { tags: ["accounts"], summary: "A learner's profile and identifiers.", params: LearnerParam },
      },
      async (request) => {
        await assertMaySeeLearner(bank.db, request.actor, request.params.learnerId);
        return {
          ...(await getLearner(bank.db, request.params.learnerId)),
          merges: await mergeHistory(bank.db, request.params.learnerId),
        };
      },
    );

    app.get(
      "/learners/:learnerId/statement",
      {
        config: { roles: ANY_SIGNED_IN },
        schema: {
          tags: ["accounts"],
          summary:
            "The account statement: dated entries with running balances by level, dimension, provider and source.",
          params: LearnerParam,
        },
      },
      async (request) => {
        await assertMaySeeLearner(bank.db, request.actor, request.params.learnerId);
        return statementOf(bank.db, request.params.learnerId);
      },
    );

    app.put(
      "/learners/:learnerId/did",
      {
        config: { roles: ANY_SIGNED_IN },
        schema: {
          tags: ["accounts"],
          summary:
            "Give (or, with null, withdraw) the learner's own DID; credentials issued from then on name them by it.",
          params: LearnerParam,
          body: Type.Object(
            { did: Type.Union([Type.String({ minLength: 1, maxLength: 500 }), Type.Null()]) },
            { additionalProperties: false },
          ),
        },
      },
      async (request) => setLearnerDid(bank.db, request.actor, request.params.learnerId, request.body.did),
    );

    app.post(
      "/learners/:learnerId/merge",
      {
        config: { roles: REGISTRY },
        schema: {
          tags: ["accounts"],
          summary: "Merge another account of the same person into this one; history is kept.",
          params: LearnerParam,
          body: Type.Object(
            { mergedId: Uuid, reason: Type.String({ minLength: 1, maxLength: 2000 }) },
            { additionalProperties: false },
          ),
        },
      },
      async (request) =>
        mergeLearners(bank.db, request.actor, request.params.learnerId, request.body.mergedId, request.body.reason),
    );

    app.delete(
      "/learners/:learnerId/personal-data",
      {
        config: { roles: REGISTRY },
        schema: {
          tags: ["accounts"],
          summary: "Erase a learner's personal data; the account's entries stay.",
          params: LearnerParam,
        },
      },
      async (request) => erasePersonalData(bank.db, request.actor, request.params.learnerId),
    );

    app.post(
      "/learners/:learnerId/achievements/:achievementId/revoke",
      {
        config: { roles: EDITORS },
        schema: {
          tags: ["accounts"],
          summary:
            "Revoke an achievement: a reversal entry takes its credits back. With correction=true it is the first half of a correction.",
          params: Type.Object({ learnerId: Uuid, achievementId: Uuid }),
          body: Type.Object(
            { reason: Type.String({ minLength: 1, maxLength: 2000 }), correction: Type.Optional(Type.Boolean()) },
            { additionalProperties: false },
          ),
        },
      },
      async (request) =>
        revokeAchievement(
          bank.db,
          request.actor,
          request.params.learnerId,
          request.params.achievementId,
          request.body.reason,
          request.body.correction ?? false,
        ),
    );

    app.post(
      "/achievements",
      {
        config: { roles: EDITORS },
        schema: {
          tags: ["accounts"],
          summary:
            "Record one achievement: the learner passed a unit; its credits are deposited. Idempotent on (learner, unit, date).",
          // Validated by the recording service, which reports problems with their JSON pointers.
          body: Type.Unknown({ description: "An AchievementRecord." }),
          querystring: ProofQuery,
        },
      },
      async (request, reply) => {
        const proof = request.query.proof;
        const report = await recordAchievements(bank, request.actor, [{ row: 0, record: request.body }], {
          ...(proof ? { format: proof } : {}),
        });
        const error = report.errors[0];
        if (error) {
          const status =
            error.code === "not-your-provider"
              ? 403
              : error.code === "achievement-conflict"
                ? 409
                : error.code === "invalid-field" || error.code.startsWith("identifier-")
                  ? 400
                  : 422;
          throw new AppError(
            error.code,
            error.message,
            status,
            report.errors.map((e) => ({ path: e.field, message: e.message, code: e.code })),
          );
        }
        const result = report.results[0];
        return reply.status(result?.status === "recorded" ? 201 : 200).send(result);
      },
    );

    app.post(
      "/achievements/bulk",
      {
        config: { roles: EDITORS },
        schema: {
          tags: ["accounts"],
          summary: `Record many achievements from CSV (Content-Type text/csv) or a JSON array (at most ${MAX_ROWS_PER_REQUEST} rows). Idempotent; a per-row error report.`,
          body: Type.Unknown({ description: "CSV text or a JSON array of AchievementRecord." }),
          querystring: ProofQuery,
        },
      },
      async (request) => {
        const body = request.body;
        const records =
          typeof body === "string"
            ? parseAchievementsCsv(body)
            : Array.isArray(body)
              ? parseAchievementsJson(JSON.stringify(body))
              : (() => {
                  throw invalid(
                    "Send a CSV file (text/csv) or a JSON array of records.",
                    undefined,
                    "invalid-achievements-file",
                  );
                })();
        if (records.length > MAX_ROWS_PER_REQUEST) {
          throw new AppError(
            "too-many-rows",
            `At most ${MAX_ROWS_PER_REQUEST} rows per request; this one has ${records.length}.`,
            413,
          );
        }
        const proof = request.query.proof;
        const report = await recordAchievements(bank, request.actor, records, { ...(proof ? { format: proof } : {}) });
        return { ...report, results: report.results };
      },
    );
  };
