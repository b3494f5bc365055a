#!/usr/bin/env node
/**
 * The `creditbank` command. Operational commands work on the local database (embedded, or the server
 * in DATABASE_URL) or, given --url, through a running bank's API with a token.
 */
import { readFileSync } from "node:fs";
import { Command } from "commander";
import { clientAddCommand, userAddCommand } from "./commands/access.ts";
import { revokeCommand, verifyCommand } from "./commands/credentials.ts";
import { demoCommand } from "./commands/demo.ts";
import { importCommand } from "./commands/import.ts";
import { keysCommand } from "./commands/keys.ts";
import { logCommand } from "./commands/log.ts";
import { recordCommand } from "./commands/record.ts";
import { serveCommand } from "./commands/serve.ts";
import { reportError } from "./common.ts";

const { version } = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
  version: string;
};

const program = new Command()
  .name("creditbank")
  .description(
    "Credit Bank: a micro-credential credit bank (register, catalogue, learner accounts, verifiable credentials).",
  )
  .version(version)
  .showHelpAfterError();

serveCommand(program);
demoCommand(program);
importCommand(program);
recordCommand(program);
userAddCommand(program);
clientAddCommand(program);
verifyCommand(program);
revokeCommand(program);
keysCommand(program);
logCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = reportError(error);
}
