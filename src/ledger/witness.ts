/**
 * The decisions of a witness, c2sp.org/tlog-witness (`add-checkpoint`), as pure functions; the HTTP
 * handler, the key store and the state store stay outside.
 *
 * A witness keeps, per log origin, the latest checkpoint it cosigned (size and root). A log submits a
 * new signed checkpoint with the size it believes the witness holds (`old`) and a consistency proof from
 * that size. The witness cosigns only if the log's signature verifies, `old` is exactly its stored size,
 * and the new tree provably extends the stored one, so a log cannot roll back or fork without the
 * witnesses refusing.
 *
 * Flow for the HTTP layer:
 *   1. `parseAddCheckpointRequest(body)` (400 on `witness-request-malformed`) gives the origin;
 *   2. in ONE transaction: load that log's keys and stored state, locking the state row;
 *      `decideAddCheckpoint(...)`; store `decision.state` if it cosigns; commit;
 *   3. answer `decision.status` with `decision.responseBody` (the spec's bodies: signature lines on 200,
 *      the latest size with Content-Type text/x.tlog.size on 409).
 * The check and the update must be atomic (the spec's race: two requests must not both pass against
 * the same old size), which is why the state is an input and the new state an output.
 */
import { type Checkpoint, parseCheckpoint } from "./checkpoint.ts";
import { type Cosigner, cosignatureLine } from "./cosignature.ts";
import { bytesEqual, decodeBase64Strict, decodeUtf8Strict, encodeBase64, parseDecimal, truncate } from "./encoding.ts";
import { LedgerError } from "./errors.ts";
import { emptyTreeRoot, HASH_SIZE, sha256 } from "./hashes.ts";
import {
  formatNote,
  type NoteVerifier,
  type OpenedNote,
  openNote,
  parseNote,
  parseSignatureLine,
} from "./signed-note.ts";
import { verifyConsistency } from "./verify-proofs.ts";

/** The spec's cap on consistency proof lines in a request. */
export const MAX_PROOF_LINES = 63;

/** A parsed add-checkpoint request. The checkpoint's signatures are not verified yet. */
export interface AddCheckpointRequest {
  /** The size the log believes the witness last cosigned. */
  readonly oldSize: number;
  /** Consistency proof from `oldSize` to the checkpoint's size. */
  readonly proof: readonly Buffer[];
  /** The signed checkpoint note, verbatim. */
  readonly checkpointNote: string;
  /** Its parsed text (origin, size, root): unverified, use only to look up the log. */
  readonly checkpoint: Checkpoint;
}

/** A log the witness is configured for: its origin and the keys that may sign its checkpoints. */
export interface WitnessedLog {
  readonly origin: string;
  readonly verifiers: readonly NoteVerifier[];
}

/** What the witness stores per log: the latest checkpoint it cosigned. */
export interface WitnessLogState {
  readonly size: number;
  readonly root: Uint8Array;
}

/** Why a witness refuses a checkpoint. */
export type WitnessRefusalReason =
  /** 404: no log with the checkpoint's origin is configured. */
  | "unknown-log"
  /** 403: no signature by a key trusted for the log. */
  | "no-trusted-signature"
  /** 403: a signature by a trusted key fails to verify. */
  | "invalid-signature"
  /** 400: the request's old size is larger than the checkpoint's size. */
  | "old-size-too-large"
  /** 400 or 409: the checkpoint is smaller than the one already cosigned. */
  | "rollback"
  /** 409: the request's old size is not the size the witness holds (the client must retry with it). */
  | "old-size-mismatch"
  /** 422: a checkpoint of size 0 whose root is not the empty tree's. */
  | "empty-tree-root"
  /** 422: old size 0 with a non-empty proof. */
  | "proof-not-empty"
  /** 422: the consistency proof does not verify: a wrong proof, or a log that forked. */
  | "inconsistent"
  /** 422: the same size as the cosigned checkpoint with a different root: a proven fork. */
  | "fork";

export type AddCheckpointDecision =
  | {
      readonly outcome: "cosign";
      readonly status: 200;
      /** The state to store (atomically with the check). */
      readonly state: WitnessLogState;
      readonly checkpoint: Checkpoint;
      /** This witness's cosignature lines, without newlines. */
      readonly cosignatureLines: readonly string[];
      /** The spec's 200 body: the cosignature lines, each ending in a newline. */
      readonly responseBody: string;
      /**
       * The checkpoint with the log signatures that verified and this witness's cosignatures: what the
       * witness serves at `<monitoring prefix>/<origin hash>/checkpoint`.
       */
      readonly cosignedCheckpoint: string;
    }
  | {
      readonly outcome: "refuse";
      readonly status: 400 | 403 | 404 | 409 | 422;
      readonly reason: WitnessRefusalReason;
      /** A sentence for logs and for the response. */
      readonly message: string;
      /** The size the witness holds (with 409). */
      readonly latestSize?: number;
      /** The spec's body for 409 (`<size>\n`, Content-Type text/x.tlog.size). */
      readonly responseBody?: string;
      /**
       * True when the log's signature verified but the checkpoint is inconsistent: evidence of log
       * misbehaviour the witness may keep (the spec allows logging such requests).
       */
      readonly misbehaviour: boolean;
    };

/** Parses an add-checkpoint request body. Throws `witness-request-malformed` (answer 400). */
export function parseAddCheckpointRequest(body: string | Uint8Array): AddCheckpointRequest {
  const text = typeof body === "string" ? body : decodeUtf8Strict(body);
  if (text === null) throw badRequest("the body is not valid UTF-8");
  const oldEnd = text.indexOf("\n");
  const oldLine = oldEnd < 0 ? text : text.slice(0, oldEnd);
  const oldSize = oldLine.startsWith("old ") ? parseDecimal(oldLine.slice(4)) : null;
  if (oldEnd < 0 || oldSize === null) {
    throw badRequest(`the first line must be 'old <size>' with a decimal size, not '${truncate(oldLine)}'`);
  }
  const proof: Buffer[] = [];
  let position = oldEnd + 1;
  for (;;) {
    const end = text.indexOf("\n", position);
    if (end < 0) throw badRequest("no empty line ends the consistency proof");
    const line = text.slice(position, end);
    position = end + 1;
    if (line === "") break;
    if (proof.length === MAX_PROOF_LINES) throw badRequest(`the proof has more than ${MAX_PROOF_LINES} lines`);
    const hash = decodeBase64Strict(line);
    if (hash === null || hash.length !== HASH_SIZE) {
      throw badRequest(`proof line ${proof.length + 1} is not the base64 of a ${HASH_SIZE}-byte hash`);
    }
    proof.push(hash);
  }
  const checkpointNote = text.slice(position);
  let checkpoint: Checkpoint;
  try {
    checkpoint = parseCheckpoint(parseNote(checkpointNote).text);
  } catch (error) {
    if (error instanceof LedgerError) throw badRequest(`the checkpoint is not valid: ${error.message}`);
    throw error;
  }
  return { oldSize, proof, checkpointNote, checkpoint };
}

/** The body of an add-checkpoint request, as a log sends it. */
export function formatAddCheckpointRequest(request: {
  readonly oldSize: number;
  readonly proof: readonly Uint8Array[];
  readonly checkpointNote: string;
}): string {
  if (!Number.isSafeInteger(request.oldSize) || request.oldSize < 0) {
    throw new LedgerError("invalid-argument", `The old size must be a whole number from 0, not ${request.oldSize}.`);
  }
  if (request.proof.length > MAX_PROOF_LINES) {
    throw new LedgerError("invalid-argument", `A witness accepts at most ${MAX_PROOF_LINES} proof lines.`);
  }
  const proof = request.proof.map((hash) => `${encodeBase64(hash)}\n`).join("");
  return `old ${request.oldSize}\n${proof}\n${request.checkpointNote}`;
}

/**
 * Decides an add-checkpoint request, in the order of checks of the spec. `log` is the configuration of
 * the checkpoint's origin (undefined if the witness does not know it), `state` what the witness stored
 * for it (undefined if it never cosigned one), `timestamp` the current POSIX time in seconds.
 */
export function decideAddCheckpoint(input: {
  readonly request: AddCheckpointRequest;
  readonly log: WitnessedLog | undefined;
  readonly state: WitnessLogState | undefined;
  readonly cosigners: readonly Cosigner[];
  readonly timestamp: number;
}): AddCheckpointDecision {
  const { request, log, state, cosigners, timestamp } = input;
  if (cosigners.length === 0) throw new LedgerError("invalid-argument", "A witness needs at least one cosigner key.");
  const claimed = request.checkpoint;
  if (!log || log.origin !== claimed.origin) {
    return refuse(404, "unknown-log", `This witness does not witness the log '${truncate(claimed.origin)}'.`);
  }

  let opened: OpenedNote;
  try {
    opened = openNote(request.checkpointNote, log.verifiers);
  } catch (error) {
    if (!(error instanceof LedgerError)) throw error;
    if (error.code === "note-signature-invalid") return refuse(403, "invalid-signature", error.message);
    if (error.code === "note-unverified") {
      return refuse(403, "no-trusted-signature", `The checkpoint is not signed by a key of '${log.origin}'.`);
    }
    throw badRequest(error.message);
  }
  const checkpoint = parseCheckpoint(opened.text);
  const { oldSize, proof } = request;
  const latest = state?.size ?? 0;

  if (state && checkpoint.size < state.size) {
    const message = `The checkpoint has ${checkpoint.size} leaves but this witness already cosigned ${state.size}: the log cannot roll back.`;
    return oldSize > checkpoint.size
      ? refuse(400, "rollback", message)
      : refuse(409, "rollback", message, { latestSize: latest });
  }
  if (oldSize > checkpoint.size) {
    return refuse(
      400,
      "old-size-too-large",
      `The old size ${oldSize} is larger than the checkpoint's ${checkpoint.size}.`,
    );
  }
  if (oldSize !== latest) {
    return refuse(409, "old-size-mismatch", `This witness holds size ${latest} for the log, not ${oldSize}.`, {
      latestSize: latest,
    });
  }
  if (checkpoint.size === 0 && !bytesEqual(checkpoint.root, emptyTreeRoot())) {
    return refuse(422, "empty-tree-root", "A checkpoint of size 0 must carry the root of the empty tree.", {
      misbehaviour: true,
    });
  }
  if (oldSize === 0) {
    if (proof.length > 0) {
      return refuse(422, "proof-not-empty", "From old size 0 the consistency proof must be empty.");
    }
  } else {
    const stored = state as WitnessLogState; // oldSize === latest > 0, so a state exists
    if (oldSize === checkpoint.size && !bytesEqual(stored.root, checkpoint.root)) {
      return refuse(
        422,
        "fork",
        `The log signed two different roots for size ${oldSize}: the checkpoint contradicts the one this witness cosigned.`,
        { misbehaviour: true },
      );
    }
    const verdict = verifyConsistency(oldSize, checkpoint.size, proof, stored.root, checkpoint.root);
    if (!verdict.ok) {
      return refuse(
        422,
        "inconsistent",
        `The checkpoint is not proven consistent with the cosigned size ${oldSize} (${verdict.message.replace(/\.$/, "")}): a wrong proof, or a forked log.`,
        { misbehaviour: true },
      );
    }
  }

  const cosignatureLines = cosigners.map((cosigner) => cosignatureLine(opened.text, cosigner, timestamp));
  return {
    outcome: "cosign",
    status: 200,
    state: { size: checkpoint.size, root: Buffer.from(checkpoint.root) },
    checkpoint,
    cosignatureLines,
    responseBody: cosignatureLines.map((line) => `${line}\n`).join(""),
    cosignedCheckpoint: formatNote(opened.text, [...opened.verified.map((s) => s.line), ...cosignatureLines]),
  };
}

/** The size in a 409 response body (`<size>\n`), for a log retrying its request. */
export function parseConflictBody(body: string): number {
  const size = body.endsWith("\n") ? parseDecimal(body.slice(0, -1)) : null;
  if (size === null) throw badResponse(`a 409 body is '<size>\\n', not '${truncate(body)}'`);
  return size;
}

/**
 * For a log: adds the cosignatures of a witness's 200 response to the log's signed checkpoint, keeping
 * only those by known witness keys that verify. Throws `note-unverified` if the response holds no valid
 * cosignature by a known witness, `note-signature-invalid` if one by a known key is bad.
 */
export function addCosignatures(
  signedCheckpoint: string,
  responseBody: string,
  witnessVerifiers: readonly NoteVerifier[],
): string {
  const existing = parseNote(signedCheckpoint);
  if (!responseBody.endsWith("\n")) throw badResponse("it does not end with a newline");
  const lines = responseBody.slice(0, -1).split("\n");
  for (const line of lines) {
    try {
      parseSignatureLine(line);
    } catch (error) {
      if (error instanceof LedgerError) throw badResponse(error.message);
      throw error;
    }
  }
  const opened = openNote(formatNote(existing.text, lines), witnessVerifiers);
  const have = new Set(existing.signatures.map((s) => s.line));
  const added = opened.verified.map((s) => s.line).filter((line) => !have.has(line));
  return formatNote(existing.text, [...existing.signatures.map((s) => s.line), ...added]);
}

/** The hex SHA-256 of an origin: the path segment of `GET <monitoring prefix>/<origin hash>/checkpoint`. */
export function originHash(origin: string): string {
  return sha256(Buffer.from(origin, "utf8")).toString("hex");
}

function refuse(
  status: 400 | 403 | 404 | 409 | 422,
  reason: WitnessRefusalReason,
  message: string,
  extra: { latestSize?: number; misbehaviour?: boolean } = {},
): AddCheckpointDecision {
  return {
    outcome: "refuse",
    status,
    reason,
    message,
    misbehaviour: extra.misbehaviour ?? false,
    ...(extra.latestSize === undefined ? {} : { latestSize: extra.latestSize, responseBody: `${extra.latestSize}\n` }),
  };
}

function badResponse(why: string): LedgerError {
  return new LedgerError("witness-response-malformed", `The witness response is malformed: ${why}.`);
}

function badRequest(why: string): LedgerError {
  return new LedgerError("witness-request-malformed", `The witness request is malformed: ${why}.`);
}
