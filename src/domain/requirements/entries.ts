/**
 * What the audit reads from an account: the entries, and the plain account file that `creditbank audit
 * --rules RULES_FILE --account ACCOUNT_FILE` reads without a bank.
 *
 * `AuditEntry` is a statement line (domain/schema/accounts.ts AccountEntry) plus what the audit's queries
 * need and the statement does not carry: the unit version's field and skills, the achievement's result and
 * grade, its Open Badges achievement type and the date its validity ends. An AccountEntry is an
 * AuditEntry as it is; a service adds the extra facts from the unit version and the achievement.
 */
import { FormatRegistry, type Static, Type } from "@sinclair/typebox";
import { Value } from "@sinclair/typebox/value";
import { comparePointers, type Finding } from "../coherence.ts";
import {
  ENTRY_SOURCES,
  ENTRY_STATUSES,
  ENTRY_TYPES,
  type EntrySource,
  type EntryStatus,
  type EntryType,
} from "../schema/accounts.ts";
import {
  Code,
  type Dimension,
  DimensionSchema,
  IsoDate,
  LevelRef,
  literalUnion,
  Slug,
  Text,
} from "../schema/common.ts";
import { toJsonSchema } from "./schema.ts";

// TypeBox's own checker knows no formats until told; the API validates with Ajv and ajv-formats, and this
// is the same rule for calendar dates (a real day, YYYY-MM-DD), so a file is judged the same everywhere.
if (!FormatRegistry.Has("date"))
  FormatRegistry.Set("date", (value) => {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
    if (!m) return false;
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const day = new Date(Date.UTC(y, mo - 1, d));
    return day.getUTCFullYear() === y && day.getUTCMonth() === mo - 1 && day.getUTCDate() === d;
  });

export interface AuditEntry {
  /** Unique among the entries audited together. */
  id: string;
  /** Default 'deposit'. Reversals take their deposit out of the audit (as the statement does). */
  type?: EntryType;
  /** Default 'active'. Only active deposits count. */
  status?: EntryStatus;
  source: EntrySource;
  /** The date the credit was earned (YYYY-MM-DD). */
  effectiveOn: string;
  credits: number;
  creditSystem: string;
  level: { framework: string; level: string } | null;
  providerId: string;
  /** The unit; null for credit not tied to a unit (a block of recognised credit, say). */
  unit: { code: string; title?: string; version?: number } | null;
  dimensions: readonly Dimension[];
  reversesEntryId?: string | null;
  /** ISCED-F field of the unit. */
  field?: string | null;
  skills?: readonly { framework: string; code: string }[];
  /** 'passed', 'passed-with-merit' or 'passed-with-distinction'; absent means passed. */
  result?: string | null;
  grade?: string | null;
  /** Open Badges 3.0 achievement type; the bank issues units as 'MicroCredential'. */
  achievementType?: string | null;
  /** Last day of validity (the unit's validityMonths after the achievement), if it expires. */
  validUntil?: string | null;
}

/** One entry of an account file: an AuditEntry with defaults, or a statement line as the API returns it. */
export const AccountFileEntry = Type.Object(
  {
    id: Type.Optional(
      Type.String({ minLength: 1, maxLength: 64, description: "Default: the entry's position, from 1." }),
    ),
    type: Type.Optional(literalUnion(ENTRY_TYPES, "Default 'deposit'.")),
    status: Type.Optional(literalUnion(ENTRY_STATUSES, "Default 'active'.")),
    source: Type.Optional(literalUnion(ENTRY_SOURCES, "Default 'earned'.")),
    effectiveOn: IsoDate,
    credits: Type.Number({ minimum: -100_000, maximum: 100_000 }),
    creditSystem: Slug,
    level: Type.Optional(Type.Union([LevelRef, Type.Null()])),
    providerId: Slug,
    unit: Type.Optional(
      Type.Union([
        Type.Object(
          {
            code: Code,
            title: Type.Optional(Type.String({ maxLength: 300 })),
            version: Type.Optional(Type.Integer({ minimum: 1 })),
            id: Type.Optional(Type.String()),
          },
          { additionalProperties: false },
        ),
        Type.Null(),
      ]),
    ),
    dimensions: Type.Optional(Type.Array(DimensionSchema, { maxItems: 3 })),
    field: Type.Optional(Type.Union([Type.String({ pattern: "^[0-9]{2,4}$" }), Type.Null()])),
    skills: Type.Optional(
      Type.Array(
        Type.Object(
          { framework: Slug, code: Type.String({ minLength: 1, maxLength: 64 }) },
          { additionalProperties: false },
        ),
        {
          maxItems: 200,
        },
      ),
    ),
    result: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 40 }), Type.Null()])),
    grade: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 20 }), Type.Null()])),
    achievementType: Type.Optional(Type.Union([Type.String({ pattern: "^[A-Za-z][A-Za-z0-9]{0,63}$" }), Type.Null()])),
    validUntil: Type.Optional(Type.Union([IsoDate, Type.Null()])),
    reversesEntryId: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    // Statement fields the audit ignores, accepted so that a statement's entries are an account file.
    learnerId: Type.Optional(Type.String()),
    achievementId: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    recordedAt: Type.Optional(Type.String()),
    levelOrdinal: Type.Optional(Type.Union([Type.Integer(), Type.Null()])),
    reason: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    balance: Type.Optional(Type.Number()),
  },
  { additionalProperties: false },
);
export type AccountFileEntry = Static<typeof AccountFileEntry>;

export const AccountFile = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    learner: Type.Optional(Text(200)),
    entries: Type.Array(AccountFileEntry, { maxItems: 100_000 }),
  },
  { additionalProperties: false, $id: "AccountFile" },
);
export type AccountFile = Static<typeof AccountFile>;

export const AccountFileJsonSchema = toJsonSchema(
  AccountFile,
  "https://creditbank.example/schemas/account-file-v1.json",
  "Credit Bank account file for audits",
);

/** Problems of an account file, with JSON pointers: its shape, and entry ids used twice. */
export function validateAccountFile(input: unknown): Finding[] {
  const findings: Finding[] = [];
  for (const error of Value.Errors(AccountFile, input)) {
    const key = error.path.split("/").pop() ?? "";
    findings.push({
      code: error.type === 45 ? "missing-property" : error.type === 42 ? "unexpected-property" : "invalid-value",
      severity: "error",
      path: error.path,
      message: `${error.message} (at '${error.path || "/"}').`,
      hint: key
        ? `Check '${key}' against docs/requirements.md (account files).`
        : "See docs/requirements.md (account files).",
    });
  }
  if (findings.length === 0) {
    const seen = new Map<string, number>();
    (input as AccountFile).entries.forEach((entry, i) => {
      const id = entry.id ?? String(i + 1);
      const first = seen.get(id);
      if (first !== undefined)
        findings.push({
          code: "duplicate-entry-id",
          severity: "error",
          path: `/entries/${i}/id`,
          message: `Entry id '${id}' is also the id of /entries/${first}.`,
          hint: "Give every entry its own id (entries without one are numbered by position from 1).",
        });
      else seen.set(id, i);
    });
  }
  // A missing property is also reported as a missing value; keep the clearer one.
  const missing = new Set(findings.filter((f) => f.code === "missing-property").map((f) => f.path));
  const kept = findings.filter((f) => f.code === "missing-property" || !missing.has(f.path));
  const unique = new Map(kept.map((f) => [`${f.path}\u0000${f.code}`, f]));
  return [...unique.values()].sort((a, b) => comparePointers(a.path, b.path));
}

/** The entries of a valid account file as the audit reads them, defaults filled in. */
export function entriesFromAccountFile(file: AccountFile): AuditEntry[] {
  return file.entries.map((e, i) => ({
    id: e.id ?? String(i + 1),
    type: e.type ?? "deposit",
    status: e.status ?? "active",
    source: e.source ?? "earned",
    effectiveOn: e.effectiveOn,
    credits: e.credits,
    creditSystem: e.creditSystem,
    level: e.level ?? null,
    providerId: e.providerId,
    unit: e.unit ? { code: e.unit.code, title: e.unit.title, version: e.unit.version } : null,
    dimensions: e.dimensions ?? [],
    reversesEntryId: e.reversesEntryId ?? null,
    field: e.field ?? null,
    skills: e.skills ?? [],
    result: e.result ?? null,
    grade: e.grade ?? null,
    achievementType: e.achievementType ?? null,
    validUntil: e.validUntil ?? null,
  }));
}
