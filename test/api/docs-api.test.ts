// docs/api.md lists every endpoint the server has.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildServer } from "../../src/api/server.ts";
import { testBank } from "../support/bank.ts";

describe("docs/api.md", () => {
  let bank: Awaited<ReturnType<typeof testBank>>;
  let paths: Array<[string, string]>;
  beforeAll(async () => {
    bank = await testBank();
    const app = await buildServer(bank, { logger: false });
    const doc = (await app.inject({ method: "GET", url: "/openapi.json" })).json() as { paths: Record<string, object> };
    paths = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => [m.toUpperCase(), path] as [string, string]),
    );
    await app.close();
  });
  afterAll(async () => bank.dispose());

  it("names every operation of the OpenAPI document", () => {
    const text = readFileSync(new URL("../../docs/api.md", import.meta.url), "utf8");
    expect(paths.length).toBeGreaterThan(30);
    const missing = paths
      .filter(([method, path]) => !text.includes(`\`${method} ${path}\``))
      .map(([m, p]) => `${m} ${p}`);
    expect(missing).toEqual([]);
  });
});
