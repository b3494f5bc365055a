/** Content hashes of domain records: SHA-256 over their RFC 8785 canonical JSON. */
import { createHash } from "node:crypto";
import canonicalize from "canonicalize";

export function contentHash(value: unknown): string {
  return createHash("sha256")
    .update(canonicalize(value) ?? "null")
    .digest("hex");
}

export function sha256Hex(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
