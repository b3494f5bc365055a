/**
 * Every error leaves the API in one shape: `{ error: { code, message, details? } }` with a 4xx status
 * for the caller's mistakes. Stack traces never leave the server; an unexpected error is logged and
 * answered with a 500 that says only that.
 */

import { Type } from "@sinclair/typebox";
import type { FastifyError, FastifyInstance } from "fastify";
import { AppError, type ErrorDetail } from "../services/errors.ts";

export const ErrorBody = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: "Stable machine-readable code." }),
      message: Type.String({ description: "What went wrong, as a sentence." }),
      details: Type.Optional(
        Type.Array(
          Type.Object(
            { path: Type.String(), message: Type.String(), code: Type.Optional(Type.String()) },
            { additionalProperties: true },
          ),
        ),
      ),
    }),
  },
  { $id: "ErrorBody", description: "The body of every error response." },
);

function body(code: string, message: string, details?: ErrorDetail[]) {
  return { error: { code, message, ...(details && details.length > 0 ? { details } : {}) } };
}

/** Fastify's own error codes, translated into ours. */
const FRAMEWORK_ERRORS: Record<string, { status: number; code: string; message: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: {
    status: 400,
    code: "malformed-json",
    message: "The request body is not valid JSON.",
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    status: 400,
    code: "malformed-json",
    message: "The request body is empty but JSON was announced.",
  },
  FST_ERR_CTP_BODY_TOO_LARGE: {
    status: 413,
    code: "body-too-large",
    message: "The request body is larger than this bank accepts.",
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    status: 415,
    code: "unsupported-media-type",
    message: "This endpoint does not accept that Content-Type.",
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    status: 400,
    code: "invalid-content-length",
    message: "The Content-Length header does not match the body.",
  },
};

/** What an error means to a client: status, code, sentence, details; null for a bug (a 500). */
export interface ClientError {
  status: number;
  code: string;
  message: string;
  details?: ErrorDetail[];
}

/**
 * Classifies any error a route can throw. Shared by every error shape the bank speaks (its own, and the
 * Open Badges API's imsx_StatusInfo), so the two never disagree on what an error is.
 */
export function clientErrorOf(error: FastifyError | AppError | Error): ClientError | null {
  if (error instanceof AppError) {
    return {
      status: error.status,
      code: error.code,
      message: error.message,
      ...(error.details ? { details: error.details } : {}),
    };
  }
  const fe = error as FastifyError;
  if (fe.validation) {
    const details: ErrorDetail[] = fe.validation.map((v) => {
      const params = v.params as Record<string, unknown>;
      const base = v.instancePath ?? "";
      if (v.keyword === "required")
        return { path: `${base}/${String(params.missingProperty)}`, message: "is required but missing" };
      if (v.keyword === "additionalProperties")
        return { path: `${base}/${String(params.additionalProperty)}`, message: "is not a known property here" };
      if (v.keyword === "enum")
        return { path: base, message: `must be one of: ${(params.allowedValues as unknown[]).join(", ")}` };
      return { path: base, message: v.message ?? "is invalid" };
    });
    const where = fe.validationContext ?? "body";
    return {
      status: 400,
      code: "invalid-request",
      message: `The request ${where} is not valid: ${details.map((d) => `${d.path || where} ${d.message}`).join("; ")}.`,
      details,
    };
  }
  // PostgreSQL refusing a character (a last line of defence; input validation refuses them first).
  if (fe.code === "22021" || fe.code === "22P05") {
    return {
      status: 400,
      code: "invalid-characters",
      message: "The request contains characters that cannot be stored as text.",
    };
  }
  // Two requests wrote the same natural key at once and this one lost.
  if (fe.code === "23505") {
    return {
      status: 409,
      code: "concurrent-change",
      message: "Someone else changed the same record at the same moment; try again.",
    };
  }
  const known = fe.code ? FRAMEWORK_ERRORS[fe.code] : undefined;
  if (known) return { ...known };
  if (typeof fe.statusCode === "number" && fe.statusCode >= 400 && fe.statusCode < 500) {
    return { status: fe.statusCode, code: "bad-request", message: fe.message };
  }
  return null;
}

export const INTERNAL_ERROR_MESSAGE = "Something went wrong on our side; it has been logged.";

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | AppError | Error, request, reply) => {
    const known = clientErrorOf(error);
    if (known) return reply.status(known.status).send(body(known.code, known.message, known.details));
    request.log.error({ err: error }, "unexpected error");
    return reply.status(500).send(body("internal-error", INTERNAL_ERROR_MESSAGE));
  });
  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send(body("route-not-found", `There is no ${request.method} ${request.url.split("?")[0]} here.`));
  });
}
