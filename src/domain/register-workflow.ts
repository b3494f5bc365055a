/**
 * The quality register's workflows as pure state machines: a unit's path from draft to approved (and out
 * again), and a provider accreditation's status. The service layer loads the current status, asks these
 * functions whether an action is allowed, and only then writes; the rules live here so that the API, the
 * CLI and the browser all refuse the same things with the same codes.
 */

import { type Finding, hasBlockingFindings } from "./coherence.ts";
import type { AccreditationStatus, UnitStatus } from "./schema/catalogue.ts";

export type ActorRole = "registry-admin" | "provider-admin" | "system";
export type Actor = { role: ActorRole };

export type WorkflowRefusal = "transition-not-allowed" | "forbidden" | "reason-required" | "unit-has-errors";

export type WorkflowResult<S extends string, Code extends WorkflowRefusal = WorkflowRefusal> =
  | { ok: true; to: S }
  | { ok: false; code: Code; message: string };

interface Transition<S extends string> {
  from: readonly S[];
  to: S;
  roles: readonly ActorRole[];
  reasonRequired: boolean;
  /** Whether blocking coherence findings refuse the action. */
  requiresNoErrors?: boolean;
  /** The action in a sentence's words: "approve", "return for changes". */
  verb: string;
  /** Its past participle: "approved", "returned for changes". */
  done: string;
}

// ---------------------------------------------------------------------------------------------
// Units

export const UNIT_ACTIONS = ["submit", "approve", "return", "suspend", "reinstate", "withdraw", "supersede"] as const;
export type UnitAction = (typeof UNIT_ACTIONS)[number];

/**
 * The unit transitions. Withdrawn and superseded are final: a withdrawn unit that comes back is a new
 * version, so the record of what was listed when stays true. Reinstating leads to 'approved' like approval
 * does, so it is refused on errors too: whatever is approved must pass the check of the day (the
 * provider's accreditation may have lapsed while the unit was suspended).
 */
export const UNIT_TRANSITIONS: Readonly<Record<UnitAction, Transition<UnitStatus>>> = {
  submit: {
    from: ["draft", "returned"],
    to: "submitted",
    roles: ["provider-admin", "registry-admin"],
    reasonRequired: false,
    requiresNoErrors: true,
    verb: "submit",
    done: "submitted",
  },
  approve: {
    from: ["submitted"],
    to: "approved",
    roles: ["registry-admin"],
    reasonRequired: false,
    requiresNoErrors: true,
    verb: "approve",
    done: "approved",
  },
  return: {
    from: ["submitted"],
    to: "returned",
    roles: ["registry-admin"],
    reasonRequired: true,
    verb: "return",
    done: "returned for changes",
  },
  suspend: {
    from: ["approved"],
    to: "suspended",
    roles: ["registry-admin"],
    reasonRequired: true,
    verb: "suspend",
    done: "suspended",
  },
  reinstate: {
    from: ["suspended"],
    to: "approved",
    roles: ["registry-admin"],
    reasonRequired: false,
    requiresNoErrors: true,
    verb: "reinstate",
    done: "reinstated",
  },
  withdraw: {
    from: ["draft", "submitted", "returned", "approved", "suspended"],
    to: "withdrawn",
    roles: ["registry-admin", "provider-admin"],
    reasonRequired: true,
    verb: "withdraw",
    done: "withdrawn",
  },
  // Only the system supersedes, at the moment a newer version is approved, so the two never disagree.
  supersede: {
    from: ["approved", "suspended"],
    to: "superseded",
    roles: ["system"],
    reasonRequired: false,
    verb: "supersede",
    done: "superseded",
  },
};

/**
 * Applies a register action to a unit's status. Checks run from the most fundamental to the most
 * specific: who may act at all (static per action), whether the action applies in this status, then the
 * reason, then the unit's findings, so the refusal names the first thing to change.
 */
export function applyUnitAction(
  current: UnitStatus,
  action: UnitAction,
  actor: Actor,
  opts: { reason?: string; findings?: readonly Finding[] } = {},
): WorkflowResult<UnitStatus> {
  const refusal = refuse(UNIT_TRANSITIONS[action], "unit", current, actor, opts.reason);
  if (refusal) return refusal;
  const transition = UNIT_TRANSITIONS[action];
  if (transition.requiresNoErrors && opts.findings && hasBlockingFindings(opts.findings)) {
    const errors = opts.findings.filter((f) => f.severity === "error");
    return {
      ok: false,
      code: "unit-has-errors",
      message: `The unit cannot be ${transition.done} while its coherence check has ${errors.length} error${errors.length === 1 ? "" : "s"} (${[...new Set(errors.map((f) => f.code))].join(", ")}).`,
    };
  }
  return { ok: true, to: transition.to };
}

/** The actions a role could take on a unit in this status (before reasons and findings are considered), for menus. */
export function availableUnitActions(current: UnitStatus, role: ActorRole): UnitAction[] {
  return UNIT_ACTIONS.filter(
    (a) => UNIT_TRANSITIONS[a].roles.includes(role) && UNIT_TRANSITIONS[a].from.includes(current),
  );
}

/**
 * Whether an achievement may be recorded against a unit version. An approved version always; a superseded
 * one only for achievements on or before the day it was superseded, because learners who passed the old
 * version must still get their credit, and nobody can pass it afterwards. Never against a unit that is
 * not (or no longer) in the register.
 */
export function canRecordAgainst(status: UnitStatus, supersededOn: string | null, achievedOn: string): boolean {
  if (status === "approved") return true;
  // ISO dates compare correctly as strings.
  if (status === "superseded") return supersededOn !== null && achievedOn <= supersededOn;
  return false;
}

// ---------------------------------------------------------------------------------------------
// Accreditations

export const ACCREDITATION_ACTIONS = ["suspend", "reinstate", "withdraw"] as const;
export type AccreditationAction = (typeof ACCREDITATION_ACTIONS)[number];

/** Accreditation status changes are the registry's alone; withdrawal is final (re-accreditation is a new record). */
export const ACCREDITATION_TRANSITIONS: Readonly<Record<AccreditationAction, Transition<AccreditationStatus>>> = {
  suspend: {
    from: ["active"],
    to: "suspended",
    roles: ["registry-admin"],
    reasonRequired: true,
    verb: "suspend",
    done: "suspended",
  },
  reinstate: {
    from: ["suspended"],
    to: "active",
    roles: ["registry-admin"],
    reasonRequired: false,
    verb: "reinstate",
    done: "reinstated",
  },
  withdraw: {
    from: ["active", "suspended"],
    to: "withdrawn",
    roles: ["registry-admin"],
    reasonRequired: true,
    verb: "withdraw",
    done: "withdrawn",
  },
};

/** Applies a registry action to an accreditation's status; an absent status means active, as in the register. */
export function applyAccreditationAction(
  current: AccreditationStatus | undefined,
  action: AccreditationAction,
  actor: Actor,
  opts: { reason?: string } = {},
): WorkflowResult<AccreditationStatus, Exclude<WorkflowRefusal, "unit-has-errors">> {
  const transition = ACCREDITATION_TRANSITIONS[action];
  return (
    refuse(transition, "accreditation", current ?? "active", actor, opts.reason) ?? { ok: true, to: transition.to }
  );
}

// ---------------------------------------------------------------------------------------------

function refuse<S extends string>(
  transition: Transition<S>,
  noun: string,
  current: S,
  actor: Actor,
  reason: string | undefined,
): { ok: false; code: Exclude<WorkflowRefusal, "unit-has-errors">; message: string } | undefined {
  if (!transition.roles.includes(actor.role))
    return {
      ok: false,
      code: "forbidden",
      message: `${capitalise(actorName(actor.role))} may not ${transition.verb} ${withArticle(noun)}; only ${transition.roles.map(actorName).join(" or ")} may.`,
    };
  if (!transition.from.includes(current))
    return {
      ok: false,
      code: "transition-not-allowed",
      message: `${capitalise(withArticle(current))} ${noun} cannot be ${transition.done}; only ${withArticle(transition.from.join(", ").replace(/, ([^,]*)$/, " or $1"))} ${noun} can.`,
    };
  if (transition.reasonRequired && (reason === undefined || reason.trim() === ""))
    return {
      ok: false,
      code: "reason-required",
      message: `A reason is required to ${transition.verb} ${withArticle(noun)}; it is kept in the register's history.`,
    };
  return undefined;
}

function actorName(role: ActorRole): string {
  return role === "registry-admin" ? "a registry admin" : role === "provider-admin" ? "a provider admin" : "the system";
}

function withArticle(word: string): string {
  // "a unit": a 'u' sounded as "you" takes "a".
  return /^([aeio]|u(?!ni))/.test(word) ? `an ${word}` : `a ${word}`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
