/**
 * `creditbank log`: the transparency log from the command line.
 *
 *   log verify [URL]         audit a bank's log over HTTP: signature, every tile and entry recomputed,
 *                            consistency with every checkpoint seen before (a local state file)
 *   log proof CREDENTIAL     print and check the inclusion proof of a credential's issuance
 *   log checkpoint           print the latest signed checkpoint
 *
 * `proof` and `checkpoint` work on the local database, or through a running bank with --url.
 */
import type { Command } from "commander";
import { loadConfig } from "../../config.ts";
import { AppError } from "../../services/errors.ts";
import {
  type AuditReport,
  auditLog,
  defaultStatePath,
  logPrefixOf,
  readAuditState,
  rememberAudit,
  writeAuditState,
} from "../../services/log-audit.ts";
import { checkInclusionProof } from "../../services/log-proof-check.ts";
import {
  credentialInclusionProof,
  type InclusionProofView,
  publishedCheckpoint,
} from "../../services/transparency-log.ts";
import { progress, withLocalBank } from "../common.ts";
import { callApi } from "../remote.ts";

export function logCommand(program: Command): void {
  const log = program
    .command("log")
    .description("the transparency log: verify a bank's log, print and check proofs, print the checkpoint");

  log
    .command("verify")
    .description(
      "audit a bank's log over HTTP: check the checkpoint's signature, recompute the tree from every entry and compare every tile, check consistency with every checkpoint seen before (exit 0 verified, 1 not)",
    )
    .argument("[url]", "the bank's URL (default: --url, CREDITBANK_URL, or PUBLIC_URL)")
    .option("--url <url>", "the bank's URL")
    .option(
      "--key <vkey>",
      "the log's verifier key (default: pinned in the state file, or the bank's published key on first use)",
    )
    .option("--state <file>", "where checkpoints seen and pinned keys are kept", defaultStatePath())
    .option("--concurrency <n>", "HTTP requests in flight", (v) => Number.parseInt(v, 10), 16)
    .option("--json", "print the report as JSON")
    .action(
      async (
        urlArgument: string | undefined,
        opts: { url?: string; key?: string; state: string; concurrency: number; json?: boolean },
      ) => {
        const url = urlArgument ?? opts.url ?? process.env.CREDITBANK_URL ?? loadConfig().publicUrl;
        if (!Number.isInteger(opts.concurrency) || opts.concurrency < 1 || opts.concurrency > 256) {
          throw new AppError("invalid-option", "--concurrency must be a whole number from 1 to 256.");
        }
        const state = readAuditState(opts.state);
        const known = state.logs[logPrefixOf(url)];
        const bar = opts.json ? null : progress("Verifying");
        const report = await auditLog({
          url,
          verifierKey: opts.key,
          known,
          concurrency: opts.concurrency,
          onProgress: (done, total) => bar?.update(done, total),
        });
        bar?.stop();
        if (report.ok) writeAuditState(opts.state, rememberAudit(state, report));
        if (opts.json) console.log(JSON.stringify(report, null, 2));
        else printAudit(report, opts.state);
        process.exitCode = report.ok ? 0 : 1;
      },
    );

  log
    .command("proof")
    .description("print and check the inclusion proof of a credential's issuance in the log (exit 0 verified, 1 not)")
    .argument("<credential>", "credential id (urn:uuid:… or the UUID)")
    .option("--url <url>", "ask a running bank instead of the local database")
    .option("--key <vkey>", "check the checkpoint with this verifier key (default: the one the bank names)")
    .option("--size <n>", "prove against the checkpoint of this size", (v) => Number.parseInt(v, 10))
    .option("--json", "print the proof and the verdict as JSON")
    .action(async (credential: string, opts: { url?: string; key?: string; size?: number; json?: boolean }) => {
      const id = credential.replace(/^urn:uuid:/i, "");
      const query = opts.size === undefined ? "" : `?size=${opts.size}`;
      const view: InclusionProofView = opts.url
        ? await callApi<InclusionProofView>(
            { url: opts.url, token: undefined },
            "GET",
            `/api/v1/log/credentials/${encodeURIComponent(id)}/proof${query}`,
          )
        : await withLocalBank((bank) => credentialInclusionProof(bank, id, opts.size));
      const verdict = checkInclusionProof(view, opts.key ?? view.verifierKey, credential);
      if (opts.json) console.log(JSON.stringify({ ...view, verified: verdict.ok, message: verdict.message }, null, 2));
      else {
        console.log(`${verdict.ok ? "VERIFIED" : "NOT VERIFIED"}: ${verdict.message}`);
        console.log(`  log        ${view.origin}`);
        console.log(`  key        ${opts.key ?? view.verifierKey}${opts.key ? "" : " (as the bank names it)"}`);
        console.log(`  event      ${view.eventId} (${view.kind})`);
        console.log(`  leaf       ${view.leafIndex} of ${view.treeSize}, leaf hash ${view.leafHash}`);
        console.log(`  root       ${view.rootHash}`);
        console.log(`  record     ${view.record}`);
        console.log(`  proof      ${view.proof.length} hashes`);
        for (const hash of view.proof) console.log(`             ${hash}`);
        console.log("  checkpoint");
        for (const line of view.checkpoint.trimEnd().split("\n")) console.log(`    ${line}`);
      }
      process.exitCode = verdict.ok ? 0 : 1;
    });

  log
    .command("checkpoint")
    .description("print the log's latest signed checkpoint (locally, entries waiting are sequenced first)")
    .option("--url <url>", "ask a running bank instead of the local database")
    .action(async (opts: { url?: string }) => {
      if (opts.url) {
        const response = await fetch(`${logPrefixOf(opts.url)}/checkpoint`).catch((error: unknown) => {
          throw new AppError("bank-unreachable", `Cannot reach ${opts.url}: ${(error as Error).message}`, 503);
        });
        if (!response.ok) throw new AppError(`http-${response.status}`, `The bank answered ${response.status}.`);
        process.stdout.write(await response.text());
        return;
      }
      const note = await withLocalBank(async (bank) => {
        await bank.log.sequencer.sequenceAll();
        return (await publishedCheckpoint(bank)).note;
      });
      process.stdout.write(note);
    });
}

function printAudit(report: AuditReport, statePath: string): void {
  const head = report.ok ? "VERIFIED" : "NOT VERIFIED";
  console.log(`${head}: ${report.url} (${report.origin})`);
  if (report.size > 0 || report.ok) console.log(`  checkpoint ${report.size} leaves, root ${report.root}`);
  const source = {
    given: "given with --key",
    pinned: `pinned in ${statePath}`,
    "first-use": `the bank's published key, pinned now in ${statePath} (trust on first use)`,
  }[report.keySource];
  console.log(`  key        ${report.verifierKey} (${source})`);
  if (report.ok) {
    console.log(
      `  recomputed ${report.size} leaves from ${report.bundles} entry bundles; ${report.tiles} tiles match; ${report.seconds.toFixed(1)} s`,
    );
    console.log(
      report.consistentWith.length > 0
        ? `  consistent with the ${report.consistentWith.length} checkpoint(s) seen before (sizes ${report.consistentWith.slice(-5).join(", ")}${report.consistentWith.length > 5 ? ", …" : ""})`
        : "  no earlier checkpoint of this log seen before",
    );
  } else if (report.problem) {
    console.log(`  ✗ [${report.problem.code}] ${report.problem.message}`);
  }
}
