/**
 * The 1EdTech Open Badges 3.0 REST API under /ims/ob/v3p0, so that an LMS or a learner's wallet can
 * connect: the service description (`GET /discovery`), the learner's credentials (`GET` and `POST
 * /credentials`) and their profile (`GET` and `PUT /profile`). Apps reach them with tokens of the
 * authorization-code grant (routes/oauth.ts), each operation needing its scope (`config.scope`).
 *
 * Errors here leave in the OB API's own shape, `imsx_StatusInfo` (set in this plugin only): our sentence in
 * `imsx_description`, our stable code as the name of the first `imsx_codeMinorField` and the matching
 * 1EdTech value beside it, the HTTP status unchanged.
 */
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import type { Bank } from "../../services/bank.ts";
import type { AppError, ErrorDetail } from "../../services/errors.ts";
import { OB_SCOPE, OB_SCOPE_DESCRIPTIONS, OFFLINE_ACCESS } from "../../services/oauth.ts";
import {
  DEFAULT_PAGE_SIZE,
  getProfile,
  listCredentials,
  MAX_PAGE_SIZE,
  ObProfile,
  putProfile,
  upsertCredential,
} from "../../services/ob-api.ts";
import { EVERYONE, TOKEN_ENDPOINT } from "../access-control.ts";
import { clientErrorOf, INTERNAL_ERROR_MESSAGE } from "../errors.ts";
import {
  AUTHORIZE_ENDPOINT,
  METADATA_ENDPOINT,
  policyUrls,
  REGISTRATION_ENDPOINT,
  REVOCATION_ENDPOINT,
} from "./oauth.ts";

export const OB_API_PREFIX = "/ims/ob/v3p0";
const LEARNER = ["learner"] as const;
const TAGS = ["open-badges"];

/** The four Open Badges scopes and their official descriptions. */
export const OB_SCOPES = OB_SCOPE_DESCRIPTIONS;

// ── errors in the imsx_StatusInfo shape ────────────────────────────────────────────────────────

/** The 1EdTech code minor values (ob_v3p0_imsx_statusinfo_schema.json). */
type CodeMinor =
  | "forbidden"
  | "internal_server_error"
  | "invalid_data"
  | "invalid_query_parameter"
  | "misdirected_request"
  | "not_acceptable"
  | "not_allowed"
  | "not_found"
  | "server_busy"
  | "unauthorizedrequest";

/** Our codes that are about the query string. */
const QUERY_CODES = new Set(["invalid-since", "invalid-limit", "invalid-offset"]);

function codeMinorOf(status: number, code: string, context?: string): CodeMinor {
  if (QUERY_CODES.has(code) || context === "querystring") return "invalid_query_parameter";
  if (status === 401) return "unauthorizedrequest";
  if (status === 403) return "forbidden";
  if (status === 404) return "not_found";
  if (status === 405) return "not_allowed";
  if (status === 406) return "not_acceptable";
  if (status === 421) return "misdirected_request";
  if (status === 429 || status === 503) return "server_busy";
  return status >= 500 ? "internal_server_error" : "invalid_data";
}

/**
 * An `imsx_StatusInfo` body: our code names the first code minor field; each detail that has a code of
 * its own (e.g. a failed verification check) adds a field.
 */
export function imsxStatusInfo(
  status: number,
  code: string,
  description: string,
  details: ErrorDetail[] = [],
  context?: string,
) {
  const minor = codeMinorOf(status, code, context);
  const fields = [
    { imsx_codeMinorFieldName: code, imsx_codeMinorFieldValue: minor },
    ...details
      .filter((d) => typeof d.code === "string" && d.code.length > 0)
      .map((d) => ({ imsx_codeMinorFieldName: d.code as string, imsx_codeMinorFieldValue: minor })),
  ];
  return {
    imsx_codeMajor: "failure",
    imsx_severity: "error",
    imsx_description: description,
    imsx_codeMinor: { imsx_codeMinorField: fields },
  };
}

function sendImsx(
  reply: FastifyReply,
  status: number,
  code: string,
  message: string,
  details?: ErrorDetail[],
  context?: string,
) {
  if (status === 401) reply.header("www-authenticate", 'Bearer realm="Open Badges API"');
  return reply
    .status(status)
    .type("application/json")
    .send(imsxStatusInfo(status, code, message, details, context));
}

function handleError(error: FastifyError | AppError | Error, request: FastifyRequest, reply: FastifyReply) {
  const known = clientErrorOf(error);
  if (!known) {
    request.log.error({ err: error }, "unexpected error");
    return sendImsx(reply, 500, "internal-error", INTERNAL_ERROR_MESSAGE);
  }
  if (known.code === "unsupported-media-type") {
    return sendImsx(reply, 415, known.code, "Send a credential as application/json or a compact JWS as text/plain.");
  }
  if (known.code === "invalid-request") {
    const where = (error as FastifyError).validationContext ?? "body";
    return sendImsx(reply, 400, known.code, known.message, [], where);
  }
  if (known.code === "concurrent-change") {
    return sendImsx(reply, 409, known.code, "Someone else stored the same credential at the same moment; try again.");
  }
  return sendImsx(reply, known.status, known.code, known.message, known.details);
}

// ── the service description document ───────────────────────────────────────────────────────────

const SCHEMA = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/";
/** A small badge, so that a wallet has something to show for this service. */
const IMAGE =
  "data:image/svg+xml;base64," +
  Buffer.from(
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><circle cx="32" cy="32" r="30" fill="#1f4e79"/><text x="32" y="40" font-size="22" text-anchor="middle" fill="#fff" font-family="sans-serif">CB</text></svg>',
  ).toString("base64");

const errorResponse = (description: string) => ({
  description,
  content: { "application/json": { schema: { $ref: `${SCHEMA}ob_v3p0_imsx_statusinfo_schema.json` } } },
});
const ERRORS = {
  "400": errorResponse("The request is not valid (imsx_StatusInfo says why)."),
  "401": errorResponse(
    "No valid access token: send a token of the authorization-code grant (or a learner's session token) as Bearer.",
  ),
  "403": errorResponse("The token is not a learner's, or lacks the operation's scope (insufficient-scope)."),
  "500": errorResponse("Something went wrong on the server."),
  default: errorResponse("The request was invalid or cannot be served (imsx_StatusInfo says why)."),
};
const JWS = {
  type: "string",
  pattern: "^[a-zA-Z0-9_-]+\\.[a-zA-Z0-9_-]*\\.[a-zA-Z0-9_-]+$",
  description: "A `String` in Compact JWS format [[RFC7515]].",
};
const CREDENTIAL_CONTENT = {
  "application/json": { schema: { $ref: `${SCHEMA}ob_v3p0_achievementcredential_schema.json` } },
  "text/plain": { schema: JWS },
};
const PROFILE_CONTENT = { "application/json": { schema: { $ref: `${SCHEMA}ob_v3p0_profile_schema.json` } } };
const security = (scope: keyof typeof OB_SCOPES) => [{ OAuth2ACG: [scope] }];

export interface DiscoveryConfig {
  publicUrl: string;
  termsUrl?: string | undefined;
  privacyUrl?: string | undefined;
}

/**
 * The Service Description Document (an OpenAPI 3.0 document, profiled from the 1EdTech one) for this
 * bank, from its configuration.
 */
export function serviceDescription(config: DiscoveryConfig) {
  const { publicUrl } = config;
  const urls = policyUrls(config);
  return {
    openapi: "3.0.1",
    info: {
      title: "Credit Bank: Open Badges 3.0 API",
      description:
        "The learner's Open Badges in this credit bank: read them, store credentials from other issuers, read and rename the learner's profile.",
      version: "3.0",
      termsOfService: urls.terms,
      "x-imssf-privacyPolicyUrl": urls.privacy,
      "x-imssf-image": IMAGE,
    },
    servers: [{ url: `${publicUrl}${OB_API_PREFIX}`, description: "This bank's Open Badges API." }],
    tags: [
      { name: "OpenBadgeCredentials", description: "Exchange OpenBadgeCredentials and Profile information." },
      { name: "Discovery" },
    ],
    paths: {
      "/credentials": {
        get: {
          tags: ["OpenBadgeCredentials"],
          summary: "The REST GET operation for the getCredentials() API call.",
          description:
            "The learner's OpenBadgeCredentials, oldest first. Data Integrity credentials are in `credential`, VC-JWT ones in `compactJwsString`. X-Total-Count gives the total; the Link header gives next, last, first and prev pages.",
          operationId: "getCredentials",
          parameters: [
            {
              name: "limit",
              in: "query",
              required: false,
              description: `The maximum number of OpenBadgeCredentials to return per page (1 to ${MAX_PAGE_SIZE}, default ${DEFAULT_PAGE_SIZE}).`,
              schema: { type: "integer", format: "int32", minimum: 1, maximum: MAX_PAGE_SIZE },
            },
            {
              name: "offset",
              in: "query",
              required: false,
              description: "The index of the first credential to return (zero indexed).",
              schema: { type: "integer", format: "int32", minimum: 0 },
            },
            {
              name: "since",
              in: "query",
              required: false,
              description:
                "Only include OpenBadgeCredentials issued after this timestamp (ISO 8601; UTC when no zone).",
              schema: { type: "string", format: "date-time" },
            },
          ],
          responses: {
            "200": {
              description: "The credentials of this page.",
              headers: {
                "X-Total-Count": {
                  description: "The total number of resources that are available to be returned",
                  schema: { type: "integer", format: "int32" },
                },
                Link: {
                  description: "RFC 8288 links to the next, last, first and prev pages.",
                  schema: { type: "string" },
                },
              },
              content: {
                "application/json": {
                  schema: { $ref: `${SCHEMA}ob_v3p0_getopenbadgecredentialsresponse_schema.json` },
                },
              },
            },
            ...ERRORS,
          },
          security: security(OB_SCOPE.credentialReadonly),
        },
        post: {
          tags: ["OpenBadgeCredentials"],
          summary: "The REST POST operation for the upsertCredential() API call.",
          description:
            "Store a credential in the learner's account, or replace the one with the same id from the same issuer. It must verify; credentials of issuers unknown to the bank are accepted. 201 when created, 200 when replaced or already there; the body is the credential.",
          operationId: "upsertCredential",
          requestBody: { required: true, content: CREDENTIAL_CONTENT },
          responses: {
            "200": { description: "The credential was replaced, or was already stored.", content: CREDENTIAL_CONTENT },
            "201": { description: "The credential was stored.", content: CREDENTIAL_CONTENT },
            "409": errorResponse("The id belongs to a different credential the bank issued, or to another account."),
            ...ERRORS,
          },
          security: security(OB_SCOPE.credentialUpsert),
        },
      },
      "/profile": {
        get: {
          tags: ["OpenBadgeCredentials"],
          summary: "The REST GET operation for the getProfile() API call.",
          operationId: "getProfile",
          responses: { "200": { description: "The learner's profile.", content: PROFILE_CONTENT }, ...ERRORS },
          security: security(OB_SCOPE.profileReadonly),
        },
        put: {
          tags: ["OpenBadgeCredentials"],
          summary: "The REST PUT operation for the putProfile() API call.",
          description:
            "Rename the learner (givenName and familyName, or name). Other properties are accepted and ignored.",
          operationId: "putProfile",
          requestBody: { required: true, content: PROFILE_CONTENT },
          responses: { "200": { description: "The updated profile.", content: PROFILE_CONTENT }, ...ERRORS },
          security: security(OB_SCOPE.profileUpdate),
        },
      },
      "/discovery": {
        get: {
          tags: ["Discovery"],
          summary: "The REST GET operation for the getServiceDescription() API call.",
          operationId: "getServiceDescription",
          responses: {
            "200": { description: "This document.", content: { "application/json": { schema: { type: "object" } } } },
            default: ERRORS.default,
          },
        },
      },
    },
    components: {
      securitySchemes: {
        OAuth2ACG: {
          type: "oauth2",
          description:
            "OAuth 2.0 authorization-code grant with PKCE (S256 only). Register the app at x-imssf-registrationUrl " +
            "(RFC 7591; client_secret_basic or client_secret_post), send the learner to authorizationUrl, and exchange " +
            "the code at tokenUrl with HTTP Basic client authentication and the code_verifier. Refresh tokens rotate: " +
            `each is used once. Revoke tokens at ${publicUrl}${REVOCATION_ENDPOINT} (RFC 7009); the authorization ` +
            `server's metadata (RFC 8414) is at ${publicUrl}${METADATA_ENDPOINT}. ${OFFLINE_ACCESS} may be requested ` +
            "beside the scopes. A learner's own session token (POST /api/v1/auth/login) also works here, with every scope.",
          "x-imssf-name": "Credit Bank",
          "x-imssf-privacyPolicyUrl": urls.privacy,
          "x-imssf-termsOfServiceUrl": urls.terms,
          "x-imssf-registrationUrl": `${publicUrl}${REGISTRATION_ENDPOINT}`,
          flows: {
            authorizationCode: {
              authorizationUrl: `${publicUrl}${AUTHORIZE_ENDPOINT}`,
              tokenUrl: `${publicUrl}${TOKEN_ENDPOINT}`,
              refreshUrl: `${publicUrl}${TOKEN_ENDPOINT}`,
              scopes: { ...OB_SCOPES },
            },
          },
        },
      },
    },
  };
}

// ── paging links ────────────────────────────────────────────────────────────────────────────────

/** RFC 8288 Link header with next, last, first and prev, as the OB API's paging describes them. */
export function pagingLinks(base: string, page: { total: number; limit: number; offset: number }, since?: string) {
  const { total, limit, offset } = page;
  const url = (at: number) => {
    const q = new URLSearchParams({ limit: String(limit), offset: String(at) });
    if (since !== undefined) q.set("since", since);
    return `<${base}?${q.toString()}>`;
  };
  const lastOffset = total > 0 ? Math.floor((total - 1) / limit) * limit : 0;
  const links: string[] = [];
  if (offset + limit < total) links.push(`${url(offset + limit)}; rel="next"`);
  links.push(`${url(lastOffset)}; rel="last"`);
  links.push(`${url(0)}; rel="first"`);
  if (offset > 0) links.push(`${url(Math.max(0, Math.min(offset - limit, lastOffset)))}; rel="prev"`);
  return links.join(", ");
}

// ── routes ──────────────────────────────────────────────────────────────────────────────────────

/** The exact text of each JSON body, kept so that a credential is stored as it was sent. */
const rawJson = new WeakMap<FastifyRequest, string>();

export const obApiRoutes =
  (bank: Bank): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.setErrorHandler(handleError);
    app.setNotFoundHandler((request, reply) =>
      sendImsx(reply, 404, "route-not-found", `There is no ${request.method} ${request.url.split("?")[0]} here.`),
    );
    // JSON parsed as everywhere else (prototype poisoning refused), and its text kept.
    const parseJson = app.getDefaultJsonParser("error", "ignore");
    app.addContentTypeParser("application/json", { parseAs: "string" }, (request, body, done) => {
      rawJson.set(request, body as string);
      parseJson(request, body as string, done);
    });

    app.get(
      "/discovery",
      {
        config: { roles: EVERYONE },
        schema: { tags: TAGS, summary: "Open Badges 3.0: the service description document (OpenAPI)." },
      },
      async (_request, reply) => {
        reply.header("cache-control", "public, max-age=300");
        return serviceDescription(bank.config);
      },
    );

    app.get(
      "/credentials",
      {
        config: { roles: LEARNER, scope: OB_SCOPE.credentialReadonly },
        schema: {
          tags: TAGS,
          summary: "Open Badges 3.0 getCredentials: the learner's credentials, a page at a time.",
          querystring: Type.Object({
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE })),
            offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 2_147_483_647, default: 0 })),
            since: Type.Optional(
              Type.String({
                pattern: "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?([Zz]|[+-]\\d{2}:\\d{2})?$",
                description: "ISO 8601 date-time; UTC when it names no zone.",
              }),
            ),
          }),
        },
      },
      async (request, reply) => {
        const { since } = request.query;
        const page = await listCredentials(bank, request.actor, request.query);
        reply.header("x-total-count", String(page.total));
        reply.header("link", pagingLinks(`${bank.config.publicUrl}${OB_API_PREFIX}/credentials`, page, since));
        return { credential: page.credential, compactJwsString: page.compactJwsString };
      },
    );

    app.post(
      "/credentials",
      {
        config: { roles: LEARNER, scope: OB_SCOPE.credentialUpsert },
        schema: {
          tags: TAGS,
          summary:
            "Open Badges 3.0 upsertCredential: store a credential (application/json, or a compact JWS as text/plain) in the learner's account.",
          body: Type.Union([
            Type.Object({}, { additionalProperties: true }),
            Type.String({ minLength: 1, maxLength: 1_000_000 }),
          ]),
        },
      },
      async (request, reply) => {
        const body = request.body as Record<string, unknown> | string;
        const text = typeof body === "string" ? undefined : rawJson.get(request);
        const result = await upsertCredential(bank, request.actor, body, { text });
        reply.status(result.status);
        return result.format === "jwt"
          ? reply.type("text/plain; charset=utf-8").send(result.credential as string)
          : reply.type("application/json").send(result.credential);
      },
    );

    app.get(
      "/profile",
      {
        config: { roles: LEARNER, scope: OB_SCOPE.profileReadonly },
        schema: { tags: TAGS, summary: "Open Badges 3.0 getProfile: the learner as a Profile." },
      },
      async (request) => getProfile(bank, request.actor),
    );

    app.put(
      "/profile",
      {
        config: { roles: LEARNER, scope: OB_SCOPE.profileUpdate },
        schema: {
          tags: TAGS,
          summary: "Open Badges 3.0 putProfile: rename the learner (givenName, familyName or name).",
          body: ObProfile,
        },
      },
      async (request) => putProfile(bank, request.actor, request.body),
    );
  };
