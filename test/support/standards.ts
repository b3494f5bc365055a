/**
 * Access to the shared standards collection (schemas, contexts, test vectors, reference facts) that
 * lives beside the project in ../shared/standards. It is not copied into the repository, so tests read
 * it in place; STANDARDS_DIR points elsewhere (e.g. in CI, where the checkout layout may differ).
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

// test/support -> repository root is two levels up; resolving from this file rather than the working
// directory keeps the helper correct whichever directory vitest is started from.
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** The standards directory; throws a message that says how to fix a missing checkout. */
export function standardsDir(): string {
  const fromEnv = process.env.STANDARDS_DIR;
  const dir = fromEnv ? resolve(fromEnv) : resolve(repoRoot, "..", "shared", "standards");
  if (!existsSync(dir)) {
    throw new Error(`Standards data not found at ${dir}: clone ../shared beside the project or set STANDARDS_DIR`);
  }
  return dir;
}

/**
 * Parses a JSON file of the collection, by path relative to the standards directory. The result is
 * `unknown` on purpose: callers check it against the shape they rely on instead of trusting a cast.
 */
export function readStandardsJson(relPath: string): unknown {
  const path = resolve(standardsDir(), relPath);
  if (!existsSync(path)) {
    throw new Error(`Standards file not found: ${path}`);
  }
  return JSON.parse(readFileSync(path, "utf8")) as unknown;
}
