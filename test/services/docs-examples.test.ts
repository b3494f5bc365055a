// The examples in docs/ must work: a reader copies them.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import YAML from "yaml";
import { CONFIG_VARIABLES } from "../../src/config.ts";
import { OPERATOR } from "../../src/services/actor.ts";
import { importBundle } from "../../src/services/bundle-import.ts";
import { type testBank as TestBank, testBank } from "../support/bank.ts";

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), "utf8");

describe("docs/examples/bundle.yaml", () => {
  let bank: Awaited<ReturnType<typeof TestBank>>;
  beforeAll(async () => {
    bank = await testBank();
  });
  afterAll(async () => bank.dispose());

  it("imports, approves its unit, and imports again unchanged", async () => {
    const bundle = YAML.parse(read("docs/examples/bundle.yaml"));
    const first = await importBundle(bank.db, OPERATOR, bundle, "example");
    expect(first.frameworks.created).toBe(1);
    expect(first.providers.created).toBe(1);
    expect(first.units).toMatchObject({ created: 1, approved: 1 });
    expect(first.qualifications.created).toBe(1);
    const second = await importBundle(bank.db, OPERATOR, bundle, "example");
    expect(second.units).toMatchObject({ created: 0, updated: 0, unchanged: 1, approved: 0 });
    expect(second.frameworks.unchanged).toBe(1);
  });
});

describe("docs/operations.md", () => {
  it("documents every configuration variable the bank reads", () => {
    const doc = read("docs/operations.md");
    const missing = CONFIG_VARIABLES.filter((name) => !doc.includes(`\`${name}\``));
    expect(missing).toEqual([]);
  });
});
