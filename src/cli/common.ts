/** What the CLI's commands share: remote options, opening the bank, progress bars, error output. */
import { extname } from "node:path";
import { SingleBar } from "cli-progress";
import { type Command, Option } from "commander";
import { type Config, ConfigError, loadConfig } from "../config.ts";
import { type Bank, openBank } from "../services/bank.ts";
import { DatabaseBusyError } from "../services/catalogue-reads.ts";
import { AppError } from "../services/errors.ts";
import type { Remote } from "./remote.ts";

export function remoteOptions(command: Command): Command {
  return command
    .addOption(
      new Option("--url <url>", "work through a running bank's API instead of the local database").env(
        "CREDITBANK_URL",
      ),
    )
    .addOption(new Option("--token <token>", "access or session token for --url").env("CREDITBANK_TOKEN"));
}

export function remoteOf(opts: { url?: string; token?: string }): Remote | undefined {
  return opts.url ? { url: opts.url, token: opts.token } : undefined;
}

export function formatOf(file: string, explicit?: string): string {
  return (explicit ?? extname(file).slice(1)).toLowerCase();
}

/** Opens the local bank, runs `work`, and always closes it (an embedded database is locked while open). */
export async function withLocalBank<T>(work: (bank: Bank) => Promise<T>, config: Config = loadConfig()): Promise<T> {
  const bank = await openBank(config);
  try {
    return await work(bank);
  } finally {
    await bank.close();
  }
}

/** A progress bar on a terminal; on a pipe or in CI, a line every so often instead. */
export function progress(label: string): { update(done: number, total: number): void; stop(): void } {
  if (process.stderr.isTTY) {
    const bar = new SingleBar({
      format: `${label} [{bar}] {percentage}% | {value}/{total} | {eta_formatted} left`,
      stream: process.stderr,
      hideCursor: true,
    });
    let started = false;
    return {
      update(done, total) {
        if (!started) {
          bar.start(total, 0);
          started = true;
        }
        bar.update(done);
      },
      stop: () => bar.stop(),
    };
  }
  let last = 0;
  return {
    update(done, total) {
      const now = Date.now();
      if (done === total || now - last > 2000) {
        last = now;
        console.error(`${label}: ${done}/${total}`);
      }
    },
    stop() {},
  };
}

/** Prints an error the way a person wants to read it; returns the exit code. */
export function reportError(error: unknown): number {
  if (error instanceof AppError) {
    console.error(`error [${error.code}]: ${error.message}`);
    for (const d of error.details ?? []) {
      console.error(`  at ${d.path || "(whole input)"}: ${d.message}${d.hint ? ` (hint: ${String(d.hint)})` : ""}`);
    }
    return 1;
  }
  if (error instanceof ConfigError || error instanceof DatabaseBusyError) {
    console.error(`error: ${error.message}`);
    return 2;
  }
  console.error(error);
  return 70;
}
