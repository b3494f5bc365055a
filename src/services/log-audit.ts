/**
 * Auditing a bank's transparency log from the outside, over HTTP only (`creditbank log verify URL`):
 *
 *   1. fetch the checkpoint and check its signature with the log's verifier key (given, or pinned in
 *      the auditor's state file on first use, trust-on-first-use as with SSH);
 *   2. fetch every entry bundle and hash every entry: recompute the whole tree, tile by tile, and compare
 *      each tile with the one the log serves (so proofs computed from its tiles are right too);
 *   3. compare the recomputed root with the checkpoint's, and the root of the first m leaves with the
 *      root of every checkpoint of size m this auditor saw before (kept in the state file): a log that
 *      rewrote or dropped anything it once published cannot pass;
 *   4. report the first inconsistency precisely: which leaf, which tile and hash, which size.
 *
 * Memory stays flat: the tree is streamed bundle by bundle (the builder keeps only the right edge).
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { type Checkpoint, openCheckpoint } from "../ledger/checkpoint.ts";
import { bytesEqual, encodeBase64 } from "../ledger/encoding.ts";
import { decodeEntryBundle } from "../ledger/entry-bundles.ts";
import { LedgerError } from "../ledger/errors.ts";
import { HASH_SIZE, packedLeafHashes } from "../ledger/hashes.ts";
import { treeRoot } from "../ledger/proofs.ts";
import { ed25519NoteVerifier, parseVerifierKey } from "../ledger/signed-note.ts";
import { entryBundlePath, tilePath } from "../ledger/tile-paths.ts";
import { FULL_TILE_BYTES, TILE_WIDTH, type Tile, type TileId } from "../ledger/tiles.ts";
import { TreeBuilder } from "../ledger/tree-builder.ts";
import { AppError } from "./errors.ts";

// ── the auditor's state ─────────────────────────────────────────────────────────────────────────

export interface SeenCheckpoint {
  size: number;
  /** base64 */
  root: string;
  seenAt: string;
}

export interface AuditedLog {
  origin: string;
  verifierKey: string;
  checkpoints: SeenCheckpoint[];
}

export interface AuditState {
  version: 1;
  /** By the log's URL prefix (`…/log`). */
  logs: Record<string, AuditedLog>;
}

/** The default state file: `$XDG_CONFIG_HOME/creditbank/log-state.json` (or under ~/.config). */
export function defaultStatePath(): string {
  const base = process.env.XDG_CONFIG_HOME || join(homedir(), ".config");
  return join(base, "creditbank", "log-state.json");
}

export function readAuditState(path: string): AuditState {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { version: 1, logs: {} };
    throw new AppError("state-unreadable", `Cannot read the state file ${path}: ${(error as Error).message}`);
  }
  try {
    const state = JSON.parse(text) as AuditState;
    if (state.version !== 1 || typeof state.logs !== "object" || state.logs === null)
      throw new Error("not a state file");
    return state;
  } catch (error) {
    throw new AppError("state-unreadable", `The state file ${path} is damaged: ${(error as Error).message}`);
  }
}

/** Writes the state atomically (a temporary file renamed over it). */
export function writeAuditState(path: string, state: AuditState): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, path);
}

/** The log's URL prefix from a bank's URL (`https://bank.example` → `https://bank.example/log`). */
export function logPrefixOf(url: string): string {
  const trimmed = url.replace(/\/+$/, "");
  return trimmed.endsWith("/log") ? trimmed : `${trimmed}/log`;
}

// ── fetching ────────────────────────────────────────────────────────────────────────────────────

export type Fetch = (url: string, init?: RequestInit) => Promise<Response>;

async function get(fetcher: Fetch, url: string): Promise<{ status: number; bytes: Buffer }> {
  let response: Response;
  try {
    response = await fetcher(url, { signal: AbortSignal.timeout(30_000) });
  } catch (error) {
    throw new AppError("log-unreachable", `Cannot fetch ${url}: ${(error as Error).message}`, 503);
  }
  return { status: response.status, bytes: Buffer.from(await response.arrayBuffer()) };
}

// ── the audit ───────────────────────────────────────────────────────────────────────────────────

export type AuditProblemCode =
  | "checkpoint-invalid"
  | "key-mismatch"
  | "origin-mismatch"
  | "log-shrank"
  | "resource-missing"
  | "bundle-invalid"
  | "leaf-changed"
  | "tile-changed"
  | "root-mismatch"
  | "history-rewritten";

export interface AuditProblem {
  code: AuditProblemCode;
  message: string;
  leaf?: number;
  tile?: { level: number; index: number; hash: number };
  size?: number;
}

export interface AuditReport {
  ok: boolean;
  url: string;
  origin: string;
  verifierKey: string;
  /** Where the key came from: the command line, the state file, or the bank's API (first use, pinned now). */
  keySource: "given" | "pinned" | "first-use";
  size: number;
  root: string;
  /** Earlier checkpoints (sizes) the tree was found consistent with. */
  consistentWith: number[];
  bundles: number;
  tiles: number;
  seconds: number;
  problem?: AuditProblem;
}

export interface AuditOptions {
  /** The bank's URL (or the log's prefix, ending in /log). */
  url: string;
  /** The log's verifier key; default: the one pinned in the state, or the bank's published key. */
  verifierKey?: string | undefined;
  /** What this auditor saw before of this log (from the state file). */
  known?: AuditedLog | undefined;
  fetch?: Fetch;
  /** Requests in flight at once (default 16). */
  concurrency?: number;
  onProgress?: (leaves: number, size: number) => void;
}

/** Audits a log; never throws for a problem in the log (it is in the report), only for unreachable ones. */
export async function auditLog(options: AuditOptions): Promise<AuditReport> {
  const started = performance.now();
  const fetcher = options.fetch ?? ((url, init) => fetch(url, init));
  const prefix = logPrefixOf(options.url);
  const known = options.known;

  // 1. The key and the checkpoint.
  let verifierKey = options.verifierKey;
  let keySource: AuditReport["keySource"] = "given";
  if (verifierKey && known && known.verifierKey !== verifierKey) {
    return failed("key-mismatch", `The key given is not the key pinned for ${prefix} (${known.verifierKey}).`);
  }
  if (!verifierKey && known) {
    verifierKey = known.verifierKey;
    keySource = "pinned";
  }
  if (!verifierKey) {
    const info = await get(fetcher, `${prefix.replace(/\/log$/, "")}/api/v1/log`);
    const key =
      info.status === 200
        ? (JSON.parse(info.bytes.toString("utf8")) as { verifierKey?: unknown }).verifierKey
        : undefined;
    if (typeof key !== "string") {
      throw new AppError(
        "log-key-unknown",
        `Cannot learn the log's verifier key from ${prefix.replace(/\/log$/, "")}/api/v1/log (HTTP ${info.status}); give it with --key.`,
      );
    }
    verifierKey = key;
    keySource = "first-use";
  }
  let origin: string;
  try {
    origin = known?.origin ?? parseVerifierKey(verifierKey).name;
  } catch (error) {
    throw new AppError("log-key-invalid", (error as Error).message);
  }
  const base = { url: prefix, origin, verifierKey, keySource, consistentWith: [] as number[], bundles: 0, tiles: 0 };
  function failed(
    code: AuditProblemCode,
    message: string,
    extra: Partial<AuditProblem> = {},
    size = 0,
    root = "",
  ): AuditReport {
    return {
      ok: false,
      url: prefix,
      origin: known?.origin ?? "",
      verifierKey: verifierKey ?? "",
      keySource,
      size,
      root,
      consistentWith: [],
      bundles: 0,
      tiles: 0,
      seconds: (performance.now() - started) / 1000,
      problem: { code, message, ...extra },
    };
  }

  const checkpointResponse = await get(fetcher, `${prefix}/checkpoint`);
  if (checkpointResponse.status !== 200) {
    return failed(
      "resource-missing",
      `The log serves no checkpoint (HTTP ${checkpointResponse.status} at ${prefix}/checkpoint).`,
    );
  }
  let checkpoint: Checkpoint;
  try {
    checkpoint = openCheckpoint(checkpointResponse.bytes, [ed25519NoteVerifier(verifierKey)], { origin }).checkpoint;
  } catch (error) {
    const reason = error instanceof LedgerError ? error.message : String(error);
    return failed("checkpoint-invalid", `The checkpoint is not validly signed by ${origin}: ${reason}`);
  }
  const size = checkpoint.size;
  const root = encodeBase64(checkpoint.root);
  const report = (problem?: AuditProblem, extra: Partial<AuditReport> = {}): AuditReport => ({
    ...base,
    ok: problem === undefined,
    size,
    root,
    seconds: (performance.now() - started) / 1000,
    ...extra,
    ...(problem ? { problem } : {}),
  });
  const earlier = [...(known?.checkpoints ?? [])].sort((a, b) => a.size - b.size);
  const largest = earlier.at(-1);
  if (largest && largest.size > size) {
    return report({
      code: "log-shrank",
      message: `The log's checkpoint has ${size} leaves, but it published one of ${largest.size} leaves on ${largest.seenAt}: entries it published are gone.`,
      size: largest.size,
    });
  }

  // 2. Recompute the tree from the entries, comparing every tile on the way.
  const concurrency = options.concurrency ?? 16;
  const bundleCount = Math.ceil(size / TILE_WIDTH);
  const fetchBundle = (b: number) => {
    const width = Math.min(TILE_WIDTH, size - b * TILE_WIDTH);
    return Promise.all([
      get(fetcher, `${prefix}/${entryBundlePath(b, width)}`),
      get(fetcher, `${prefix}/${tilePath({ level: 0, index: b, width })}`),
    ]).then(([bundle, tile]) => ({ width, bundle, tile }));
  };
  const window: Array<ReturnType<typeof fetchBundle>> = [];
  for (let b = 0; b < Math.min(concurrency, bundleCount); b++) window.push(fetchBundle(b));
  // Silence rejections of prefetched requests the loop may never await (it stops at a problem).
  for (const pending of window) pending.catch(() => undefined);

  const builder = new TreeBuilder();
  const servedTiles = new Map<string, Buffer>(); // partial and upper tiles, for the tiles' own root
  let firstTileMismatch: (AuditProblem["tile"] & { leaf?: number }) | undefined;
  const checks = earlier.filter((c) => c.size <= size);
  let nextCheck = 0;
  let history: AuditProblem | undefined;
  let tileCount = 0;

  const compareTile = (tile: Tile, served: Buffer) => {
    tileCount++;
    if (bytesEqual(tile.hashes, served)) return;
    if (firstTileMismatch) return;
    let hash = 0;
    while (
      hash < tile.width &&
      bytesEqual(
        tile.hashes.subarray(hash * HASH_SIZE, (hash + 1) * HASH_SIZE),
        served.subarray(hash * HASH_SIZE, (hash + 1) * HASH_SIZE),
      )
    )
      hash++;
    firstTileMismatch = {
      level: tile.level,
      index: tile.index,
      hash,
      ...(tile.level === 0 ? { leaf: tile.index * TILE_WIDTH + hash } : {}),
    };
  };
  const fetchUpperTile = async (tile: TileId): Promise<Buffer> => {
    const served = await get(fetcher, `${prefix}/${tilePath(tile)}`);
    if (served.status !== 200) throw missing(`tile ${tilePath(tile)}`, served.status);
    return served.bytes;
  };
  const missing = (what: string, status: number) =>
    new AuditFailure({
      code: "resource-missing",
      message: `The log does not serve ${what} (HTTP ${status}), which its checkpoint of size ${size} implies.`,
    });

  try {
    for (let b = 0; b < bundleCount; b++) {
      const next = window.shift() as ReturnType<typeof fetchBundle>;
      if (b + window.length + 1 < bundleCount) {
        const ahead = fetchBundle(b + window.length + 1);
        ahead.catch(() => undefined);
        window.push(ahead);
      }
      const { width, bundle, tile } = await next;
      if (bundle.status !== 200) throw missing(`entry bundle ${entryBundlePath(b, width)}`, bundle.status);
      if (tile.status !== 200) throw missing(`tile ${tilePath({ level: 0, index: b, width })}`, tile.status);
      let entries: Buffer[];
      try {
        entries = decodeEntryBundle(bundle.bytes, width);
      } catch (error) {
        throw new AuditFailure({
          code: "bundle-invalid",
          message: `Entry bundle ${b} is malformed: ${(error as Error).message}`,
          leaf: b * TILE_WIDTH,
        });
      }
      const hashes = packedLeafHashes(entries);
      if (width < TILE_WIDTH) servedTiles.set(`0/${b}`, tile.bytes);
      // Append in pieces that end at every earlier checkpoint's size, to compare its root there.
      let offset = 0;
      while (offset < width) {
        const check = checks[nextCheck];
        const room = width - offset;
        const take =
          check && check.size - builder.size <= room && check.size > builder.size ? check.size - builder.size : room;
        const result = builder.append(hashes.subarray(offset * HASH_SIZE, (offset + take) * HASH_SIZE));
        offset += take;
        for (const produced of result.tiles) {
          if (produced.width !== TILE_WIDTH) continue; // partial tiles are compared at the end
          if (produced.level === 0) compareTile(produced, tile.bytes.subarray(0, FULL_TILE_BYTES));
          else compareTile(produced, await fetchUpperTile(produced));
        }
        while (checks[nextCheck] && (checks[nextCheck] as SeenCheckpoint).size <= builder.size) {
          const seen = checks[nextCheck] as SeenCheckpoint;
          nextCheck++;
          if (seen.size !== builder.size) continue;
          if (encodeBase64(builder.root) === seen.root) base.consistentWith.push(seen.size);
          else
            history ??= {
              code: "history-rewritten",
              message: `The log's first ${seen.size} leaves now have root ${encodeBase64(builder.root)}, but on ${seen.seenAt} the log signed root ${seen.root} for that size: it rewrote its history.`,
              size: seen.size,
            };
        }
      }
      options.onProgress?.(builder.size, size);
    }
    // The partial tiles of the final tree.
    for (const partial of builder.state.partialTiles) {
      const served =
        partial.level === 0 ? (servedTiles.get(`0/${partial.index}`) as Buffer) : await fetchUpperTile(partial);
      servedTiles.set(`${partial.level}/${partial.index}`, served);
      compareTile(partial, served);
    }
  } catch (error) {
    if (error instanceof AuditFailure) return report(error.problem, { bundles: 0, tiles: tileCount });
    throw error;
  }
  const counts = { bundles: bundleCount, tiles: tileCount };

  // 3. Who is wrong: the entries, the tiles, or the checkpoint.
  const recomputed = builder.size === 0 ? null : builder.root;
  const entriesMatch = recomputed === null ? size === 0 : bytesEqual(recomputed, checkpoint.root);
  if (entriesMatch && firstTileMismatch) {
    const t = firstTileMismatch;
    return report(
      {
        code: "tile-changed",
        message: `Tile ${t.level}/${t.index} served by the log differs at hash ${t.hash}${t.leaf === undefined ? "" : ` (leaf ${t.leaf})`} from what the log's entries give, and the entries give the checkpoint's root: the tile was changed.`,
        tile: { level: t.level, index: t.index, hash: t.hash },
        ...(t.leaf === undefined ? {} : { leaf: t.leaf }),
      },
      counts,
    );
  }
  if (!entriesMatch) {
    // Do the served tiles give the checkpoint's root? Then the entries are what was changed.
    const tilesRoot = await treeRoot(
      {
        readTiles: async (ids) =>
          Promise.all(
            ids.map(async (id) => {
              const key = `${id.level}/${id.index}`;
              const hashes = servedTiles.get(key) ?? (await fetchUpperTile(id));
              return { level: id.level, index: id.index, width: hashes.length / HASH_SIZE, hashes };
            }),
          ),
      },
      size,
    ).catch(() => null);
    const tilesMatch = tilesRoot !== null && bytesEqual(tilesRoot, checkpoint.root);
    if (tilesMatch && firstTileMismatch?.leaf !== undefined) {
      const leaf = firstTileMismatch.leaf;
      return report(
        {
          code: "leaf-changed",
          message: `Leaf ${leaf} (entry ${leaf % TILE_WIDTH} of bundle ${Math.floor(leaf / TILE_WIDTH)}) does not hash to the leaf hash the log committed to in its checkpoint of size ${size}: the entry was changed.`,
          leaf,
          tile: { level: 0, index: Math.floor(leaf / TILE_WIDTH), hash: leaf % TILE_WIDTH },
        },
        counts,
      );
    }
    return report(
      {
        code: "root-mismatch",
        message: `The log's entries give root ${recomputed ? encodeBase64(recomputed) : "(none)"}, not the checkpoint's ${root}${tilesMatch ? "" : ", and neither do its tiles"}${firstTileMismatch ? `; the first difference between entries and tiles is at tile ${firstTileMismatch.level}/${firstTileMismatch.index}, hash ${firstTileMismatch.hash}` : ""}.`,
        size,
      },
      counts,
    );
  }
  if (history) return report(history, counts);
  return report(undefined, counts);
}

class AuditFailure extends Error {
  constructor(readonly problem: AuditProblem) {
    super(problem.message);
  }
}

/** The state after a successful audit: the key pinned, the checkpoint added to those seen. */
export function rememberAudit(state: AuditState, report: AuditReport, at = new Date()): AuditState {
  const previous = state.logs[report.url];
  const checkpoints = (previous?.checkpoints ?? []).filter((c) => c.size !== report.size);
  if (report.size > 0) checkpoints.push({ size: report.size, root: report.root, seenAt: at.toISOString() });
  checkpoints.sort((a, b) => a.size - b.size);
  return {
    ...state,
    logs: { ...state.logs, [report.url]: { origin: report.origin, verifierKey: report.verifierKey, checkpoints } },
  };
}
