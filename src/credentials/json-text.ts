/**
 * JSON text for credentials that share large parts.
 *
 * Why: every credential of a unit carries the same Achievement (alignments, criteria, result descriptions:
 * most of a 3.5 KB credential), and every credential of a provider the same issuer Profile. Issuing a VC-JWT
 * stringifies each credential once, and `JSON.stringify` walks the shared parts every time: in bulk it was
 * the largest cost left on the issuing thread once signing moved to worker threads. A part registered with
 * `sharePart` is frozen (so no credential can change it under the others) and its text is made once;
 * `jsonText` writes the rest of a credential and copies the shared texts in. The result is exactly
 * `JSON.stringify(value)`'s (test/credentials/json-text.test.ts checks it on arbitrary values), so a JWT
 * signed from it is byte for byte the one `signJwt` makes.
 */

const sharedTexts = new WeakMap<object, string>();

/** Freezes a JSON value (deeply) and remembers its text; returns the same value. */
export function sharePart<T extends object>(value: T): T {
  if (sharedTexts.has(value)) return value;
  deepFreeze(value);
  sharedTexts.set(value, JSON.stringify(value));
  return value;
}

function deepFreeze(value: unknown): void {
  if (typeof value !== "object" || value === null || Object.isFrozen(value)) return;
  for (const inner of Object.values(value)) deepFreeze(inner);
  Object.freeze(value);
}

/**
 * How deep shared parts are looked for: a credential's Profile is one level down (`issuer`), its Achievement
 * two (`credentialSubject.achievement`). Below that `JSON.stringify` writes everything itself, which is much
 * faster than walking it here: a credential with no shared parts costs what `JSON.stringify` costs.
 */
const SHARED_PART_DEPTH = 2;

/** `JSON.stringify(value)`, reusing the text of parts registered with `sharePart`. */
export function jsonText(value: unknown): string {
  return write(value, 0) as string;
}

function write(value: unknown, depth: number): string | undefined {
  if (typeof value !== "object" || value === null) return JSON.stringify(value);
  const shared = sharedTexts.get(value);
  if (shared !== undefined) return shared;
  if (depth >= SHARED_PART_DEPTH) return JSON.stringify(value);
  // Anything with its own toJSON (a Date, say) is left to JSON.stringify, which knows its rules.
  if (typeof (value as { toJSON?: unknown }).toJSON === "function") return JSON.stringify(value);
  if (Array.isArray(value)) {
    let out = "[";
    for (let i = 0; i < value.length; i++) out += `${i === 0 ? "" : ","}${write(value[i], depth + 1) ?? "null"}`;
    return `${out}]`;
  }
  let out = "{";
  let first = true;
  for (const key of Object.keys(value)) {
    const text = write((value as Record<string, unknown>)[key], depth + 1);
    if (text === undefined) continue; // undefined, functions and symbols are left out, as JSON.stringify does
    out += `${first ? "" : ","}${JSON.stringify(key)}:${text}`;
    first = false;
  }
  return `${out}}`;
}
