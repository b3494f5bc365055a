/** `creditbank demo`: the bank with sample data on the embedded database (what `npm run demo` runs). */
import { join } from "node:path";
import type { Command } from "commander";
import { loadConfig } from "../../config.ts";
import { openBank } from "../../services/bank.ts";
import { DEMO_PASSWORD, loadDemo } from "../../services/demo-loader.ts";
import { progress } from "../common.ts";
import { runServer } from "./serve.ts";

export function demoCommand(program: Command): void {
  program
    .command("demo")
    .description("load the sample data (frameworks, providers, units, qualifications, learners) and start the server")
    .option("--no-serve", "load the sample data and exit")
    .action(async (opts: { serve: boolean }) => {
      // The demo keeps its data apart from a real bank's unless DATA_DIR says otherwise.
      const config = loadConfig({ ...process.env, DATA_DIR: process.env.DATA_DIR || join("data", "demo") });
      const bank = await openBank(config);
      console.error(`Loading the sample bank into ${bank.location} …`);
      const bar = progress("Recording achievements");
      const report = await loadDemo(bank, (done, total) => bar.update(done, total));
      bar.stop();
      const c = report.catalogue;
      console.error(
        `Catalogue: ${c.providers.created} providers, ${c.units.created} units (${c.units.approved} approved), ${c.qualifications.created} qualifications added` +
          ` (${c.providers.unchanged + c.units.unchanged + c.qualifications.unchanged} already there).`,
      );
      console.error(
        `Accounts: ${report.recording.recorded} achievements recorded, ${report.recording.unchanged} already there, ${report.recording.learnersCreated} learners opened.`,
      );
      if (report.recording.errors.length > 0) {
        console.error(
          `${report.recording.errors.length} sample records were refused; first: ${report.recording.errors[0]?.message}`,
        );
      }
      if (!opts.serve) {
        await bank.close();
        return;
      }
      const url = await runServer(bank, config);
      console.log(`\nCredit Bank demo is running at ${url}`);
      console.log(`  API docs:  ${url}/docs     OpenAPI: ${url}/openapi.json`);
      console.log(`  Try:       curl ${url}/api/v1/units?limit=5`);
      console.log(`  Verify:    ${url}/verify  (drop a credential, a badge image or a certificate PDF)`);
      console.log(`  Issuers:   ${url}/.well-known/did.json and ${url}/issuers/<provider>/did.json`);
      console.log(`\nSign in (POST ${url}/api/v1/auth/login) with password '${DEMO_PASSWORD}' as:`);
      for (const a of report.accounts) console.log(`  ${a.role.padEnd(15)} ${a.email.padEnd(50)} ${a.what}`);
      console.log("\nPress Ctrl+C to stop.");
    });
}
