/**
 * Achievement files: CSV (one achievement per row, columns below) or JSON (an array of
 * AchievementRecord objects). Both become numbered records for `recordAchievements`; errors in a CSV
 * row name the CSV column, errors in JSON the JSON pointer.
 *
 * CSV columns (header row required, order free, unknown columns refused):
 *   record_id, provider, unit, unit_version, achieved_on, result, grade, evidence_url,
 *   email, national_id, national_id_country, student_number, given_name, family_name, birth_date
 * A row needs at least one of email, national_id (with national_id_country) or student_number (issued by
 * the row's provider).
 */
import { parse } from "csv-parse/sync";
import { invalid } from "./errors.ts";
import type { NumberedRecord } from "./recording.ts";

export const CSV_COLUMNS = [
  "record_id",
  "provider",
  "unit",
  "unit_version",
  "achieved_on",
  "result",
  "grade",
  "evidence_url",
  "email",
  "national_id",
  "national_id_country",
  "student_number",
  "given_name",
  "family_name",
  "birth_date",
] as const;

const REQUIRED = ["provider", "unit", "achieved_on"] as const;

/** Which CSV column a JSON pointer of the built record came from. */
function columnFor(row: Record<string, string>): (pointer: string) => string {
  const identifierColumns: string[] = [];
  if (row.email) identifierColumns.push("email");
  if (row.national_id) identifierColumns.push("national_id");
  if (row.student_number) identifierColumns.push("student_number");
  return (pointer) => {
    const m = /^\/learner\/identifiers\/(\d+)/.exec(pointer);
    if (m) return identifierColumns[Number(m[1])] ?? "identifiers";
    const direct: Record<string, string> = {
      "/recordId": "record_id",
      "/provider": "provider",
      "/unit": "unit",
      "/unitVersion": "unit_version",
      "/achievedOn": "achieved_on",
      "/result": "result",
      "/grade": "grade",
      "/learner/givenName": "given_name",
      "/learner/familyName": "family_name",
      "/learner/birthDate": "birth_date",
      "/learner/identifiers": "email",
    };
    if (pointer.startsWith("/evidence")) return "evidence_url";
    return direct[pointer] ?? (pointer || "row");
  };
}

function csvRowToRecord(row: Record<string, string>): unknown {
  const v = (k: string) => {
    const s = row[k]?.trim();
    return s ? s : undefined;
  };
  const identifiers: Array<Record<string, string>> = [];
  const email = v("email");
  if (email) identifiers.push({ kind: "email", value: email });
  const nationalId = v("national_id");
  if (nationalId)
    identifiers.push({
      kind: "national-id",
      value: nationalId,
      ...(v("national_id_country") ? { issuer: v("national_id_country") as string } : {}),
    });
  const studentNumber = v("student_number");
  if (studentNumber)
    identifiers.push({
      kind: "student-number",
      value: studentNumber,
      ...(v("provider") ? { issuer: v("provider") as string } : {}),
    });
  const version = v("unit_version");
  const record: Record<string, unknown> = {
    provider: v("provider"),
    unit: v("unit"),
    achievedOn: v("achieved_on"),
    learner: {
      identifiers,
      ...(v("given_name") ? { givenName: v("given_name") } : {}),
      ...(v("family_name") ? { familyName: v("family_name") } : {}),
      ...(v("birth_date") ? { birthDate: v("birth_date") } : {}),
    },
  };
  if (v("record_id")) record.recordId = v("record_id");
  // A non-number stays a string so that validation reports it against its column.
  if (version) record.unitVersion = /^\d+$/.test(version) ? Number(version) : version;
  if (v("result")) record.result = v("result");
  if (v("grade")) record.grade = v("grade");
  if (v("evidence_url")) record.evidence = [{ url: v("evidence_url") }];
  for (const [k, value] of Object.entries(record)) if (value === undefined) delete record[k];
  return record;
}

export function parseAchievementsCsv(text: string): NumberedRecord[] {
  let rows: Record<string, string>[];
  try {
    rows = parse(text, { columns: true, skip_empty_lines: true, trim: true, bom: true, relax_column_count: false });
  } catch (error) {
    throw invalid(`The CSV file cannot be read: ${(error as Error).message}`, undefined, "malformed-csv");
  }
  const header =
    rows.length > 0
      ? Object.keys(rows[0] as object)
      : (text.split(/\r?\n/, 1)[0] ?? "").split(",").map((h) => h.trim());
  const unknown = header.filter((h) => !(CSV_COLUMNS as readonly string[]).includes(h));
  const missing = REQUIRED.filter((c) => !header.includes(c));
  if (unknown.length > 0 || missing.length > 0) {
    throw invalid(
      `The CSV header is not right: ${[
        ...(missing.length > 0 ? [`missing column${missing.length > 1 ? "s" : ""} ${missing.join(", ")}`] : []),
        ...(unknown.length > 0 ? [`unknown column${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")}`] : []),
      ].join("; ")}. Expected columns: ${CSV_COLUMNS.join(", ")}.`,
      [
        ...missing.map((c) => ({ path: c, message: "column is missing" })),
        ...unknown.map((c) => ({ path: c, message: "column is unknown" })),
      ],
      "csv-header-invalid",
    );
  }
  // Data rows are numbered from 1 (the header is row 0), as a spreadsheet user counts them.
  return rows.map((row, i) => ({ row: i + 1, record: csvRowToRecord(row), fieldName: columnFor(row) }));
}

export function parseAchievementsJson(text: string): NumberedRecord[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw invalid(`The JSON file cannot be read: ${(error as Error).message}`, undefined, "malformed-json");
  }
  const list = Array.isArray(data) ? data : (data as { achievements?: unknown })?.achievements;
  if (!Array.isArray(list)) {
    throw invalid(
      "A JSON achievements file holds an array of records (or an object with an 'achievements' array).",
      undefined,
      "invalid-achievements-file",
    );
  }
  return list.map((record, i) => ({ row: i, record, fieldName: (p: string) => `/${i}${p}` }));
}

export function parseAchievementFile(text: string, format: "csv" | "json"): NumberedRecord[] {
  return format === "csv" ? parseAchievementsCsv(text) : parseAchievementsJson(text);
}
