/**
 * A fresh bank per test file: in-memory PGlite by default, or a new database on the PostgreSQL server
 * named by TEST_DATABASE_URL (scripts/test.mjs sets it for the second pass of `npm test`).
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { loadConfig } from "../../src/config.ts";
import { type Bank, openBank } from "../../src/services/bank.ts";

export const usingPostgres = Boolean(process.env.TEST_DATABASE_URL);

export async function testBank(env: Record<string, string> = {}): Promise<Bank & { dispose(): Promise<void> }> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) {
    const bank = await openBank(loadConfig({ ...env }), { inMemory: true });
    return { ...bank, dispose: () => bank.close() };
  }
  const name = `creditbank_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const bank = await openBank(
    loadConfig({ MASTER_KEY: randomBytes(32).toString("base64"), ...env, DATABASE_URL: url.toString() }),
  );
  return {
    ...bank,
    async dispose() {
      await bank.close();
      // Not `with (force)`: that kills connections the pool is still closing, and their termination
      // notices arrive as errors. Wait for them to go instead.
      const cleanup = new pg.Client({ connectionString: serverUrl });
      await cleanup.connect();
      try {
        for (let attempt = 0; ; attempt++) {
          try {
            await cleanup.query(`drop database if exists ${name}`);
            break;
          } catch (error) {
            const inUse = (error as { code?: string }).code === "55006";
            if (!inUse || attempt >= 50) throw error;
            await new Promise((resolve) => setTimeout(resolve, 100));
          }
        }
      } finally {
        await cleanup.end();
      }
    },
  };
}
