/** `creditbank user add` and `creditbank client add`: accounts for people and machine clients. */
import type { Command } from "commander";
import { createApiClient, createUser } from "../../services/access.ts";
import { OPERATOR, ROLES, type Role } from "../../services/actor.ts";
import { AppError } from "../../services/errors.ts";
import { withLocalBank } from "../common.ts";

export function userAddCommand(program: Command): void {
  program
    .command("user-add")
    .description("create a sign-in for a person; the password comes from the CREDITBANK_PASSWORD environment variable")
    .argument("<email>", "the user's e-mail address (their user name)")
    .requiredOption("--role <role>", `one of ${ROLES.join(", ")}`)
    .option("--name <name>", "display name")
    .option("--provider <id>", "the provider a provider admin belongs to")
    .option("--learner <id>", "the learner account a learner signs in to")
    .action(async (email: string, opts: { role: string; name?: string; provider?: string; learner?: string }) => {
      const password = process.env.CREDITBANK_PASSWORD;
      if (!password)
        throw new AppError(
          "password-required",
          "Set CREDITBANK_PASSWORD to the new user's password (it is not taken on the command line, where other users could see it).",
        );
      await withLocalBank(async (bank) => {
        const user = await createUser(bank.db, OPERATOR, {
          email,
          password,
          displayName: opts.name ?? email,
          role: opts.role as Role,
          providerId: opts.provider,
          learnerId: opts.learner,
        });
        console.log(`Created ${user.role} ${user.email} (${user.id}).`);
      });
    });
}

export function clientAddCommand(program: Command): void {
  program
    .command("client-add")
    .description("register a machine client (e.g. a provider's LMS) for the OAuth 2.0 client-credentials grant")
    .argument("<name>", "a name for the client")
    .option("--provider <id>", "the provider it acts for (role provider-admin)")
    .option("--registry", "make it a registry-admin client instead")
    .action(async (name: string, opts: { provider?: string; registry?: boolean }) => {
      await withLocalBank(async (bank) => {
        const client = await createApiClient(bank.db, OPERATOR, {
          name,
          role: opts.registry ? "registry-admin" : "provider-admin",
          providerId: opts.provider,
        });
        console.log(
          `client_id:     ${client.clientId}\nclient_secret: ${client.clientSecret}\n(The secret is shown only now.)`,
        );
      });
    });
}
