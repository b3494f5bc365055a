/**
 * Verification of Merkle inclusion and consistency proofs, exactly the algorithms of RFC 9162 §2.1.3.2
 * and §2.1.4.2 (they hold for RFC 6962 trees too). Proofs come from outside (a log, a witness request,
 * a tlog-proof file), so failure is an expected outcome: the functions return a `Verdict` naming what
 * is wrong instead of throwing.
 *
 * Conventions (those of the transparency-dev/merkle test vectors in the shared standards): every hash is
 * 32 bytes; a leaf index must be below the tree size; a consistency proof needs 0 < size1 <= size2, and
 * for equal sizes the proof must be empty and the roots equal.
 */
import { bytesEqual } from "./encoding.ts";
import { invalid, VALID, type Verdict } from "./errors.ts";
import { HASH_SIZE, isHash, nodeHash } from "./hashes.ts";

/** Does `proof` show that `leafHash` is leaf `index` of the tree of `size` leaves whose root is `root`? */
export function verifyInclusion(
  leafHash: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): Verdict {
  if (!isHash(leafHash))
    return invalid("hash-invalid", `The leaf hash has ${leafHash.length} bytes, not ${HASH_SIZE}.`);
  if (!isHash(root)) return invalid("hash-invalid", `The root has ${root.length} bytes, not ${HASH_SIZE}.`);
  if (!isSize(size) || !isSize(index))
    return invalid("size-invalid", "The leaf index and tree size must be whole numbers.");
  if (index >= size) return invalid("index-out-of-range", `Leaf ${index} is not in a tree of ${size} leaves.`);
  const bad = badProofHash(proof);
  if (bad !== null) return bad;

  let fn = index;
  let sn = size - 1;
  let r: Uint8Array = leafHash;
  for (const p of proof) {
    if (sn === 0) return invalid("proof-invalid", `The inclusion proof is longer than a tree of ${size} leaves needs.`);
    if (isOdd(fn) || fn === sn) {
      r = nodeHash(p, r);
      // A left child on the right edge has no sibling at this level: climb until it is a right child.
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) return invalid("proof-invalid", `The inclusion proof is shorter than a tree of ${size} leaves needs.`);
  if (!bytesEqual(r, root)) return invalid("root-mismatch", "The inclusion proof does not lead to the given root.");
  return VALID;
}

/**
 * Does `proof` show that the tree of `size1` leaves with root `root1` is a prefix of the tree of
 * `size2` leaves with root `root2` (the log only appended)?
 */
export function verifyConsistency(
  size1: number,
  size2: number,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): Verdict {
  if (!isSize(size1) || !isSize(size2)) return invalid("size-invalid", "Tree sizes must be whole numbers.");
  if (size1 > size2) {
    return invalid("size-invalid", `The old tree (${size1} leaves) is larger than the new one (${size2}).`);
  }
  if (size1 === 0) {
    return invalid(
      "size-invalid",
      "The old tree is empty: the empty tree is consistent with every tree, so there is no proof to check.",
    );
  }
  if (size1 === size2) {
    // Same size: consistent means identical. Nothing is hashed, so the roots are only compared.
    if (proof.length > 0) return invalid("proof-invalid", "Trees of equal size need an empty consistency proof.");
    if (!bytesEqual(root1, root2)) {
      return invalid("root-mismatch", `The two trees of ${size1} leaves have different roots.`);
    }
    return VALID;
  }
  if (!isHash(root1)) return invalid("hash-invalid", `The old root has ${root1.length} bytes, not ${HASH_SIZE}.`);
  if (!isHash(root2)) return invalid("hash-invalid", `The new root has ${root2.length} bytes, not ${HASH_SIZE}.`);
  if (proof.length === 0) return invalid("proof-invalid", "The consistency proof is empty.");
  const bad = badProofHash(proof);
  if (bad !== null) return bad;

  // When the old tree is a complete subtree, its root is the proof's implicit first element.
  const path: readonly Uint8Array[] = isPowerOfTwo(size1) ? [root1, ...proof] : proof;
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0] as Uint8Array;
  let sr = fr;
  for (let i = 1; i < path.length; i++) {
    const c = path[i] as Uint8Array;
    if (sn === 0) return invalid("proof-invalid", "The consistency proof is longer than the tree sizes need.");
    if (isOdd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) return invalid("proof-invalid", "The consistency proof is shorter than the tree sizes need.");
  if (!bytesEqual(fr, root1)) return invalid("root-mismatch", "The consistency proof does not lead to the old root.");
  if (!bytesEqual(sr, root2)) return invalid("root-mismatch", "The consistency proof does not lead to the new root.");
  return VALID;
}

function badProofHash(proof: readonly Uint8Array[]): Verdict | null {
  const index = proof.findIndex((hash) => !isHash(hash));
  if (index < 0) return null;
  return invalid("hash-invalid", `Proof element ${index} has ${proof[index]?.length} bytes, not ${HASH_SIZE}.`);
}

// Arithmetic without JavaScript's 32-bit bitwise operators, so sizes above 2^32 work.
const isOdd = (n: number): boolean => n % 2 === 1;
const half = (n: number): number => Math.floor(n / 2);
const isSize = (n: number): boolean => Number.isSafeInteger(n) && n >= 0;

function isPowerOfTwo(n: number): boolean {
  let m = n;
  while (m > 1 && m % 2 === 0) m /= 2;
  return m === 1;
}
