/**
 * Checking an inclusion proof as the API serves it (`GET /api/v1/log/credentials/{id}/proof`), with no
 * trust in the server: the checkpoint's signature with the log's verifier key, the leaf hash of the
 * record, the Merkle path to the checkpoint's root, and that the record is about the credential asked.
 */
import { openCheckpoint } from "../ledger/checkpoint.ts";
import { decodeBase64Strict } from "../ledger/encoding.ts";
import { LedgerError } from "../ledger/errors.ts";
import { leafHash } from "../ledger/hashes.ts";
import { ed25519NoteVerifier, parseVerifierKey } from "../ledger/signed-note.ts";
import { verifyInclusion } from "../ledger/verify-proofs.ts";

export interface ProofToCheck {
  record: string;
  leafIndex: number;
  treeSize: number;
  proof: readonly string[];
  checkpoint: string;
}

/** The verdict on a served inclusion proof; `credential` (urn:uuid:… or the UUID) must be what the record names. */
export function checkInclusionProof(
  view: ProofToCheck,
  verifierKey: string,
  credential?: string,
): { ok: boolean; message: string } {
  let origin: string;
  let size: number;
  let root: Uint8Array;
  try {
    origin = parseVerifierKey(verifierKey).name;
    const opened = openCheckpoint(view.checkpoint, [ed25519NoteVerifier(verifierKey)], { origin });
    size = opened.checkpoint.size;
    root = opened.checkpoint.root;
  } catch (error) {
    const reason = error instanceof LedgerError ? error.message : String(error);
    return { ok: false, message: `The checkpoint does not verify with the key given: ${reason}` };
  }
  if (size !== view.treeSize) {
    return { ok: false, message: `The proof is for a tree of ${view.treeSize} leaves, the checkpoint for ${size}.` };
  }
  const proof = view.proof.map((hash) => decodeBase64Strict(hash));
  if (proof.some((hash) => hash === null || hash.length !== 32)) {
    return { ok: false, message: "A hash of the proof is not the base64 of 32 bytes." };
  }
  const leaf = leafHash(Buffer.from(view.record, "utf8"));
  const verdict = verifyInclusion(leaf, view.leafIndex, size, proof as Buffer[], root);
  if (!verdict.ok) return { ok: false, message: `The inclusion proof does not verify: ${verdict.message}` };
  if (credential !== undefined) {
    let named: unknown;
    try {
      named = (JSON.parse(view.record) as { credential?: unknown }).credential;
    } catch {
      return { ok: false, message: "The record is not JSON." };
    }
    const wanted = credential.toLowerCase().startsWith("urn:") ? credential : `urn:uuid:${credential.toLowerCase()}`;
    if (named !== wanted && named !== credential) {
      return { ok: false, message: `The record is about ${String(named)}, not ${credential}.` };
    }
  }
  return {
    ok: true,
    message: `leaf ${view.leafIndex} is in the tree of ${size} leaves whose checkpoint ${origin} signed.`,
  };
}
