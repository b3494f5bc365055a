/**
 * A pool of worker threads that sign and verify credentials in bulk.
 *
 * Why: signing is CPU work on the thread that runs everything else. Recording a file of achievements issues
 * one credential per achievement inside each batch's transaction, one after the other on the main thread:
 * a VC-JWT costs about 100 µs of CPU (55 of them Ed25519), an eddsa-rdfc-2022 proof about 300 µs
 * (canonicalization, two SHA-256, Ed25519), while the other core waits for the database or idles. Handing
 * a batch's credentials to workers, and running the batch's achievement inserts while they sign, takes that
 * off the path the batch waits on; bench/credentials.ts measures the pool against raw Ed25519 on the same
 * workers.
 *
 * What crosses between threads is kept small, because copying it is paid on the calling thread:
 * - VC-JWT signing: the calling thread turns each credential into its payload JSON (the one
 *   `JSON.stringify` signing needs anyway, src/credentials/jwt-fast.ts) and sends strings; the workers
 *   base64url-encode and sign. The tokens are exactly `signJwt`'s for the same key (Ed25519 is deterministic).
 * - VC-JWT verification: tokens go as strings; each worker decodes the token (header and payload, as the
 *   verifier does) and checks the signature with the key imported once; what comes back is a verdict per
 *   token (null, or the sentence saying why not), not the decoded credentials.
 * - eddsa-rdfc-2022 signing: the credentials are posted as they are (structured clone), since
 *   canonicalization dwarfs the copy; each worker has its own canonizer (its first credential of a shape
 *   costs two jsonld canonicalizations, as on the main thread) and returns the signed credential's JSON text,
 *   which is what issuance stores.
 * - Raw Ed25519 over bytes, both ways: the yardstick for the above, and for signers of other documents.
 *
 * The private key goes to the workers as a node:crypto KeyObject with each job (KeyObjects can be posted to
 * workers), so this serves local keys only (a Signer with its `privateKey`); a Signer backed by a hardware or
 * cloud key store stays on the issuing thread. Work is cut into chunks handed out to whichever worker is free, at most two chunks in
 * flight per worker; results come back in input order. Idle workers do not keep the process alive.
 *
 * Workers start from this same module (TypeScript, so through tsx's loader, registered in each worker by a
 * small bootstrap; the first job waits for the workers to load, about a second). A bank holds one pool,
 * started by the first bulk run that asks for it (`BulkSigning`) and stopped when the bank closes; issuance
 * (src/services/issuance.ts) signs through it when it is running and the key is local.
 */
import { type KeyObject, sign, verify } from "node:crypto";
import { availableParallelism } from "node:os";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import type { JWK } from "jose";
import { ed25519PublicKeyOfJwk, jwtPayloadJson, signJwtPayload } from "../credentials/jwt-fast.ts";

type Json = Record<string, unknown>;

/** A local Ed25519 signing key: the verification method id (the JWT `kid`) and its private key. */
export interface PoolKey {
  id: string;
  privateKey: KeyObject;
}

type Job =
  | { op: "sign-jwt"; kid: string; privateKey: KeyObject; payloads: string[] }
  | { op: "verify-jwt"; jwk: Json; jwts: string[] }
  | { op: "sign-di"; id: string; privateKey: KeyObject; created?: string; credentials: Json[] }
  | { op: "sign-bytes"; privateKey: KeyObject; data: Uint8Array[] }
  | { op: "verify-bytes"; publicKey: KeyObject; data: Uint8Array[]; signatures: Uint8Array[] };

type Reply = { seq: number; ok: true; result: unknown[] } | { seq: number; ok: false; error: string };

const WORKER_MARK = "creditbank-signing-pool";

// ---------------------------------------------------------------------------------------------
// Worker side

function serve(): void {
  async function run(job: Job): Promise<unknown[]> {
    switch (job.op) {
      case "sign-jwt":
        return job.payloads.map((payload) => signJwtPayload(payload, job.kid, job.privateKey));
      case "verify-jwt": {
        const { decodeJwt } = await import("../credentials/jwt.ts");
        const { verifyJwtSignatureFast } = await import("../credentials/jwt-fast.ts");
        ed25519PublicKeyOfJwk(job.jwk); // imported once, then cached
        const out: Array<string | null> = [];
        for (const jwt of job.jwts) {
          try {
            decodeJwt(jwt);
          } catch (error) {
            out.push((error as Error).message);
            continue;
          }
          out.push(await verifyJwtSignatureFast(jwt, job.jwk));
        }
        return out;
      }
      case "sign-di": {
        // Loaded on the first such job: the JSON-LD stack is most of a worker's start-up, and VC-JWT
        // signing never needs it.
        const { createKeyObjectSigner } = await import("../credentials/canonize/data-integrity-fast.ts");
        const { signDataIntegrity } = await import("../credentials/proofs.ts");
        const signer = createKeyObjectSigner(job.id, job.privateKey);
        const out: string[] = [];
        for (const credential of job.credentials) {
          out.push(
            JSON.stringify(await signDataIntegrity(credential, signer, job.created ? { created: job.created } : {})),
          );
        }
        return out;
      }
      case "sign-bytes":
        return job.data.map((data) => sign(null, data, job.privateKey));
      case "verify-bytes":
        return job.data.map((data, i) => verify(null, data, job.publicKey, job.signatures[i] as Uint8Array));
    }
  }

  const port = parentPort;
  if (!port) return;
  port.on("message", (message: { seq: number; job: Job }) => {
    run(message.job).then(
      (result) => port.postMessage({ seq: message.seq, ok: true, result } satisfies Reply),
      (error: unknown) =>
        port.postMessage({
          seq: message.seq,
          ok: false,
          error: String((error as Error)?.stack ?? error),
        } satisfies Reply),
    );
  });
}

if (!isMainThread && (workerData as { mark?: string } | null)?.mark === WORKER_MARK) serve();

// ---------------------------------------------------------------------------------------------
// Calling side

interface Chunk {
  /** Builds the job when a worker is about to need it, so the calling thread's share overlaps the workers'. */
  make: () => Job;
  resolve: (result: unknown[]) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  inFlight: Map<number, Chunk>;
}

export interface SigningPoolOptions {
  /** Workers; default: the available parallelism (at least 1). */
  size?: number;
  /** Credentials per job handed to a worker; default 128. */
  chunkSize?: number;
}

/** How workers start: register tsx's loader in the worker, then load this module there. */
function bootstrap(): URL {
  const tsx = import.meta.resolve("tsx/esm/api");
  const code = `import { register } from ${JSON.stringify(tsx)};\nregister();\nawait import(${JSON.stringify(import.meta.url)});\n`;
  return new URL(`data:text/javascript,${encodeURIComponent(code)}`);
}

export class SigningPool {
  readonly size: number;
  private readonly chunkSize: number;
  private readonly slots: Slot[];
  private readonly queue: Chunk[] = [];
  private seq = 0;
  private failed: Error | null = null;
  private closed = false;

  constructor(options: SigningPoolOptions = {}) {
    this.size = Math.max(1, Math.floor(options.size ?? availableParallelism()));
    this.chunkSize = Math.max(1, Math.floor(options.chunkSize ?? 128));
    const entry = bootstrap();
    this.slots = Array.from({ length: this.size }, () => {
      const worker = new Worker(entry, { workerData: { mark: WORKER_MARK } });
      const slot: Slot = { worker, inFlight: new Map() };
      worker.on("message", (reply: Reply) => this.settle(slot, reply));
      worker.on("error", (error) => this.fail(error));
      worker.on("exit", (code) => {
        if (!this.closed) this.fail(new Error(`a signing worker stopped (exit ${code})`));
      });
      worker.unref();
      return slot;
    });
  }

  /** VC-JWTs, in input order: for each credential, exactly what `signJwt(credential, signer)` gives for the key. */
  signJwts(credentials: readonly Json[], key: PoolKey): Promise<string[]> {
    return this.spread(credentials, (part) => ({
      op: "sign-jwt",
      kid: key.id,
      privateKey: key.privateKey,
      payloads: part.map(jwtPayloadJson),
    })) as Promise<string[]>;
  }

  /**
   * Checks VC-JWTs' signatures with one issuer's public key (a JWK): for each token, in input order, null
   * when it is well formed and its signature valid, otherwise the sentence saying why not.
   */
  verifyJwts(jwts: readonly string[], jwk: JWK | Json): Promise<Array<string | null>> {
    return this.spread(jwts, (part) => ({ op: "verify-jwt", jwk: jwk as Json, jwts: part })) as Promise<
      Array<string | null>
    >;
  }

  /** eddsa-rdfc-2022 proofs (`signDataIntegrity`), returned as the signed credentials' JSON text. */
  signDataIntegrity(credentials: readonly Json[], key: PoolKey, options: { created?: string } = {}): Promise<string[]> {
    return this.spread(credentials, (part) => ({
      op: "sign-di",
      id: key.id,
      privateKey: key.privateKey,
      ...(options.created ? { created: options.created } : {}),
      credentials: part,
    })) as Promise<string[]>;
  }

  /** Raw Ed25519 signatures of byte strings. */
  signBytes(data: readonly Uint8Array[], privateKey: KeyObject): Promise<Uint8Array[]> {
    return this.spread(data, (part) => ({ op: "sign-bytes", privateKey, data: part })) as Promise<Uint8Array[]>;
  }

  /** Raw Ed25519 verification: for each item, whether `signatures[i]` is valid over `data[i]`. */
  verifyBytes(
    data: readonly Uint8Array[],
    signatures: readonly Uint8Array[],
    publicKey: KeyObject,
  ): Promise<boolean[]> {
    return this.spread(data, (part, start) => ({
      op: "verify-bytes",
      publicKey,
      data: part,
      signatures: signatures.slice(start, start + part.length),
    })) as Promise<boolean[]>;
  }

  /** Whether a worker has died: the pool then refuses all work, and callers sign on their own thread. */
  get broken(): boolean {
    return this.failed !== null;
  }

  /** Stops the workers; jobs not finished are rejected. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const error = new Error("the signing pool was closed");
    for (const chunk of this.queue.splice(0)) chunk.reject(error);
    await Promise.all(
      this.slots.map(async (slot) => {
        for (const chunk of slot.inFlight.values()) chunk.reject(error);
        slot.inFlight.clear();
        await slot.worker.terminate();
      }),
    );
  }

  /** Cuts the items into chunks, queues them, and puts the results back in input order. */
  private async spread<T>(items: readonly T[], make: (part: T[], start: number) => Job): Promise<unknown[]> {
    if (this.closed) throw new Error("the signing pool is closed");
    if (this.failed) throw this.failed;
    if (items.length === 0) return [];
    const parts: Array<Promise<unknown[]>> = [];
    for (let start = 0; start < items.length; start += this.chunkSize) {
      const part = items.slice(start, start + this.chunkSize);
      parts.push(
        new Promise<unknown[]>((resolve, reject) => {
          this.queue.push({ make: () => make(part, start), resolve, reject });
        }),
      );
    }
    this.pump();
    return (await Promise.all(parts)).flat();
  }

  private pump(): void {
    for (;;) {
      const next = this.queue[0];
      if (!next) return;
      const slot = this.slots.reduce((best, s) => (s.inFlight.size < best.inFlight.size ? s : best));
      if (slot.inFlight.size >= 2) return;
      this.queue.shift();
      const seq = ++this.seq;
      let job: Job;
      try {
        job = next.make();
      } catch (error) {
        next.reject(error as Error);
        continue;
      }
      slot.inFlight.set(seq, next);
      if (slot.inFlight.size === 1) slot.worker.ref();
      slot.worker.postMessage({ seq, job });
    }
  }

  private settle(slot: Slot, reply: Reply): void {
    const chunk = slot.inFlight.get(reply.seq);
    if (!chunk) return;
    slot.inFlight.delete(reply.seq);
    if (slot.inFlight.size === 0) slot.worker.unref();
    if (reply.ok) chunk.resolve(reply.result);
    else chunk.reject(new Error(`signing worker: ${reply.error}`));
    this.pump();
  }

  private fail(error: Error): void {
    if (this.failed || this.closed) return;
    this.failed = error;
    for (const chunk of this.queue.splice(0)) chunk.reject(error);
    for (const slot of this.slots) {
      for (const chunk of slot.inFlight.values()) chunk.reject(error);
      slot.inFlight.clear();
      slot.worker.unref();
    }
  }
}

/**
 * The bank's signing pool, started on demand: workers cost about a second to load and a few MiB each, which
 * only bulk work repays, so nothing starts them until a bulk run asks (`start`), and issuance uses them only
 * once they are running (`running`).
 */
export class BulkSigning {
  private pool: SigningPool | null = null;

  constructor(private readonly options: SigningPoolOptions = {}) {}

  /** Starts the workers (idempotent); they load while the caller goes on. */
  start(): SigningPool {
    this.pool ??= new SigningPool(this.options);
    return this.pool;
  }

  /** The pool when a bulk run has started it and no worker has died, else null. */
  get running(): SigningPool | null {
    return this.pool && !this.pool.broken ? this.pool : null;
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = null;
    await pool?.close();
  }
}
