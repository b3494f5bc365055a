/**
 * Cosigning between banks (c2sp.org/tlog-witness, c2sp.org/tlog-cosignature), both ways:
 *
 * - as a witness (`addCheckpoint`): this bank keeps, for each log it is configured to witness
 *   (WITNESSED_LOGS: the logs' verifier keys), the latest checkpoint it cosigned; it cosigns a new
 *   checkpoint only when the log's signature verifies and a consistency proof shows the new tree extends
 *   that one, atomically with the update of its state. A checkpoint that forks history is refused and
 *   kept as evidence;
 * - as a log (`CosigningClient`): after each checkpoint it publishes, the bank asks its witnesses
 *   (LOG_WITNESSES: URL and verifier key of each) to cosign it, sending the consistency proof from the
 *   size each last cosigned (a 409 names the size the witness holds; the request is made again from it),
 *   checks the cosignatures it gets back and stores them; /log/checkpoint serves them.
 */
import type { Kysely } from "kysely";
import type { Cosigner } from "../ledger/cosignature.ts";
import { LedgerError } from "../ledger/errors.ts";
import { consistencyProof, type TileReader } from "../ledger/proofs.ts";
import { type NoteVerifier, parseNote, parseVerifierKey } from "../ledger/signed-note.ts";
import { noteVerifierFromKey } from "../ledger/verifier-keys.ts";
import {
  type AddCheckpointDecision,
  addCosignatures,
  decideAddCheckpoint,
  formatAddCheckpointRequest,
  parseAddCheckpointRequest,
  parseConflictBody,
  type WitnessedLog,
} from "../ledger/witness.ts";
import {
  insertCosignatures,
  insertWitnessRefusal,
  lastCosignedSizes,
  latestCheckpoint,
  lockWitnessState,
  saveWitnessState,
  witnessState,
} from "../store/log-repo.ts";
import type { Database } from "../store/schema.ts";
import { AppError } from "./errors.ts";

// ── this bank as a witness ──────────────────────────────────────────────────────────────────────

/** A log this bank witnesses: its origin, its keys, and their vkeys (stored with the state). */
export interface WitnessedLogConfig extends WitnessedLog {
  readonly verifierKeys: readonly string[];
}

/** The logs to witness from their vkeys: a log's origin is its key's name; several keys may share one. */
export function witnessedLogs(vkeys: readonly string[]): Map<string, WitnessedLogConfig> {
  const logs = new Map<string, { verifiers: NoteVerifier[]; verifierKeys: string[] }>();
  for (const vkey of vkeys) {
    let origin: string;
    let verifier: NoteVerifier;
    try {
      origin = parseVerifierKey(vkey).name;
      verifier = noteVerifierFromKey(vkey);
    } catch (error) {
      throw new AppError("witnessed-log-key-invalid", `WITNESSED_LOGS: ${(error as Error).message}`, 500);
    }
    const log = logs.get(origin) ?? { verifiers: [], verifierKeys: [] };
    log.verifiers.push(verifier);
    log.verifierKeys.push(vkey);
    logs.set(origin, log);
  }
  return new Map([...logs].map(([origin, log]) => [origin, { origin, ...log }]));
}

export interface WitnessAnswer {
  status: number;
  contentType: string;
  body: string;
  /** The machine-readable reason of a refusal, for logs. */
  reason?: string;
}

/** Handles an add-checkpoint request: the spec's status and body. */
export async function addCheckpoint(
  db: Kysely<Database>,
  witness: { logs: ReadonlyMap<string, WitnessedLogConfig>; cosigner: Cosigner },
  body: string | Uint8Array,
  now: () => number = () => Math.floor(Date.now() / 1000),
): Promise<WitnessAnswer> {
  let request: ReturnType<typeof parseAddCheckpointRequest>;
  try {
    request = parseAddCheckpointRequest(body);
  } catch (error) {
    if (error instanceof LedgerError) return plain(400, `${error.message}\n`, error.code);
    throw error;
  }
  const log = witness.logs.get(request.checkpoint.origin);
  if (!log) {
    return plain(
      404,
      `This witness does not witness the log '${request.checkpoint.origin.slice(0, 200)}'.\n`,
      "unknown-log",
    );
  }
  let decision: AddCheckpointDecision;
  try {
    decision = await db.transaction().execute(async (tx) => {
      await lockWitnessState(tx);
      const state = await witnessState(tx, log.origin);
      const decided = decideAddCheckpoint({
        request,
        log,
        state,
        cosigners: [witness.cosigner],
        timestamp: now(),
      });
      if (decided.outcome === "cosign") {
        await saveWitnessState(tx, {
          origin: log.origin,
          verifierKeys: log.verifierKeys.join("\n"),
          size: decided.state.size,
          root: decided.state.root,
          checkpoint: decided.cosignedCheckpoint,
        });
      } else if (decided.misbehaviour) {
        await insertWitnessRefusal(tx, {
          origin: log.origin,
          reason: decided.reason,
          oldSize: request.oldSize,
          request: typeof body === "string" ? body : Buffer.from(body).toString("utf8"),
        });
      }
      return decided;
    });
  } catch (error) {
    if (error instanceof LedgerError) return plain(400, `${error.message}\n`, error.code);
    throw error;
  }
  if (decision.outcome === "cosign") return plain(200, decision.responseBody);
  if (decision.status === 409 && decision.responseBody !== undefined) {
    return { status: 409, contentType: "text/x.tlog.size", body: decision.responseBody, reason: decision.reason };
  }
  return plain(decision.status, `${decision.message}\n`, decision.reason);
}

function plain(status: number, body: string, reason?: string): WitnessAnswer {
  return { status, contentType: "text/plain; charset=utf-8", body, ...(reason ? { reason } : {}) };
}

/** What this bank holds for a log it witnesses: the latest checkpoint it cosigned. */
export async function witnessedCheckpoint(db: Kysely<Database>, origin: string) {
  return witnessState(db, origin);
}

// ── this bank's log, cosigned by its witnesses ──────────────────────────────────────────────────

/** A witness the bank asks to cosign its checkpoints. */
export interface WitnessTarget {
  /** The witness's submission prefix; requests go to `<url>/add-checkpoint`. */
  readonly url: string;
  /** The witness's key name and ID (cosignature lines carry them). */
  readonly name: string;
  readonly keyId: number;
  readonly verifier: NoteVerifier;
}

/** The witnesses from configuration (URL and vkey of each). */
export function witnessTargets(entries: ReadonlyArray<{ url: string; verifierKey: string }>): WitnessTarget[] {
  return entries.map((entry) => {
    try {
      const key = parseVerifierKey(entry.verifierKey);
      return {
        url: entry.url.replace(/\/+$/, ""),
        name: key.name,
        keyId: key.keyId,
        verifier: noteVerifierFromKey(entry.verifierKey),
      };
    } catch (error) {
      throw new AppError("log-witness-key-invalid", `LOG_WITNESSES: ${(error as Error).message}`, 500);
    }
  });
}

export interface CosigningOutcome {
  witness: string;
  size: number;
  ok: boolean;
  message: string;
}

/**
 * Asks each witness to cosign the latest checkpoint, one request at a time per witness; a witness that
 * is asked again while a request is under way gets the newest checkpoint when that one ends.
 */
export class CosigningClient {
  #inFlight = new Map<string, Promise<CosigningOutcome>>();
  #next = new Map<string, Promise<CosigningOutcome>>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly tiles: TileReader,
    readonly witnesses: readonly WitnessTarget[],
    private readonly options: {
      onOutcome?: (outcome: CosigningOutcome) => void;
      timeoutMs?: number;
      fetch?: typeof fetch;
    } = {},
  ) {}

  /** A new checkpoint was published: ask every witness (in the background). */
  notify(): void {
    for (const witness of this.witnesses) void this.cosign(witness).catch(() => undefined);
  }

  /** Asks every witness now and waits for the answers. */
  async cosignAll(): Promise<CosigningOutcome[]> {
    return Promise.all(this.witnesses.map((witness) => this.cosign(witness)));
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.#inFlight.values(), ...this.#next.values()]);
  }

  /**
   * Asks one witness to cosign the latest checkpoint. While a request to it is under way, callers share
   * the one run queued after it (which will send the checkpoint that is latest by then).
   */
  cosign(witness: WitnessTarget): Promise<CosigningOutcome> {
    const running = this.#inFlight.get(witness.url);
    if (!running) return this.#start(witness);
    let next = this.#next.get(witness.url);
    if (!next) {
      next = running.then(() => {
        this.#next.delete(witness.url);
        return this.#start(witness);
      });
      this.#next.set(witness.url, next);
    }
    return next;
  }

  #start(witness: WitnessTarget): Promise<CosigningOutcome> {
    const run = this.#submit(witness)
      .catch(
        (error: unknown): CosigningOutcome => ({
          witness: witness.name,
          size: -1,
          ok: false,
          message: (error as Error).message,
        }),
      )
      .then((outcome) => {
        this.#inFlight.delete(witness.url);
        this.options.onOutcome?.(outcome);
        return outcome;
      });
    this.#inFlight.set(witness.url, run);
    return run;
  }

  async #submit(witness: WitnessTarget): Promise<CosigningOutcome> {
    const latest = await latestCheckpoint(this.db);
    if (!latest) return { witness: witness.name, size: 0, ok: true, message: "The log is empty: nothing to cosign." };
    const cosigned = (await lastCosignedSizes(this.db)).get(witness.name);
    if (cosigned === latest.size) {
      return {
        witness: witness.name,
        size: latest.size,
        ok: true,
        message: `Size ${latest.size} is cosigned already.`,
      };
    }
    // The size the witness last cosigned, as far as this bank knows; a 409 corrects it.
    let oldSize = cosigned !== undefined && cosigned < latest.size ? cosigned : 0;
    for (let attempt = 0; attempt < 3; attempt++) {
      const proof =
        oldSize === 0 || oldSize === latest.size ? [] : await consistencyProof(this.tiles, oldSize, latest.size);
      const body = formatAddCheckpointRequest({ oldSize, proof, checkpointNote: latest.note });
      const response = await (this.options.fetch ?? fetch)(`${witness.url}/add-checkpoint`, {
        method: "POST",
        headers: { "content-type": "text/plain; charset=utf-8" },
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
      const text = await response.text();
      if (response.status === 200) {
        const cosigned = addCosignatures(latest.note, text, [witness.verifier]);
        const lines = parseNote(cosigned).signatures.filter(
          (s) => s.name === witness.name && s.keyId === witness.keyId,
        );
        await insertCosignatures(
          this.db,
          latest.size,
          lines.map((s) => ({ witness: s.name, keyId: s.keyId, line: s.line })),
        );
        return { witness: witness.name, size: latest.size, ok: true, message: `Cosigned size ${latest.size}.` };
      }
      if (response.status === 409) {
        const held = parseConflictBody(text);
        if (held > latest.size) {
          return {
            witness: witness.name,
            size: latest.size,
            ok: false,
            message: `The witness has cosigned a tree of ${held} leaves, larger than this log's ${latest.size}: the log has lost entries it published.`,
          };
        }
        oldSize = held;
        continue;
      }
      return {
        witness: witness.name,
        size: latest.size,
        ok: false,
        message: `The witness refused the checkpoint of size ${latest.size} (HTTP ${response.status}): ${text.trim().slice(0, 300)}`,
      };
    }
    return {
      witness: witness.name,
      size: latest.size,
      ok: false,
      message: "The witness kept changing the size it holds.",
    };
  }
}
