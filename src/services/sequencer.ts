/**
 * The sequencer: appends the entries written since the last checkpoint to the log's tree and publishes a
 * signed checkpoint, a batch at a time. One batch is ONE transaction under a table lock, so two
 * processes never sequence at once and a crash anywhere leaves nothing half-written:
 *
 *   1. lock log_checkpoint (writers of entries and readers are not blocked) and read the latest
 *      checkpoint: its size, root, and frontier (the last entry in the tree, in (xid, id) order);
 *   2. take the next entries after the frontier whose transactions have all ended (below the oldest
 *      transaction still running), at most `batchSize`, with their leaf hashes, and note where each
 *      entry bundle starts among them (decision 0014: nothing is written per entry). While a full batch
 *      is hashed and written, the next one is read ahead on another connection; it is used only if it
 *      follows exactly the checkpoint the batch commits;
 *   3. read the partial tiles of the tree (at most one per level) and check that they give the published
 *      root, so a damaged right edge is never built upon;
 *   4. `appendLeafHashes`: the tiles the batch created or changed, and the new root;
 *   5. write the tiles (a stored tile is only ever extended), sign the checkpoint, store it; commit.
 *
 * The server runs it on a timer (every LOG_SEQUENCE_INTERVAL_MS); the CLI runs it when it closes the
 * bank; `sequenceAll()` runs it now, until nothing is left.
 */
import type { Kysely } from "kysely";
import { signCheckpoint } from "../ledger/checkpoint.ts";
import type { NoteSigner } from "../ledger/signed-note.ts";
import { partialTileIds } from "../ledger/tiles.ts";
import { appendLeafHashes, rootOfTreeState, treeStateFromTiles } from "../ledger/tree-builder.ts";
import {
  type Frontier,
  insertBundleStarts,
  insertCheckpoint,
  latestCheckpoint,
  lockLog,
  type NextEntries,
  nextTransactionId,
  orderedScans,
  pendingBefore,
  readNextEntries,
  readTiles,
  START,
  writeTiles,
} from "../store/log-repo.ts";
import type { Database } from "../store/schema.ts";
import { AppError } from "./errors.ts";

export interface SequencedBatch {
  /** Leaves appended by the batch. */
  appended: number;
  /** Tree size after it. */
  size: number;
  root: Buffer;
  /** The signed checkpoint published. */
  note: string;
}

export interface SequencerOptions {
  /** Most leaves per batch (one transaction). */
  batchSize: number;
  /** Milliseconds between runs of the timer; 0: no timer. */
  intervalMs: number;
  /** Told of every checkpoint published (e.g. to ask witnesses to cosign it). */
  onCheckpoint?: (batch: SequencedBatch) => void;
  /** Told of a failed timer run (a manual run throws instead). */
  onError?: (error: unknown) => void;
}

export const DEFAULT_SEQUENCER_OPTIONS: SequencerOptions = { batchSize: 65_536, intervalMs: 1000 };

/** Sequences one batch in one transaction; null when nothing was waiting. */
export async function sequenceBatch(
  db: Kysely<Database>,
  keys: { origin: string; signer: NoteSigner },
  batchSize: number,
  options: {
    /** The next entries, read ahead of this transaction (used only if they follow the latest checkpoint). */
    readAhead?: Promise<NextEntries> | undefined;
    /** Told, inside the transaction, where the batch will end: to start reading the following one. */
    onTaken?: (after: { frontier: Frontier; size: number }) => void;
  } = {},
): Promise<SequencedBatch | null> {
  return db.transaction().execute(async (tx) => {
    await lockLog(tx);
    await orderedScans(tx);
    const latest = await latestCheckpoint(tx);
    const size = latest?.size ?? 0;
    const frontier = latest?.frontier ?? START;
    const ahead = options.readAhead ? await options.readAhead.catch(() => undefined) : undefined;
    const next =
      ahead && ahead.after.size === size && sameFrontier(ahead.after.frontier, frontier)
        ? ahead
        : await readNextEntries(tx, frontier, size, batchSize);
    if (next.count === 0) return null;
    await insertBundleStarts(tx, next.bundleStarts);
    if (next.count === batchSize) options.onTaken?.({ frontier: next.frontier, size: size + next.count });
    const state = treeStateFromTiles(size, await readTiles(tx, partialTileIds(size)));
    if (latest && !rootOfTreeState(state).equals(latest.root)) {
      throw new AppError(
        "log-state-corrupt",
        `The stored partial tiles of the log do not give the root of its checkpoint of size ${size}; the log's tables were changed outside the bank. Sequencing is stopped until they are repaired (run \`creditbank log verify\` to find the damage).`,
        500,
      );
    }
    const result = appendLeafHashes(state, next.hashes);
    const written = await writeTiles(tx, result.tiles);
    if (written !== result.tiles.length) {
      throw new AppError(
        "log-state-corrupt",
        "A stored tile of the log holds hashes that differ from the ones being appended; nothing was written.",
        500,
      );
    }
    const note = signCheckpoint({ origin: keys.origin, size: result.size, root: result.root, extensions: [] }, [
      keys.signer,
    ]);
    await insertCheckpoint(tx, { size: result.size, root: result.root, note, frontier: next.frontier });
    return { appended: next.count, size: result.size, root: result.root, note };
  });
}

const sameFrontier = (a: Frontier, b: Frontier) => a.xid === b.xid && a.id === b.id;

/** A process's sequencer: runs one at a time here, on a timer or on demand. */
export class Sequencer {
  #chain: Promise<unknown> = Promise.resolve();
  #timer: NodeJS.Timeout | null = null;
  #closed = false;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly keys: { origin: string; signer: NoteSigner },
    readonly options: SequencerOptions = DEFAULT_SEQUENCER_OPTIONS,
  ) {}

  /** Starts the timer (no-op when the interval is 0 or it runs already). */
  start(): void {
    if (this.#timer || this.options.intervalMs <= 0 || this.#closed) return;
    this.#timer = setInterval(() => {
      if (this.#busy) return; // the previous run is still going: skip this tick
      this.#run(() => this.#drain()).catch((error: unknown) => this.options.onError?.(error));
    }, this.options.intervalMs);
    this.#timer.unref();
  }

  /** Stops the timer and waits for a run in progress. */
  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.#chain.catch(() => undefined);
  }

  /** Stops for good (the bank is closing). */
  async close(): Promise<void> {
    await this.stop();
    this.#closed = true;
  }

  get timerRunning(): boolean {
    return this.#timer !== null;
  }

  #busy = false;

  /**
   * Sequences every entry committed before the call, batch after batch, and resolves to the last
   * checkpoint published (null when nothing was waiting). On PostgreSQL an entry can only be appended
   * once every transaction that started before its own has ended (decision 0014), so this waits (up to
   * `timeoutMs`) for transactions that were running at the call.
   */
  sequenceAll(options: { timeoutMs?: number } = {}): Promise<SequencedBatch | null> {
    const timeoutMs = options.timeoutMs ?? 60_000;
    return this.#run(async () => {
      const target = await nextTransactionId(this.db);
      const deadline = Date.now() + timeoutMs;
      let last: SequencedBatch | null = null;
      for (let pause = 5; ; pause = Math.min(pause * 2, 200)) {
        last = (await this.#drain()) ?? last;
        const frontier = (await latestCheckpoint(this.db))?.frontier ?? START;
        if (!(await pendingBefore(this.db, frontier, target))) return last;
        if (Date.now() > deadline) {
          throw new AppError(
            "log-sequencing-stalled",
            `Entries committed ${Math.round(timeoutMs / 1000)} s ago are still waiting for an older transaction to end before they can be appended to the log.`,
            503,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, pause));
      }
    });
  }

  /** Runs `work` after any run in progress (one at a time in this process). */
  #run<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#chain.then(async () => {
      this.#busy = true;
      try {
        return await work();
      } finally {
        this.#busy = false;
      }
    });
    this.#chain = run.catch(() => undefined);
    return run;
  }

  /**
   * Batches until one comes back short: what can be appended now. While a full batch is hashed and
   * written, the next one is read on another connection (on PostgreSQL the reading and the hashing then
   * overlap; PGlite has one connection and simply takes turns).
   */
  async #drain(): Promise<SequencedBatch | null> {
    let last: SequencedBatch | null = null;
    const ahead: { next?: Promise<NextEntries> | undefined } = {};
    for (;;) {
      const current = ahead.next;
      ahead.next = undefined;
      const batch = await sequenceBatch(this.db, this.keys, this.options.batchSize, {
        readAhead: current,
        onTaken: (after) => {
          // A transaction of its own: one connection for its statements (on PGlite, with one connection
          // in all, the next batch's transaction, queued after it, must not come between them).
          const next = this.db.transaction().execute(async (tx) => {
            await orderedScans(tx);
            return readNextEntries(tx, after.frontier, after.size, this.options.batchSize);
          });
          next.catch(() => undefined); // used (or dropped) by the next batch
          ahead.next = next;
        },
      });
      if (!batch) return last;
      last = batch;
      this.options.onCheckpoint?.(batch);
      // A short batch took everything there was (and read nothing ahead).
      if (batch.appended < this.options.batchSize) return last;
    }
  }
}
