/**
 * Configuration from environment variables, each with a safe default. docs/operations.md lists them;
 * a test checks that every variable read here is documented there.
 */
import { resolve } from "node:path";

export interface Config {
  /** TCP port of the HTTP server. */
  port: number;
  /** Interface to listen on; loopback by default so a fresh install is not exposed. */
  host: string;
  /** PostgreSQL server URL; when absent the embedded database (PGlite) in `dataDir` is used. */
  databaseUrl: string | undefined;
  /** Folder of the embedded database and other local state. */
  dataDir: string;
  /** The bank's public base URL (used in links, DIDs and credentials). */
  publicUrl: string;
  /** Log level for pino. */
  logLevel: string;
  /** Largest accepted request body, in bytes. */
  bodyLimit: number;
  /** Lifetime of a person's session, in seconds. */
  sessionTtlSeconds: number;
  /** Lifetime of an OAuth 2.0 access token (client-credentials and authorization-code grants), in seconds. */
  accessTokenTtlSeconds: number;
  /** The terms of use named by the Open Badges API's discovery; undefined: the bank's own `/terms` page. */
  termsUrl: string | undefined;
  /** The privacy policy named by the Open Badges API's discovery; undefined: the bank's own `/privacy` page. */
  privacyUrl: string | undefined;
  /** Password of the first registry administrator created on an empty bank (`npm start`). */
  bootstrapAdminPassword: string | undefined;
  /** E-mail (user name) of that first administrator. */
  bootstrapAdminEmail: string;
  /**
   * The master key that seals issuers' secret keys (32 bytes, hex or base64). When absent it is read
   * from, or created in, `DATA_DIR/master.key`.
   */
  masterKey: string | undefined;
  /** Proof format of credentials issued when a request does not name one. */
  credentialFormat: "data-integrity" | "jwt";
  /** TLS certificate and key files (PEM); with both set the bank serves HTTPS itself. */
  tlsCert: string | undefined;
  tlsKey: string | undefined;
  /** Milliseconds between runs of the transparency log's sequencer in the server (0: no timer). */
  logSequenceIntervalMs: number;
  /** Most log entries the sequencer appends in one transaction (one checkpoint). */
  logSequenceBatch: number;
  /** Witnesses this bank asks to cosign its log's checkpoints: each one's submission URL and verifier key. */
  logWitnesses: Array<{ url: string; verifierKey: string }>;
  /** Verifier keys of the other logs this bank witnesses (a log's origin is its key's name). */
  witnessedLogs: string[];
}

export const CONFIG_VARIABLES = [
  "PORT",
  "HOST",
  "DATABASE_URL",
  "DATA_DIR",
  "PUBLIC_URL",
  "LOG_LEVEL",
  "BODY_LIMIT",
  "SESSION_TTL_SECONDS",
  "ACCESS_TOKEN_TTL_SECONDS",
  "BOOTSTRAP_ADMIN_EMAIL",
  "BOOTSTRAP_ADMIN_PASSWORD",
  "MASTER_KEY",
  "CREDENTIAL_FORMAT",
  "TLS_CERT",
  "TLS_KEY",
  "TERMS_URL",
  "PRIVACY_URL",
  "LOG_SEQUENCE_INTERVAL_MS",
  "LOG_SEQUENCE_BATCH",
  "LOG_WITNESSES",
  "WITNESSED_LOGS",
] as const;

export class ConfigError extends Error {}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be a whole number between ${min} and ${max}; it is '${raw}'.`);
  }
  return value;
}

/** An absolute http(s) URL from the environment, or undefined when unset. */
function pageUrl(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === "") return undefined;
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== "https:" && url.protocol !== "http:")) {
    throw new ConfigError(`${name} must be an absolute URL such as https://bank.example/terms; it is '${raw}'.`);
  }
  return raw;
}

/** A note verifier key's shape (c2sp.org/signed-note): `<name>+<8 hex digits>+<base64>`. */
const VKEY = /^[^\s+]+\+[0-9a-f]{8}\+[A-Za-z0-9+/]+={0,2}$/;

/** Items of a list variable: separated by commas or newlines. */
const listItems = (raw: string | undefined): string[] =>
  (raw ?? "")
    .split(/[,\n]/)
    .map((item) => item.trim())
    .filter((item) => item !== "");

function logWitnesses(raw: string | undefined): Config["logWitnesses"] {
  return listItems(raw).map((item) => {
    const [url = "", verifierKey = "", ...rest] = item.split(/\s+/);
    let parsed: URL | undefined;
    try {
      parsed = new URL(url);
    } catch {
      parsed = undefined;
    }
    if (
      !parsed ||
      (parsed.protocol !== "https:" && parsed.protocol !== "http:") ||
      !VKEY.test(verifierKey) ||
      rest.length > 0
    ) {
      throw new ConfigError(
        `LOG_WITNESSES lists witnesses as '<submission URL> <verifier key>' separated by commas; '${item.slice(0, 200)}' is not one.`,
      );
    }
    return { url: url.replace(/\/+$/, ""), verifierKey };
  });
}

function witnessedLogs(raw: string | undefined): string[] {
  return listItems(raw)
    .flatMap((item) => item.split(/\s+/))
    .map((vkey) => {
      if (!VKEY.test(vkey)) {
        throw new ConfigError(
          `WITNESSED_LOGS lists the verifier keys of the logs to witness (<origin>+<key id>+<key>); '${vkey.slice(0, 200)}' is not one.`,
        );
      }
      return vkey;
    });
}

function credentialFormat(raw: string | undefined): Config["credentialFormat"] {
  if (raw === undefined || raw === "" || raw === "data-integrity") return "data-integrity";
  if (raw === "jwt") return "jwt";
  throw new ConfigError(`CREDENTIAL_FORMAT must be 'data-integrity' or 'jwt'; it is '${raw}'.`);
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = integer(env, "PORT", 3000, 0, 65535);
  const host = env.HOST || "127.0.0.1";
  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError("DATABASE_URL must start with postgres:// or postgresql://.");
  }
  const publicUrl = (env.PUBLIC_URL || `http://${host === "0.0.0.0" ? "localhost" : host}:${port}`).replace(/\/+$/, "");
  try {
    new URL(publicUrl);
  } catch {
    throw new ConfigError(`PUBLIC_URL must be an absolute URL such as https://bank.example; it is '${publicUrl}'.`);
  }
  if (Boolean(env.TLS_CERT) !== Boolean(env.TLS_KEY)) {
    throw new ConfigError("TLS_CERT and TLS_KEY go together: set both (PEM files) to serve HTTPS, or neither.");
  }
  return {
    port,
    host,
    databaseUrl,
    dataDir: resolve(env.DATA_DIR || "./data"),
    publicUrl,
    logLevel: env.LOG_LEVEL || "info",
    bodyLimit: integer(env, "BODY_LIMIT", 10 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    sessionTtlSeconds: integer(env, "SESSION_TTL_SECONDS", 8 * 3600, 60, 365 * 24 * 3600),
    accessTokenTtlSeconds: integer(env, "ACCESS_TOKEN_TTL_SECONDS", 3600, 60, 7 * 24 * 3600),
    bootstrapAdminEmail: (env.BOOTSTRAP_ADMIN_EMAIL || "admin@bank.local").toLowerCase(),
    bootstrapAdminPassword: env.BOOTSTRAP_ADMIN_PASSWORD || undefined,
    masterKey: env.MASTER_KEY || undefined,
    credentialFormat: credentialFormat(env.CREDENTIAL_FORMAT),
    tlsCert: env.TLS_CERT || undefined,
    tlsKey: env.TLS_KEY || undefined,
    termsUrl: pageUrl(env, "TERMS_URL"),
    privacyUrl: pageUrl(env, "PRIVACY_URL"),
    logSequenceIntervalMs: integer(env, "LOG_SEQUENCE_INTERVAL_MS", 1000, 0, 3_600_000),
    logSequenceBatch: integer(env, "LOG_SEQUENCE_BATCH", 65_536, 1, 1_000_000),
    logWitnesses: logWitnesses(env.LOG_WITNESSES),
    witnessedLogs: witnessedLogs(env.WITNESSED_LOGS),
  };
}
