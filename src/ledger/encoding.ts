/**
 * Byte and text encodings shared by the note, checkpoint and witness formats. All C2SP formats use the
 * standard base64 alphabet with padding (RFC 4648 §4). Node's Buffer decoder is lenient (it skips
 * invalid characters and accepts missing padding), and a lenient decoder would let two different texts
 * mean the same bytes, so every decode here is strict and canonical.
 */

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Standard base64 with padding. */
export function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}

/**
 * Decodes standard padded base64, or returns null when the text is not exactly the canonical encoding
 * of some bytes (wrong alphabet, missing padding, non-zero unused bits).
 */
export function decodeBase64Strict(text: string): Buffer | null {
  if (!BASE64.test(text)) return null;
  const bytes = Buffer.from(text, "base64");
  // Re-encoding rejects the non-zero unused bits the regular expression cannot see ("AB==" vs "AA==").
  return bytes.toString("base64") === text ? bytes : null;
}

/** A view of any Uint8Array as a Buffer, without copying. */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Byte equality (for public values: hashes, key IDs; not constant-time). */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return asBuffer(a).equals(asBuffer(b));
}

/** The canonical decimal form of a non-negative integer: digits only, no sign, no leading zeros. */
const DECIMAL = /^(?:0|[1-9][0-9]*)$/;

/**
 * Parses a canonical non-negative decimal that fits a JavaScript safe integer (2^53 - 1), or returns
 * null. Tree sizes and timestamps in the formats are uint64, but no log reaches 2^53 entries and no
 * clock 2^53 seconds, so a larger value is treated as malformed rather than silently rounded.
 */
export function parseDecimal(text: string): number | null {
  if (!DECIMAL.test(text) || text.length > 16) return null;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : null;
}

/** True when `text` is valid UTF-8 and contains no ASCII control character other than newline. */
export function isNoteSafeText(text: string): boolean {
  // Lone surrogates cannot be encoded as UTF-8; a string from a strict UTF-8 decode never has them.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters are what is being rejected
  return text.isWellFormed() && !/[\u0000-\u0009\u000b-\u001f]/.test(text);
}

/** Decodes UTF-8 strictly: invalid sequences are an error, not U+FFFD. */
export function decodeUtf8Strict(bytes: Uint8Array): string | null {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return null;
  }
}

/** Shortens a value quoted in an error message, so a hostile megabyte does not end up in a log line. */
export function truncate(text: string, max = 80): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}
