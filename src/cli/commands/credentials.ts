/**
 * `creditbank verify FILE` (offline by default: JSON-LD, JWT, baked PNG/SVG, PDF certificate,
 * presentation; or against a bank with --url) and `creditbank revoke CREDENTIAL` (also suspend and
 * reinstate), locally or through a bank's API.
 */
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { OPERATOR } from "../../services/actor.ts";
import { changeStatus, type StatusAction } from "../../services/credential-status.ts";
import { AppError } from "../../services/errors.ts";
import { verifyOffline } from "../../services/verification.ts";
import { remoteOf, remoteOptions, withLocalBank } from "../common.ts";
import { callApi } from "../remote.ts";

interface Check {
  id: string;
  status: "pass" | "fail" | "warning";
  message: string;
}
interface Report {
  verified: boolean;
  checks: Check[];
  credentialId?: string;
  issuer?: string;
  container?: string;
  proofFormat?: string;
  credentials?: Report[];
}

const MARK = { pass: "✓", fail: "✗", warning: "!" } as const;

function readJsonFiles(files: string[] | undefined, what: string): Array<Record<string, unknown>> {
  return (files ?? []).map((file) => {
    try {
      return JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
    } catch (error) {
      throw new AppError("file-unreadable", `Cannot read the ${what} ${file}: ${(error as Error).message}`);
    }
  });
}

function printReport(report: Report, indent = ""): void {
  const head = report.credentialId
    ? `${report.credentialId}${report.issuer ? ` from ${report.issuer}` : ""}`
    : "presentation";
  console.log(
    `${indent}${report.verified ? "VERIFIED" : "NOT VERIFIED"}: ${head}${report.proofFormat ? ` (${report.proofFormat}, ${report.container})` : ""}`,
  );
  for (const c of report.checks) console.log(`${indent}  ${MARK[c.status]} ${c.id.padEnd(9)} ${c.message}`);
  for (const inner of report.credentials ?? []) printReport(inner, `${indent}  `);
}

const allPass = (r: Report): boolean =>
  r.checks.every((c) => c.status === "pass") && (r.credentials ?? []).every(allPass);

export function verifyCommand(program: Command): void {
  program
    .command("verify")
    .description("verify a credential file offline (JSON-LD, VC-JWT, baked PNG or SVG, PDF certificate, presentation)")
    .argument("<file>", "the credential file")
    .option("--json", "print the structured report as JSON")
    .option("--did-document <file...>", "DID documents to resolve issuers with (offline)")
    .option("--status-list <file...>", "status list credentials to check revocation with (offline)")
    .option("--online", "fetch did:web documents and status lists over HTTPS when not given")
    .option("--url <url>", "verify with a running bank instead (it resolves its own issuers and status lists)")
    .action(
      async (
        file: string,
        opts: { json?: boolean; didDocument?: string[]; statusList?: string[]; online?: boolean; url?: string },
      ) => {
        let bytes: Uint8Array;
        try {
          bytes = new Uint8Array(readFileSync(file));
        } catch (error) {
          throw new AppError("file-unreadable", `Cannot read ${file}: ${(error as Error).message}`);
        }
        const report: Report = opts.url
          ? await callApi<Report>(
              { url: opts.url, token: undefined },
              "POST",
              "/api/v1/verify",
              bytes,
              "application/octet-stream",
            )
          : ((await verifyOffline(bytes, {
              didDocuments: readJsonFiles(opts.didDocument, "DID document"),
              statusLists: readJsonFiles(opts.statusList, "status list"),
              online: Boolean(opts.online),
            })) as unknown as Report);
        if (opts.json) console.log(JSON.stringify(report, null, 2));
        else printReport(report);
        // 0 only when every check passes: a warning (an unknown issuer, an unchecked status) is not a pass.
        process.exitCode = allPass(report) ? 0 : 1;
      },
    );
}

export function revokeCommand(program: Command): void {
  remoteOptions(
    program
      .command("revoke")
      .description("revoke a credential (its deposit is reversed), or suspend or reinstate it")
      .argument("<credential>", "credential id (urn:uuid:… or the UUID)")
      .requiredOption("--reason <text>", "why; recorded and shown with the credential's status")
      .option("--suspend", "suspend instead of revoking")
      .option("--reinstate", "reinstate a suspended credential")
      .option("--json", "print the resulting status as JSON"),
  ).action(
    async (
      credential: string,
      opts: { reason: string; suspend?: boolean; reinstate?: boolean; json?: boolean; url?: string; token?: string },
    ) => {
      if (opts.suspend && opts.reinstate)
        throw new AppError("conflicting-options", "Give --suspend or --reinstate, not both.");
      const action: StatusAction = opts.suspend ? "suspend" : opts.reinstate ? "reinstate" : "revoke";
      const remote = remoteOf(opts);
      const id = credential.replace(/^urn:uuid:/i, "");
      const result = remote
        ? await callApi<Awaited<ReturnType<typeof changeStatus>>>(
            remote,
            "POST",
            `/api/v1/credentials/${encodeURIComponent(id)}/${action}`,
            {
              reason: opts.reason,
            },
          )
        : await withLocalBank((bank) => changeStatus(bank, OPERATOR, credential, action, opts.reason));
      if (opts.json) console.log(JSON.stringify(result, null, 2));
      else {
        const s = result.status;
        const state = s.revoked ? "revoked" : s.suspended ? "suspended" : "valid";
        console.log(`urn:uuid:${result.credentialId}: ${result.changed ? "now" : "already"} ${state}.`);
      }
    },
  );
}
