/**
 * The composition root: opens the database, applies migrations, makes sure the default frameworks and
 * credit systems are in the register, and creates the first administrator when configured to.
 */
import type { Config } from "../config.ts";
import { DEFAULT_CATALOGUE } from "../domain/default-data.ts";
import { type OpenDatabase, openDatabase } from "../store/database.ts";
import { ensureUser } from "./access.ts";
import { OPERATOR } from "./actor.ts";
import { importBundle } from "./bundle-import.ts";
import { BANK_ISSUER, KeyRing, loadMasterKey } from "./issuers.ts";
import { beginLogWithWhatExists } from "./log-events.ts";
import { BulkSigning } from "./signing-pool.ts";
import { StatusSlotReserve } from "./status-slots.ts";
import { openTransparencyLog, type TransparencyLog } from "./transparency-log.ts";

export interface Bank extends OpenDatabase {
  config: Config;
  /** Issuers' DIDs, keys and signers. */
  keys: KeyRing;
  /** Worker threads that sign in bulk; started by the first bulk recording, stopped by `close`. */
  signing: BulkSigning;
  /** Status-list slots set aside ahead of recording batches. */
  slots: StatusSlotReserve;
  /** The transparency log: its keys, sequencer and witnesses (the server starts its timer). */
  log: TransparencyLog;
}

export interface OpenBankOptions {
  /** Use an in-memory embedded database (tests), ignoring DATA_DIR. */
  inMemory?: boolean;
}

export async function openBank(config: Config, options: OpenBankOptions = {}): Promise<Bank> {
  const opened = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: options.inMemory ? undefined : config.dataDir,
  });
  let keys: KeyRing;
  let log: TransparencyLog;
  try {
    const masterKey = loadMasterKey({
      ...(config.masterKey ? { masterKey: config.masterKey } : {}),
      ...(options.inMemory ? {} : { dataDir: config.dataDir }),
    });
    keys = KeyRing.fromMasterKey(config.publicUrl, masterKey);
    await keys.checkMasterKey(opened.db);
    await keys.activeKey(opened.db, BANK_ISSUER);
    log = await openTransparencyLog(opened.db, config, masterKey);
    // A bank upgraded from before the log: what it holds already becomes the log's first leaves.
    await beginLogWithWhatExists(opened.db);
    await importBundle(opened.db, { ...OPERATOR, label: "system (default data)" }, DEFAULT_CATALOGUE, "default data");
    if (config.bootstrapAdminPassword) {
      await ensureUser(opened.db, {
        email: config.bootstrapAdminEmail,
        password: config.bootstrapAdminPassword,
        displayName: "Registry administrator",
        role: "registry-admin",
      });
    }
  } catch (error) {
    await opened.close();
    throw error;
  }
  const signing = new BulkSigning();
  return {
    ...opened,
    config,
    keys,
    signing,
    slots: new StatusSlotReserve(),
    log,
    close: async () => {
      await signing.close();
      // What this process logged goes into the tree before it lets go of the database (a CLI command
      // that recorded or revoked publishes its checkpoint here); the server's timer stops.
      await log.sequencer.sequenceAll({ timeoutMs: 10_000 }).catch((error: unknown) => {
        process.emitWarning(`The transparency log could not be sequenced on close: ${(error as Error).message}`);
      });
      await log.close();
      await opened.close();
    },
  };
}
