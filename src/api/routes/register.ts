/**
 * The register: frameworks, credit systems, skill frameworks, providers and their accreditations, and
 * catalogue bundles. Reading is public; changing is for registry administrators.
 */

import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import { ACCREDITATION_ACTIONS } from "../../domain/register-workflow.ts";
import { CatalogueBundle, Framework, Provider } from "../../domain/schema/catalogue.ts";
import { literalUnion, Slug, Uuid } from "../../domain/schema/common.ts";
import type { Bank } from "../../services/bank.ts";
import { importBundle } from "../../services/bundle-import.ts";
import { getSkillFramework, listCreditSystems, listProviders, loadFrameworks } from "../../services/catalogue-reads.ts";
import { invalid, notFound } from "../../services/errors.ts";
import { actOnAccreditation, getProvider, providerHistory } from "../../services/providers.ts";
import { EVERYONE } from "../access-control.ts";

const REGISTRY = ["registry-admin"] as const;
const IdParam = Type.Object({ id: Slug });

export const registerRoutes =
  (bank: Bank): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.get(
      "/frameworks",
      {
        config: { roles: EVERYONE },
        schema: { tags: ["register"], summary: "Qualifications frameworks with their levels and level referencing." },
      },
      async () => ({ items: [...(await loadFrameworks(bank.db)).values()] }),
    );
    app.get(
      "/frameworks/:id",
      { config: { roles: EVERYONE }, schema: { tags: ["register"], summary: "One framework.", params: IdParam } },
      async (request) => {
        const fw = (await loadFrameworks(bank.db, [request.params.id])).get(request.params.id);
        if (!fw) throw notFound("Framework", request.params.id, "framework-not-found");
        return fw;
      },
    );
    app.put(
      "/frameworks/:id",
      {
        config: { roles: REGISTRY },
        schema: {
          tags: ["register"],
          summary: "Create or replace a framework (a national framework is just data).",
          params: IdParam,
          body: Framework,
        },
      },
      async (request) => {
        if (request.body.id !== request.params.id)
          throw invalid(
            "The framework id in the body must match the URL.",
            [{ path: "/id", message: "differs from the URL" }],
            "id-mismatch",
          );
        const report = await importBundle(bank.db, request.actor, { frameworks: [request.body] }, "API");
        return {
          outcome: outcomeOf(report.frameworks),
          framework: (await loadFrameworks(bank.db, [request.params.id])).get(request.params.id),
        };
      },
    );
    app.get(
      "/credit-systems",
      {
        config: { roles: EVERYONE },
        schema: { tags: ["register"], summary: "Credit systems and the notional hours per credit." },
      },
      async () => ({ items: [...(await listCreditSystems(bank.db)).values()] }),
    );
    app.get(
      "/skill-frameworks/:id",
      {
        config: { roles: EVERYONE },
        schema: { tags: ["register"], summary: "A skill or competency framework with its items.", params: IdParam },
      },
      async (request) => {
        const sf = await getSkillFramework(bank.db, request.params.id);
        if (!sf) throw notFound("Skill framework", request.params.id, "skill-framework-not-found");
        return sf;
      },
    );

    app.get(
      "/providers",
      {
        config: { roles: EVERYONE },
        schema: { tags: ["register"], summary: "Providers in the quality register with their accreditations." },
      },
      async () => ({ items: await listProviders(bank.db) }),
    );
    app.get(
      "/providers/:id",
      { config: { roles: EVERYONE }, schema: { tags: ["register"], summary: "One provider.", params: IdParam } },
      async (request) => getProvider(bank.db, request.params.id),
    );
    app.get(
      "/providers/:id/history",
      {
        config: { roles: EVERYONE },
        schema: {
          tags: ["register"],
          summary: "Register history of a provider and its accreditations: who, when, why.",
          params: IdParam,
        },
      },
      async (request) => {
        const items = await providerHistory(bank.db, request.params.id);
        // Who acted is staff's personal data: the public sees the role, the registry the person.
        if (request.actor.role === "registry-admin") return { items };
        return { items: items.map((e) => ({ ...e, actor: publicActor(e.actor) })) };
      },
    );
    app.put(
      "/providers/:id",
      {
        config: { roles: REGISTRY },
        schema: {
          tags: ["register"],
          summary: "Create or update a provider and its accreditations.",
          params: IdParam,
          body: Provider,
        },
      },
      async (request) => {
        if (request.body.id !== request.params.id)
          throw invalid(
            "The provider id in the body must match the URL.",
            [{ path: "/id", message: "differs from the URL" }],
            "id-mismatch",
          );
        const report = await importBundle(bank.db, request.actor, { providers: [request.body] }, "API");
        return {
          outcome: outcomeOf(report.providers),
          accreditations: report.accreditations,
          provider: await getProvider(bank.db, request.params.id),
        };
      },
    );
    app.post(
      "/providers/:id/accreditations/:accreditationId/:action",
      {
        config: { roles: REGISTRY },
        schema: {
          tags: ["register"],
          summary: "Suspend, reinstate or withdraw an accreditation (a reason is required to suspend or withdraw).",
          params: Type.Object({ id: Slug, accreditationId: Uuid, action: literalUnion(ACCREDITATION_ACTIONS) }),
          body: Type.Optional(
            Type.Object({ reason: Type.Optional(Type.String({ maxLength: 2000 })) }, { additionalProperties: false }),
          ),
        },
      },
      async (request) =>
        actOnAccreditation(
          bank.db,
          request.actor,
          request.params.id,
          request.params.accreditationId,
          request.params.action,
          request.body?.reason,
        ),
    );

    app.post(
      "/bundles",
      {
        config: { roles: REGISTRY },
        schema: {
          tags: ["register"],
          summary:
            "Import a catalogue bundle (JSON, or YAML with Content-Type application/yaml). Idempotent; all-or-nothing.",
          description:
            "Every problem is reported at once in error.details with a JSON pointer. Re-importing the same bundle changes nothing.",
          // Validated by the service, which reports every problem with its JSON pointer.
          body: Type.Unknown({
            description: "A catalogue bundle.",
            ...{ $comment: CatalogueBundle.$id ?? "CatalogueBundle" },
          }),
        },
      },
      async (request) => importBundle(bank.db, request.actor, request.body, "API"),
    );
  };

/** The role part of an actor label ('registry-admin admin@x' → 'registry-admin'). */
function publicActor(label: string): string {
  const first = label.split(" ")[0] ?? "";
  return ["registry-admin", "provider-admin", "assessor", "operator", "system", "client"].includes(first)
    ? first
    : "staff";
}

function outcomeOf(t: { created: number; updated: number; unchanged: number }): "created" | "updated" | "unchanged" {
  return t.created > 0 ? "created" : t.updated > 0 ? "updated" : "unchanged";
}
