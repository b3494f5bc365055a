/**
 * Who is acting: a signed-in person, a machine client (a provider's LMS), the operator at the command
 * line, or nobody (public). Services take an Actor and check ownership themselves, so a route that
 * forgets a check still cannot let a provider touch another provider's data.
 */
import { forbidden } from "./errors.ts";

export const ROLES = ["registry-admin", "provider-admin", "assessor", "learner"] as const;
export type Role = (typeof ROLES)[number];

export interface Actor {
  kind: "user" | "client" | "operator" | "public";
  /** The role; the operator at the command line acts as registry admin. */
  role: Role | "public";
  userId?: string;
  clientId?: string;
  /** The provider a provider admin (or an assessor attached to a provider) belongs to. */
  providerId?: string;
  /** The learner a learner account belongs to. */
  learnerId?: string;
  /** Written into audit records: who did it, readable by a person. */
  label: string;
  /**
   * Set when an app acts for the person with an OAuth token they approved (the authorization-code
   * grant): the actor may do only what these scopes allow. Absent for everyone else (no scope limit).
   */
  scopes?: readonly string[];
}

export const PUBLIC: Actor = { kind: "public", role: "public", label: "public" };

/** The operator running the CLI on the database directly: trusted as a registry admin. */
export const OPERATOR: Actor = { kind: "operator", role: "registry-admin", label: "operator (command line)" };

export function isRegistryAdmin(actor: Actor): boolean {
  return actor.role === "registry-admin";
}

/** Registry admins may act for any provider; provider admins only for their own. */
export function assertActsForProvider(actor: Actor, providerId: string): void {
  if (actor.role === "registry-admin") return;
  if (actor.role === "provider-admin" && actor.providerId === providerId) return;
  throw forbidden(`You may not act on behalf of provider '${providerId}'.`, "not-your-provider");
}

/** Whether the actor may use a scope: an app only if the person granted it, anyone else always. */
export function hasScope(actor: Actor, scope: string): boolean {
  return actor.scopes === undefined || actor.scopes.includes(scope);
}

export function assertScope(actor: Actor, scope: string): void {
  if (!hasScope(actor, scope)) {
    throw forbidden(
      `This operation needs the scope ${scope}, which the learner did not grant this access token (it carries: ${actor.scopes?.join(" ") || "no scope"}). Ask the learner to connect the app again with that scope.`,
      "insufficient-scope",
    );
  }
}

export function assertRegistryAdmin(actor: Actor, what: string): void {
  if (actor.role !== "registry-admin")
    throw forbidden(`Only a registry administrator may ${what}.`, "registry-admin-only");
}
