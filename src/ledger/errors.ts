/**
 * The one error type of the transparency log core. Every failure a caller can act on carries a stable
 * machine-readable `code` and a sentence a person understands, so the services can turn it into an
 * `AppError` (HTTP 4xx) and the CLI into a message, without parsing text. The ledger does not import
 * the services' error type: it sits below them in the layers.
 */

/** Every code a `LedgerError` (or a failed `Verdict`) can carry. */
export type LedgerErrorCode =
  // Arguments a caller should never pass (a bug in the caller, not bad input from outside).
  | "invalid-argument"
  // Merkle hashes and proofs (RFC 9162 §2.1.3.2, §2.1.4.2).
  | "hash-invalid"
  | "index-out-of-range"
  | "size-invalid"
  | "proof-invalid"
  | "root-mismatch"
  // Tiles, tree state and entry bundles (c2sp.org/tlog-tiles).
  | "tile-missing"
  | "tile-invalid"
  | "tree-state-invalid"
  | "path-invalid"
  | "bundle-invalid"
  | "entry-too-large"
  // Signed notes, keys and checkpoints (c2sp.org/signed-note, c2sp.org/tlog-checkpoint).
  | "note-malformed"
  | "note-too-many-signatures"
  | "note-unverified"
  | "note-signature-invalid"
  | "key-invalid"
  | "checkpoint-malformed"
  // Cosignatures and the witness protocol (c2sp.org/tlog-cosignature, c2sp.org/tlog-witness).
  | "cosignature-malformed"
  | "witness-request-malformed"
  | "witness-response-malformed";

export class LedgerError extends Error {
  constructor(
    readonly code: LedgerErrorCode,
    message: string,
    readonly details?: Readonly<Record<string, unknown>>,
  ) {
    super(message);
    this.name = "LedgerError";
  }
}

/**
 * The outcome of a check that is expected to fail on hostile input (a proof, a path): a value, not an
 * exception, so callers can branch on it cheaply. `orThrow` turns a failure into a `LedgerError`.
 */
export type Verdict =
  | { readonly ok: true }
  | { readonly ok: false; readonly code: LedgerErrorCode; readonly message: string };

export const VALID: Verdict = Object.freeze({ ok: true });

export function invalid(code: LedgerErrorCode, message: string): Verdict {
  return { ok: false, code, message };
}

/** Throws the failure of a verdict as a `LedgerError`; returns nothing when it passed. */
export function orThrow(verdict: Verdict): void {
  if (!verdict.ok) throw new LedgerError(verdict.code, verdict.message);
}
