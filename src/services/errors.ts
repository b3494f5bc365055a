/**
 * The one error type that crosses layers. It carries a stable machine-readable `code`, a sentence a
 * person understands, the HTTP status the API answers with, and optional details (e.g. the list of
 * validation problems with their JSON pointers). Anything else thrown is a bug and becomes a 500.
 */
export interface ErrorDetail {
  /** JSON pointer to the offending value ('' for the whole input). */
  path: string;
  /** What is wrong, as a sentence. */
  message: string;
  /** Machine-readable code of this particular problem, when it has one. */
  code?: string;
  [key: string]: unknown;
}

export class AppError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number = 400,
    readonly details?: ErrorDetail[],
  ) {
    super(message);
    this.name = "AppError";
  }
}

export const notFound = (what: string, id: string, code = "not-found") =>
  new AppError(code, `${what} '${id}' does not exist.`, 404);

export const forbidden = (message: string, code = "forbidden") => new AppError(code, message, 403);

export const conflict = (message: string, code = "conflict") => new AppError(code, message, 409);

export const invalid = (message: string, details?: ErrorDetail[], code = "invalid-input") =>
  new AppError(code, message, 400, details);
