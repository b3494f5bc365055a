/**
 * Lets Kysely's own PostgresDialect drive the embedded PGlite database.
 *
 * Kysely needs only a pool whose `connect()` yields a client with `query()` and `release()`. PGlite is a
 * single connection, so the pool hands it out to one caller at a time: without that, two requests could
 * interleave statements inside one another's transaction. (The published PGlite dialects either do not
 * support PGlite 0.5 or bring a code generator's dependencies; see docs/decisions/0002-pglite-pool.md.)
 */
import type { PGlite } from "@electric-sql/pglite";
import type { PostgresPool, PostgresPoolClient, PostgresQueryResult } from "kysely";

export class PGlitePool implements PostgresPool {
  #queue: Promise<void> = Promise.resolve();

  constructor(private readonly pg: PGlite) {}

  async connect(): Promise<PostgresPoolClient> {
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const previous = this.#queue;
    this.#queue = previous.then(() => released);
    await previous;
    const pg = this.pg;
    let done = false;
    return {
      async query<R>(sql: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>> {
        // PGlite's query() uses the extended protocol, which takes one statement; a migration is a script
        // of many, so parameterless SQL goes through exec() (the simple protocol), as node-postgres does.
        const result =
          parameters.length === 0
            ? ((await pg.exec(sql)).at(-1) ?? { rows: [], affectedRows: 0 })
            : await pg.query<R>(sql, parameters as unknown[]);
        return {
          command: ((result as { command?: string }).command ?? "SELECT") as PostgresQueryResult<R>["command"],
          rowCount: (result as { rowCount?: number }).rowCount ?? result.affectedRows ?? 0,
          rows: result.rows as R[],
        };
      },
      release() {
        if (!done) {
          done = true;
          release();
        }
      },
    } as PostgresPoolClient;
  }

  async end(): Promise<void> {
    await this.#queue;
    await this.pg.close();
  }
}
