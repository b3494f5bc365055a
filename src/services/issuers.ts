/**
 * Issuers and their keys. The bank and every provider that issues credentials has a did:web under the
 * bank's public URL and Ed25519 keys as Multikey verification methods. Keys are created on first use,
 * rotated (new issuance uses the new key; what the old one signed still verifies), retired, or reported
 * compromised from a moment on (what it signed after that moment stops verifying). Every change is an
 * event in the issuer's key history, signed by the bank and chained by hash.
 *
 * Secret keys never leave the key store: the default store seals them with the master key in the
 * database; `KeyStore` is the seam for a hardware or cloud key store.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import canonicalize from "canonicalize";
import { type DidDocument, didDocument, didWeb, verificationMethodId } from "../credentials/did.ts";
import { signJwt } from "../credentials/jwt.ts";
import {
  generateKeyPair,
  localSigner,
  masterKeyFingerprint,
  newMasterKey,
  openSecret,
  parseMasterKey,
  type Signer,
  sealSecret,
} from "../credentials/keys.ts";
import type { Db } from "../store/catalogue-repo.ts";
import {
  activeKeyOf,
  type IssuerKeyRow,
  keyById,
  keyEventsOf,
  keysOf,
  lastKeyEvent,
  putSettingOnce,
} from "../store/credentials-repo.ts";
import type { Actor } from "./actor.ts";
import { assertRegistryAdmin } from "./actor.ts";
import { AppError, conflict, notFound } from "./errors.ts";
import { sha256Hex } from "./hashing.ts";

/** The bank's own issuer id (providers use their register id). */
export const BANK_ISSUER = "bank";

/** Where secret keys live. */
export interface KeyStore {
  /** Makes a new key pair for a verification method; returns its public key and what to store. */
  createKey(
    keyId: (publicKeyMultibase: string) => string,
  ): Promise<{ publicKeyMultibase: string; sealedSecret: string | null; id: string }>;
  /** A signer for a stored key. */
  signer(key: IssuerKeyRow): Promise<Signer>;
}

/** The default key store: secrets sealed with the master key, kept in the issuer_key row. */
export function sealedKeyStore(masterKey: Buffer): KeyStore {
  return {
    async createKey(keyId) {
      const pair = await generateKeyPair();
      const id = keyId(pair.publicKeyMultibase);
      return {
        id,
        publicKeyMultibase: pair.publicKeyMultibase,
        sealedSecret: sealSecret(pair.secretKeyMultibase, masterKey, id),
      };
    },
    async signer(key) {
      if (!key.sealed_secret) {
        throw new AppError(
          "key-not-in-store",
          `The secret of key ${key.id} is held outside this bank's key store.`,
          500,
        );
      }
      const secretKeyMultibase = openSecret(key.sealed_secret, masterKey, key.id);
      return localSigner(key.id, { publicKeyMultibase: key.public_key_multibase, secretKeyMultibase });
    },
  };
}

/**
 * The master key: MASTER_KEY, or DATA_DIR/master.key (created with mode 0600 on first start). Tests and
 * in-memory banks without either get a fresh random key.
 */
export function loadMasterKey(options: { masterKey?: string; dataDir?: string }): Buffer {
  if (options.masterKey) return parseMasterKey(options.masterKey);
  if (!options.dataDir) return parseMasterKey(newMasterKey());
  const file = join(options.dataDir, "master.key");
  if (!existsSync(file)) {
    mkdirSync(options.dataDir, { recursive: true });
    writeFileSync(file, `${newMasterKey()}\n`, { mode: 0o600, flag: "wx" });
  }
  return parseMasterKey(readFileSync(file, "utf8"));
}

const FINGERPRINT_SETTING = "master_key_fingerprint";

export interface KeyEventInput {
  issuerId: string;
  keyId: string;
  event: "created" | "rotated" | "retired" | "compromised";
  at: string;
  compromisedSince?: string;
  reason?: string;
}

/** Issuers' DIDs, keys and signers for one bank. */
export class KeyRing {
  private signers = new Map<string, Promise<Signer>>();

  constructor(
    readonly publicUrl: string,
    private readonly store: KeyStore,
    private readonly fingerprint: string,
  ) {}

  static fromMasterKey(publicUrl: string, masterKey: Buffer): KeyRing {
    return new KeyRing(publicUrl, sealedKeyStore(masterKey), masterKeyFingerprint(masterKey));
  }

  /** Refuses to run on a database whose keys were sealed with another master key. */
  async checkMasterKey(db: Db): Promise<void> {
    const stored = await putSettingOnce(db, FINGERPRINT_SETTING, this.fingerprint);
    if (stored !== this.fingerprint) {
      throw new AppError(
        "wrong-master-key",
        "The master key (MASTER_KEY or DATA_DIR/master.key) is not the one this bank's issuer keys were sealed with; start the bank with its own master key.",
        500,
      );
    }
  }

  didOf(issuerId: string): string {
    return issuerId === BANK_ISSUER ? didWeb(this.publicUrl) : didWeb(this.publicUrl, ["issuers", issuerId]);
  }

  /** The issuer id behind one of this bank's DIDs, or undefined for anyone else's. */
  issuerOfDid(did: string): string | undefined {
    if (did === this.didOf(BANK_ISSUER)) return BANK_ISSUER;
    const prefix = `${this.didOf(BANK_ISSUER)}:issuers:`;
    return did.startsWith(prefix) ? decodeURIComponent(did.slice(prefix.length)) : undefined;
  }

  /**
   * The issuer's active key, created (with its history event) when it has none yet. A key made under
   * another PUBLIC_URL names another DID, so it cannot sign for this one: it is rotated out, and the
   * credentials it signed still verify here under their own DID (`didDocumentOf`).
   */
  async activeKey(db: Db, issuerId: string, actorLabel = "system"): Promise<IssuerKeyRow> {
    return (await this.readyKey(db, issuerId)) ?? this.#makeActiveKey(db, issuerId, actorLabel);
  }

  /** The issuer's active key if it can sign now (it exists, under this bank's DID for it); null otherwise. Reads only. */
  async readyKey(db: Db, issuerId: string): Promise<IssuerKeyRow | null> {
    const existing = await activeKeyOf(db, issuerId);
    return existing && existing.did === this.didOf(issuerId) ? existing : null;
  }

  async #makeActiveKey(db: Db, issuerId: string, actorLabel: string): Promise<IssuerKeyRow> {
    const existing = await activeKeyOf(db, issuerId);
    if (existing && existing.did === this.didOf(issuerId)) return existing;
    if (existing) return this.replaceKey(db, existing, actorLabel, `the bank's public URL is now ${this.publicUrl}`);
    return this.createKey(db, issuerId, actorLabel, "created");
  }

  async signerFor(key: IssuerKeyRow): Promise<Signer> {
    let signer = this.signers.get(key.id);
    if (!signer) {
      signer = this.store.signer(key);
      this.signers.set(key.id, signer);
      signer.catch(() => this.signers.delete(key.id));
    }
    return signer;
  }

  private async createKey(db: Db, issuerId: string, actorLabel: string, reason: string): Promise<IssuerKeyRow> {
    const did = this.didOf(issuerId);
    const made = await this.store.createKey((pk) => verificationMethodId(did, pk));
    const at = new Date().toISOString();
    const row = await db
      .insertInto("issuer_key")
      .values({
        id: made.id,
        issuer_id: issuerId,
        did,
        public_key_multibase: made.publicKeyMultibase,
        sealed_secret: made.sealedSecret,
        status: "active",
        created_at: at,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await this.appendEvent(db, { issuerId, keyId: made.id, event: "created", at, reason }, actorLabel);
    return row;
  }

  /** New issuance uses a new key from now on; the old key stays in the DID document for verification. */
  async rotate(db: Db, actor: Actor, issuerId: string, reason: string): Promise<IssuerKeyRow> {
    assertRegistryAdminOrOwner(actor, issuerId);
    if (issuerId !== BANK_ISSUER) {
      const provider = await db.selectFrom("provider").select("id").where("id", "=", issuerId).executeTakeFirst();
      if (!provider) throw notFound("Issuer", issuerId, "unknown-issuer");
    }
    return db.transaction().execute(async (tx) => {
      const old = await activeKeyOf(tx, issuerId);
      return old ? this.replaceKey(tx, old, actor.label, reason) : this.createKey(tx, issuerId, actor.label, reason);
    });
  }

  /**
   * Takes a key out of issuing and makes its successor, in that order of events: the successor exists
   * first, so when the bank replaces its own key the 'rotated' event is signed by the new one.
   */
  private async replaceKey(db: Db, old: IssuerKeyRow, actorLabel: string, reason: string): Promise<IssuerKeyRow> {
    const at = new Date().toISOString();
    await db.updateTable("issuer_key").set({ status: "rotated", retired_at: at }).where("id", "=", old.id).execute();
    this.signers.delete(old.id);
    const successor = await this.createKey(db, old.issuer_id, actorLabel, reason);
    await this.appendEvent(db, { issuerId: old.issuer_id, keyId: old.id, event: "rotated", at, reason }, actorLabel);
    return successor;
  }

  /** Stops issuing with a key without a successor (what it signed still verifies). */
  async retire(db: Db, actor: Actor, keyId: string, reason: string, issuerId?: string): Promise<void> {
    await db.transaction().execute(async (tx) => {
      const key = await keyById(tx, keyId);
      if (!key || (issuerId !== undefined && key.issuer_id !== issuerId)) throw notFound("Key", keyId, "unknown-key");
      assertRegistryAdminOrOwner(actor, key.issuer_id);
      if (key.status === "retired" || key.status === "compromised")
        throw conflict(`Key ${keyId} is already ${key.status}.`, "key-not-active");
      await tx
        .updateTable("issuer_key")
        .set({ status: "retired", retired_at: new Date().toISOString() })
        .where("id", "=", keyId)
        .execute();
      await this.appendEvent(
        tx,
        { issuerId: key.issuer_id, keyId, event: "retired", at: new Date().toISOString(), reason },
        actor.label,
      );
    });
  }

  /**
   * Reports a key compromised from `since` on: what it signed from then on no longer verifies, what it
   * signed before still does. The issuer gets a new active key when the compromised one was active.
   */
  async reportCompromised(
    db: Db,
    actor: Actor,
    keyId: string,
    since: string,
    reason: string,
    issuerId?: string,
  ): Promise<void> {
    assertRegistryAdmin(actor, "report a key compromised");
    if (Number.isNaN(Date.parse(since))) throw new AppError("invalid-date", `'${since}' is not a date-time.`);
    await db.transaction().execute(async (tx) => {
      const key = await keyById(tx, keyId);
      if (!key || (issuerId !== undefined && key.issuer_id !== issuerId)) throw notFound("Key", keyId, "unknown-key");
      if (key.status === "compromised")
        throw conflict(`Key ${keyId} is already reported compromised.`, "key-already-compromised");
      const sinceIso = new Date(since).toISOString();
      await tx
        .updateTable("issuer_key")
        .set({ status: "compromised", compromised_since: sinceIso })
        .where("id", "=", keyId)
        .execute();
      await this.appendEvent(
        tx,
        {
          issuerId: key.issuer_id,
          keyId,
          event: "compromised",
          at: new Date().toISOString(),
          compromisedSince: sinceIso,
          reason,
        },
        actor.label,
      );
      this.signers.delete(keyId);
      if (key.status === "active")
        await this.createKey(tx, key.issuer_id, actor.label, `replaces compromised key ${keyId}`);
    });
  }

  /**
   * The issuer's DID document: every key it ever had, all but compromised ones as assertion methods, so
   * verifiers that cannot read the key history refuse everything a compromised key signed. The bank's own
   * verifier asks with `withCompromised` and applies the history's moment instead (docs/decisions/0008).
   */
  async didDocument(
    db: Db,
    issuerId: string,
    options: { withCompromised?: boolean } = {},
  ): Promise<DidDocument | null> {
    const did = this.didOf(issuerId);
    const keys = (await keysOf(db, issuerId)).filter((k) => k.did === did);
    if (keys.length === 0) return null;
    return didDocument(
      did,
      keys.map((k) => ({
        publicKeyMultibase: k.public_key_multibase,
        assertion: k.status !== "compromised" || options.withCompromised === true,
      })),
      {
        service: [
          {
            id: `${this.didOf(issuerId)}#key-history`,
            type: "KeyHistory",
            serviceEndpoint: this.keyHistoryUrl(issuerId),
          },
        ],
      },
    );
  }

  /**
   * The document of any DID this bank has held keys under, including DIDs of an earlier PUBLIC_URL, so
   * what was signed under them still verifies here; with the issuer it belongs to. Null for others.
   */
  async didDocumentOf(db: Db, did: string): Promise<{ issuerId: string; document: DidDocument } | null> {
    const current = this.issuerOfDid(did);
    if (current !== undefined) {
      const document = await this.didDocument(db, current, { withCompromised: true });
      return document ? { issuerId: current, document } : null;
    }
    const keys = await db.selectFrom("issuer_key").selectAll().where("did", "=", did).orderBy("created_at").execute();
    const first = keys[0];
    if (!first) return null;
    return {
      issuerId: first.issuer_id,
      document: didDocument(
        did,
        keys.map((k) => ({ publicKeyMultibase: k.public_key_multibase, assertion: true })),
      ),
    };
  }

  keyHistoryUrl(issuerId: string): string {
    return issuerId === BANK_ISSUER
      ? `${this.publicUrl}/key-history.json`
      : `${this.publicUrl}/issuers/${encodeURIComponent(issuerId)}/key-history.json`;
  }

  /** The signed key history, oldest first. */
  async keyHistory(db: Db, issuerId: string) {
    const events = await keyEventsOf(db, issuerId);
    return events.map((e) => ({
      event: e.event,
      keyId: e.key_id,
      at: new Date(e.at).toISOString(),
      ...(e.compromised_since ? { compromisedSince: new Date(e.compromised_since).toISOString() } : {}),
      ...(e.reason ? { reason: e.reason } : {}),
      previousHash: e.previous_hash,
      hash: e.hash,
      signature: e.signature,
    }));
  }

  private async appendEvent(db: Db, input: KeyEventInput, actorLabel: string): Promise<void> {
    const previous = await lastKeyEvent(db, input.issuerId);
    const payload = {
      issuer: this.didOf(input.issuerId),
      keyId: input.keyId,
      event: input.event,
      at: input.at,
      ...(input.compromisedSince ? { compromisedSince: input.compromisedSince } : {}),
      ...(input.reason ? { reason: input.reason } : {}),
      previousHash: previous?.hash ?? null,
    };
    const hash = sha256Hex(canonicalize(payload) as string);
    // The bank signs every issuer's history; its own first key signs its own creation.
    const bankKey =
      input.issuerId === BANK_ISSUER && input.event === "created" && !previous
        ? await keyById(db, input.keyId)
        : await this.activeKey(db, BANK_ISSUER, actorLabel);
    const signature = await signJwt(payload, await this.signerFor(bankKey as IssuerKeyRow));
    await db
      .insertInto("issuer_key_event")
      .values({
        issuer_id: input.issuerId,
        key_id: input.keyId,
        event: input.event,
        at: input.at,
        compromised_since: input.compromisedSince ?? null,
        reason: input.reason ?? null,
        actor_label: actorLabel,
        previous_hash: previous?.hash ?? null,
        hash,
        signature,
      })
      .execute();
  }

  /** Compromise facts for the verifier's key-history port. */
  async keyFacts(db: Db, keyId: string): Promise<{ compromisedSince?: string } | null> {
    const key = await keyById(db, keyId);
    if (!key) return null;
    return key.compromised_since ? { compromisedSince: new Date(key.compromised_since).toISOString() } : {};
  }
}

function assertRegistryAdminOrOwner(actor: Actor, issuerId: string): void {
  if (actor.role === "registry-admin") return;
  if (actor.role === "provider-admin" && actor.providerId === issuerId) return;
  throw new AppError("not-your-issuer", `You may not manage the keys of issuer '${issuerId}'.`, 403);
}
