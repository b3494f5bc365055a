/**
 * The requirement language and the exact, explainable audit (issue 5). The entry points for services,
 * the API, the CLI and the benchmarks; docs/requirements.md is the authors' guide.
 */
export {
  type AuditOptions,
  audit,
  auditCompiled,
  auditProgress,
  greedyAudit,
  type ProgressResult,
  type RankCandidate,
  type RankedQualification,
  rankQualifications,
  spreadSurplus,
} from "./audit.ts";
export {
  type AuditContext,
  type CompiledRules,
  catalogueOf,
  compileRules,
  InvalidRulesError,
  type RequirementCatalogue,
  type RequirementContext,
} from "./compile.ts";
export {
  AccountFile,
  AccountFileEntry,
  AccountFileJsonSchema,
  type AuditEntry,
  entriesFromAccountFile,
  validateAccountFile,
} from "./entries.ts";
export type {
  AppliedEntry,
  AuditProgress,
  AuditResult,
  ConstraintResult,
  NextStep,
  RequirementResult,
  RequirementStatus,
  SuggestedUnit,
  UnusedEntry,
} from "./explain.ts";
export { compareAuditEntries, UNUSED_REASONS, type UnusedReason } from "./problem.ts";
export {
  CreditLimit,
  GradeFloor,
  isBlock,
  Pool,
  REQUIREMENT_LANGUAGE_VERSION,
  RequirementBlock,
  RequirementId,
  RequirementNode,
  RequirementRules,
  RequirementRulesJsonSchema,
  UnitQuery,
  UnitRef,
} from "./schema.ts";
export {
  type Allocation,
  type AllocationProblem,
  compareObjectives,
  DEFAULT_MAX_SEARCH_NODES,
  evaluateAllocation,
  greedyAllocation,
  type Objective,
  solveExact,
} from "./solver.ts";
export { type RulesValidationContext, rulesAreUsable, unitRefKey, validateRules } from "./validate.ts";
