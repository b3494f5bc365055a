/** `creditbank serve`: the HTTP server (what `npm start` runs). */
import type { Command } from "commander";
import { buildServer } from "../../api/server.ts";
import { type Config, loadConfig } from "../../config.ts";
import { type Bank, openBank } from "../../services/bank.ts";

/** Starts the server on an open bank; closes both on SIGINT or SIGTERM. Returns the address. */
export async function runServer(bank: Bank, config: Config): Promise<string> {
  const app = await buildServer(bank);
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, "shutting down");
    await app.close();
    await bank.close();
    process.exit(0);
  };
  process.once("SIGINT", () => void stop("SIGINT"));
  process.once("SIGTERM", () => void stop("SIGTERM"));
  return `http://${config.host.includes(":") ? `[${config.host}]` : config.host}:${port}`;
}

export function serveCommand(program: Command): void {
  program
    .command("serve")
    .description("start the bank's HTTP server (configuration from the environment: see docs/operations.md)")
    .action(async () => {
      const config = loadConfig();
      const bank = await openBank(config);
      const url = await runServer(bank, config);
      console.error(`Credit Bank is listening on ${url} (database: ${bank.kind}, ${bank.location})`);
      if (!config.bootstrapAdminPassword) {
        const admins = await bank.db
          .selectFrom("app_user")
          .select("id")
          .where("role", "=", "registry-admin")
          .limit(1)
          .execute();
        if (admins.length === 0) {
          console.error(
            "No administrator exists yet: set BOOTSTRAP_ADMIN_PASSWORD (and BOOTSTRAP_ADMIN_EMAIL) or run `creditbank user add`.",
          );
        }
      }
    });
}
