/**
 * Versioned migrations, applied in name order at start. Each is a module in ./migrations; the list is
 * static (not read from disk) so it works the same from source, from a bundle and in tests.
 */
import { type Kysely, type Migration, Migrator } from "kysely";
import * as foundation from "./migrations/0001-foundation.ts";
import * as credentials from "./migrations/0002-credentials.ts";
import * as oauth from "./migrations/0003-oauth.ts";
import * as transparencyLog from "./migrations/0004-transparency-log.ts";

const MIGRATIONS: Record<string, Migration> = {
  "0001-foundation": foundation,
  "0002-credentials": credentials,
  "0003-oauth": oauth,
  "0004-transparency-log": transparencyLog,
};

export class MigrationError extends Error {}

export async function migrateToLatest(db: Kysely<unknown>): Promise<string[]> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => MIGRATIONS } });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === "Error");
    throw new MigrationError(
      `Database migration ${failed?.migrationName ?? ""} failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}
