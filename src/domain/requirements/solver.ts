/**
 * Exact allocation of account entries to requirement blocks, on a numeric model of the problem (built by
 * problem.ts from compiled rules and an account).
 *
 * The model. Each entry has a list of *placements*: the sets of blocks it may count in at once (one
 * exclusive block, plus shared blocks; or none, meaning the entry is not counted). Blocks have minimum and
 * maximum credits and counts, and may require particular entries (the units a block names with
 * minCount "all"). Groups need k of their children. Qualification-wide minimums ("mins") need enough
 * counted credit among a set of entries; qualification-wide maximums ("caps") are hard: the counted credit
 * of a set of entries may not exceed them. A capstone needs an entry in its block earned after enough
 * other counted credit.
 *
 * The objective, lexicographic: (1) everything met, (2) the number of requirements met (blocks, groups,
 * wide minimums, capstone), (3) counted credits. Maximums never fail: they limit what counts.
 *
 * The method: branch and bound over the blocks, most constrained first (see Search.run): each minimal
 * cover of a block, or giving it up, with the capstone decided on its own. Every requirement is monotone
 * in the set of (entry, block) assignments apart from maximums, which gives:
 *  - an optimistic bound: every block gets every undecided entry it could take; groups, minimums and the
 *    capstone are evaluated on that; counted credits are bounded per maximum by exact subset sums. It is
 *    tightened by the Hall violators of two max-flow relaxations over the open exclusive blocks (credits,
 *    with maximums as shared budgets; and the entries each block needs at least): a set of blocks asking
 *    for more than every entry serving them holds loses at least as many blocks as it takes to free its
 *    shortfall;
 *  - dominance: an entry never goes uncounted when a placement touching no maximum exists; covers use
 *    uncontested entries as interchangeable top-up and try interchangeable entries once; when no binding
 *    maximum exists, the leftover entries are placed greedily at a leaf without loss (a block the branch
 *    gave up is explored, met, in a sibling branch).
 * The first descent (covers wasting least, least contested entries first) is a strong greedy answer and
 * the search stops as soon as it reaches the root bound, which is the common case. Ties are broken by the
 * fixed order of entries, blocks and placements, so equal inputs give equal allocations. A node budget
 * keeps adversarial inputs from running unbounded; when it is exhausted the best allocation found is
 * returned with `proven: false`. test/domain/requirements/exact.property.test.ts checks it against brute
 * force.
 */

export interface AllocationBlock {
  /** Credits in integer thousandths. */
  minCredits: number;
  /** Infinity when unlimited. */
  maxCredits: number;
  minCount: number;
  maxCount: number;
  /** Entries the block requires (the named units of minCount "all"), including units with no entry. */
  required: number;
  /** Whether an entry counted here may count in no other exclusive block. */
  exclusive: boolean;
}

export interface AllocationNode {
  /** The block of a leaf; -1 for a group. */
  block: number;
  children: readonly number[];
  /** Children that must be met (all: every child; any: 1; choose: N). Ignored for leaves. */
  need: number;
}

export interface CreditSet {
  /** Integer thousandths. */
  amount: number;
  members: readonly number[];
}

export interface AllocationProblem {
  /** Per entry, in integer thousandths (after conversion). */
  credits: readonly number[];
  /** Per entry: the placements, each a list of block indices, ascending. An empty list: not counted. */
  placements: readonly (readonly (readonly number[])[])[];
  /** Per entry: the blocks that require it. */
  requiredIn: readonly (readonly number[])[];
  blocks: readonly AllocationBlock[];
  /** Children before parents. */
  nodes: readonly AllocationNode[];
  /** The nodes the (implicit) root needs, all of them. */
  top: readonly number[];
  mins: readonly CreditSet[];
  caps: readonly CreditSet[];
  capstone: {
    block: number;
    /** Per entry: whether it may be the capstone (conditions other than timing). */
    eligible: readonly boolean[];
    /** Integer thousandths. */
    minCreditsBefore: number;
    /** Per entry: its date as a comparable number (e.g. 20260630). */
    dates: readonly number[];
  } | null;
}

export interface Objective {
  complete: boolean;
  satisfied: number;
  /** Integer thousandths. */
  credits: number;
}

export interface Allocation {
  /** Per entry, the index of its placement. */
  choice: number[];
  objective: Objective;
  searchNodes: number;
  /** Whether the search finished, so the allocation is optimal. */
  proven: boolean;
  /** The upper bound at the root of the search: no allocation can do better. */
  bound: Objective;
}

/** Positive when a is better. */
export function compareObjectives(a: Objective, b: Objective): number {
  if (a.complete !== b.complete) return a.complete ? 1 : -1;
  if (a.satisfied !== b.satisfied) return a.satisfied - b.satisfied;
  return a.credits - b.credits;
}

export interface Evaluation {
  objective: Objective;
  blockCredits: number[];
  blockCount: number[];
  blockMet: boolean[];
  nodeMet: boolean[];
  minHave: number[];
  minMet: boolean[];
  capUsed: number[];
  /** The entry that meets the capstone, -1 when none does; undefined without a capstone rule. */
  capstoneEntry: number | undefined;
  counted: boolean[];
}

/** The value of a complete allocation, evaluated directly from the definitions. */
export function evaluateAllocation(p: AllocationProblem, choice: readonly number[]): Evaluation {
  const nb = p.blocks.length;
  const n = p.credits.length;
  const blockCredits = new Array<number>(nb).fill(0);
  const blockCount = new Array<number>(nb).fill(0);
  const blockReq = new Array<number>(nb).fill(0);
  const counted = new Array<boolean>(n).fill(false);
  let credits = 0;
  for (let e = 0; e < n; e++) {
    const placement = p.placements[e]?.[choice[e] ?? -1];
    if (!placement || placement.length === 0) continue;
    const c = p.credits[e] as number;
    counted[e] = true;
    credits += c;
    const required = p.requiredIn[e] as readonly number[];
    for (const j of placement) {
      blockCredits[j] = (blockCredits[j] as number) + c;
      blockCount[j] = (blockCount[j] as number) + 1;
      if (required.length > 0 && required.includes(j)) blockReq[j] = (blockReq[j] as number) + 1;
    }
  }
  const blockMet: boolean[] = [];
  for (let j = 0; j < nb; j++) {
    const b = p.blocks[j] as AllocationBlock;
    blockMet.push(
      (blockCredits[j] as number) >= b.minCredits &&
        (blockCount[j] as number) >= b.minCount &&
        (blockReq[j] as number) >= b.required,
    );
  }
  const nodeMet: boolean[] = [];
  let satisfied = 0;
  for (const node of p.nodes) {
    let met: boolean;
    if (node.block >= 0) met = blockMet[node.block] === true;
    else {
      let k = 0;
      for (const child of node.children) if (nodeMet[child]) k++;
      met = k >= node.need;
    }
    nodeMet.push(met);
    if (met) satisfied++;
  }
  const minHave: number[] = [];
  const minMet: boolean[] = [];
  for (const m of p.mins) {
    const have = sumCounted(m, counted, p.credits);
    minHave.push(have);
    minMet.push(have >= m.amount);
    if (have >= m.amount) satisfied++;
  }
  const capUsed: number[] = [];
  for (const k of p.caps) capUsed.push(sumCounted(k, counted, p.credits));
  let capstoneEntry: number | undefined;
  let capstoneMet = true;
  if (p.capstone) {
    const cap = p.capstone;
    capstoneEntry = -1;
    for (let e = 0; e < n && capstoneEntry === -1; e++) {
      if (!cap.eligible[e]) continue;
      const placement = p.placements[e]?.[choice[e] ?? -1] ?? [];
      if (!placement.includes(cap.block)) continue;
      const date = cap.dates[e] ?? 0;
      let before = 0;
      for (let f = 0; f < n; f++)
        if (f !== e && counted[f] && (cap.dates[f] ?? 0) <= date) before += p.credits[f] as number;
      if (before >= cap.minCreditsBefore) capstoneEntry = e;
    }
    capstoneMet = capstoneEntry !== -1;
    if (capstoneMet) satisfied++;
  }
  let complete = capstoneMet;
  for (const t of p.top) if (!nodeMet[t]) complete = false;
  for (const met of minMet) if (!met) complete = false;
  return {
    objective: { complete, satisfied, credits },
    blockCredits,
    blockCount,
    blockMet,
    nodeMet,
    minHave,
    minMet,
    capUsed,
    capstoneEntry,
    counted,
  };
}

function sumCounted(set: CreditSet, counted: readonly boolean[], credits: readonly number[]): number {
  let sum = 0;
  for (const e of set.members) if (counted[e]) sum += credits[e] as number;
  return sum;
}

export interface SolveOptions {
  /** Search nodes before giving up on proving optimality (default 200,000). */
  maxNodes?: number;
}

export const DEFAULT_MAX_SEARCH_NODES = 200_000;

/** The best allocation: exact unless the node budget runs out (then `proven` is false). */
export function solveExact(p: AllocationProblem, options: SolveOptions = {}): Allocation {
  return new Search(p, options.maxNodes ?? DEFAULT_MAX_SEARCH_NODES).run();
}

/**
 * A naive greedy allocation, the benchmark's comparison: entries in their order, each to the first block
 * (in the rules' order) that still needs it, else to the first with room, else uncounted.
 */
export function greedyAllocation(p: AllocationProblem): Allocation {
  const s = new Search(p, 0);
  for (let e = 0; e < p.credits.length; e++) {
    const placements = p.placements[e] ?? [];
    let pick = -1;
    let fallback = -1;
    for (let pi = 0; pi < placements.length; pi++) {
      const placement = placements[pi] as readonly number[];
      if (placement.length === 0 || !s.feasible(e, placement)) continue;
      if (fallback < 0) fallback = pi;
      if (placement.some((j) => !s.met(j))) {
        pick = pi;
        break;
      }
    }
    if (pick < 0) pick = fallback >= 0 ? fallback : placements.findIndex((pl) => pl.length === 0);
    if (pick < 0) pick = 0;
    s.apply(e, pick);
  }
  const choice = [...s.choice];
  const objective = evaluateAllocation(p, choice).objective;
  return { choice, objective, searchNodes: 0, proven: false, bound: objective };
}

// ---------------------------------------------------------------------------------------------

const MINUS_INFINITY: Objective = { complete: false, satisfied: -1, credits: -1 };

interface NodeBound {
  bound: Objective | null | undefined;
}

/** A part of a Hall violator: open blocks that together ask for more than the entries serving them hold. */
interface Violator {
  blocks: number[];
  shortfall: number;
  /** Residual demand of each block (same order as blocks). */
  residuals: number[];
}

class Search {
  private readonly n: number;
  private readonly nb: number;
  private readonly nk: number;
  private readonly c: readonly number[];
  // Static, per entry.
  private readonly touch: number[][] = [];
  private readonly touchExclusive: number[][] = [];
  private readonly minsOf: number[][];
  private readonly capsOf: number[][];
  private readonly firstCap: number[] = [];
  private readonly reqTouch: number[][] = [];
  private readonly hasCounted: boolean[] = [];
  /** Per entry and placement: the exclusive block (or -1) and the signature of the rest. */
  private readonly exclOf: number[][] = [];
  private readonly sigOf: number[][] = [];
  // Static, per block.
  private readonly minC: Float64Array;
  private readonly maxC: Float64Array;
  private readonly minN: Int32Array;
  private readonly maxN: Float64Array;
  private readonly reqTotal: Int32Array;
  private readonly exclusive: Uint8Array;
  private readonly free: Uint8Array;
  private readonly essentialBlock: Uint8Array;
  /** Per block: the entries that may count there (exclusively), most credits first. */
  private servedBy: number[][] = [];
  /** Per block: undecided entries that may count there exclusively. */
  private servers: Int32Array = new Int32Array(0);
  /** Per block: the entries it requires. */
  private requiredOf: number[][] = [];
  private readonly capstoneBlock: number;
  /** Whether every requirement is monotone in the set of assignments (no maximum can bind). */
  private monotone: boolean;
  private readonly monotoneCaps: boolean;
  /** Maximums (of the qualification, of blocks) that the eligible entries together exceed. */
  private readonly bindingCap: Uint8Array;
  private readonly bindingBlock: Uint8Array;
  /** Per entry: whether a binding maximum touches it (its placement is a real choice at a leaf). */
  private limited: Uint8Array = new Uint8Array(0);
  // State.
  readonly choice: number[];
  private readonly undecided: Uint8Array;
  private readonly bc: Float64Array;
  private readonly bn: Int32Array;
  private readonly breq: Int32Array;
  private readonly pc: Float64Array;
  private readonly pn: Int32Array;
  private readonly preq: Int32Array;
  private readonly mc: Float64Array;
  private readonly mp: Float64Array;
  private readonly kc: Float64Array;
  private readonly kp: Float64Array;
  private freePotential = 0;
  /** Entries able to be the capstone that are counted in the capstone's block. */
  private capstoneEntries = 0;
  /**
   * Whether this branch has decided which entries are the capstone's candidates: no further entry is sent
   * to the capstone's block for it (its bound then counts only entries already there).
   */
  private capstoneDecided = false;
  private counted = 0;
  private readonly countedFlag: Uint8Array;
  // Control of the current phase.
  private readonly dropped: Uint8Array;
  /** Per entry: a class id shared exactly by the entries that are interchangeable in every respect. */
  private sigClass: Int32Array = new Int32Array(0);
  // Scratch.
  private readonly blockOpt: Uint8Array;
  private readonly nodeOpt: Uint8Array;
  private readonly parent: Int32Array;
  private byDate: number[] = [];
  private readonly open: Uint8Array;
  private readonly capScratch: Float64Array;

  private f: FlowScratch | null = null;
  // Search bookkeeping.
  private best: Objective = MINUS_INFINITY;
  private bestChoice: number[] = [];
  private rootBound: Objective = MINUS_INFINITY;
  private target: Objective = MINUS_INFINITY;
  private nodes = 0;
  private aborted = false;
  private reached = false;

  constructor(
    private readonly p: AllocationProblem,
    private readonly maxNodes: number,
  ) {
    this.n = p.credits.length;
    this.nb = p.blocks.length;
    this.nk = p.caps.length;
    this.c = p.credits;
    const nb = this.nb;
    this.minC = new Float64Array(nb);
    this.maxC = new Float64Array(nb);
    this.minN = new Int32Array(nb);
    this.maxN = new Float64Array(nb);
    this.reqTotal = new Int32Array(nb);
    this.exclusive = new Uint8Array(nb);
    this.free = new Uint8Array(nb);
    this.capstoneBlock = p.capstone ? p.capstone.block : -1;
    this.bindingBlock = new Uint8Array(this.nb);
    // A maximum that every eligible entry together cannot exceed never binds, so it cannot make
    // requirements compete; only binding ones (and a capstone) make the problem non-monotone.
    let anyMaximum = false;
    this.bindingCap = new Uint8Array(p.caps.length);
    p.caps.forEach((cap, k) => {
      let total = 0;
      for (const e of cap.members) total += p.credits[e] as number;
      if (total > cap.amount) {
        anyMaximum = true;
        this.bindingCap[k] = 1;
      }
    });
    p.blocks.forEach((b, j) => {
      this.minC[j] = b.minCredits;
      this.maxC[j] = b.maxCredits;
      this.minN[j] = b.minCount;
      this.maxN[j] = b.maxCount;
      this.reqTotal[j] = b.required;
      this.exclusive[j] = b.exclusive ? 1 : 0;
      const unlimited = b.maxCredits === Number.POSITIVE_INFINITY && b.maxCount === Number.POSITIVE_INFINITY;
      this.free[j] = unlimited && j !== this.capstoneBlock ? 1 : 0;
    });
    this.monotoneCaps = !anyMaximum;

    // Essential blocks: every ancestor needs all of its children, so the block failing fails the whole.
    this.parent = new Int32Array(p.nodes.length).fill(-1);
    p.nodes.forEach((node, i) => {
      for (const child of node.children) this.parent[child] = i;
    });
    this.essentialBlock = new Uint8Array(nb);
    p.nodes.forEach((node, i) => {
      if (node.block < 0) return;
      let essential = true;
      for (let a = this.parent[i] ?? -1; a >= 0; a = this.parent[a] ?? -1) {
        const anc = p.nodes[a] as AllocationNode;
        if (anc.need < anc.children.length) essential = false;
      }
      this.essentialBlock[node.block] = essential ? 1 : 0;
    });

    const minsOf: number[][] = [];
    const capsOf: number[][] = [];
    for (let e = 0; e < this.n; e++) {
      minsOf.push([]);
      capsOf.push([]);
    }
    for (let i = 0; i < p.mins.length; i++) for (const e of (p.mins[i] as CreditSet).members) minsOf[e]?.push(i);
    for (let i = 0; i < p.caps.length; i++) for (const e of (p.caps[i] as CreditSet).members) capsOf[e]?.push(i);
    this.minsOf = minsOf;
    this.capsOf = capsOf;

    const stamp = new Int32Array(nb);
    for (let e = 0; e < this.n; e++) {
      const placements = p.placements[e] ?? [];
      const touch: number[] = [];
      let counted = false;
      const excl: number[] = [];
      const sig: number[] = [];
      let sigIds: Map<string, number> | null = null;
      for (const placement of placements) {
        if (placement.length > 0) counted = true;
        for (const j of placement)
          if (stamp[j] !== e + 1) {
            stamp[j] = e + 1;
            touch.push(j);
          }
        if (placement.length === 0 || (placement.length === 1 && this.exclusive[placement[0] as number] === 1)) {
          excl.push(placement.length === 0 ? -1 : (placement[0] as number));
          sig.push(0);
          continue;
        }
        let x = -1;
        for (const j of placement) if (this.exclusive[j] === 1) x = j;
        excl.push(x);
        const key = placement.filter((j) => j !== x).join(",");
        sigIds ??= new Map([["", 0]]);
        let id = sigIds.get(key);
        if (id === undefined) {
          id = sigIds.size;
          sigIds.set(key, id);
        }
        sig.push(id);
      }
      sortSmall(touch);
      this.touch.push(touch);
      const touchExclusive: number[] = [];
      for (const j of touch) if (this.exclusive[j] === 1) touchExclusive.push(j);
      this.touchExclusive.push(touchExclusive);
      const required = p.requiredIn[e] ?? [];
      const reqTouch: number[] = [];
      for (const j of required) {
        if (stamp[j] === e + 1) reqTouch.push(j);
      }
      this.reqTouch.push(reqTouch);
      this.hasCounted.push(counted);
      this.firstCap.push(capsOf[e]?.[0] ?? -1);
      this.exclOf.push(excl);
      this.sigOf.push(sig);
    }

    this.choice = new Array<number>(this.n).fill(-1);
    this.undecided = new Uint8Array(this.n).fill(1);
    this.countedFlag = new Uint8Array(this.n);
    this.bc = new Float64Array(nb);
    this.bn = new Int32Array(nb);
    this.breq = new Int32Array(nb);
    this.pc = new Float64Array(nb);
    this.pn = new Int32Array(nb);
    this.preq = new Int32Array(nb);
    this.mc = new Float64Array(p.mins.length);
    this.mp = new Float64Array(p.mins.length);
    this.kc = new Float64Array(this.nk);
    this.kp = new Float64Array(this.nk);
    for (let e = 0; e < this.n; e++) {
      const c = this.c[e] as number;
      for (const j of this.touch[e] as number[]) {
        this.pc[j] = (this.pc[j] as number) + c;
        this.pn[j] = (this.pn[j] as number) + 1;
      }
      for (const j of this.reqTouch[e] as number[]) this.preq[j] = (this.preq[j] as number) + 1;
      if (!this.hasCounted[e]) continue;
      for (const m of minsOf[e] as number[]) this.mp[m] = (this.mp[m] as number) + c;
      const k = this.firstCap[e] as number;
      if (k >= 0) this.kp[k] = (this.kp[k] as number) + c;
      else this.freePotential += c;
    }
    // A block's maximum binds when its eligible entries together exceed it (pc and pn hold exactly that now).
    let bindingBlock = false;
    for (let j = 0; j < nb; j++)
      if ((this.pc[j] as number) > (this.maxC[j] as number) || (this.pn[j] as number) > (this.maxN[j] as number)) {
        this.bindingBlock[j] = 1;
        bindingBlock = true;
      }
    this.monotone = this.monotoneCaps && !bindingBlock;
    this.servers = new Int32Array(nb);
    for (let e = 0; e < this.n; e++)
      for (const j of this.touchExclusive[e] as number[]) this.servers[j] = (this.servers[j] as number) + 1;
    const dates = p.capstone?.dates;
    if (dates)
      this.byDate = Array.from({ length: this.n }, (_, e) => e).sort(
        (a, b) => (dates[a] ?? 0) - (dates[b] ?? 0) || a - b,
      );
    this.dropped = new Uint8Array(nb);
    this.blockOpt = new Uint8Array(nb);
    this.nodeOpt = new Uint8Array(p.nodes.length);
    this.open = new Uint8Array(nb);
    this.capScratch = new Float64Array(this.nk);
  }

  /**
   * Class ids shared exactly by entries interchangeable in every respect (credits, placements, required
   * blocks, maximums, minimums, capstone role): bucketed by a hash, then compared in full.
   */
  private classesOfEntries(): Int32Array {
    const p = this.p;
    const classes = new Int32Array(this.n);
    const buckets = new Map<number, number[]>();
    let next = 0;
    for (let e = 0; e < this.n; e++) {
      let h = Math.imul((this.c[e] as number) | 0, 31) ^ (p.placements[e] as readonly unknown[]).length;
      for (const placement of p.placements[e] as readonly (readonly number[])[]) {
        h = Math.imul(h, 17) ^ placement.length;
        for (const j of placement) h = Math.imul(h, 31) ^ j;
      }
      for (const j of p.requiredIn[e] as readonly number[]) h = Math.imul(h, 13) ^ j;
      for (const k of this.capsOf[e] as number[]) h = Math.imul(h, 7) ^ k;
      for (const m of this.minsOf[e] as number[]) h = Math.imul(h, 5) ^ m;
      if (p.capstone) h = Math.imul(h, 3) ^ ((p.capstone.eligible[e] ? 1 : 0) + (p.capstone.dates[e] ?? 0) * 2);
      const bucket = buckets.get(h);
      let found = -1;
      if (bucket) for (const f of bucket) if (this.interchangeable(e, f)) found = classes[f] as number;
      if (found < 0) {
        found = next++;
        if (bucket) bucket.push(e);
        else buckets.set(h, [e]);
      }
      classes[e] = found;
    }
    return classes;
  }

  private interchangeable(a: number, b: number): boolean {
    const p = this.p;
    if (this.c[a] !== this.c[b]) return false;
    const pa = p.placements[a] as readonly (readonly number[])[];
    const pb = p.placements[b] as readonly (readonly number[])[];
    if (pa.length !== pb.length) return false;
    for (let i = 0; i < pa.length; i++)
      if (!sameList(pa[i] as readonly number[], pb[i] as readonly number[])) return false;
    if (!sameList(p.requiredIn[a] as readonly number[], p.requiredIn[b] as readonly number[])) return false;
    if (!sameList(this.capsOf[a] as number[], this.capsOf[b] as number[])) return false;
    if (!sameList(this.minsOf[a] as number[], this.minsOf[b] as number[])) return false;
    if (
      p.capstone &&
      (p.capstone.eligible[a] !== p.capstone.eligible[b] || p.capstone.dates[a] !== p.capstone.dates[b])
    )
      return false;
    return true;
  }

  /** What only the exact search needs, built on first use: entries by block, classes, flow scratch, dates. */
  private prepareSearch(): void {
    if (this.f !== null) return;
    const nb = this.nb;
    this.servedBy = [];
    for (let j = 0; j < nb; j++) this.servedBy.push([]);
    for (let e = 0; e < this.n; e++) for (const j of this.touchExclusive[e] as number[]) this.servedBy[j]?.push(e);
    const credits = this.c;
    const mostCreditsFirst = (a: number, b: number) => (credits[b] as number) - (credits[a] as number) || a - b;
    for (const list of this.servedBy) if (list.length > 1) list.sort(mostCreditsFirst);
    this.requiredOf = [];
    for (let j = 0; j < nb; j++) this.requiredOf.push([]);
    for (let e = 0; e < this.n; e++) for (const j of this.reqTouch[e] as number[]) this.requiredOf[j]?.push(e);
    this.sigClass = this.classesOfEntries();
    this.limited = new Uint8Array(this.n);
    for (let e = 0; e < this.n; e++) {
      let limited = false;
      for (const k of this.capsOf[e] as number[]) if (this.bindingCap[k] === 1) limited = true;
      for (const j of this.touch[e] as number[]) if (this.bindingBlock[j] === 1) limited = true;
      this.limited[e] = limited ? 1 : 0;
    }

    let edges = 0;
    for (const list of this.touchExclusive) edges += list.length;
    this.f = flowScratch(this.n, nb, this.nk, edges);
  }

  // ------------------------------------------------------------------ state

  met(j: number): boolean {
    return (
      (this.bc[j] as number) >= (this.minC[j] as number) &&
      (this.bn[j] as number) >= (this.minN[j] as number) &&
      (this.breq[j] as number) >= (this.reqTotal[j] as number)
    );
  }

  feasible(e: number, placement: readonly number[]): boolean {
    if (placement.length === 0) return true;
    const c = this.c[e] as number;
    for (const j of placement) {
      if ((this.bc[j] as number) + c > (this.maxC[j] as number)) return false;
      if ((this.bn[j] as number) + 1 > (this.maxN[j] as number)) return false;
    }
    for (const k of this.capsOf[e] as number[])
      if ((this.kc[k] as number) + c > (this.p.caps[k] as CreditSet).amount) return false;
    return true;
  }

  apply(e: number, pi: number): void {
    this.shift(e, pi, 1);
  }

  private undo(e: number, pi: number): void {
    this.shift(e, pi, -1);
  }

  /** Decides (sign 1) or undecides (sign -1) entry e with placement pi. */
  private shift(e: number, pi: number, sign: 1 | -1): void {
    const c = (this.c[e] as number) * sign;
    for (const j of this.touchExclusive[e] as number[]) this.servers[j] = (this.servers[j] as number) - sign;
    for (const j of this.touch[e] as number[]) {
      this.pc[j] = (this.pc[j] as number) - c;
      this.pn[j] = (this.pn[j] as number) - sign;
    }
    for (const j of this.reqTouch[e] as number[]) this.preq[j] = (this.preq[j] as number) - sign;
    if (this.hasCounted[e]) {
      for (const m of this.minsOf[e] as number[]) this.mp[m] = (this.mp[m] as number) - c;
      const k = this.firstCap[e] as number;
      if (k >= 0) this.kp[k] = (this.kp[k] as number) - c;
      else this.freePotential -= c;
    }
    const placement = (this.p.placements[e] as readonly (readonly number[])[])[pi] as readonly number[];
    if (placement.length > 0) {
      this.countedFlag[e] = sign > 0 ? 1 : 0;
      this.counted += c;
      for (const m of this.minsOf[e] as number[]) {
        this.mc[m] = (this.mc[m] as number) + c;
        this.mp[m] = (this.mp[m] as number) + c;
      }
      for (const k of this.capsOf[e] as number[]) this.kc[k] = (this.kc[k] as number) + c;
      if (this.capstoneBlock >= 0 && this.p.capstone?.eligible[e] && placement.includes(this.capstoneBlock))
        this.capstoneEntries += sign;
      for (const j of placement) {
        this.bc[j] = (this.bc[j] as number) + c;
        this.bn[j] = (this.bn[j] as number) + sign;
        this.pc[j] = (this.pc[j] as number) + c;
        this.pn[j] = (this.pn[j] as number) + sign;
        if ((this.reqTouch[e] as number[]).length > 0 && (this.reqTouch[e] as number[]).includes(j)) {
          this.breq[j] = (this.breq[j] as number) + sign;
          this.preq[j] = (this.preq[j] as number) + sign;
        }
      }
    }
    this.undecided[e] = sign > 0 ? 0 : 1;
    this.choice[e] = sign > 0 ? pi : -1;
  }

  // ------------------------------------------------------------------ bounds

  /**
   * An upper bound on the objective of every completion of the current partial allocation, dropped blocks
   * counted as unmet. (Null is reserved for "no completion is possible"; this model always has one.)
   */
  private bound(withFlows: boolean): Objective | null {
    const p = this.p;
    const nb = this.nb;
    for (let j = 0; j < nb; j++) {
      const opt =
        this.dropped[j] === 0 &&
        (this.pc[j] as number) >= (this.minC[j] as number) &&
        (this.pn[j] as number) >= (this.minN[j] as number) &&
        (this.preq[j] as number) >= (this.reqTotal[j] as number);
      this.blockOpt[j] = opt ? 1 : 0;
    }
    let satisfied = 0;
    let complete = true;
    if (withFlows) {
      const d = this.deficiency();
      if (d === null) return null;
      satisfied -= d.losses;
      if (d.breaksCompletion) complete = false;
    }
    const nodes = p.nodes;
    for (let i = 0; i < nodes.length; i++) {
      const node = nodes[i] as AllocationNode;
      let met: number;
      if (node.block >= 0) met = this.blockOpt[node.block] as number;
      else {
        let k = 0;
        for (const child of node.children) k += this.nodeOpt[child] as number;
        met = k >= node.need ? 1 : 0;
      }
      this.nodeOpt[i] = met;
      satisfied += met;
    }
    for (const t of p.top) if (this.nodeOpt[t] === 0) complete = false;
    for (let m = 0; m < p.mins.length; m++) {
      const amount = (p.mins[m] as CreditSet).amount;
      if ((this.mp[m] as number) >= amount && (this.monotone || this.minReachable(m, amount))) satisfied++;
      else complete = false;
    }
    if (p.capstone) {
      if (this.capstonePossible()) satisfied++;
      else complete = false;
    }
    let credits = this.counted + this.freePotential;
    for (let k = 0; k < this.nk; k++) {
      const room = Math.max(0, (p.caps[k] as CreditSet).amount - (this.kc[k] as number));
      const potential = this.kp[k] as number;
      credits += potential <= room ? potential : this.bestFill(k, room);
    }
    return { complete, satisfied, credits };
  }

  /**
   * Whether minimum m can still be reached when the undecided entries under a maximum can add only what
   * the maximum has room for (each entry charged to its first maximum; exact subset sums when needed).
   */
  private minReachable(m: number, amount: number): boolean {
    const p = this.p;
    let total = this.mc[m] as number;
    const underCap = this.capScratch;
    underCap.fill(0);
    let anyCapped = false;
    for (const e of (p.mins[m] as CreditSet).members) {
      if (this.undecided[e] === 0 || !this.hasCounted[e]) continue;
      const k = this.firstCap[e] as number;
      if (k < 0) total += this.c[e] as number;
      else {
        underCap[k] = (underCap[k] as number) + (this.c[e] as number);
        anyCapped = true;
      }
    }
    if (!anyCapped || total >= amount) return true;
    for (let k = 0; k < this.nk; k++) {
      const room = Math.max(0, (p.caps[k] as CreditSet).amount - (this.kc[k] as number));
      total += Math.min(room, underCap[k] as number);
    }
    if (total < amount) return false;
    // Tighter: what the capped entries of this minimum can really add within each room.
    let exact = total;
    for (let k = 0; k < this.nk; k++) {
      const room = Math.max(0, (p.caps[k] as CreditSet).amount - (this.kc[k] as number));
      if ((underCap[k] as number) <= room) continue;
      exact += this.bestFill(k, room, m) - room;
    }
    return exact >= amount;
  }

  /**
   * The most credits the undecided entries drawing on maximum k (as their first) can add within `room`:
   * an exact subset sum over the credits' common granularity, or the room itself when that is too fine.
   */
  private bestFill(k: number, room: number, within = -1): number {
    const members: number[] = [];
    let unit = 0;
    const only = within >= 0 ? (this.p.mins[within] as CreditSet).members : null;
    for (const e of (this.p.caps[k] as CreditSet).members)
      if (
        this.undecided[e] === 1 &&
        this.hasCounted[e] &&
        this.firstCap[e] === k &&
        (only === null || only.includes(e))
      ) {
        members.push(this.c[e] as number);
        unit = gcd(unit, this.c[e] as number);
      }
    if (unit <= 0) return 0;
    const slots = Math.floor(room / unit);
    if (slots > MAX_FILL_SLOTS) return room;
    const reachable = new Uint8Array(slots + 1);
    reachable[0] = 1;
    let best = 0;
    for (const c of members) {
      const w = c / unit;
      for (let x = slots - w; x >= 0; x--)
        if (reachable[x] === 1 && reachable[x + w] === 0) {
          reachable[x + w] = 1;
          if (x + w > best) best = x + w;
        }
      if (best === slots) break;
    }
    return best * unit;
  }

  /**
   * Whether an entry in (or still able to join) the capstone's block has enough counted credit before it.
   * `candidates`: "any" counts undecided entries that could join the block, "placed" only entries already
   * there. `credit`: "potential" counts every undecided entry as counted, "counted" only decided ones.
   */
  private capstoneCheck(candidates: "any" | "placed", credit: "potential" | "counted"): boolean {
    const cap = this.p.capstone;
    if (!cap) return true;
    const block = cap.block;
    let cumulative = 0;
    let i = 0;
    const order = this.byDate;
    while (i < order.length) {
      const date = cap.dates[order[i] as number] ?? 0;
      let k = i;
      while (k < order.length && (cap.dates[order[k] as number] ?? 0) === date) {
        const e = order[k] as number;
        if (this.countedFlag[e] === 1 || (credit === "potential" && this.undecided[e] === 1 && this.hasCounted[e]))
          cumulative += this.c[e] as number;
        k++;
      }
      for (let x = i; x < k; x++) {
        const e = order[x] as number;
        if (!cap.eligible[e]) continue;
        const undecided = this.undecided[e] === 1;
        if (undecided && candidates === "placed") continue;
        const inBlock = undecided
          ? (this.touch[e] as number[]).includes(block)
          : (
              (this.p.placements[e] as readonly (readonly number[])[])[this.choice[e] as number] as readonly number[]
            ).includes(block);
        if (!inBlock) continue;
        // The entry's own credit is in the cumulative sum exactly when it is (or may be) counted.
        const own = this.countedFlag[e] === 1 || (credit === "potential" && undecided) ? (this.c[e] as number) : 0;
        if (cumulative - own >= cap.minCreditsBefore) return true;
      }
      i = k;
    }
    return false;
  }

  /** Whether the capstone can still be met (optimistic; only by entries already in its block once decided). */
  private capstonePossible(): boolean {
    return this.capstoneCheck(this.capstoneDecided ? "placed" : "any", "potential");
  }

  /** Whether the capstone is met whatever happens next: an entry in its block with enough counted credit before it. */
  private capstoneSure(): boolean {
    return this.capstoneEntries > 0 && this.capstoneCheck("placed", "counted");
  }

  /**
   * Requirements that must fail among the open exclusive blocks (could be met, are not yet), from the
   * Hall violators of two relaxations: credits as a flow (an entry's credits may be split, maximums as
   * shared budgets), and entries as units (each block needs at least the fewest entries that could reach
   * its credits). In a violator, dropping blocks must free the shortfall; the fewest blocks whose
   * residual demands cover it is a lower bound on the losses.
   */
  private deficiency(): { losses: number; breaksCompletion: boolean } | null {
    const nb = this.nb;
    let any = false;
    for (let j = 0; j < nb; j++) {
      const o = this.exclusive[j] === 1 && this.blockOpt[j] === 1 && !this.met(j);
      this.open[j] = o ? 1 : 0;
      if (o) any = true;
    }
    if (!any) return { losses: 0, breaksCompletion: false };
    let losses = 0;
    let breaksCompletion = false;
    for (const credits of [true, false]) {
      let l = 0;
      for (const v of this.violators(credits)) {
        let optional = 0;
        for (let i = 0; i < v.blocks.length; i++)
          if (this.essentialBlock[v.blocks[i] as number] === 0) optional += v.residuals[i] as number;
        l += fewestToCover(v.residuals, v.shortfall);
        if (optional < v.shortfall) breaksCompletion = true;
      }
      losses = Math.max(losses, l);
    }
    return { losses, breaksCompletion };
  }

  /** The Hall violators among the blocks flagged in `open`, after a maximum flow from undecided entries. */
  private violators(credits: boolean): Violator[] {
    const f = this.f as FlowScratch;
    const n = this.n;
    const nb = this.nb;
    const nk = this.nk;
    let m = 0;
    for (let e = 0; e < n; e++) {
      f.entryStart[e] = m;
      if (this.undecided[e] === 1)
        for (const j of this.touchExclusive[e] as number[])
          if (this.open[j] === 1) {
            f.edgeBlock[m] = j;
            f.edgeEntry[m] = e;
            f.edgeFlow[m] = 0;
            m++;
          }
      f.entryEnd[e] = m;
      f.inflow[e] = 0;
      f.limit[e] = f.entryEnd[e] === f.entryStart[e] ? 0 : credits ? (this.c[e] as number) : 1;
      f.capOf[e] = -1;
    }
    if (m === 0) return [];
    // Each entry draws on its tightest maximum (a relaxation when it is in several).
    f.capRoom.fill(0);
    f.capStart.fill(0);
    if (credits && nk > 0) {
      for (let k = 0; k < nk; k++) {
        f.capRoom[k] = Math.max(0, (this.p.caps[k] as CreditSet).amount - (this.kc[k] as number));
        f.capUsed[k] = 0;
      }
      f.capStart.fill(0);
      for (let e = 0; e < n; e++) {
        if (f.limit[e] === 0) continue;
        let tight = -1;
        for (const k of this.capsOf[e] as number[])
          if (tight < 0 || (f.capRoom[k] as number) < (f.capRoom[tight] as number)) tight = k;
        f.capOf[e] = tight;
        if (tight >= 0) f.capStart[tight + 1] = (f.capStart[tight + 1] as number) + 1;
      }
      for (let k = 0; k < nk; k++) f.capStart[k + 1] = (f.capStart[k + 1] as number) + (f.capStart[k] as number);
      f.capFill.set(f.capStart.subarray(0, nk));
      for (let e = 0; e < n; e++) {
        const k = f.capOf[e] as number;
        if (k < 0) continue;
        f.capEntries[f.capFill[k] as number] = e;
        f.capFill[k] = (f.capFill[k] as number) + 1;
      }
    }
    f.blockStart.fill(0);
    for (let x = 0; x < m; x++)
      f.blockStart[(f.edgeBlock[x] as number) + 1] = (f.blockStart[(f.edgeBlock[x] as number) + 1] as number) + 1;
    for (let j = 0; j < nb; j++) f.blockStart[j + 1] = (f.blockStart[j + 1] as number) + (f.blockStart[j] as number);
    f.blockFill.set(f.blockStart.subarray(0, nb));
    for (let x = 0; x < m; x++) {
      const j = f.edgeBlock[x] as number;
      f.blockEdges[f.blockFill[j] as number] = x;
      f.blockFill[j] = (f.blockFill[j] as number) + 1;
    }
    for (let j = 0; j < nb; j++) {
      const need = this.open[j] === 1 ? (credits ? this.creditsNeeded(j) : this.entriesNeeded(j)) : 0;
      f.residual[j] = need > 0 ? need : 0;
      f.rem[j] = f.residual[j] as number;
    }
    // A greedy start, then augmenting paths.
    for (let e = 0; e < n; e++) {
      const k = f.capOf[e] as number;
      for (let x = f.entryStart[e] as number; x < (f.entryEnd[e] as number); x++) {
        let room = (f.limit[e] as number) - (f.inflow[e] as number);
        if (k >= 0) room = Math.min(room, (f.capRoom[k] as number) - (f.capUsed[k] as number));
        if (room <= 0) break;
        const j = f.edgeBlock[x] as number;
        const amount = Math.min(room, f.rem[j] as number);
        if (amount <= 0) continue;
        f.edgeFlow[x] = (f.edgeFlow[x] as number) + amount;
        f.inflow[e] = (f.inflow[e] as number) + amount;
        if (k >= 0) f.capUsed[k] = (f.capUsed[k] as number) + amount;
        f.rem[j] = (f.rem[j] as number) - amount;
      }
    }
    while (this.augment()) {
      // augment() does the work
    }
    // What the source cannot reach: union blocks (and maximums) through unreached entries.
    const root = f.root;
    for (let x = 0; x < nb + nk; x++) root[x] = x;
    for (let e = 0; e < n; e++) {
      if (f.seen[e] === 1 || f.entryEnd[e] === f.entryStart[e]) continue;
      const first = f.edgeBlock[f.entryStart[e] as number] as number;
      for (let x = (f.entryStart[e] as number) + 1; x < (f.entryEnd[e] as number); x++)
        union(root, first, f.edgeBlock[x] as number);
      const k = f.capOf[e] as number;
      if (k >= 0 && f.seen[n + nb + k] === 0) union(root, first, nb + k);
    }
    const groups = new Map<number, Violator>();
    for (let j = 0; j < nb; j++) {
      if (this.open[j] !== 1 || f.seen[n + j] === 1) continue;
      const r = find(root, j);
      let v = groups.get(r);
      if (!v) {
        v = { blocks: [], shortfall: 0, residuals: [] };
        groups.set(r, v);
      }
      v.blocks.push(j);
      v.residuals.push(f.residual[j] as number);
      v.shortfall += f.rem[j] as number;
    }
    const out: Violator[] = [];
    for (const v of groups.values()) if (v.shortfall > 0) out.push(v);
    return out;
  }

  /**
   * One augmenting path, found breadth first in the residual graph from every source edge with room
   * left; false when there is none (then `seen` marks what the source reaches).
   * Nodes: entries [0, n), blocks [n, n + nb), maximums [n + nb, n + nb + nk).
   */
  private augment(): boolean {
    const f = this.f as FlowScratch;
    const n = this.n;
    const nb = this.nb;
    const nk = this.nk;
    const capBase = n + nb;
    f.seen.fill(0, 0, n + nb + nk);
    let head = 0;
    let tail = 0;
    for (let e = 0; e < n; e++)
      if (f.capOf[e] === -1 && (f.inflow[e] as number) < (f.limit[e] as number)) {
        f.seen[e] = 1;
        f.parentNode[e] = -1;
        f.queue[tail++] = e;
      }
    for (let k = 0; k < nk; k++)
      if (
        (f.capUsed[k] as number) < (f.capRoom[k] as number) &&
        (f.capStart[k + 1] as number) > (f.capStart[k] as number)
      ) {
        f.seen[capBase + k] = 1;
        f.parentNode[capBase + k] = -1;
        f.queue[tail++] = capBase + k;
      }
    let end = -1;
    search: while (head < tail) {
      const node = f.queue[head++] as number;
      if (node < n) {
        const e = node;
        for (let x = f.entryStart[e] as number; x < (f.entryEnd[e] as number); x++) {
          const j = f.edgeBlock[x] as number;
          if (f.seen[n + j] === 1) continue;
          f.seen[n + j] = 1;
          f.parentNode[n + j] = e;
          f.parentEdge[n + j] = x;
          if ((f.rem[j] as number) > 0) {
            end = j;
            break search;
          }
          f.queue[tail++] = n + j;
        }
        const k = f.capOf[e] as number;
        if (k >= 0 && (f.inflow[e] as number) > 0 && f.seen[capBase + k] === 0) {
          f.seen[capBase + k] = 1;
          f.parentNode[capBase + k] = e;
          f.queue[tail++] = capBase + k;
        }
      } else if (node < capBase) {
        const j = node - n;
        for (let y = f.blockStart[j] as number; y < (f.blockStart[j + 1] as number); y++) {
          const x = f.blockEdges[y] as number;
          if ((f.edgeFlow[x] as number) <= 0) continue;
          const e = f.edgeEntry[x] as number;
          if (f.seen[e] === 1) continue;
          f.seen[e] = 1;
          f.parentNode[e] = node;
          f.parentEdge[e] = x;
          f.queue[tail++] = e;
        }
      } else {
        const k = node - capBase;
        for (let y = f.capStart[k] as number; y < (f.capStart[k + 1] as number); y++) {
          const e = f.capEntries[y] as number;
          if (f.seen[e] === 1 || (f.inflow[e] as number) >= (f.limit[e] as number)) continue;
          f.seen[e] = 1;
          f.parentNode[e] = node;
          f.queue[tail++] = e;
        }
      }
    }
    if (end < 0) return false;
    // The bottleneck along the path, walking back to the source.
    let amount = f.rem[end] as number;
    let node = n + end;
    for (;;) {
      const from = f.parentNode[node] as number;
      if (node >= n && node < capBase)
        node = from; // block ← entry along a forward edge (unlimited)
      else if (node < n) {
        const e = node;
        if (from === -1) {
          amount = Math.min(amount, (f.limit[e] as number) - (f.inflow[e] as number));
          break;
        }
        if (from >= capBase) amount = Math.min(amount, (f.limit[e] as number) - (f.inflow[e] as number));
        else amount = Math.min(amount, f.edgeFlow[f.parentEdge[e] as number] as number);
        node = from;
      } else {
        const k = node - capBase;
        if (from === -1) {
          amount = Math.min(amount, (f.capRoom[k] as number) - (f.capUsed[k] as number));
          break;
        }
        amount = Math.min(amount, f.inflow[from] as number);
        node = from;
      }
    }
    // Push it.
    f.rem[end] = (f.rem[end] as number) - amount;
    node = n + end;
    for (;;) {
      const from = f.parentNode[node] as number;
      if (node >= n && node < capBase) {
        const x = f.parentEdge[node] as number;
        f.edgeFlow[x] = (f.edgeFlow[x] as number) + amount;
        node = from;
      } else if (node < n) {
        const e = node;
        if (from === -1) {
          f.inflow[e] = (f.inflow[e] as number) + amount;
          break;
        }
        if (from >= capBase) f.inflow[e] = (f.inflow[e] as number) + amount;
        else {
          const x = f.parentEdge[e] as number;
          f.edgeFlow[x] = (f.edgeFlow[x] as number) - amount;
        }
        node = from;
      } else {
        const k = node - capBase;
        if (from === -1) {
          f.capUsed[k] = (f.capUsed[k] as number) + amount;
          break;
        }
        f.inflow[from] = (f.inflow[from] as number) - amount;
        node = from;
      }
    }
    return true;
  }

  /** Credits block j must still receive: for its minimum, and at least its undecided required entries'. */
  private creditsNeeded(j: number): number {
    let required = 0;
    for (const e of this.requiredOf[j] as number[]) if (this.undecided[e] === 1) required += this.c[e] as number;
    return Math.max((this.minC[j] as number) - (this.bc[j] as number), required);
  }

  /** The fewest undecided entries block j still needs: for its count, its required entries, and its credits (largest first). */
  private entriesNeeded(j: number): number {
    const byCount = Math.max(
      (this.minN[j] as number) - (this.bn[j] as number),
      (this.reqTotal[j] as number) - (this.breq[j] as number),
    );
    const short = (this.minC[j] as number) - (this.bc[j] as number);
    let byCredits = 0;
    if (short > 0) {
      let sum = 0;
      for (const e of this.servedBy[j] as number[]) {
        if (this.undecided[e] === 0) continue;
        byCredits++;
        sum += this.c[e] as number;
        if (sum >= short) break;
      }
    }
    return Math.max(byCount, byCredits);
  }

  // ------------------------------------------------------------------ search

  /**
   * Branch and bound over the open exclusive blocks, most constrained first: each minimal cover of the
   * block (entries interchangeable in every respect are tried once), or giving it up. Every optimal
   * allocation contains, for each block it meets, a minimal cover, so some path reaches its covers; the
   * rest is completed at the leaf (greedily when every requirement is monotone in the counted entries,
   * since then nothing can be gained by placing the rest differently; otherwise by the entry-level search).
   */
  run(): Allocation {
    const order: number[] = [];
    for (let e = 0; e < this.n; e++) {
      const placements = this.p.placements[e] as readonly (readonly number[])[];
      if (placements.length === 1) this.apply(e, 0);
      else order.push(e);
    }
    const rank = (e: number) => ((this.p.requiredIn[e] as readonly number[]).length > 0 ? 0 : 1);
    order.sort(
      (a, b) =>
        rank(a) - rank(b) ||
        (this.p.placements[a] as unknown[]).length - (this.p.placements[b] as unknown[]).length ||
        (this.c[b] as number) - (this.c[a] as number) ||
        a - b,
    );
    this.order = order;
    this.bound(false);
    for (let j = 0; j < this.nb; j++)
      if (
        this.exclusive[j] === 1 &&
        ((this.blockOpt[j] === 1 && !this.met(j)) || (j === this.capstoneBlock && !this.capstoneSure()))
      )
        this.contested.push(j);
    this.isContested = Array.from({ length: this.nb }, (_, j) => this.contested.includes(j));
    // A greedy completion guided by the most endangered blocks first: when it reaches even the cheap bound
    // it is optimal and nothing else is built (the common case for accounts that follow a programme).
    this.target = this.bound(false) as Objective;
    this.rootBound = this.target;
    this.greedyAtRoot();
    if (this.reached) return this.result(order);
    this.prepareSearch();
    this.rootBound = this.bound(true) as Objective;
    this.target = this.rootBound;
    if (compareObjectives(this.best, this.target) >= 0) {
      this.reached = true;
      return this.result(order);
    }
    // A shared block with a maximum that binds lets an entry placed by a cover still swap the shared blocks
    // it counts in, which the cover search's bounds do not see: such problems are searched entry by entry.
    let sharedLimit = false;
    for (let j = 0; j < this.nb; j++) if (this.exclusive[j] === 0 && this.bindingBlock[j] === 1) sharedLimit = true;
    if (sharedLimit) this.dfs(order, 0);
    else this.coverSearch();
    return this.result(order);
  }

  private result(order: readonly number[]): Allocation {
    const choice = this.bestChoice.length === this.n ? this.bestChoice : this.completeGreedily(order);
    return {
      choice,
      objective: evaluateAllocation(this.p, choice).objective,
      searchNodes: this.nodes,
      proven: !this.aborted,
      bound: this.rootBound,
    };
  }

  private greedyAtRoot(): void {
    const decided: number[] = [];
    for (const e of this.order)
      if (this.undecided[e] === 1) {
        this.apply(e, this.firstCandidate(e));
        decided.push(e);
      }
    this.consider();
    for (let i = decided.length - 1; i >= 0; i--) {
      const e = decided[i] as number;
      this.undo(e, this.choice[e] as number);
    }
  }

  private order: readonly number[] = [];
  private readonly contested: number[] = [];
  private isContested: boolean[] = [];

  private coverSearch(): void {
    this.nodes++;
    if (this.best !== MINUS_INFINITY) {
      if (this.nodes > this.maxNodes) {
        this.aborted = true;
        return;
      }
      const cheap = this.bound(false);
      if (cheap === null || compareObjectives(cheap, this.best) <= 0) return;
      const strong = this.bound(true);
      if (strong === null || compareObjectives(strong, this.best) <= 0) return;
    }
    const j = this.pickBlock();
    if (j < 0 || this.independentOpenBlocks()) {
      this.completeLeaf();
      return;
    }
    // A block served by many entries has many covers; when a greedy completion meets every open block,
    // nothing in this subtree can do better (every requirement being monotone), so none is enumerated.
    if (this.monotone && this.undecidedServers(j) >= MANY_SERVERS && this.greedyMeetsAllOpen()) return;
    // This node's bound, computed once an incumbent exists (after the first child at the latest): when
    // it cannot beat the incumbent, no further sibling can either.
    const node: NodeBound = { bound: undefined };
    if (this.capstonePending(j)) {
      // The capstone first: which entry is to be it (each that could, once per class), or none beyond the
      // entries already in its block. Either way the capstone is then decided; the block's own demand and
      // the placement of everything else are searched as usual.
      const cap = this.p.capstone as NonNullable<AllocationProblem["capstone"]>;
      const tried = new Set<number>();
      this.capstoneDecided = true;
      for (const e of this.servedBy[j] as number[]) {
        if (this.undecided[e] === 0 || !cap.eligible[e] || tried.has(this.sigClass[e] as number)) continue;
        const pi = this.placementFor(e, j);
        if (pi < 0) continue;
        tried.add(this.sigClass[e] as number);
        this.apply(e, pi);
        this.coverSearch();
        this.undo(e, pi);
        if (this.reached || this.aborted) break;
        this.capstoneDecided = false;
        const stop = this.hopeless(node);
        this.capstoneDecided = true;
        if (stop) break;
      }
      if (!this.reached && !this.aborted && !(this.best !== MINUS_INFINITY && this.hopelessNow(node)))
        this.coverSearch();
      this.capstoneDecided = false;
      return;
    }
    const plan = this.branching(j);
    if ("entry" in plan) {
      const e = plan.entry;
      for (const pi of this.candidates(e)) {
        this.apply(e, pi);
        this.coverSearch();
        this.undo(e, pi);
        if (this.reached || this.aborted || this.hopeless(node)) return;
      }
      return;
    }
    for (const cover of plan.covers) {
      // Each entry takes its fullest placement that still fits, given the entries placed before it.
      const applied: number[] = [];
      let fits = true;
      for (const e of cover) {
        const pi = this.placementFor(e, j);
        if (pi < 0) {
          fits = false;
          break;
        }
        this.apply(e, pi);
        applied.push(e);
      }
      if (fits) this.coverSearch();
      for (let i = applied.length - 1; i >= 0; i--) {
        const e = applied[i] as number;
        this.undo(e, this.choice[e] as number);
      }
      if (this.reached || this.aborted || this.hopeless(node)) return;
    }
    this.dropped[j] = 1;
    this.coverSearch();
    this.dropped[j] = 0;
  }

  /** hopeless() evaluated with the capstone pursuit still open (the node's own state). */
  private hopelessNow(node: NodeBound): boolean {
    const decided = this.capstoneDecided;
    this.capstoneDecided = false;
    const stop = this.hopeless(node);
    this.capstoneDecided = decided;
    return stop;
  }

  private hopeless(node: NodeBound): boolean {
    if (this.best === MINUS_INFINITY) return false;
    if (node.bound === undefined) node.bound = this.bound(true);
    return node.bound === null || compareObjectives(node.bound, this.best) <= 0;
  }

  /**
   * Whether no undecided entry could serve two open blocks: then no block's cover takes anything from
   * another, and completing the leaf (which offers each entry to an open block first) meets all it can.
   */
  private independentOpenBlocks(): boolean {
    // Which entry becomes the capstone (and when it was earned) matters beyond meeting a block.
    if (this.capstoneBlock >= 0 && this.capstonePending(this.capstoneBlock)) return false;
    for (let e = 0; e < this.n; e++) {
      if (this.undecided[e] === 0) continue;
      let open = 0;
      for (const j of this.touchExclusive[e] as number[]) {
        if (this.dropped[j] === 1 || this.settled(j) || !this.isContested[j]) continue;
        if (++open > 1) return false;
      }
    }
    return true;
  }

  private undecidedServers(j: number): number {
    return this.servers[j] as number;
  }

  /** Completes greedily, records the allocation, and says whether it met every open contested block. */
  private greedyMeetsAllOpen(): boolean {
    const open = this.contested.filter((j) => this.dropped[j] === 0 && !this.settled(j));
    const decided: number[] = [];
    for (const e of this.order)
      if (this.undecided[e] === 1) {
        this.apply(e, this.firstCandidate(e));
        decided.push(e);
      }
    const all =
      open.every((j) => this.settled(j)) && (this.p.capstone === null || this.capstoneDecided || this.capstoneSure());
    this.consider();
    for (let i = decided.length - 1; i >= 0; i--) {
      const e = decided[i] as number;
      this.undo(e, this.choice[e] as number);
    }
    return all;
  }

  /**
   * The open block with the fewest covers to try (approximated by the fewest undecided entries serving it),
   * then the least slack, then the first; -1 when every contested block is decided.
   */
  private pickBlock(): number {
    let pick = -1;
    let fewest = Number.POSITIVE_INFINITY;
    let least = Number.POSITIVE_INFINITY;
    for (const j of this.contested) {
      if (this.dropped[j] === 1 || this.settled(j)) continue;
      const pc = this.pc[j] as number;
      const pn = this.pn[j] as number;
      const needC = this.minC[j] as number;
      const needN = this.minN[j] as number;
      if (
        !this.capstonePending(j) &&
        (pc < needC || pn < needN || (this.preq[j] as number) < (this.reqTotal[j] as number))
      )
        continue;
      const servers = this.undecidedServers(j);
      const slack = Math.min(
        needC > 0 ? (pc - needC) / needC : Number.POSITIVE_INFINITY,
        needN > 0 ? (pn - needN) / needN : Number.POSITIVE_INFINITY,
        (this.reqTotal[j] as number) > (this.breq[j] as number) || this.capstonePending(j)
          ? 0
          : Number.POSITIVE_INFINITY,
      );
      if (pick < 0 || servers < fewest || (servers === fewest && slack < least)) {
        fewest = servers;
        least = slack;
        pick = j;
      }
    }
    return pick;
  }

  /**
   * How to branch on block j: its minimal covers, or (when too many entries compete for it) one contested
   * entry's placements.
   *
   * A cover is the entries j requires plus a set S of its *contested* servers (wanted by another open
   * block, including the capstone's block while the capstone is looked for, or touched by a binding
   * maximum), topped up from its
   * *private* servers, largest first. Private servers are interchangeable as far as every other open block
   * is concerned, and what is left of them is placed at the leaf, so only S matters: every S that can be
   * completed and has no member it could do without. Contested entries interchangeable in every respect
   * are tried once. Covers spending the least under binding maximums, then wasting the fewest credits, then
   * using the least contested entries, come first.
   */
  private branching(j: number): { covers: number[][] } | { entry: number } {
    const required: number[] = [];
    const extras: number[] = [];
    for (const e of this.servedBy[j] as number[]) {
      if (this.undecided[e] === 0 || this.placementFor(e, j) < 0) continue;
      if ((this.reqTouch[e] as number[]).includes(j)) required.push(e);
      else extras.push(e);
    }
    if (required.length < (this.reqTotal[j] as number) - (this.breq[j] as number)) return { covers: [] };
    // (The capstone's need for an entry that can be the capstone is decided before the block's covers.)
    let needC = (this.minC[j] as number) - (this.bc[j] as number);
    let needN = (this.minN[j] as number) - (this.bn[j] as number);
    for (const e of required) {
      needC -= this.c[e] as number;
      needN -= 1;
    }
    const cont = new Map<number, number>();
    const contested: number[] = [];
    const privateServers: number[] = [];
    for (const e of extras) {
      let k = 0;
      for (const x of this.touchExclusive[e] as number[]) if (x !== j && this.isOpen(x)) k++;
      cont.set(e, k);
      if (k > 0 || this.limited[e] === 1) contested.push(e);
      else privateServers.push(e);
    }
    if (contested.length > MAX_ENUMERATED) {
      // Too many to enumerate: branch on the most contested entry's placements instead.
      let pick = contested[0] as number;
      for (const e of contested) {
        const d = (cont.get(e) as number) - (cont.get(pick) as number);
        if (d > 0 || (d === 0 && (this.c[e] as number) > (this.c[pick] as number))) pick = e;
      }
      return { entry: pick };
    }
    // Private supply, largest first: the top-up for every S.
    const prefixC: number[] = [0];
    for (const e of privateServers) prefixC.push((prefixC[prefixC.length - 1] as number) + (this.c[e] as number));
    const topUp = (credits: number, count: number): number => {
      // The fewest private servers completing S, or -1 when even all of them do not.
      for (let k = 0; k <= privateServers.length; k++)
        if (credits + (prefixC[k] as number) >= needC && count + k >= needN) return k;
      return -1;
    };
    contested.sort(
      (a, b) =>
        (cont.get(a) as number) - (cont.get(b) as number) ||
        (this.c[b] as number) - (this.c[a] as number) ||
        (this.sigClass[a] as number) - (this.sigClass[b] as number) ||
        a - b,
    );
    const found: { entries: number[]; limited: number; waste: number; contention: number }[] = [];
    const chosen: number[] = [];
    const walk = (i: number, credits: number, count: number) => {
      const k = topUp(credits, count);
      if (k >= 0) {
        // Minimal: without any chosen entry, even all private servers would not do.
        for (const e of chosen) if (topUp(credits - (this.c[e] as number), count - 1) >= 0) return;
        const entries = [...chosen, ...privateServers.slice(0, k)];
        let contended = 0;
        let limited = 0;
        for (const e of chosen) {
          contended += cont.get(e) as number;
          if (this.limited[e] === 1) limited += this.c[e] as number;
        }
        const total = credits + (prefixC[k] as number);
        found.push({ entries, limited, waste: Math.max(0, total - Math.max(0, needC)), contention: contended });
        return;
      }
      if (i >= contested.length) return;
      const e = contested[i] as number;
      chosen.push(e);
      walk(i + 1, credits + (this.c[e] as number), count + 1);
      chosen.pop();
      // Skipping e: skip every later entry of its class too (they are interchangeable).
      let next = i + 1;
      while (next < contested.length && this.sigClass[contested[next] as number] === this.sigClass[e]) next++;
      walk(next, credits, count);
    };
    walk(0, 0, 0);
    // Covers spending the least under binding maximums, then wasting the fewest credits, then the least contested.
    found.sort((a, b) => a.limited - b.limited || a.waste - b.waste || a.contention - b.contention);
    return { covers: found.map((cover) => [...required, ...cover.entries]) };
  }

  /** Whether a contested block needs nothing more: met, and (the capstone's block) holding a capstone entry. */
  private settled(j: number): boolean {
    return this.met(j) && !this.capstonePending(j);
  }

  /** Whether block x is contested, neither given up nor settled, and could still be met. */
  private isOpen(x: number): boolean {
    return (
      this.isContested[x] === true &&
      this.dropped[x] === 0 &&
      !this.settled(x) &&
      (this.pc[x] as number) >= (this.minC[x] as number) &&
      (this.pn[x] as number) >= (this.minN[x] as number) &&
      (this.preq[x] as number) >= (this.reqTotal[x] as number)
    );
  }

  /**
   * The placement of entry e with exclusive block j and the most shared blocks that still fit (-1 when none
   * fits): counting in more blocks never hurts a requirement.
   */
  private placementFor(e: number, j: number): number {
    const placements = this.p.placements[e] as readonly (readonly number[])[];
    const excl = this.exclOf[e] as number[];
    let pick = -1;
    for (let pi = 0; pi < placements.length; pi++) {
      if (excl[pi] !== j) continue;
      const placement = placements[pi] as readonly number[];
      if (!this.feasible(e, placement)) continue;
      if (pick < 0 || placement.length > (placements[pick] as readonly number[]).length) pick = pi;
    }
    return pick;
  }

  /**
   * Completes a leaf of the cover search greedily; when requirements are not monotone and the greedy
   * completion falls short of the leaf's bound, by the entry-level search.
   */
  private completeLeaf(): void {
    const bound = this.monotone ? null : this.bound(false);
    const greedy: number[] = [];
    for (const e of this.order)
      if (this.undecided[e] === 1) {
        this.apply(e, this.firstCandidate(e));
        greedy.push(e);
      }
    const value = this.consider();
    for (let i = greedy.length - 1; i >= 0; i--) {
      const e = greedy[i] as number;
      this.undo(e, this.choice[e] as number);
    }
    if (bound !== null && compareObjectives(value, bound) < 0 && compareObjectives(bound, this.best) > 0) {
      // Entries no binding maximum touches are placed as the greedy completion places them: with every
      // contested block decided, where they go changes nothing the search has not covered elsewhere.
      const fixed: number[] = [];
      for (const e of this.order)
        if (this.undecided[e] === 1 && this.limited[e] === 0) {
          this.apply(e, this.firstCandidate(e));
          fixed.push(e);
        }
      this.dfs(this.order, 0);
      for (let i = fixed.length - 1; i >= 0; i--) {
        const e = fixed[i] as number;
        this.undo(e, this.choice[e] as number);
      }
    }
  }

  /** Records the current (complete) allocation when it beats the best so far; returns its value. */
  private consider(): Objective {
    const dropped = this.dropped.slice();
    const capstoneDecided = this.capstoneDecided;
    this.dropped.fill(0);
    this.capstoneDecided = false;
    const value = this.bound(false) as Objective;
    this.dropped.set(dropped);
    this.capstoneDecided = capstoneDecided;
    if (compareObjectives(value, this.best) > 0) {
      this.best = value;
      this.bestChoice = [...this.choice];
      if (compareObjectives(value, this.target) >= 0) this.reached = true;
    }
    return value;
  }

  private dfs(order: readonly number[], depth: number): void {
    if (depth === order.length) {
      this.consider();
      return;
    }
    const e = order[depth] as number;
    if (this.undecided[e] === 0) {
      this.dfs(order, depth + 1);
      return;
    }
    this.nodes++;
    if (this.best !== MINUS_INFINITY) {
      if (this.nodes > this.maxNodes) {
        this.aborted = true;
        return;
      }
      const cheap = this.bound(false);
      if (cheap === null || compareObjectives(cheap, this.best) <= 0) return;
    }
    for (const pi of this.candidates(e)) {
      this.apply(e, pi);
      this.dfs(order, depth + 1);
      this.undo(e, pi);
      if (this.reached || this.aborted) return;
    }
  }

  /** Completes the current partial allocation with the first candidate of every entry (budget exhausted). */
  private completeGreedily(order: readonly number[]): number[] {
    const decided: number[] = [];
    for (const e of order)
      if (this.undecided[e] === 1) {
        const pi = this.candidates(e)[0] ?? 0;
        this.apply(e, pi);
        decided.push(e);
      }
    const choice = [...this.choice];
    for (const e of decided.reverse()) this.undo(e, this.choice[e] as number);
    return choice;
  }

  /**
   * The best placement of entry e for a greedy completion. One always fits (an entry that a maximum could
   * stop can always be left uncounted); anything else is a broken invariant, not a case to paper over.
   */
  private firstCandidate(e: number): number {
    const pi = this.candidates(e)[0];
    if (pi === undefined) throw new Error(`Allocation invariant broken: entry ${e} has no placement that fits.`);
    return pi;
  }

  /** The placements worth trying for entry e, best first, after feasibility and dominance. */
  private candidates(e: number): number[] {
    const placements = this.p.placements[e] as readonly (readonly number[])[];
    const excl = this.exclOf[e] as number[];
    const sig = this.sigOf[e] as number[];
    const feasible: number[] = [];
    for (let pi = 0; pi < placements.length; pi++)
      if (this.feasible(e, placements[pi] as readonly number[])) feasible.push(pi);
    if (feasible.length <= 1) return feasible;

    // Dominance among placements that differ only in a free exclusive block: never add to a met one when an
    // unmet one can take the entry; among met ones, only the first.
    const openSigs: number[] = [];
    for (const pi of feasible) {
      const j = excl[pi] as number;
      if (j >= 0 && this.free[j] === 1 && !this.met(j)) openSigs.push(sig[pi] as number);
    }
    const keptMetSigs: number[] = [];
    const kept: number[] = [];
    for (const pi of feasible) {
      const j = excl[pi] as number;
      if (j >= 0 && this.free[j] === 1 && this.met(j)) {
        const g = sig[pi] as number;
        if (openSigs.includes(g) || keptMetSigs.includes(g)) continue;
        keptMetSigs.push(g);
      }
      kept.push(pi);
    }
    if (kept.length <= 1) return kept;
    // Order: priority; then the capstone's block while the capstone is looked for; then more blocks first
    // (with the same exclusive block, a larger set of shared blocks only helps); then the fixed order.
    const cap = this.capstoneBlock;
    const capstoneMatters = cap >= 0 && this.p.capstone?.eligible[e] === true && this.capstonePending(cap);
    const k1: number[] = [];
    const k2: number[] = [];
    const k3: number[] = [];
    for (const pi of kept) {
      const placement = placements[pi] as readonly number[];
      k1.push(this.priority(e, placement, excl[pi] as number));
      k2.push(capstoneMatters && placement.includes(cap) ? 0 : 1);
      k3.push(-placement.length);
    }
    // Insertion sort: a handful of placements at most.
    for (let i = 1; i < kept.length; i++) {
      const a1 = k1[i] as number;
      const a2 = k2[i] as number;
      const a3 = k3[i] as number;
      const ak = kept[i] as number;
      let x = i - 1;
      while (x >= 0) {
        const d =
          (k1[x] as number) - a1 || (k2[x] as number) - a2 || (k3[x] as number) - a3 || (kept[x] as number) - ak;
        if (d <= 0) break;
        k1[x + 1] = k1[x] as number;
        k2[x + 1] = k2[x] as number;
        k3[x + 1] = k3[x] as number;
        kept[x + 1] = kept[x] as number;
        x--;
      }
      k1[x + 1] = a1;
      k2[x + 1] = a2;
      k3[x + 1] = a3;
      kept[x + 1] = ak;
    }
    return kept;
  }

  /** Whether j is the capstone's block, the capstone is not yet certain, and the search has not decided it. */
  private capstonePending(j: number): boolean {
    return j === this.capstoneBlock && !this.capstoneDecided && !this.capstoneSure();
  }

  /**
   * Lower is tried first: a block requiring the entry, then the most endangered open block; blocks given
   * up or out of reach, met blocks, no exclusive block, not counted last.
   */
  private priority(e: number, placement: readonly number[], j: number): number {
    const base = this.basePriority(e, placement, j);
    // The capstone still being looked for: an entry that can be it goes to its block before any block that
    // is met or out of reach (after open blocks; among equals it is also preferred, see candidates()).
    if (j >= 0 && j === this.capstoneBlock && this.capstonePending(j) && this.p.capstone?.eligible[e])
      return Math.min(base, 5e14);
    return base;
  }

  private basePriority(e: number, placement: readonly number[], j: number): number {
    if (placement.length === 0) return 4e15;
    if (j < 0) return 3e15;
    if (this.met(j)) return 2e15 + j;
    const needC = this.minC[j] as number;
    const needN = this.minN[j] as number;
    const pc = this.pc[j] as number;
    const pn = this.pn[j] as number;
    // A block given up in this branch, or one that can no longer be met, only after the open ones.
    if (this.dropped[j] === 1 || pc < needC || pn < needN || (this.preq[j] as number) < (this.reqTotal[j] as number))
      return 1e15 + j;
    if ((this.reqTouch[e] as number[]).includes(j)) return -2e15;
    const slackC = needC > 0 ? (pc - needC) / needC : Number.POSITIVE_INFINITY;
    const slackN = needN > 0 ? (pn - needN) / needN : Number.POSITIVE_INFINITY;
    const slack = Math.min(slackC, slackN);
    return slack === Number.POSITIVE_INFINITY ? 1e12 : slack;
  }
}

/** From this many undecided entries serving a block, a greedy completion is tried before enumerating its covers. */
const MANY_SERVERS = 8;

/** Contested entries whose subsets are enumerated as covers; with more, the search branches on one entry. */
const MAX_ENUMERATED = 10;

/**
 * Scratch arrays for the flows, shared by every search: a search runs to completion synchronously, so one
 * set, grown when needed, serves them all without allocating per audit.
 */
let pool: FlowScratch | null = null;
let poolSize = { n: 0, nb: 0, nk: 0, edges: 0 };

function flowScratch(n: number, nb: number, nk: number, edges: number): FlowScratch {
  if (pool && poolSize.n >= n && poolSize.nb >= nb && poolSize.nk >= nk && poolSize.edges >= edges) return pool;
  const N = Math.max(n, poolSize.n);
  const B = Math.max(nb, poolSize.nb);
  const K = Math.max(nk, poolSize.nk);
  const E = Math.max(edges, poolSize.edges);
  const nodes = N + B + K;
  poolSize = { n: N, nb: B, nk: K, edges: E };
  pool = {
    entryStart: new Int32Array(N),
    entryEnd: new Int32Array(N),
    edgeBlock: new Int32Array(E),
    edgeEntry: new Int32Array(E),
    edgeFlow: new Float64Array(E),
    blockStart: new Int32Array(B + 1),
    blockFill: new Int32Array(B),
    blockEdges: new Int32Array(E),
    capOf: new Int32Array(N),
    limit: new Float64Array(N),
    inflow: new Float64Array(N),
    capRoom: new Float64Array(K),
    capUsed: new Float64Array(K),
    capStart: new Int32Array(K + 1),
    capFill: new Int32Array(K),
    capEntries: new Int32Array(N),
    residual: new Float64Array(B),
    rem: new Float64Array(B),
    seen: new Uint8Array(nodes),
    parentNode: new Int32Array(nodes),
    parentEdge: new Int32Array(nodes),
    queue: new Int32Array(nodes),
    root: new Int32Array(B + K),
  };
  return pool;
}

interface FlowScratch {
  entryStart: Int32Array;
  entryEnd: Int32Array;
  edgeBlock: Int32Array;
  edgeEntry: Int32Array;
  edgeFlow: Float64Array;
  blockStart: Int32Array;
  blockFill: Int32Array;
  blockEdges: Int32Array;
  capOf: Int32Array;
  limit: Float64Array;
  inflow: Float64Array;
  capRoom: Float64Array;
  capUsed: Float64Array;
  capStart: Int32Array;
  capFill: Int32Array;
  capEntries: Int32Array;
  residual: Float64Array;
  rem: Float64Array;
  seen: Uint8Array;
  parentNode: Int32Array;
  parentEdge: Int32Array;
  queue: Int32Array;
  root: Int32Array;
}

/** Subset sums of credits under a maximum are computed exactly up to this many steps of their granularity. */
const MAX_FILL_SLOTS = 4096;

function gcd(a: number, b: number): number {
  let x = Math.round(a);
  let y = Math.round(b);
  while (y !== 0) [x, y] = [y, x % y];
  return x;
}

/** Sorts a short list of numbers ascending in place (insertion sort; no comparator closure). */
function sortSmall(list: number[]): void {
  for (let i = 1; i < list.length; i++) {
    const v = list[i] as number;
    let x = i - 1;
    while (x >= 0 && (list[x] as number) > v) {
      list[x + 1] = list[x] as number;
      x--;
    }
    list[x + 1] = v;
  }
}

/** Union-find over a parent array. */
function find(root: Int32Array, x: number): number {
  let r = x;
  while (root[r] !== r) r = root[r] as number;
  while (root[x] !== r) {
    const next = root[x] as number;
    root[x] = r;
    x = next;
  }
  return r;
}

function union(root: Int32Array, a: number, b: number): void {
  const ra = find(root, a);
  const rb = find(root, b);
  if (ra !== rb) root[rb] = ra;
}

function sameList(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The fewest values (largest first) whose sum reaches `shortfall`; 0 when there is no shortfall. */
function fewestToCover(values: readonly number[], shortfall: number): number {
  if (shortfall <= 0) return 0;
  const sorted = [...values].sort((a, b) => b - a);
  let covered = 0;
  for (let i = 0; i < sorted.length; i++) {
    covered += sorted[i] as number;
    if (covered >= shortfall) return i + 1;
  }
  return sorted.length;
}
