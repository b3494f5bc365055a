/**
 * Every inclusion and consistency vector of transparency-dev/merkle (shared standards,
 * transparency-log/merkle-testdata) through the RFC 9162 verifiers: each must pass exactly when the
 * vector says it should, the happy paths and all their corrupted variants alike.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { LedgerError, orThrow } from "../../src/ledger/errors.ts";
import { verifyConsistency, verifyInclusion } from "../../src/ledger/verify-proofs.ts";
import { transparencyLogDir } from "./reference-tree.ts";

interface InclusionVector {
  leafIdx: number;
  treeSize: number;
  root: string;
  leafHash: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}

interface ConsistencyVector {
  size1: number;
  size2: number;
  root1: string;
  root2: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}

function jsonFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".json"))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

function load<T>(dir: string): { name: string; vector: T }[] {
  return jsonFiles(dir).map((file) => ({
    name: relative(dir, file),
    vector: JSON.parse(readFileSync(file, "utf8")) as T,
  }));
}

// The vectors encode hashes in base64, and "" (or a non-hash string) where a case wants a bad hash.
const bytes = (base64: string): Buffer => Buffer.from(base64, "base64");

const base = transparencyLogDir();
const inclusion = load<InclusionVector>(join(base, "merkle-testdata", "inclusion"));
const consistency = load<ConsistencyVector>(join(base, "merkle-testdata", "consistency"));

describe("transparency-dev/merkle vectors", () => {
  it("finds the whole suite (196 vectors, with both outcomes)", () => {
    expect(inclusion.length + consistency.length).toBe(196);
    for (const set of [inclusion, consistency]) {
      expect(set.some(({ vector }) => vector.wantErr)).toBe(true);
      expect(set.some(({ vector }) => !vector.wantErr)).toBe(true);
    }
  });

  it.each(inclusion)("inclusion $name", ({ vector }) => {
    const verdict = verifyInclusion(
      bytes(vector.leafHash),
      vector.leafIdx,
      vector.treeSize,
      (vector.proof ?? []).map(bytes),
      bytes(vector.root),
    );
    expect(verdict.ok, `${vector.desc}: ${verdict.ok ? "accepted" : verdict.message}`).toBe(!vector.wantErr);
    if (!verdict.ok) expect(verdict.message).toMatch(/\.$/);
  });

  it.each(consistency)("consistency $name", ({ vector }) => {
    const verdict = verifyConsistency(
      vector.size1,
      vector.size2,
      (vector.proof ?? []).map(bytes),
      bytes(vector.root1),
      bytes(vector.root2),
    );
    expect(verdict.ok, `${vector.desc}: ${verdict.ok ? "accepted" : verdict.message}`).toBe(!vector.wantErr);
  });

  it("a failed verdict names its reason and becomes a LedgerError on demand", () => {
    const wrong = verifyInclusion(Buffer.alloc(32), 0, 1, [], Buffer.alloc(32, 1));
    expect(wrong).toEqual({
      ok: false,
      code: "root-mismatch",
      message: "The inclusion proof does not lead to the given root.",
    });
    expect(() => orThrow(wrong)).toThrow(LedgerError);
    expect(() => orThrow(verifyInclusion(Buffer.alloc(32), 0, 1, [], Buffer.alloc(32)))).not.toThrow();
  });
});
