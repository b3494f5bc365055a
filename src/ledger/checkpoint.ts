/**
 * Checkpoints, c2sp.org/tlog-checkpoint@v1.0.0: the note text a log signs to commit to its tree.
 *
 *     <origin>\n<tree size in decimal>\n<base64 root hash>\n[<extension line>\n]*
 *
 * Parsing is strict (canonical decimal, canonical base64 of exactly 32 bytes, no empty lines) because a
 * checkpoint is compared and countersigned byte for byte: two texts that parse to the same values must
 * be the same text.
 */
import { decodeBase64Strict, encodeBase64, isNoteSafeText, parseDecimal, truncate } from "./encoding.ts";
import { LedgerError } from "./errors.ts";
import { HASH_SIZE } from "./hashes.ts";
import {
  type NoteOptions,
  type NoteSigner,
  type NoteVerifier,
  type OpenedNote,
  openNote,
  signNote,
} from "./signed-note.ts";

export interface Checkpoint {
  /** The log's identity, e.g. `bank.example/log`. */
  readonly origin: string;
  /** Number of leaves in the tree. */
  readonly size: number;
  /** RFC 6962 root hash of the tree, 32 bytes. */
  readonly root: Uint8Array;
  /** Optional opaque extension lines (not recommended by the spec: monitors cannot audit them). */
  readonly extensions: readonly string[];
}

/** The note text of a checkpoint. Throws `checkpoint-malformed` for values the format cannot carry. */
export function formatCheckpoint(checkpoint: Checkpoint): string {
  const { origin, size, root, extensions } = checkpoint;
  if (!isLine(origin)) throw malformed("the origin must be a non-empty line of text");
  if (!Number.isSafeInteger(size) || size < 0) throw malformed(`the tree size ${size} is not a whole number from 0`);
  if (!(root instanceof Uint8Array) || root.length !== HASH_SIZE)
    throw malformed(`the root hash is not ${HASH_SIZE} bytes`);
  const bad = extensions.findIndex((line) => !isLine(line));
  if (bad >= 0) throw malformed(`extension line ${bad + 1} must be a non-empty line of text`);
  return [origin, String(size), encodeBase64(root), ...extensions].map((line) => `${line}\n`).join("");
}

/** Parses the note text of a checkpoint (no signature checked). Throws `checkpoint-malformed`. */
export function parseCheckpoint(text: string): Checkpoint {
  if (!text.endsWith("\n")) throw malformed("the text does not end with a newline");
  if (!isNoteSafeText(text)) throw malformed("the text contains a control character other than newline");
  const lines = text.slice(0, -1).split("\n");
  if (lines.length < 3) throw malformed(`it has ${lines.length} line(s); a checkpoint has at least 3`);
  const [origin = "", sizeText = "", rootText = "", ...extensions] = lines;
  if (origin === "") throw malformed("the origin line is empty");
  const size = parseDecimal(sizeText);
  if (size === null) {
    throw malformed(`the tree size '${truncate(sizeText)}' is not a decimal number without leading zeros below 2^53`);
  }
  const root = decodeBase64Strict(rootText);
  if (root === null || root.length !== HASH_SIZE) {
    throw malformed(`the root hash '${truncate(rootText)}' is not the base64 of ${HASH_SIZE} bytes`);
  }
  const empty = extensions.indexOf("");
  if (empty >= 0) throw malformed(`extension line ${empty + 1} is empty`);
  return { origin, size, root, extensions };
}

/** A signed checkpoint note. */
export function signCheckpoint(checkpoint: Checkpoint, signers: readonly NoteSigner[]): string {
  return signNote(formatCheckpoint(checkpoint), signers);
}

/**
 * Verifies a signed checkpoint with the log's key(s) and parses it. Throws the note errors of `openNote`
 * (`note-malformed`, `note-unverified`, `note-signature-invalid`) or `checkpoint-malformed`. With
 * `origin`, the checkpoint must be of that log (a valid signature by the right key on another log's
 * checkpoint is still the wrong checkpoint).
 */
export function openCheckpoint(
  note: string | Uint8Array,
  verifiers: readonly NoteVerifier[],
  options: NoteOptions & { readonly origin?: string } = {},
): { checkpoint: Checkpoint; note: OpenedNote } {
  const opened = openNote(note, verifiers, options);
  const checkpoint = parseCheckpoint(opened.text);
  if (options.origin !== undefined && checkpoint.origin !== options.origin) {
    throw malformed(`its origin is '${truncate(checkpoint.origin)}', not '${truncate(options.origin)}'`);
  }
  return { checkpoint, note: opened };
}

function isLine(text: string): boolean {
  return typeof text === "string" && text !== "" && !text.includes("\n") && isNoteSafeText(text);
}

function malformed(why: string): LedgerError {
  return new LedgerError("checkpoint-malformed", `The checkpoint is malformed: ${why}.`);
}
