/**
 * The log's keys: the Ed25519 key that signs the bank's checkpoints (c2sp.org/signed-note, type 0x01)
 * and the Ed25519 key this bank cosigns other banks' checkpoints with as a witness
 * (c2sp.org/tlog-cosignature, type 0x04). Both are made on first start, sealed with the bank's master
 * key (as issuers' keys are) and kept in `bank_setting`; their verifier keys are published.
 *
 * The log's origin (the first line of every checkpoint) is `<host and path of PUBLIC_URL>/log`, fixed
 * at first start: a log's identity must not change, so a later PUBLIC_URL does not rename it.
 */
import { openSecret, sealSecret } from "../credentials/keys.ts";
import { type Cosigner, cosignerVerifierKey, ed25519Cosigner } from "../ledger/cosignature.ts";
import {
  ed25519NoteSigner,
  ed25519NoteVerifier,
  formatVerifierKey,
  generateNoteKeys,
  isValidKeyName,
  type NoteSigner,
  type NoteVerifier,
  parseSignerKey,
  SIGNATURE_TYPE_COSIGNATURE_V1,
} from "../ledger/signed-note.ts";
import type { Db } from "../store/catalogue-repo.ts";
import { getSetting, putSettingOnce } from "../store/credentials-repo.ts";
import { AppError } from "./errors.ts";

const ORIGIN_SETTING = "log.origin";
const SIGNER_SETTING = "log.signer-key";
const WITNESS_SETTING = "log.witness-key";

export interface LogKeys {
  /** The log's origin, e.g. `bank.example/log`. */
  origin: string;
  /** Signs checkpoints. */
  signer: NoteSigner;
  /** Checks the log's signatures. */
  verifier: NoteVerifier;
  /** The log's verifier key (vkey), to publish: `<origin>+<key id>+<base64 key>`. */
  verifierKey: string;
  /** This bank as a witness of other logs. */
  cosigner: Cosigner;
  /** The witness key's verifier key (type 0x04), to give to the logs it witnesses. */
  witnessKey: string;
}

/** The scheme-less URL prefix of `<publicUrl>/log`, as c2sp.org/tlog-tiles recommends for an origin. */
export function originFor(publicUrl: string): string {
  const url = new URL(publicUrl);
  const origin = `${url.host}${url.pathname.replace(/\/+$/, "")}/log`;
  if (!isValidKeyName(origin)) {
    throw new AppError(
      "log-origin-invalid",
      `The log's name '${origin}' (from PUBLIC_URL) cannot name a key: it must have no spaces or '+'.`,
      500,
    );
  }
  return origin;
}

/** The witness's key name: `<host and path of PUBLIC_URL>/witness`. */
function witnessNameFor(origin: string): string {
  return `${origin.replace(/\/log$/, "")}/witness`;
}

/** Loads the log's keys, making and sealing them on first start (the first writer wins a race). */
export async function loadLogKeys(db: Db, publicUrl: string, masterKey: Buffer): Promise<LogKeys> {
  const origin =
    (await getSetting(db, ORIGIN_SETTING)) ?? (await putSettingOnce(db, ORIGIN_SETTING, originFor(publicUrl)));
  const signerKey = await sealedKey(db, SIGNER_SETTING, masterKey, () => generateNoteKeys(origin).signerKey);
  const witnessKey = await sealedKey(
    db,
    WITNESS_SETTING,
    masterKey,
    () => generateNoteKeys(witnessNameFor(origin), SIGNATURE_TYPE_COSIGNATURE_V1).signerKey,
  );
  const parsed = parseSignerKey(signerKey);
  const signer = ed25519NoteSigner(signerKey);
  const verifierKey = formatVerifierKey(parsed.name, parsed.publicKey);
  const cosigner = ed25519Cosigner(witnessKey);
  return {
    origin,
    signer,
    verifier: ed25519NoteVerifier(verifierKey),
    verifierKey,
    cosigner,
    witnessKey: cosignerVerifierKey(cosigner),
  };
}

async function sealedKey(db: Db, setting: string, masterKey: Buffer, generate: () => string): Promise<string> {
  let sealed = await getSetting(db, setting);
  if (sealed === undefined) sealed = await putSettingOnce(db, setting, sealSecret(generate(), masterKey, setting));
  return openSecret(sealed, masterKey, setting);
}
