/**
 * RFC 6962 hashing against the 8-leaf reference tree of the shared standards
 * (transparency-log/rfc6962-reference-tree.json): leaf hashes, the empty root, and the root of every
 * size 0..8, computed three ways (the builder, proofs from tiles, the naive reference tree).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  emptyTreeRoot,
  HASH_SIZE,
  leafHash,
  nodeHash,
  packedLeafHashes,
  perfectTreeHash,
} from "../../src/ledger/hashes.ts";
import { treeRoot } from "../../src/ledger/proofs.ts";
import { TreeBuilder } from "../../src/ledger/tree-builder.ts";
import { MemoryTileStore, ReferenceTree, transparencyLogDir } from "./reference-tree.ts";

interface ReferenceFile {
  emptyTreeRootHex: string;
  leavesHex: string[];
  leafHashesHex: string[];
  rootsByTreeSize: Record<string, { hex: string; base64: string }>;
}

const reference = JSON.parse(
  readFileSync(join(transparencyLogDir(), "rfc6962-reference-tree.json"), "utf8"),
) as ReferenceFile;
const leaves = reference.leavesHex.map((hex) => Buffer.from(hex, "hex"));
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

describe("RFC 6962 hashing", () => {
  it("the empty tree's root is SHA-256 of nothing, and a fresh copy each time", () => {
    expect(hex(emptyTreeRoot())).toBe(reference.emptyTreeRootHex);
    const root = emptyTreeRoot();
    root[0] = 0;
    expect(hex(emptyTreeRoot())).toBe(reference.emptyTreeRootHex);
  });

  it("hashes each reference leaf with the 0x00 prefix (one by one and packed)", () => {
    expect(leaves.map((leaf) => hex(leafHash(leaf)))).toEqual(reference.leafHashesHex);
    const packed = packedLeafHashes(leaves);
    expect(packed.length).toBe(leaves.length * HASH_SIZE);
    expect(hex(packed)).toBe(reference.leafHashesHex.join(""));
  });

  it("hashes large entries in a packed batch like one by one", () => {
    const entries = [Buffer.alloc(70_000, 7), Buffer.alloc(0), Buffer.alloc(600, 1)];
    expect(packedLeafHashes(entries)).toEqual(Buffer.concat(entries.map(leafHash)));
  });

  it("a node is SHA-256(0x01 || left || right): the root of two leaves", () => {
    const [a, b] = reference.leafHashesHex.map((h) => Buffer.from(h, "hex")) as [Buffer, Buffer];
    expect(hex(nodeHash(a, b))).toBe(reference.rootsByTreeSize["2"]?.hex);
    expect(hex(perfectTreeHash(Buffer.concat([a, b]), 0, 2))).toBe(reference.rootsByTreeSize["2"]?.hex);
  });

  it("the builder's root after each append is the reference root of that size", () => {
    const builder = new TreeBuilder();
    expect(hex(builder.root)).toBe(reference.rootsByTreeSize["0"]?.hex);
    leaves.forEach((leaf, i) => {
      const result = builder.append([leafHash(leaf)]);
      expect(result.size).toBe(i + 1);
      expect(hex(result.root)).toBe(reference.rootsByTreeSize[String(i + 1)]?.hex);
      expect(Buffer.from(result.root).toString("base64")).toBe(reference.rootsByTreeSize[String(i + 1)]?.base64);
    });
  });

  it("the root read from tiles and the naive tree's root match the reference for every size", async () => {
    const store = new MemoryTileStore({ exactWidths: true });
    store.write(new TreeBuilder().append(leaves.map(leafHash)).tiles);
    const naive = new ReferenceTree(leaves.map(leafHash));
    for (let size = 0; size <= leaves.length; size++) {
      const expected = reference.rootsByTreeSize[String(size)]?.hex;
      expect(hex(await treeRoot(store, size))).toBe(expected);
      if (size > 0) expect(hex(naive.root(size))).toBe(expected);
    }
  });
});
