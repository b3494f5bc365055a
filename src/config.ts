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
  /** Lifetime of an OAuth 2.0 client-credentials access token, in seconds. */
  accessTokenTtlSeconds: number;
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
  };
}
