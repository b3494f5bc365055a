/**
 * Which subtrees make up a Merkle proof, per RFC 9162 §2.1 (the same tree as RFC 6962), as arithmetic
 * on leaf indices: no hashes are touched here.
 *
 * Every hash in an inclusion proof, a consistency proof or a root is the Merkle Tree Hash MTH(D[start:end])
 * of a range of leaves produced by the RFC's recursive split "k = the largest power of two smaller than
 * n". Such a range is always aligned (start is a multiple of the smallest power of two >= its length), so
 * its hash is the right-fold of the complete subtrees of its binary decomposition. Complete subtrees
 * never change once their last leaf exists, which is what lets tiles (and a database) store them.
 */
import { LedgerError } from "./errors.ts";
import { assertTreeSize, powerOfTwo } from "./tiles.ts";

/** Leaves [start, end) whose Merkle Tree Hash is one element of a proof (or a root). */
export interface SubtreeRange {
  readonly start: number;
  readonly end: number;
}

/** A complete subtree: the 2^level leaves starting at leaf index * 2^level. Its hash is a stored hash. */
export interface NodeId {
  readonly level: number;
  readonly index: number;
}

/** The largest power of two strictly smaller than n (n >= 2): RFC 9162's split point k. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/**
 * The ranges of the inclusion proof of leaf `index` in a tree of `size` leaves, RFC 9162 §2.1.3.1
 * PATH(m, D[n]), from the leaf's sibling up to the root's child.
 */
export function inclusionProofRanges(index: number, size: number): SubtreeRange[] {
  assertTreeSize(size);
  if (!Number.isSafeInteger(index) || index < 0 || index >= size) {
    throw new LedgerError("index-out-of-range", `Leaf ${index} is not in a tree of ${size} leaves.`, { index, size });
  }
  const ranges: SubtreeRange[] = [];
  // Walk down from the root, noting the sibling range at each split; the proof lists them bottom-up.
  let start = 0;
  let end = size;
  while (end - start > 1) {
    const k = splitPoint(end - start);
    if (index < start + k) {
      ranges.push({ start: start + k, end });
      end = start + k;
    } else {
      ranges.push({ start, end: start + k });
      start += k;
    }
  }
  return ranges.reverse();
}

/**
 * The ranges of the consistency proof from a tree of `size1` leaves to one of `size2`, RFC 9162 §2.1.4.1
 * PROOF(m, D[n]) = SUBPROOF(m, D[n], true). Empty when the sizes are equal. `size1` must be > 0: the
 * empty tree is consistent with every tree, so no proof exists or is needed.
 */
export function consistencyProofRanges(size1: number, size2: number): SubtreeRange[] {
  assertTreeSize(size1, "old tree size");
  assertTreeSize(size2, "new tree size");
  if (size1 === 0 || size1 > size2) {
    throw new LedgerError(
      "size-invalid",
      `A consistency proof needs 0 < old size <= new size, not ${size1} and ${size2}.`,
      { size1, size2 },
    );
  }
  const ranges: SubtreeRange[] = [];
  let start = 0;
  let end = size2;
  // `haveRoot`: the old tree's root is a node of this subtree the verifier already knows (the b flag).
  let haveRoot = true;
  while (size1 - start !== end - start) {
    const k = splitPoint(end - start);
    if (size1 - start <= k) {
      ranges.push({ start: start + k, end });
      end = start + k;
    } else {
      ranges.push({ start, end: start + k });
      start += k;
      haveRoot = false;
    }
  }
  if (!haveRoot) ranges.push({ start, end });
  return ranges.reverse();
}

/**
 * The complete subtrees of an aligned range, largest (leftmost) first. MTH(range) is their right-fold:
 * node(c1, node(c2, ... node(c_{k-1}, c_k))).
 */
export function rangeNodes(range: SubtreeRange): NodeId[] {
  const nodes: NodeId[] = [];
  let position = range.start;
  while (position < range.end) {
    // The largest complete subtree that starts at `position` and fits before `end`.
    let level = 0;
    while (position % powerOfTwo(level + 1) === 0 && position + powerOfTwo(level + 1) <= range.end) level++;
    nodes.push({ level, index: position / powerOfTwo(level) });
    position += powerOfTwo(level);
  }
  return nodes;
}

/** True when the range is one RFC 9162's recursion can produce, so `rangeNodes` folds to its MTH. */
export function isAlignedRange(range: SubtreeRange): boolean {
  const length = range.end - range.start;
  if (!Number.isSafeInteger(range.start) || range.start < 0 || !Number.isSafeInteger(length) || length < 1) {
    return false;
  }
  let span = 1;
  while (span < length) span *= 2;
  return range.start % span === 0;
}
