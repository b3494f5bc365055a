/** Health, metrics and the OpenAPI document. */
import type { FastifyPluginAsync } from "fastify";
import { sql } from "kysely";
import type { Bank } from "../../services/bank.ts";
import { EVERYONE } from "../access-control.ts";

export const systemRoutes =
  (bank: Bank): FastifyPluginAsync =>
  async (app) => {
    app.get(
      "/healthz",
      { config: { roles: EVERYONE }, schema: { tags: ["system"], summary: "Liveness and database reachability." } },
      async (_request, reply) => {
        try {
          await sql`select 1`.execute(bank.db);
          return { status: "ok", database: bank.kind };
        } catch {
          return reply.status(503).send({ status: "unavailable", database: bank.kind });
        }
      },
    );
    app.get(
      "/metrics",
      { config: { roles: EVERYONE }, schema: { tags: ["system"], summary: "Prometheus metrics (no personal data)." } },
      async (_request, reply) => {
        reply.header("content-type", app.metricsRegistry.contentType);
        return app.metricsRegistry.metrics();
      },
    );
    app.get("/openapi.json", { config: { roles: EVERYONE }, schema: { hide: true } }, async () => app.swagger());
  };
