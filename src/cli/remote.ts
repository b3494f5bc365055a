/** Talking to a running bank over its HTTP API, for commands given --url. */
import { AppError } from "../services/errors.ts";

export interface Remote {
  url: string;
  token: string | undefined;
}

export async function callApi<T>(
  remote: Remote,
  method: string,
  path: string,
  body?: unknown,
  contentType = "application/json",
): Promise<T> {
  const headers: Record<string, string> = {};
  if (remote.token) headers.authorization = `Bearer ${remote.token}`;
  if (body !== undefined) headers["content-type"] = contentType;
  let response: Response;
  try {
    response = await fetch(new URL(path, remote.url), {
      method,
      headers,
      ...(body !== undefined
        ? { body: typeof body === "string" || body instanceof Uint8Array ? body : JSON.stringify(body) }
        : {}),
    });
  } catch (error) {
    throw new AppError("bank-unreachable", `Cannot reach the bank at ${remote.url}: ${(error as Error).message}`, 503);
  }
  const text = await response.text();
  const data = text ? (JSON.parse(text) as unknown) : undefined;
  if (!response.ok) {
    const e = (data as { error?: { code?: string; message?: string; details?: [] } } | undefined)?.error;
    throw new AppError(
      e?.code ?? `http-${response.status}`,
      e?.message ?? `The bank answered ${response.status}.`,
      response.status,
      e?.details,
    );
  }
  return data as T;
}
