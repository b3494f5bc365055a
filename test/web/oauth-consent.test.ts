/**
 * The OAuth consent page in a real browser (headless Chromium driven by playwright-core): an app
 * registered with a loopback redirect URI sends the learner to the bank; the learner signs in on the
 * page, sees what the app asks for, and allows it; the browser lands on the app's redirect URI (a tiny
 * HTTP server in this test) with a code, which the test exchanges for a token that reads the learner's
 * badges. Denying lands there with access_denied. The page's strict CSP must not get in the way: its
 * style applies, and the form's redirect to the app is allowed.
 */
import { createHash, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { FastifyInstance } from "fastify";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildServer } from "../../src/api/server.ts";
import { createUser } from "../../src/services/access.ts";
import { OPERATOR } from "../../src/services/actor.ts";
import { importBundle } from "../../src/services/bundle-import.ts";
import { recordAchievements } from "../../src/services/recording.ts";
import { testBank } from "../support/bank.ts";
import { coherentUnit, provider } from "../support/fixtures.ts";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const EMAIL = "wallet.user@example.org";
const PASSWORD = "correct-horse-battery-staple";
const READ = "https://purl.imsglobal.org/spec/ob/v3p0/scope/credential.readonly";

let bank: Awaited<ReturnType<typeof testBank>>;
let app: FastifyInstance;
let browser: Browser;
let base: string;
let credentialId: string;
/** The app's side: a loopback server that records what arrives at its redirect URI. */
let appServer: Server;
let redirectUri: string;
const arrivals: URL[] = [];
let client: { client_id: string; client_secret: string };

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}: install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH.`,
    );
  }
  bank = await testBank({ PUBLIC_URL: "http://127.0.0.1" });
  await importBundle(bank.db, OPERATOR, {
    providers: [provider("web-o")],
    units: [{ ...coherentUnit("web-o", "WEB-O1", 3), status: "approved" }],
  });
  const report = await recordAchievements(bank, OPERATOR, [
    {
      row: 1,
      record: {
        provider: "web-o",
        unit: "WEB-O1",
        achievedOn: "2025-04-01",
        learner: { identifiers: [{ kind: "email", value: EMAIL }] },
      },
    },
  ]);
  const recorded = report.results[0];
  if (!recorded) throw new Error(`recording failed: ${JSON.stringify(report.errors)}`);
  credentialId = recorded.credentialId;
  await createUser(bank.db, OPERATOR, {
    email: EMAIL,
    password: PASSWORD,
    displayName: "Wallet user",
    role: "learner",
    learnerId: recorded.learnerId,
  });

  app = await buildServer(bank, { logger: false });
  await app.listen({ host: "127.0.0.1", port: 0 });
  base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;

  appServer = createServer((request, response) => {
    arrivals.push(new URL(request.url ?? "/", redirectUri));
    response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    response.end("<!doctype html><title>Wallet</title><p id='done'>Back in the wallet.</p>");
  });
  await new Promise<void>((resolve) => appServer.listen(0, "127.0.0.1", resolve));
  const port = (appServer.address() as { port: number }).port;
  redirectUri = `http://127.0.0.1:${port}/callback`;

  const registered = await fetch(`${base}/oauth/register`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      client_name: "Loopback Wallet",
      client_uri: `http://127.0.0.1:${port}/`,
      redirect_uris: [redirectUri],
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_basic",
      scope: READ,
    }),
  });
  expect(registered.status).toBe(201);
  client = (await registered.json()) as typeof client;

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
  await new Promise((resolve) => (appServer ? appServer.close(resolve) : resolve(undefined)));
  await bank?.dispose();
});

function pkce() {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

function authorizeUrl(challenge: string, state: string): string {
  const q = new URLSearchParams({
    response_type: "code",
    client_id: client.client_id,
    redirect_uri: redirectUri,
    scope: READ,
    state,
    code_challenge: challenge,
    code_challenge_method: "S256",
  });
  return `${base}/oauth/authorize?${q.toString()}`;
}

describe("connecting an app in the browser", () => {
  it("the learner signs in, allows, and lands on the app's redirect URI with a code the app exchanges", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const violations: string[] = [];
    page.on("console", (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
    });
    const { verifier, challenge } = pkce();
    await page.goto(authorizeUrl(challenge, "browser-state"));
    expect(await page.textContent("h1")).toBe("Sign in to connect an app");
    expect(await page.textContent("main")).toContain("Loopback Wallet");

    await page.fill("#email", EMAIL);
    await page.fill("#password", PASSWORD);
    await page.click('button[value="sign-in"]');
    await page.waitForSelector("#decision");
    expect(await page.textContent("h1")).toBe("Allow this app to use your learning account?");
    const scopes = await page.$$eval("ul.scopes li", (items: Array<{ textContent: string | null }>) =>
      items.map((li) => li.textContent ?? ""),
    );
    expect(scopes).toContain("See the badges and other credentials in your learning account.");
    // The page's one style is allowed by its hash: the primary button is styled.
    const background = await page.$eval(
      'button[value="approve"]',
      (button: unknown) =>
        (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }).getComputedStyle(
          button,
        ).backgroundColor,
    );
    expect(background).toBe("rgb(31, 78, 121)");

    await Promise.all([page.waitForURL(/\/callback\?/), page.click('button[value="approve"]')]);
    expect(await page.textContent("#done")).toBe("Back in the wallet.");
    const back = new URL(page.url());
    expect(`${back.origin}${back.pathname}`).toBe(redirectUri);
    expect(back.searchParams.get("state")).toBe("browser-state");
    const code = back.searchParams.get("code") as string;
    expect(code).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // The app's server got it (the browser may also ask it for a favicon).
    expect(arrivals.filter((u) => u.pathname === "/callback").map((u) => u.searchParams.get("code"))).toContain(code);
    expect(violations).toEqual([]);

    const basic = Buffer.from(`${client.client_id}:${client.client_secret}`).toString("base64");
    const exchanged = await fetch(`${base}/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", authorization: `Basic ${basic}` },
      body: new URLSearchParams({
        grant_type: "authorization_code",
        code,
        redirect_uri: redirectUri,
        code_verifier: verifier,
      }).toString(),
    });
    expect(exchanged.status).toBe(200);
    const tokens = (await exchanged.json()) as { access_token: string; scope: string; refresh_token: string };
    expect(tokens.scope).toBe(READ);
    const badges = await fetch(`${base}/ims/ob/v3p0/credentials`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(badges.status).toBe(200);
    const body = (await badges.json()) as { credential: Array<{ id: string }> };
    expect(body.credential.map((c) => c.id)).toEqual([`urn:uuid:${credentialId}`]);
    await context.close();
  });

  it("a learner already signed in who denies lands on the redirect URI with access_denied and no code", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    // Signed in from the bank's own sign-in (the session cookie), then sent by the app.
    const signedIn = await page.request.post(`${base}/api/v1/auth/login`, {
      data: { email: EMAIL, password: PASSWORD },
    });
    expect(signedIn.status()).toBe(200);
    await page.goto(authorizeUrl(pkce().challenge, "deny-state"));
    await page.waitForSelector("#decision");
    await Promise.all([page.waitForURL(/\/callback\?/), page.click('button[value="deny"]')]);
    const back = new URL(page.url());
    expect(back.searchParams.get("error")).toBe("access_denied");
    expect(back.searchParams.get("state")).toBe("deny-state");
    expect(back.searchParams.has("code")).toBe(false);
    await context.close();
  });
});
