/**
 * The catalogue: learning units (drafts, versions, the register workflow, the coherence check) and
 * qualifications. Approved units and qualifications are public; drafts are their provider's business
 * and the registry's.
 */

import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import { UNIT_ACTIONS } from "../../domain/register-workflow.ts";
import { QualificationSpec, UNIT_STATUSES, UnitSpec, type UnitStatus } from "../../domain/schema/catalogue.ts";
import { literalUnion, Slug, Uuid } from "../../domain/schema/common.ts";
import type { Actor } from "../../services/actor.ts";
import type { Bank } from "../../services/bank.ts";
import { importBundle } from "../../services/bundle-import.ts";
import { checkUnit, loadCatalogueContext } from "../../services/catalogue-context.ts";
import {
  findQualification,
  getQualification,
  listQualifications,
  listRegisterEvents,
  listUnits,
} from "../../services/catalogue-reads.ts";
import { notFound } from "../../services/errors.ts";
import { actOnUnit, getUnit, saveUnitDraft, unitVersions } from "../../services/units.ts";
import { EVERYONE, STAFF } from "../access-control.ts";

const EDITORS = ["registry-admin", "provider-admin"] as const;
/** Versions the public may see: those that are or were in the register. */
const PUBLIC_STATUSES: UnitStatus[] = ["approved", "suspended", "superseded"];

const Paging = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
};

function seesAllOf(actor: Actor, providerId: string): boolean {
  return actor.role === "registry-admin" || (actor.role === "provider-admin" && actor.providerId === providerId);
}

function visibleVersions<T extends { providerId: string; status: UnitStatus }>(actor: Actor, versions: T[]): T[] {
  const first = versions[0];
  return first && seesAllOf(actor, first.providerId)
    ? versions
    : versions.filter((v) => PUBLIC_STATUSES.includes(v.status));
}

export const catalogueRoutes =
  (bank: Bank): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.get(
      "/units",
      {
        config: { roles: EVERYONE },
        schema: {
          tags: ["catalogue"],
          summary:
            "Search units. The public sees approved units; a provider also sees its own drafts; the registry sees all.",
          querystring: Type.Object({
            provider: Type.Optional(Slug),
            status: Type.Optional(Type.Array(literalUnion(UNIT_STATUSES))),
            field: Type.Optional(Type.String({ pattern: "^[0-9]{2,4}$" })),
            framework: Type.Optional(Slug),
            level: Type.Optional(Type.String({ maxLength: 16 })),
            q: Type.Optional(Type.String({ maxLength: 200 })),
            ...Paging,
          }),
        },
      },
      async (request) => {
        const q = request.query;
        const mayWidenStatus = q.provider
          ? seesAllOf(request.actor, q.provider)
          : request.actor.role === "registry-admin";
        const status = mayWidenStatus ? q.status : ["approved" as const];
        const result = await listUnits(bank.db, {
          provider: q.provider,
          status,
          field: q.field,
          framework: q.framework,
          level: q.level,
          q: q.q,
          current: true,
          limit: q.limit ?? 50,
          offset: q.offset ?? 0,
        });
        return { ...result, limit: q.limit ?? 50, offset: q.offset ?? 0 };
      },
    );

    app.get(
      "/units/:unitId",
      {
        config: { roles: EVERYONE },
        schema: {
          tags: ["catalogue"],
          summary: "One unit: its latest version, or the version asked for.",
          params: Type.Object({ unitId: Uuid }),
          querystring: Type.Object({ version: Type.Optional(Type.Integer({ minimum: 1 })) }),
        },
      },
      async (request) => {
        const versions = await unitVersions(bank.db, request.params.unitId);
        const visible = visibleVersions(request.actor, versions);
        const wanted = request.query.version;
        const unit = wanted === undefined ? visible.at(-1) : visible.find((v) => v.version === wanted);
        if (!unit)
          throw notFound("Unit", `${request.params.unitId}${wanted ? ` version ${wanted}` : ""}`, "unit-not-found");
        return unit;
      },
    );

    app.get(
      "/units/:unitId/versions",
      {
        config: { roles: EVERYONE },
        schema: {
          tags: ["catalogue"],
          summary: "Every version of a unit you may see.",
          params: Type.Object({ unitId: Uuid }),
        },
      },
      async (request) => {
        const versions = await unitVersions(bank.db, request.params.unitId);
        const items = visibleVersions(request.actor, versions);
        // A unit with nothing the caller may see is, to the caller, no unit at all.
        if (items.length === 0) throw notFound("Unit", request.params.unitId, "unit-not-found");
        return { items };
      },
    );

    app.get(
      "/units/:unitId/history",
      {
        config: { roles: EDITORS },
        schema: {
          tags: ["catalogue"],
          summary: "The register history of a unit: every change with who, when and why.",
          params: Type.Object({ unitId: Uuid }),
        },
      },
      async (request) => {
        const unit = await getUnit(bank.db, request.params.unitId);
        if (!seesAllOf(request.actor, unit.providerId)) throw notFound("Unit", request.params.unitId, "unit-not-found");
        return { items: await listRegisterEvents(bank.db, "unit", [request.params.unitId]) };
      },
    );

    app.post(
      "/units",
      {
        config: { roles: EDITORS },
        schema: {
          tags: ["catalogue"],
          summary:
            "Save a unit description as a draft (creates the unit, edits its draft, or opens a new version). Returns its coherence findings.",
          body: UnitSpec,
        },
      },
      async (request, reply) => {
        const result = await bank.db.transaction().execute((tx) => saveUnitDraft(tx, request.actor, request.body));
        return reply.status(result.outcome === "created" || result.outcome === "new-version" ? 201 : 200).send(result);
      },
    );

    app.post(
      "/units/:unitId/versions/:version/:action",
      {
        config: { roles: EDITORS },
        schema: {
          tags: ["catalogue"],
          summary:
            "Move a unit version through the register workflow: submit, approve, return, suspend, reinstate, withdraw.",
          description:
            "Approve, return, suspend and reinstate are the registry's; a provider may submit and withdraw its own units. Return, suspend and withdraw need a reason.",
          params: Type.Object({
            unitId: Uuid,
            version: Type.Integer({ minimum: 1 }),
            action: literalUnion(UNIT_ACTIONS.filter((a) => a !== "supersede")),
          }),
          body: Type.Optional(
            Type.Object({ reason: Type.Optional(Type.String({ maxLength: 4000 })) }, { additionalProperties: false }),
          ),
        },
      },
      async (request) =>
        bank.db
          .transaction()
          .execute((tx) =>
            actOnUnit(
              tx,
              request.actor,
              request.params.unitId,
              request.params.version,
              request.params.action as "submit",
              request.body?.reason,
            ),
          ),
    );

    app.post(
      "/coherence-check",
      {
        config: { roles: STAFF },
        schema: {
          tags: ["catalogue"],
          summary: "Check a unit description against the common template without saving it.",
          body: UnitSpec,
        },
      },
      async (request) => {
        const ctx = await loadCatalogueContext(bank.db);
        const findings = checkUnit(ctx, request.body);
        return { findings, errors: findings.filter((f) => f.severity === "error").length };
      },
    );

    app.get(
      "/qualifications",
      {
        config: { roles: EVERYONE },
        schema: {
          tags: ["catalogue"],
          summary: "Qualifications (certificates, diplomas, degrees) with their requirement rules.",
          querystring: Type.Object({
            awardingBody: Type.Optional(Slug),
            type: Type.Optional(Type.String({ maxLength: 40 })),
            ...Paging,
          }),
        },
      },
      async (request) => {
        const q = request.query;
        return listQualifications(bank.db, {
          awardingBody: q.awardingBody,
          type: q.type,
          limit: q.limit ?? 50,
          offset: q.offset ?? 0,
        });
      },
    );

    app.get(
      "/qualifications/:id",
      {
        config: { roles: EVERYONE },
        schema: {
          tags: ["catalogue"],
          summary: "One qualification: its latest version, or the version asked for.",
          params: Type.Object({ id: Uuid }),
          querystring: Type.Object({ version: Type.Optional(Type.Integer({ minimum: 1 })) }),
        },
      },
      async (request) => {
        const q = await getQualification(bank.db, request.params.id, request.query.version);
        if (!q) throw notFound("Qualification", request.params.id, "qualification-not-found");
        return q;
      },
    );

    app.post(
      "/qualifications",
      {
        config: { roles: ["registry-admin"] },
        schema: {
          tags: ["catalogue"],
          summary: "Create a qualification or a new version of it (its rules are versioned with it).",
          body: QualificationSpec,
        },
      },
      async (request, reply) => {
        const report = await importBundle(bank.db, request.actor, { qualifications: [request.body] }, "API");
        const found = await findQualification(bank.db, request.body.awardingBody, request.body.code);
        const qualification = found ? await getQualification(bank.db, found.id) : undefined;
        return reply.status(report.qualifications.created > 0 ? 201 : 200).send(qualification);
      },
    );
  };
