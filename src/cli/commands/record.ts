/** `creditbank record FILE`: achievements from CSV or JSON, with a progress bar and a per-row report. */
import { readFileSync, writeFileSync } from "node:fs";
import type { Command } from "commander";
import { MAX_ROWS_PER_REQUEST } from "../../api/routes/accounts.ts";
import { parseAchievementFile } from "../../services/achievement-files.ts";
import { OPERATOR } from "../../services/actor.ts";
import { AppError } from "../../services/errors.ts";
import { type RecordingReport, recordAchievements } from "../../services/recording.ts";
import { formatOf, progress, remoteOf, remoteOptions, withLocalBank } from "../common.ts";
import { callApi } from "../remote.ts";

export function recordCommand(program: Command): void {
  remoteOptions(
    program
      .command("record")
      .alias("issue")
      .description(
        "record achievements from a CSV or JSON file and issue their credentials (idempotent: re-running a file changes nothing)",
      )
      .argument("<file>", "achievements file (.csv or .json); see docs/recording.md for the columns")
      .option("--format <format>", "csv or json (default: from the file extension)")
      .option("--proof <format>", "credential proof format: data-integrity (default) or jwt")
      .option("--batch-size <n>", "rows per transaction", (v) => Number.parseInt(v, 10), 1000)
      .option("--errors <file>", "write the per-row error report to this file (JSON)")
      .option("--json", "print the whole report as JSON"),
  ).action(
    async (
      file: string,
      opts: {
        format?: string;
        proof?: string;
        batchSize: number;
        errors?: string;
        json?: boolean;
        url?: string;
        token?: string;
      },
    ) => {
      if (opts.proof !== undefined && opts.proof !== "jwt" && opts.proof !== "data-integrity") {
        throw new AppError("unknown-proof-format", `--proof must be data-integrity or jwt, not '${opts.proof}'.`);
      }
      const proof = opts.proof as "jwt" | "data-integrity" | undefined;
      const format = formatOf(file, opts.format);
      if (format !== "csv" && format !== "json")
        throw new AppError("unknown-format", `Cannot tell the format of ${file}: use .csv or .json, or --format.`);
      let text: string;
      try {
        text = readFileSync(file, "utf8");
      } catch (error) {
        throw new AppError("file-unreadable", `Cannot read ${file}: ${(error as Error).message}`);
      }
      const records = parseAchievementFile(text, format);
      const bar = progress("Recording");
      let report: RecordingReport;
      const remote = remoteOf(opts);
      if (remote) {
        report = { rows: 0, recorded: 0, unchanged: 0, learnersCreated: 0, errors: [], results: [] };
        for (let i = 0; i < records.length; i += MAX_ROWS_PER_REQUEST) {
          const part = records.slice(i, i + MAX_ROWS_PER_REQUEST);
          const r = await callApi<RecordingReport>(
            remote,
            "POST",
            `/api/v1/achievements/bulk${proof ? `?proof=${proof}` : ""}`,
            part.map((p) => p.record),
          );
          report.rows += r.rows;
          report.recorded += r.recorded;
          report.unchanged += r.unchanged;
          report.learnersCreated += r.learnersCreated;
          // The server numbered this part from 0; give rows their numbers in the file.
          report.errors.push(
            ...r.errors.map((e) => {
              // The server numbered this part's rows from 0 and named fields by JSON pointer
              // ('/3/achievedOn'); report them as the file has them (row 4, column achieved_on).
              const source = part[e.row];
              const pointer = e.field.replace(/^\/\d+/, "");
              return {
                ...e,
                row: source?.row ?? e.row,
                field: source?.fieldName ? source.fieldName(pointer) : e.field,
              };
            }),
          );
          bar.update(Math.min(i + MAX_ROWS_PER_REQUEST, records.length), records.length);
        }
      } else {
        report = await withLocalBank((bank) =>
          recordAchievements(bank, OPERATOR, records, {
            batchSize: opts.batchSize,
            keepResults: false, // the command reports counts and errors only
            ...(proof ? { format: proof } : {}),
            onProgress: (d, t) => bar.update(d, t),
          }),
        );
      }
      bar.stop();
      if (opts.errors) writeFileSync(opts.errors, JSON.stringify(report.errors, null, 2));
      if (opts.json) {
        console.log(JSON.stringify({ ...report, results: undefined }, null, 2));
      } else {
        console.log(
          `${file}: ${report.rows} rows; ${report.recorded} recorded, ${report.unchanged} unchanged, ${report.errors.length} refused; ${report.learnersCreated} new learner accounts.`,
        );
        for (const e of report.errors.slice(0, 20))
          console.log(`  row ${e.row}, ${e.field || "row"}: ${e.message} [${e.code}]`);
        if (report.errors.length > 20)
          console.log(
            `  … and ${report.errors.length - 20} more${opts.errors ? ` (all in ${opts.errors})` : " (use --errors FILE for all)"}`,
          );
      }
      if (report.errors.length > 0) process.exitCode = 1;
    },
  );
}
