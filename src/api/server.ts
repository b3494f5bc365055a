/**
 * The HTTP server: Fastify with TypeBox schemas (validation and OpenAPI from one source), access
 * control on every route, one error shape, Prometheus metrics and structured logs.
 */
import { readFileSync } from "node:fs";
import cookie from "@fastify/cookie";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import { Ajv } from "ajv";
import addFormatsModule from "ajv-formats";
import Fastify, { type FastifyInstance } from "fastify";
import YAML from "yaml";
import type { Bank } from "../services/bank.ts";
import { AppError } from "../services/errors.ts";
import { registerAccessControl } from "./access-control.ts";
import { ErrorBody, registerErrorHandling } from "./errors.ts";
import { registerMetrics } from "./metrics.ts";
import { accountRoutes } from "./routes/accounts.ts";
import { authRoutes } from "./routes/auth.ts";
import { catalogueRoutes } from "./routes/catalogue.ts";
import { credentialRoutes, publicCredentialRoutes } from "./routes/credentials.ts";
import { logApiRoutes, logRoutes } from "./routes/log.ts";
import { oauthRoutes, policyPageRoutes } from "./routes/oauth.ts";
import { OB_API_PREFIX, obApiRoutes } from "./routes/ob-api.ts";
import { registerRoutes } from "./routes/register.ts";
import { systemRoutes } from "./routes/system.ts";

// ajv-formats is CommonJS; under NodeNext its default export arrives wrapped.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

export interface ServerOptions {
  /** pino logger options, or false for none (tests). */
  logger?: boolean | object;
}

function readTls(certFile: string, keyFile: string): { cert: Buffer; key: Buffer } {
  try {
    return { cert: readFileSync(certFile), key: readFileSync(keyFile) };
  } catch (error) {
    throw new AppError("tls-files-unreadable", `Cannot read TLS_CERT or TLS_KEY: ${(error as Error).message}`, 500);
  }
}

export async function buildServer(bank: Bank, options: ServerOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    // HTTPS served directly when a certificate and key are configured, so a bank needs no proxy.
    ...(bank.config.tlsCert && bank.config.tlsKey ? { https: readTls(bank.config.tlsCert, bank.config.tlsKey) } : {}),
    logger: options.logger ?? { level: bank.config.logLevel },
    bodyLimit: bank.config.bodyLimit,
    // Errors Fastify raises before a route runs (a bad URL, an over-long parameter) get our error shape
    // and never echo the URL back.
    frameworkErrors: (error, _request, reply) => {
      const tooLong = error.code === "FST_ERR_MAX_PARAM_LENGTH";
      // The reply of a framework error is not typed by any route; send it as a plain reply.
      (reply as unknown as { status(code: number): { send(body: unknown): void } }).status(tooLong ? 414 : 400).send({
        error: {
          code: tooLong ? "parameter-too-long" : "bad-url",
          message: tooLong
            ? "A path parameter is longer than this bank accepts."
            : "The URL is malformed (check its percent-encoding).",
        },
      });
    },
  }).withTypeProvider<TypeBoxTypeProvider>();
  // A body is validated as sent: a number where a string belongs is an error, not a string. Query
  // strings and path parameters are text by nature, so they are converted to the declared types.
  const bodyAjv = addFormats(new Ajv({ strict: false, allErrors: true, coerceTypes: false, useDefaults: false }));
  const urlAjv = addFormats(new Ajv({ strict: false, allErrors: true, coerceTypes: "array", useDefaults: true }));
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === "body" ? bodyAjv : urlAjv).compile(schema));

  // Bodies other than JSON: CSV for achievement files, YAML for bundles, forms for OAuth tokens.
  app.addContentTypeParser(["text/csv", "text/plain"], { parseAs: "string" }, (_req, body, done) => done(null, body));
  app.addContentTypeParser(
    ["application/yaml", "application/x-yaml", "text/yaml"],
    { parseAs: "string" },
    (_req, body, done) => {
      try {
        done(null, YAML.parse(body as string));
      } catch (error) {
        done(
          new AppError("malformed-yaml", `The request body is not valid YAML: ${(error as Error).message}`, 400),
          undefined,
        );
      }
    },
  );
  app.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "string" }, (_req, body, done) =>
    done(null, Object.fromEntries(new URLSearchParams(body as string))),
  );

  await app.register(cookie);
  app.addSchema(ErrorBody);
  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "Credit Bank API",
        version: "1",
        description:
          "The register of providers, units and qualifications; learners' personal learning accounts. " +
          "Every error is `{ error: { code, message, details? } }`. Each operation says which roles may call it.",
      },
      servers: [{ url: bank.config.publicUrl }],
      components: {
        securitySchemes: {
          bearer: {
            type: "http",
            scheme: "bearer",
            description:
              "A session token from /api/v1/auth/login or an OAuth access token from /oauth/token (a token an app got with the authorization-code grant works only on the Open Badges API).",
          },
          session: { type: "apiKey", in: "cookie", name: "cb_session" },
        },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: "/docs" });

  registerErrorHandling(app);
  registerAccessControl(app, bank.db);
  registerMetrics(app);
  // Every route's OpenAPI description names the roles that may call it.
  app.addHook("onRoute", (route) => {
    const roles = route.config?.roles;
    // HEAD routes share their GET route's schema object: describe it once.
    if (!roles || !route.schema || route.method === "HEAD") return;
    const schema = route.schema as Record<string, unknown>;
    const who = roles.includes("public") ? "Anyone (no sign-in needed)." : `Roles: ${roles.join(", ")}.`;
    schema.description = `${who}${schema.description ? ` ${schema.description as string}` : ""}`;
    if (!roles.includes("public")) schema.security = [{ bearer: [] }, { session: [] }];
  });

  await app.register(systemRoutes(bank));
  await app.register(authRoutes(bank));
  await app.register(oauthRoutes(bank));
  await app.register(policyPageRoutes(bank));
  await app.register(registerRoutes(bank), { prefix: "/api/v1" });
  await app.register(catalogueRoutes(bank), { prefix: "/api/v1" });
  await app.register(accountRoutes(bank), { prefix: "/api/v1" });
  await app.register(credentialRoutes(bank), { prefix: "/api/v1" });
  await app.register(publicCredentialRoutes(bank));
  await app.register(obApiRoutes(bank), { prefix: OB_API_PREFIX });
  await app.register(logRoutes(bank));
  await app.register(logApiRoutes(bank), { prefix: "/api/v1" });
  // The transparency log's sequencer runs while the server does.
  bank.log.sequencer.start();
  app.addHook("onClose", async () => {
    await bank.log.sequencer.stop();
  });
  await app.ready();
  return app;
}
