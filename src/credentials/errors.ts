/**
 * The credentials layer's error: a stable machine-readable code and a sentence a person understands.
 * Services turn it into an AppError (HTTP 4xx); it never means a bug in the bank.
 */
export class CredentialError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "CredentialError";
  }
}
