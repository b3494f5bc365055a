/** `creditbank import FILE`: catalogue bundles in JSON or YAML. */
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import YAML from "yaml";
import { OPERATOR } from "../../services/actor.ts";
import { type ImportReport, importBundle } from "../../services/bundle-import.ts";
import { AppError } from "../../services/errors.ts";
import { formatOf, remoteOf, remoteOptions, withLocalBank } from "../common.ts";
import { callApi } from "../remote.ts";

function readBundle(file: string, format: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new AppError("file-unreadable", `Cannot read ${file}: ${(error as Error).message}`);
  }
  try {
    if (format === "json") return JSON.parse(text);
    if (format === "yaml" || format === "yml") return YAML.parse(text);
  } catch (error) {
    throw new AppError(
      `malformed-${format === "json" ? "json" : "yaml"}`,
      `${file} is not valid ${format.toUpperCase()}: ${(error as Error).message}`,
    );
  }
  throw new AppError(
    "unknown-format",
    `Cannot tell the format of ${file}: use a .json, .yaml or .yml file, or --format.`,
  );
}

function summary(r: ImportReport): string {
  const line = (name: string, t: { created: number; updated: number; unchanged: number }) =>
    `  ${name.padEnd(16)} ${t.created} created, ${t.updated} updated, ${t.unchanged} unchanged`;
  return [
    line("frameworks", r.frameworks),
    line("credit systems", r.creditSystems),
    line("skill frameworks", r.skillFrameworks),
    line("providers", r.providers),
    line("accreditations", r.accreditations),
    `${line("units", r.units)}; ${r.units.approved} approved, ${r.units.submitted} submitted, ${r.units.withFindings} with findings`,
    line("qualifications", r.qualifications),
  ].join("\n");
}

export function importCommand(program: Command): void {
  remoteOptions(
    program
      .command("import")
      .description(
        "import catalogue bundles (frameworks, providers, units, qualifications) in JSON or YAML; idempotent",
      )
      .argument("<files...>", "bundle files")
      .option("--format <format>", "json or yaml (default: from the file extension)")
      .option("--json", "print the report as JSON"),
  ).action(async (files: string[], opts: { format?: string; json?: boolean; url?: string; token?: string }) => {
    const remote = remoteOf(opts);
    const run = async (importOne: (bundle: unknown, file: string) => Promise<ImportReport>) => {
      for (const file of files) {
        const bundle = readBundle(file, formatOf(file, opts.format));
        try {
          const report = await importOne(bundle, file);
          console.log(opts.json ? JSON.stringify(report, null, 2) : `${file}:\n${summary(report)}`);
        } catch (error) {
          if (error instanceof AppError) {
            throw new AppError(error.code, `${file}: ${error.message}`, error.status, error.details);
          }
          throw error;
        }
      }
    };
    if (remote) await run((bundle) => callApi<ImportReport>(remote, "POST", "/api/v1/bundles", bundle));
    else await withLocalBank((bank) => run((bundle, file) => importBundle(bank.db, OPERATOR, bundle, file)));
  });
}
