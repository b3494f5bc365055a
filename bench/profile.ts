/**
 * `--profile`: where a recording run spends its time, statement kind by statement kind.
 *
 * A Kysely plugin notes the clock when a query is handed to Kysely (before it is compiled) and again when
 * its result comes back, so each statement's time includes compiling it, the driver, the round trip (or
 * PGlite's work in this thread) and parsing the rows. Statements are grouped by verb and tables. What is
 * left of the step's wall time is spent outside statements: validating records, normalising identifiers,
 * hashing, building rows, and BEGIN/COMMIT (which Kysely sends past the plugins).
 */
import { performance } from "node:perf_hooks";
import type {
  KyselyPlugin,
  OperationNode,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from "kysely";

export interface StatementStats {
  label: string;
  count: number;
  ms: number;
  rows: number;
}

/** The first table a node names, depth first (the target of an insert, the first table of a select). */
function firstTable(node: unknown): string | undefined {
  if (!node || typeof node !== "object") return undefined;
  const n = node as { kind?: string; table?: { identifier?: { name?: string } } };
  if (n.kind === "TableNode") return n.table?.identifier?.name;
  for (const value of Object.values(node)) {
    const items = Array.isArray(value) ? value : [value];
    for (const item of items) {
      const found = firstTable(item);
      if (found) return found;
    }
  }
  return undefined;
}

function label(node: RootOperationNode | OperationNode): string {
  switch (node.kind) {
    case "InsertQueryNode": {
      const insert = node as RootOperationNode & { onConflict?: unknown; returning?: unknown };
      return `insert ${firstTable(node) ?? "?"}${insert.onConflict ? " on conflict" : ""}${insert.returning ? " returning" : ""}`;
    }
    case "SelectQueryNode":
      return `select ${firstTable(node) ?? "?"}`;
    case "UpdateQueryNode":
      return `update ${firstTable(node) ?? "?"}`;
    case "DeleteQueryNode":
      return `delete ${firstTable(node) ?? "?"}`;
    case "RawNode": {
      const text = (node as OperationNode & { sqlFragments: readonly string[] }).sqlFragments.join(" ");
      const verb = /^\s*(\w+)/.exec(text)?.[1]?.toLowerCase() ?? "sql";
      const tables = [
        ...new Set([...text.matchAll(/\b(?:from|join|into|update)\s+(?!unnest\b)(\w+)/gi)].map((m) => m[1])),
      ];
      return `${verb} ${tables.join(" + ")}${/\bunnest\s*\(/i.test(text) ? " (unnest)" : ""} [raw sql]`;
    }
    default:
      return node.kind;
  }
}

export class StatementProfiler implements KyselyPlugin {
  readonly #started = new WeakMap<object, { at: number; label: string }>();
  readonly #stats = new Map<string, StatementStats>();

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    this.#started.set(args.queryId, { at: performance.now(), label: label(args.node) });
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    const started = this.#started.get(args.queryId);
    if (started) {
      const ms = performance.now() - started.at;
      const s = this.#stats.get(started.label) ?? { label: started.label, count: 0, ms: 0, rows: 0 };
      s.count += 1;
      s.ms += ms;
      s.rows += Number(args.result.numAffectedRows ?? args.result.rows.length);
      this.#stats.set(started.label, s);
    }
    return args.result;
  }

  /** Statistics so far, slowest kind first; clears them. */
  take(): StatementStats[] {
    const all = [...this.#stats.values()].sort((a, b) => b.ms - a.ms);
    this.#stats.clear();
    return all;
  }
}
