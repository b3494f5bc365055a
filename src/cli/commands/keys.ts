/**
 * `creditbank keys`: rotate an issuer's key, retire a key, or report one compromised from a moment on;
 * locally or through a bank's API with --url. `creditbank keys history ISSUER` prints the signed history.
 */
import type { Command } from "commander";
import { OPERATOR } from "../../services/actor.ts";
import { AppError } from "../../services/errors.ts";
import { remoteOf, remoteOptions, withLocalBank } from "../common.ts";
import { callApi } from "../remote.ts";

/** The issuer a key belongs to, from its verification method id (did:web:host:issuers:ID#key, or the bank). */
function issuerOfKey(keyId: string): string {
  const did = keyId.split("#")[0] ?? "";
  const m = /:issuers:([^:#]+)$/.exec(did);
  if (m?.[1]) return decodeURIComponent(m[1]);
  if (/^did:web:[^:]+$/.test(did)) return "bank";
  throw new AppError("invalid-key-id", `'${keyId}' is not a key of this bank (did:web:HOST[:issuers:ID]#KEY).`);
}

export function keysCommand(program: Command): void {
  const keys = program.command("keys").description("issuer keys: rotate, retire, report compromised, history");

  remoteOptions(
    keys
      .command("rotate")
      .description("new credentials of the issuer use a new key; what the old one signed still verifies")
      .argument("<issuer>", "provider id, or 'bank'")
      .requiredOption("--reason <text>", "why"),
  ).action(async (issuer: string, opts: { reason: string; url?: string; token?: string }) => {
    const remote = remoteOf(opts);
    const result = remote
      ? await callApi<{ activeKey: string }>(
          remote,
          "POST",
          `/api/v1/issuers/${encodeURIComponent(issuer)}/keys/rotate`,
          {
            reason: opts.reason,
          },
        )
      : await withLocalBank(async (bank) => ({
          activeKey: (await bank.keys.rotate(bank.db, OPERATOR, issuer, opts.reason)).id,
        }));
    console.log(`${issuer}: now issuing with ${result.activeKey}`);
  });

  remoteOptions(
    keys
      .command("retire")
      .description("stop issuing with a key (what it signed still verifies)")
      .argument("<key>", "the key's verification method id")
      .requiredOption("--reason <text>", "why"),
  ).action(async (key: string, opts: { reason: string; url?: string; token?: string }) => {
    const issuer = issuerOfKey(key);
    const remote = remoteOf(opts);
    if (remote) {
      await callApi(remote, "POST", `/api/v1/issuers/${encodeURIComponent(issuer)}/keys/retire`, {
        keyId: key,
        reason: opts.reason,
      });
    } else {
      await withLocalBank((bank) => bank.keys.retire(bank.db, OPERATOR, key, opts.reason, issuer));
    }
    console.log(`${key}: retired`);
  });

  remoteOptions(
    keys
      .command("compromised")
      .description("report a key compromised from a moment on: what it signed from then on stops verifying")
      .argument("<key>", "the key's verification method id")
      .requiredOption("--since <date-time>", "when the key may first have been misused (ISO 8601)")
      .requiredOption("--reason <text>", "what happened"),
  ).action(async (key: string, opts: { since: string; reason: string; url?: string; token?: string }) => {
    if (Number.isNaN(Date.parse(opts.since)))
      throw new AppError("invalid-date", `--since '${opts.since}' is not a date-time.`);
    const issuer = issuerOfKey(key);
    const remote = remoteOf(opts);
    if (remote) {
      await callApi(remote, "POST", `/api/v1/issuers/${encodeURIComponent(issuer)}/keys/compromised`, {
        keyId: key,
        since: new Date(opts.since).toISOString(),
        reason: opts.reason,
      });
    } else {
      await withLocalBank((bank) =>
        bank.keys.reportCompromised(bank.db, OPERATOR, key, opts.since, opts.reason, issuer),
      );
    }
    console.log(`${key}: compromised since ${new Date(opts.since).toISOString()}; the issuer has a new key.`);
  });

  keys
    .command("history")
    .description("print an issuer's key history (each event signed by the bank)")
    .argument("<issuer>", "provider id, or 'bank'")
    .option("--json", "print as JSON")
    .action(async (issuer: string, opts: { json?: boolean }) => {
      const events = await withLocalBank((bank) => bank.keys.keyHistory(bank.db, issuer));
      if (opts.json) console.log(JSON.stringify(events, null, 2));
      else
        for (const e of events)
          console.log(
            `${e.at}  ${e.event.padEnd(11)} ${e.keyId}${e.compromisedSince ? ` (since ${e.compromisedSince})` : ""}${e.reason ? `: ${e.reason}` : ""}`,
          );
      if (events.length === 0) console.log(`${issuer} has no keys yet.`);
    });
}
