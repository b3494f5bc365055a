/**
 * The account statement: a learner's entries in order, each with its status and running balance, and
 * the balances broken down by credit system, level, learning-outcome dimension, provider and source.
 *
 * The store keeps an append-only ledger: a deposit is never edited or deleted; revoking it appends a
 * reversal that points at it with the opposite amount. Everything here is derived from that ledger, so
 * the statement can always be rebuilt and the figures always add up:
 *
 * - Every money-like figure (total, running balance, by level, by provider, by source) is a sum of line
 *   amounts, reversals included. A reversal counts under the credit system, level, provider and source
 *   of the deposit it reverses when that deposit is in the input (so a reversal written with incomplete
 *   fields cannot move credit between levels); otherwise under its own fields.
 * - Status: a reversal is always 'active'. A deposit is 'active' unless a reversal in the input points at
 *   it; then it is 'corrected' if that reversal's reason starts with "correction" (the convention the
 *   issuing service follows when it replaces a wrong record by a right one, see CORRECTION_REASON_PREFIX)
 *   and 'revoked' otherwise.
 * - `byDimension` is different in kind: it answers "how much credit backs each dimension of the
 *   template", so it counts the active deposits whose unit covers a dimension, and a deposit counts in
 *   full toward every dimension it covers. Its values therefore do not add up to the total, on purpose:
 *   splitting a unit's credit across dimensions would invent a weighting that no unit declares.
 *
 * Credit amounts have at most three decimals in practice (0.5 ECTS, 7.5 CATS, 0.25 CPD). Binary
 * floating point cannot represent most of them exactly, and a long statement would drift (0.1 + 0.2 is
 * not 0.3), so sums are kept in integer thousandths and converted back once, at the end.
 */

import { type AccountEntry, ENTRY_SOURCES, type EntrySource, type EntryStatus } from "./schema/accounts.ts";
import { DIMENSIONS, type Dimension } from "./schema/common.ts";

/** An entry as the store reads it: everything in the statement line except the derived status. */
export type StatementEntryInput = Omit<AccountEntry, "status">;

export type StatementLine = AccountEntry & {
  /** Credits held in this line's credit system after this line. */
  balance: number;
};

/**
 * Credits at one level in one credit system. Credit without a level (imported records, CPD points) is
 * one bucket with `framework`, `level` and `ordinal` null, so the buckets always add up to the total.
 */
export interface LevelBalance {
  framework: string | null;
  level: string | null;
  ordinal: number | null;
  credits: number;
  creditSystem: string;
}

export interface ProviderBalance {
  providerId: string;
  credits: number;
  creditSystem: string;
}

export interface StatementBalances {
  /** Per credit system; every system that appears in the entries is present, even at 0. */
  total: Record<string, number>;
  /** Non-zero buckets, sorted by credit system, framework, ordinal; unlevelled credit last. */
  byLevel: LevelBalance[];
  /** All three dimensions present. See the module comment: values may overlap. */
  byDimension: Record<Dimension, number>;
  /** Non-zero buckets, sorted by credit system then provider. */
  byProvider: ProviderBalance[];
  /** All three sources present. */
  bySource: Record<EntrySource, number>;
}

export interface Statement {
  entries: AccountEntry[];
  lines: StatementLine[];
  balances: StatementBalances;
}

export interface StatementOptions {
  /**
   * Restrict the statement to one credit system (entries and every balance). Recommended for
   * `byDimension` and `bySource`, which otherwise add credits of different systems together.
   */
  creditSystem?: string;
}

/** A reversal whose reason starts with this (case-insensitive) marks its deposit 'corrected', not 'revoked'. */
export const CORRECTION_REASON_PREFIX = "correction";

/** Orders entries as the statement lists them: by effective date, then by entry number (numerically). */
export function compareEntries(
  a: Pick<StatementEntryInput, "effectiveOn" | "id">,
  b: Pick<StatementEntryInput, "effectiveOn" | "id">,
): number {
  if (a.effectiveOn !== b.effectiveOn) return a.effectiveOn < b.effectiveOn ? -1 : 1;
  return compareDecimal(a.id, b.id);
}

/** The status a deposit gets from the reversal that points at it. */
export function reversedStatus(reason: string | null): EntryStatus {
  return reason?.trim().toLowerCase().startsWith(CORRECTION_REASON_PREFIX) ? "corrected" : "revoked";
}

/**
 * Builds the statement. Throws on malformed input that the store cannot produce (an id that is not a
 * decimal integer, or two entries with the same id), because a statement built from it would be wrong
 * in ways nobody would notice.
 */
export function buildStatement(entries: readonly StatementEntryInput[], opts: StatementOptions = {}): Statement {
  const byId = new Map<string, StatementEntryInput>();
  for (const e of entries) {
    if (!DECIMAL.test(e.id)) throw new Error(`Entry id '${e.id}' is not a decimal entry number.`);
    const id = canonicalDecimal(e.id);
    if (byId.has(id)) throw new Error(`Entry ${e.id} appears twice in the statement input.`);
    byId.set(id, e);
  }

  // Statuses come from every reversal, in statement order so that with several reversals of one
  // deposit (which the store should not write) the latest one decides, whatever the input order.
  const ordered = [...entries].sort(compareEntries);
  const reversedBy = new Map<string, StatementEntryInput>();
  for (const e of ordered) {
    if (e.type === "reversal" && e.reversesEntryId !== null && DECIMAL.test(e.reversesEntryId)) {
      reversedBy.set(canonicalDecimal(e.reversesEntryId), e);
    }
  }
  const statusOf = (e: StatementEntryInput): EntryStatus => {
    if (e.type !== "deposit") return "active";
    const reversal = reversedBy.get(canonicalDecimal(e.id));
    return reversal ? reversedStatus(reversal.reason) : "active";
  };
  // The entry whose classification a line's amount is counted under.
  const accountOf = (e: StatementEntryInput): StatementEntryInput => {
    if (e.type !== "reversal" || e.reversesEntryId === null || !DECIMAL.test(e.reversesEntryId)) return e;
    return byId.get(canonicalDecimal(e.reversesEntryId)) ?? e;
  };

  const selected =
    opts.creditSystem === undefined ? ordered : ordered.filter((e) => accountOf(e).creditSystem === opts.creditSystem);

  const total = new Map<string, number>();
  const byLevel = new Map<
    string,
    { framework: string | null; level: string | null; ordinal: number | null; milli: number; creditSystem: string }
  >();
  const byProvider = new Map<string, { providerId: string; milli: number; creditSystem: string }>();
  const byDimension = new Map<Dimension, number>(DIMENSIONS.map((d) => [d, 0]));
  const bySource = new Map<EntrySource, number>(ENTRY_SOURCES.map((s) => [s, 0]));

  const outEntries: AccountEntry[] = [];
  const lines: StatementLine[] = [];
  for (const e of selected) {
    const status = statusOf(e);
    const milli = toMilli(e.credits);
    const account = accountOf(e);
    const system = account.creditSystem;

    const balance = (total.get(system) ?? 0) + milli;
    total.set(system, balance);

    const levelKey = account.level
      ? JSON.stringify([system, account.level.framework, account.level.level])
      : JSON.stringify([system]);
    const levelBucket = byLevel.get(levelKey) ?? {
      framework: account.level?.framework ?? null,
      level: account.level?.level ?? null,
      ordinal: null,
      milli: 0,
      creditSystem: system,
    };
    levelBucket.milli += milli;
    if (account.level && levelBucket.ordinal === null) levelBucket.ordinal = account.levelOrdinal;
    byLevel.set(levelKey, levelBucket);

    const providerKey = JSON.stringify([system, account.providerId]);
    const providerBucket = byProvider.get(providerKey) ?? {
      providerId: account.providerId,
      milli: 0,
      creditSystem: system,
    };
    providerBucket.milli += milli;
    byProvider.set(providerKey, providerBucket);

    bySource.set(account.source, (bySource.get(account.source) ?? 0) + milli);

    if (e.type === "deposit" && status === "active") {
      // A Set, so a unit that lists a dimension twice still counts once toward it.
      for (const d of new Set(e.dimensions)) byDimension.set(d, (byDimension.get(d) ?? 0) + milli);
    }

    const entry: AccountEntry = { ...copyEntry(e), status };
    outEntries.push(entry);
    lines.push({ ...entry, balance: fromMilli(balance) });
  }

  return {
    entries: outEntries,
    lines,
    balances: {
      total: Object.fromEntries([...total].map(([system, milli]) => [system, fromMilli(milli)])),
      byLevel: [...byLevel.values()]
        .filter((b) => b.milli !== 0)
        .sort(
          (a, b) =>
            cmp(a.creditSystem, b.creditSystem) ||
            // Unlevelled last, then by framework and position in it.
            Number(a.framework === null) - Number(b.framework === null) ||
            cmp(a.framework ?? "", b.framework ?? "") ||
            (a.ordinal ?? Number.MAX_SAFE_INTEGER) - (b.ordinal ?? Number.MAX_SAFE_INTEGER) ||
            cmp(a.level ?? "", b.level ?? ""),
        )
        .map((b) => ({
          framework: b.framework,
          level: b.level,
          ordinal: b.ordinal,
          credits: fromMilli(b.milli),
          creditSystem: b.creditSystem,
        })),
      byDimension: Object.fromEntries(DIMENSIONS.map((d) => [d, fromMilli(byDimension.get(d) ?? 0)])) as Record<
        Dimension,
        number
      >,
      byProvider: [...byProvider.values()]
        .filter((b) => b.milli !== 0)
        .sort((a, b) => cmp(a.creditSystem, b.creditSystem) || cmp(a.providerId, b.providerId))
        .map((b) => ({ providerId: b.providerId, credits: fromMilli(b.milli), creditSystem: b.creditSystem })),
      bySource: Object.fromEntries(ENTRY_SOURCES.map((s) => [s, fromMilli(bySource.get(s) ?? 0)])) as Record<
        EntrySource,
        number
      >,
    },
  };
}

// ---------------------------------------------------------------------------------------------

const DECIMAL = /^[0-9]+$/;

/** Without leading zeros, so '007' and '7' are one entry number. */
function canonicalDecimal(s: string): string {
  return s.replace(/^0+(?=.)/, "");
}

/**
 * Numeric order of decimal strings of any length. Entry numbers are bigints, which can exceed 2^53,
 * so they are never converted to numbers.
 */
function compareDecimal(a: string, b: string): number {
  const x = canonicalDecimal(a);
  const y = canonicalDecimal(b);
  if (x.length !== y.length) return x.length - y.length;
  return cmp(x, y);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Credits to integer thousandths. Rounds half away from zero so that a deposit and its reversal
 * (the same amount with the opposite sign) always cancel exactly; Math.round alone would not
 * (Math.round(2.5) is 3, Math.round(-2.5) is -2).
 */
function toMilli(credits: number): number {
  if (!Number.isFinite(credits)) throw new Error(`Credit amount ${credits} is not a finite number.`);
  return Math.sign(credits) * Math.round(Math.abs(credits) * 1000);
}

/** Back to credits; `+ 0` turns a negative zero into 0, which would otherwise print as "-0". */
function fromMilli(milli: number): number {
  return milli / 1000 + 0;
}

/** A copy of the input's fields in schema order, so callers cannot mutate the input through the output. */
function copyEntry(e: StatementEntryInput): StatementEntryInput {
  return {
    id: e.id,
    learnerId: e.learnerId,
    achievementId: e.achievementId,
    type: e.type,
    source: e.source,
    effectiveOn: e.effectiveOn,
    recordedAt: e.recordedAt,
    credits: fromMilli(toMilli(e.credits)),
    creditSystem: e.creditSystem,
    level: e.level ? { framework: e.level.framework, level: e.level.level } : null,
    levelOrdinal: e.levelOrdinal,
    providerId: e.providerId,
    unit: e.unit ? { id: e.unit.id, code: e.unit.code, version: e.unit.version, title: e.unit.title } : null,
    dimensions: [...e.dimensions],
    reversesEntryId: e.reversesEntryId,
    reason: e.reason,
  };
}
