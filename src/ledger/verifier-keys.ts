/**
 * One entry point from a configured vkey string to a `NoteVerifier`, whatever the key's signature type:
 * a log's key (0x01, Ed25519 note signatures) or a witness's (0x04, cosignatures). Configuration files
 * and the witness's list of logs hold plain vkey strings.
 */
import { cosignatureVerifier } from "./cosignature.ts";
import {
  ed25519NoteVerifier,
  type NoteVerifier,
  parseVerifierKey,
  SIGNATURE_TYPE_COSIGNATURE_V1,
} from "./signed-note.ts";

/** A verifier for a vkey of type 0x01 or 0x04. Throws `key-invalid` for anything else. */
export function noteVerifierFromKey(vkey: string): NoteVerifier {
  const { type } = parseVerifierKey(vkey);
  return type === SIGNATURE_TYPE_COSIGNATURE_V1 ? cosignatureVerifier(vkey) : ed25519NoteVerifier(vkey);
}
