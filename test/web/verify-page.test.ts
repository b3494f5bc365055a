/**
 * The verify page in a real browser (headless Chromium driven by playwright-core): a person pastes a
 * credential, uploads a baked badge, or opens a certificate's QR link, and sees the verdict and every
 * check; a tampered credential shows which check caught it.
 */
import { existsSync } from "node:fs";
import type { FastifyInstance } from "fastify";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildServer } from "../../src/api/server.ts";
import { bakePng, renderBadgePng } from "../../src/credentials/baking/index.ts";
import { OPERATOR } from "../../src/services/actor.ts";
import { importBundle } from "../../src/services/bundle-import.ts";
import { recordAchievements } from "../../src/services/recording.ts";
import { credentialById } from "../../src/store/credentials-repo.ts";
import { testBank } from "../support/bank.ts";
import { coherentUnit, provider } from "../support/fixtures.ts";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

let bank: Awaited<ReturnType<typeof testBank>>;
let app: FastifyInstance;
let browser: Browser;
let base: string;
let credential: string;
let credentialId: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}: install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH.`,
    );
  }
  bank = await testBank({ PUBLIC_URL: "http://127.0.0.1" });
  await importBundle(bank.db, OPERATOR, {
    providers: [provider("web-a")],
    units: [{ ...coherentUnit("web-a", "WEB1", 3), status: "approved" }],
  });
  const report = await recordAchievements(bank, OPERATOR, [
    {
      row: 1,
      record: {
        provider: "web-a",
        unit: "WEB1",
        achievedOn: "2025-04-01",
        learner: { identifiers: [{ kind: "email", value: "web@example.org" }] },
      },
    },
  ]);
  credentialId = report.results[0]?.credentialId as string;
  credential = (await credentialById(bank.db, credentialId))?.document as string;
  app = await buildServer(bank, { logger: false });
  await app.listen({ host: "127.0.0.1", port: 0 });
  base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
    ],
  });
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await bank?.dispose();
});

async function verdictOf(page: Page): Promise<{ verdict: string; checks: Array<{ id: string; status: string }> }> {
  // Evaluated in the page; written as strings and plain shapes so the Node test needs no DOM typings.
  await page.waitForFunction('(document.getElementById("verdict").textContent || "").length > 0');
  const verdict = (await page.textContent("#verdict")) ?? "";
  const checks = await page.$$eval(
    "#checks li",
    (items: Array<{ getAttribute(name: string): string | null; className: string }>) =>
      items.map((li) => ({ id: li.getAttribute("data-check") ?? "", status: li.className })),
  );
  return { verdict, checks };
}

describe("the verify page", () => {
  it("a pasted credential of this bank is verified, every check shown as passed", async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/verify`);
    await page.fill("#text", credential);
    await page.click("#verify");
    const { verdict, checks } = await verdictOf(page);
    expect(verdict).toBe("Verified");
    expect(new Set(checks.map((c) => c.id))).toEqual(
      new Set(["format", "schema", "jsonld", "issuer", "proof", "register", "status", "validity", "log"]),
    );
    expect(checks.every((c) => c.status === "pass")).toBe(true);
    await page.close();
  });

  it("a tampered credential is not verified, and the proof check says so", async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/verify`);
    await page.fill("#text", credential.replace('"Unit WEB1"', '"Unit WEB2"'));
    await page.click("#verify");
    const { verdict, checks } = await verdictOf(page);
    expect(verdict).toBe("Not verified");
    expect(checks.find((c) => c.id === "proof")?.status).toBe("fail");
    await page.close();
  });

  it("an uploaded baked badge is verified", async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/verify`);
    const png = bakePng(renderBadgePng({}), { format: "json", text: credential });
    await page.setInputFiles("#file", { name: "badge.png", mimeType: "image/png", buffer: Buffer.from(png) });
    expect((await verdictOf(page)).verdict).toBe("Verified");
    await page.close();
  });

  it("a certificate's QR link opens the page and verifies the credential it names", async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/verify?credential=${encodeURIComponent(`urn:uuid:${credentialId}`)}`);
    expect((await verdictOf(page)).verdict).toBe("Verified");
    await page.goto(`${base}/verify?credential=urn:uuid:00000000-0000-4000-8000-000000000000`);
    const missing = await verdictOf(page);
    expect(missing.verdict).toMatch(/does not exist/);
    await page.close();
  });
});
