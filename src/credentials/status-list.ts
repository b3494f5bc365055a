/**
 * Bitstring Status List v1.0 (W3C): a credential's status is one bit in a long, GZIP-compressed
 * bitstring published inside a signed BitstringStatusListCredential. Bit 0 is the most significant
 * bit of the first byte (§3.2 "Bitstring Generation Algorithm"); `encodedList` is the multibase
 * base64url (`u`) form of the compressed bytes.
 */
import { gunzipSync, gzipSync } from "node:zlib";
import { VC_V2_CONTEXT } from "./document-loader.ts";
import { CredentialError } from "./errors.ts";

/** The spec's minimum list length (16 KiB of bits): small lists would let a verifier guess who is who. */
export const MIN_STATUS_LIST_BITS = 131_072;

export type StatusPurpose = "revocation" | "suspension";

export function encodeBitstring(setIndexes: Iterable<number>, length: number = MIN_STATUS_LIST_BITS): string {
  const bytes = new Uint8Array(Math.ceil(length / 8));
  for (const index of setIndexes) {
    if (!Number.isInteger(index) || index < 0 || index >= length) {
      throw new CredentialError("status-index-out-of-range", `Status index ${index} is outside the list.`);
    }
    bytes[index >> 3] = (bytes[index >> 3] as number) | (0x80 >> (index & 7));
  }
  return `u${gzipSync(bytes).toString("base64url")}`;
}

/** The decompressed bitstring; refuses lists that decompress beyond a sane size (a zip bomb). */
export function decodeBitstring(encodedList: string, maxBytes = 16 * 1024 * 1024): Uint8Array {
  if (typeof encodedList !== "string" || !encodedList.startsWith("u")) {
    throw new CredentialError("malformed-status-list", "The status list is not multibase base64url ('u…') text.");
  }
  try {
    return new Uint8Array(gunzipSync(Buffer.from(encodedList.slice(1), "base64url"), { maxOutputLength: maxBytes }));
  } catch {
    throw new CredentialError("malformed-status-list", "The status list is not a GZIP-compressed bitstring.");
  }
}

export function bitAt(bits: Uint8Array, index: number): boolean {
  if (!Number.isInteger(index) || index < 0 || index >= bits.length * 8) {
    throw new CredentialError(
      "status-index-out-of-range",
      `Status index ${index} is outside the status list of ${bits.length * 8} entries.`,
    );
  }
  return ((bits[index >> 3] as number) & (0x80 >> (index & 7))) !== 0;
}

export interface StatusEntry {
  id: string;
  type: "BitstringStatusListEntry";
  statusPurpose: StatusPurpose;
  statusListIndex: string;
  statusListCredential: string;
}

export const statusEntry = (listUrl: string, purpose: StatusPurpose, index: number): StatusEntry => ({
  id: `${listUrl}#${index}`,
  type: "BitstringStatusListEntry",
  statusPurpose: purpose,
  statusListIndex: String(index),
  statusListCredential: listUrl,
});

/** The unsigned status list credential of one list and purpose. */
export function statusListCredential(options: {
  listUrl: string;
  issuer: string;
  purpose: StatusPurpose;
  setIndexes: Iterable<number>;
  length?: number;
  validFrom: string;
}): Record<string, unknown> {
  return {
    "@context": [VC_V2_CONTEXT],
    id: options.listUrl,
    type: ["VerifiableCredential", "BitstringStatusListCredential"],
    issuer: options.issuer,
    validFrom: options.validFrom,
    credentialSubject: {
      id: `${options.listUrl}#list`,
      type: "BitstringStatusList",
      statusPurpose: options.purpose,
      encodedList: encodeBitstring(options.setIndexes, options.length),
    },
  };
}
