/**
 * From compiled rules and an account to the solver's numeric problem: which entries can count at all (and
 * why the others cannot), the credits of each in the rule set's system, the blocks each may count in, and
 * the qualification-wide sets each belongs to.
 */

import {
  type CompiledBlock,
  type CompiledRules,
  eligibleBlocks,
  gradeFloorFailure,
  type PreparedEntry,
  prepareEntry,
  selects,
} from "./compile.ts";
import type { AuditEntry } from "./entries.ts";
import type { AllocationProblem } from "./solver.ts";

export const UNUSED_REASONS = [
  "not-active",
  "invalid-credits",
  "after-audit-date",
  "unknown-credit-system",
  "too-old",
  "expired",
  "repeat",
  "below-grade-floor",
  "no-matching-requirement",
  "limit-reached",
] as const;
export type UnusedReason = (typeof UNUSED_REASONS)[number];

export interface Excluded {
  entry: AuditEntry;
  reason: UnusedReason;
  /** The entry counted instead (repeat), or the reason's detail in words (grade floors). */
  detail: string | null;
}

export interface PreparedAudit {
  date: string;
  /** The entries that can count, in canonical order; their positions are the problem's entry indices. */
  usable: PreparedEntry[];
  /** Per usable entry, the blocks it may count in. */
  eligible: number[][];
  excluded: Excluded[];
  problem: AllocationProblem;
  /** Unit keys of every active deposit (counted or not): never suggested again. */
  heldKeys: Set<string>;
}

/** Entries in canonical order: by date, then by id (decimal ids numerically, before other ids). */
export function compareAuditEntries(a: AuditEntry, b: AuditEntry): number {
  if (a.effectiveOn !== b.effectiveOn) return a.effectiveOn < b.effectiveOn ? -1 : 1;
  return compareIds(a.id, b.id);
}

const DECIMAL = /^[0-9]+$/;

function compareIds(a: string, b: string): number {
  const da = DECIMAL.test(a);
  const db = DECIMAL.test(b);
  if (da !== db) return da ? -1 : 1;
  if (da) {
    const x = a.replace(/^0+(?=.)/, "");
    const y = b.replace(/^0+(?=.)/, "");
    if (x.length !== y.length) return x.length - y.length;
    return x < y ? -1 : x > y ? 1 : 0;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The date `months` months before an ISO date, the day clamped to the month's length. */
export function monthsBefore(date: string, months: number): string {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  const total = y * 12 + (m - 1) - months;
  const year = Math.floor(total / 12);
  const month = total - year * 12 + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const day = Math.min(d, last);
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

/** A memoised "earliest date counted" for a number of years before the audit date. */
export function cutoffsFor(date: string): (years: number) => string {
  const memo = new Map<number, string>();
  return (years) => {
    let cutoff = memo.get(years);
    if (cutoff === undefined) {
      cutoff = monthsBefore(date, Math.round(years * 12));
      memo.set(years, cutoff);
    }
    return cutoff;
  };
}

/** A string that sorts entries in canonical order (see compareAuditEntries). */
function sortKey(e: AuditEntry): string {
  const id = e.id;
  if (DECIMAL.test(id)) {
    const digits = id.replace(/^0+(?=.)/, "");
    return `${e.effectiveOn}\u00000${String(digits.length).padStart(4, "0")}${digits}`;
  }
  return `${e.effectiveOn}\u00001${id}`;
}

export function prepareAudit(compiled: CompiledRules, entries: readonly AuditEntry[], date: string): PreparedAudit {
  // Statements come in order; sort only when they do not.
  let inOrder = true;
  for (let i = 1; i < entries.length && inOrder; i++)
    if (compareAuditEntries(entries[i - 1] as AuditEntry, entries[i] as AuditEntry) > 0) inOrder = false;
  let sorted: readonly AuditEntry[] = entries;
  if (!inOrder) {
    const keyed = entries.map((e) => ({ e, k: sortKey(e) }));
    keyed.sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0));
    sorted = keyed.map((x) => x.e);
  }
  for (let i = 1; i < sorted.length; i++)
    if ((sorted[i] as AuditEntry).id === (sorted[i - 1] as AuditEntry).id)
      throw new RangeError(`Entry id '${(sorted[i] as AuditEntry).id}' appears twice in the audited entries.`);

  const reversed = new Set<string>();
  for (const e of sorted) if (e.type === "reversal" && e.reversesEntryId) reversed.add(e.reversesEntryId);

  const cutoffs = cutoffsFor(date);
  const excluded: Excluded[] = [];
  const heldKeys = new Set<string>();
  const candidates: PreparedEntry[] = [];
  const recency = compiled.recency;
  const oldest = recency.withinYears === null ? null : cutoffs(recency.withinYears);
  for (const entry of sorted) {
    if (entry.type === "reversal") continue;
    if ((entry.status ?? "active") !== "active" || reversed.has(entry.id)) {
      excluded.push({ entry, reason: "not-active", detail: null });
      continue;
    }
    if (entry.unit) heldKeys.add(`${entry.providerId}:${entry.unit.code}`);
    if (!(entry.credits >= 0)) {
      excluded.push({ entry, reason: "invalid-credits", detail: null });
      continue;
    }
    if (entry.effectiveOn > date) {
      excluded.push({ entry, reason: "after-audit-date", detail: null });
      continue;
    }
    if (oldest !== null && entry.effectiveOn < oldest) {
      excluded.push({ entry, reason: "too-old", detail: oldest });
      continue;
    }
    if (recency.respectValidity && entry.validUntil && entry.validUntil < date) {
      excluded.push({ entry, reason: "expired", detail: null });
      continue;
    }
    const prepared = prepareEntry(compiled, entry);
    if (!prepared) {
      excluded.push({ entry, reason: "unknown-credit-system", detail: null });
      continue;
    }
    candidates.push(prepared);
  }

  // One entry per unit: a retake or a second import of the same unit does not earn its credit twice.
  const bestOf = new Map<string, PreparedEntry>();
  for (const p of candidates) {
    const current = bestOf.get(p.key);
    if (current === undefined || betterRepresentative(p, current)) bestOf.set(p.key, p);
  }
  const usable: PreparedEntry[] = [];
  const eligible: number[][] = [];
  const scratch: number[] = [];
  const marks = new Uint8Array(compiled.blocks.length);
  for (const p of candidates) {
    const best = bestOf.get(p.key) as PreparedEntry;
    if (best !== p) {
      excluded.push({ entry: p.entry, reason: "repeat", detail: best.entry.id });
      continue;
    }
    const { selectedButFloored } = eligibleBlocks(compiled, p, cutoffs, scratch, marks);
    if (scratch.length === 0) {
      if (selectedButFloored > 0) {
        const block = compiled.blocks.find((b) => selects(compiled, b, p, cutoffs)) as CompiledBlock;
        excluded.push({ entry: p.entry, reason: "below-grade-floor", detail: gradeFloorFailure(block, p) });
      } else excluded.push({ entry: p.entry, reason: "no-matching-requirement", detail: null });
      continue;
    }
    usable.push(p);
    eligible.push([...scratch]);
  }

  return { date, usable, eligible, excluded, problem: buildProblem(compiled, usable, eligible), heldKeys };
}

function betterRepresentative(a: PreparedEntry, b: PreparedEntry): boolean {
  if (a.resultRank !== b.resultRank) return a.resultRank > b.resultRank;
  if (a.entry.effectiveOn !== b.entry.effectiveOn) return a.entry.effectiveOn > b.entry.effectiveOn;
  if (a.milli !== b.milli) return a.milli > b.milli;
  return compareAuditEntries(a.entry, b.entry) < 0;
}

/** The parts of the problem that depend on the rules alone, built once per compiled rule set. */
function staticParts(compiled: CompiledRules): Pick<AllocationProblem, "blocks" | "nodes" | "top"> {
  let parts = staticMemo.get(compiled);
  if (!parts) {
    parts = {
      blocks: compiled.blocks.map((b) => ({
        minCredits: b.minCredits,
        maxCredits: b.maxCredits,
        minCount: b.minCount,
        maxCount: b.maxCount,
        required: b.requiredKeys.length,
        exclusive: b.exclusive,
      })),
      nodes: compiled.nodes.map((n) => ({ block: n.block, children: n.children, need: n.need })),
      top: compiled.top,
    };
    staticMemo.set(compiled, parts);
  }
  return parts;
}

const staticMemo = new WeakMap<CompiledRules, Pick<AllocationProblem, "blocks" | "nodes" | "top">>();

function buildProblem(
  compiled: CompiledRules,
  usable: readonly PreparedEntry[],
  eligible: readonly number[][],
): AllocationProblem {
  const blocks = compiled.blocks;
  const caps = compiled.constraints.filter((c) => c.isCap);
  const mins = compiled.constraints.filter((c) => !c.isCap);
  const capMembers: number[][] = caps.map(() => []);
  const minMembers: number[][] = mins.map(() => []);
  const inCap: boolean[] = [];
  for (let e = 0; e < usable.length; e++) {
    const p = usable[e] as PreparedEntry;
    let any = false;
    for (let k = 0; k < caps.length; k++)
      if ((caps[k] as (typeof caps)[number]).test(p)) {
        (capMembers[k] as number[]).push(e);
        any = true;
      }
    inCap.push(any);
    for (let m = 0; m < mins.length; m++)
      if ((mins[m] as (typeof mins)[number]).test(p)) (minMembers[m] as number[]).push(e);
  }

  // The entries each block requires (minCount "all"): the usable entry of each named unit, if eligible.
  const indexOfKey = new Map(usable.map((p, e) => [p.key, e]));
  const requiredIn: number[][] = usable.map(() => []);
  for (const b of blocks)
    for (const key of b.requiredKeys) {
      const e = indexOfKey.get(key);
      if (e !== undefined && (eligible[e] as number[]).includes(b.index)) (requiredIn[e] as number[]).push(b.index);
    }

  const capped = (j: number) => {
    const b = blocks[j] as CompiledBlock;
    return b.maxCredits !== Number.POSITIVE_INFINITY || b.maxCount !== Number.POSITIVE_INFINITY;
  };
  const simple = blocks.every((b) => b.exclusive);
  const placements = usable.map((_, e) => {
    const list = eligible[e] as number[];
    if (simple) {
      // No shared blocks: one block per placement; leaving the entry out only when it can hit a maximum.
      const out: number[][] = [];
      let allCapped = true;
      for (const j of list) {
        out.push([j]);
        if (!capped(j)) allCapped = false;
      }
      if (inCap[e] || allCapped) out.push([]);
      return out;
    }
    const exclusive = list.filter((j) => (blocks[j] as CompiledBlock).exclusive);
    const shared = list.filter((j) => !(blocks[j] as CompiledBlock).exclusive);
    const sharedFree = shared.filter((j) => !capped(j));
    const sharedCapped = shared.filter(capped);
    const out: number[][] = [];
    // Leaving out the exclusive block is dominated when a free exclusive block exists (adding it only helps).
    const choices = exclusive.some((j) => !capped(j)) ? exclusive : [...exclusive, -1];
    for (const x of choices)
      for (let mask = 0; mask < 1 << sharedCapped.length; mask++) {
        const set = x >= 0 ? [x, ...sharedFree] : [...sharedFree];
        sharedCapped.forEach((j, i) => {
          if (mask & (1 << i)) set.push(j);
        });
        if (set.length > 0) out.push(set.sort((a, b) => a - b));
      }
    // Not counting the entry is dominated unless counting it can hit a maximum.
    const freePlacement = out.some((set) => set.every((j) => !capped(j)));
    if (inCap[e] || !freePlacement) out.push([]);
    return out;
  });

  const capstone = compiled.capstone;
  return {
    credits: usable.map((p) => p.milli),
    placements,
    requiredIn,
    ...staticParts(compiled),
    mins: mins.map((c, m) => ({ amount: c.amount, members: minMembers[m] as number[] })),
    caps: caps.map((c, k) => ({ amount: c.amount, members: capMembers[k] as number[] })),
    capstone: capstone
      ? {
          block: capstone.block,
          eligible: usable.map((p) => {
            if (capstone.atAwardingBody && !p.atAwardingBody) return false;
            if (capstone.minLevel) {
              const o = p.ordinals[capstone.minLevel.fw];
              if (o === null || o === undefined || o < capstone.minLevel.ordinal) return false;
            }
            return true;
          }),
          minCreditsBefore: capstone.minCreditsBefore,
          dates: usable.map((p) => Number(p.entry.effectiveOn.replaceAll("-", ""))),
        }
      : null,
  };
}
