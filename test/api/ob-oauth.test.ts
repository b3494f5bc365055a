/**
 * OAuth 2.0 for the Open Badges 3.0 API, over HTTP, as a wallet or an LMS meets it: dynamic client
 * registration (RFC 7591) and its refusals; the authorization page (sign in, consent, CSRF protection,
 * staff refused, errors shown or sent back per RFC 6749 §4.1.2.1); the code exchange with PKCE (S256);
 * tokens limited to the approved scopes on the OB API and refused on the bank's own routes; refresh
 * rotation with replay detection; revocation (RFC 7009); expiry; and the discovery document.
 */
import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { LightMyRequestResponse } from "fastify";
import { sql } from "kysely";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.ts";
import { buildWorld, call, type Harness, json, PASSWORD, startApi, type World } from "../support/api.ts";
import { openApiComponentErrors, schemaErrorsById } from "../support/ob-schema.ts";
import { standardsDir } from "../support/standards.ts";

const OB = "/ims/ob/v3p0";
const SCOPE = "https://purl.imsglobal.org/spec/ob/v3p0/scope/";
const READ = `${SCOPE}credential.readonly`;
const UPSERT = `${SCOPE}credential.upsert`;
const PROFILE_READ = `${SCOPE}profile.readonly`;
const PROFILE_UPDATE = `${SCOPE}profile.update`;
const ALL = [READ, UPSERT, PROFILE_READ, PROFILE_UPDATE];
const REDIRECT = "https://wallet.example/callback";

let h: Harness;
let w: World;

beforeAll(async () => {
  h = await startApi({ PUBLIC_URL: "https://bank.test" });
  w = await buildWorld(h);
});
afterAll(async () => {
  await h?.dispose();
});
afterEach(() => {
  vi.useRealTimers();
});

type Json = Record<string, unknown>;

// ── helpers: an app, a browser, a learner ───────────────────────────────────────────────────────

interface App {
  client_id: string;
  client_secret: string;
  redirect_uris: string[];
  scope: string;
  grant_types: string[];
}

const form = (fields: Record<string, string | undefined>) => ({
  payload: new URLSearchParams(
    Object.entries(fields).filter((e): e is [string, string] => e[1] !== undefined),
  ).toString(),
  contentType: "application/x-www-form-urlencoded",
});

const basic = (app: { client_id: string; client_secret: string }) =>
  `Basic ${Buffer.from(`${encodeURIComponent(app.client_id)}:${encodeURIComponent(app.client_secret)}`).toString("base64")}`;

/** The metadata of the registration request in the OB 3.0 specification's example, with our redirect URI. */
const exampleMetadata = (extra: Json = {}): Json => ({
  client_name: "Example Wallet",
  client_uri: "https://wallet.example/",
  logo_uri: "https://wallet.example/logo.png",
  tos_uri: "https://wallet.example/terms",
  policy_uri: "https://wallet.example/privacy",
  software_id: "c88b6ed8-269e-448e-99be-7e2ff47167d1",
  software_version: "v4.0.30319",
  redirect_uris: [REDIRECT],
  token_endpoint_auth_method: "client_secret_basic",
  grant_types: ["authorization_code", "refresh_token"],
  response_types: ["code"],
  scope: [...ALL, "offline_access"].join(" "),
  ...extra,
});

async function register(metadata: Json = exampleMetadata()): Promise<App> {
  const res = await call(h.app, "POST", "/oauth/register", { body: metadata });
  expect(res.statusCode, res.body).toBe(201);
  return json(res);
}

function pkce() {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

/** A browser's cookies, kept across requests as a browser would. */
class Browser {
  jar = new Map<string, string>();
  take(res: LightMyRequestResponse) {
    for (const c of res.cookies as Array<{ name: string; value: string; maxAge?: number }>) {
      if (c.value === "" || c.maxAge === 0) this.jar.delete(c.name);
      else this.jar.set(c.name, c.value);
    }
    return res;
  }
  get header() {
    return [...this.jar].map(([k, v]) => `${k}=${v}`).join("; ");
  }
  async get(url: string) {
    return this.take(await call(h.app, "GET", url, { headers: this.jar.size ? { cookie: this.header } : {} }));
  }
  async post(url: string, fields: Record<string, string | undefined>) {
    return this.take(
      await call(h.app, "POST", url, { raw: form(fields), headers: this.jar.size ? { cookie: this.header } : {} }),
    );
  }
}

interface AuthorizeParams {
  response_type?: string;
  redirect_uri?: string | undefined;
  scope?: string;
  state?: string;
  code_challenge?: string;
  code_challenge_method?: string;
}

function authorizeUrl(app: App, params: AuthorizeParams = {}) {
  const q = new URLSearchParams();
  const all: Record<string, string | undefined> = {
    response_type: "code",
    client_id: app.client_id,
    redirect_uri: REDIRECT,
    scope: READ,
    state: "state-123",
    code_challenge_method: "S256",
    ...params,
  };
  for (const [k, v] of Object.entries(all)) if (v !== undefined) q.set(k, v);
  return `/oauth/authorize?${q.toString()}`;
}

/** The token of the page's form: the CSRF token bound to the pending request. */
function formToken(res: LightMyRequestResponse): string {
  const m = /name="request" value="([^"]+)"/.exec(res.body);
  expect(m, res.body).not.toBeNull();
  return m?.[1] as string;
}

function locationOf(res: LightMyRequestResponse): URL {
  expect([302, 303], res.body).toContain(res.statusCode);
  return new URL(res.headers.location as string);
}

/**
 * The learner approves the app in a fresh browser: open the authorization URL, sign in on the page,
 * approve. Returns the code and what came back with it.
 */
async function approve(
  app: App,
  params: AuthorizeParams & { challenge: string },
  email = w.emails.learner,
): Promise<{ code: string; back: URL; browser: Browser }> {
  const browser = new Browser();
  const { challenge, ...rest } = params;
  const page = await browser.get(authorizeUrl(app, { code_challenge: challenge, ...rest }));
  expect(page.statusCode, page.body).toBe(200);
  expect(page.body).toContain("Sign in");
  const consent = await browser.post("/oauth/authorize", {
    request: formToken(page),
    action: "sign-in",
    email,
    password: PASSWORD,
  });
  expect(consent.statusCode, consent.body).toBe(200);
  expect(consent.body).toContain("Allow this app");
  const done = await browser.post("/oauth/authorize", { request: formToken(consent), action: "approve" });
  const back = locationOf(done);
  expect(done.statusCode).toBe(303);
  const code = back.searchParams.get("code");
  expect(code, done.headers.location as string).toBeTruthy();
  return { code: code as string, back, browser };
}

async function token(app: App, fields: Record<string, string | undefined>, auth: "basic" | "post" = "basic") {
  return call(h.app, "POST", "/oauth/token", {
    raw: form(auth === "post" ? { ...fields, client_id: app.client_id, client_secret: app.client_secret } : fields),
    ...(auth === "basic" ? { headers: { authorization: basic(app) } } : {}),
  });
}

const exchange = (app: App, code: string, verifier: string, extra: Record<string, string | undefined> = {}) =>
  token(app, { grant_type: "authorization_code", code, redirect_uri: REDIRECT, code_verifier: verifier, ...extra });

/** Registers, approves and exchanges: tokens for the learner with these scopes. */
async function connect(scope: string, app?: App) {
  const theApp = app ?? (await register());
  const { verifier, challenge } = pkce();
  const { code } = await approve(theApp, { scope, challenge });
  const res = await exchange(theApp, code, verifier);
  expect(res.statusCode, res.body).toBe(200);
  return { app: theApp, tokens: json(res) as { access_token: string; refresh_token: string; scope: string } };
}

/** An RFC 6749 §5.2 error: status, code, a description, not cached. */
function expectOAuthError(res: LightMyRequestResponse, status: number, error: string, description?: RegExp) {
  const body = json(res);
  expect({ status: res.statusCode, error: body?.error }, res.body).toEqual({ status, error });
  expect(typeof body.error_description, res.body).toBe("string");
  expect(body.error_description.length, res.body).toBeGreaterThan(10);
  if (description) expect(body.error_description).toMatch(description);
  expect(res.headers["cache-control"]).toBe("no-store");
  if (error === "invalid_client") expect(res.headers["www-authenticate"]).toMatch(/^Basic /);
  expect(res.body, "a stack trace leaked").not.toMatch(/\bat .+\.(ts|js|mjs):\d+|node_modules/);
}

/** An OB API error: imsx_StatusInfo, our code first. */
function expectImsx(res: LightMyRequestResponse, status: number, code: string) {
  const body = json(res);
  expect(res.statusCode, res.body).toBe(status);
  expect(schemaErrorsById("ob_v3p0_imsx_statusinfo_schema.json", body), res.body).toEqual([]);
  expect(body.imsx_codeMinor.imsx_codeMinorField[0].imsx_codeMinorFieldName, res.body).toBe(code);
  return body.imsx_description as string;
}

const count = async (table: string) =>
  Number((await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(h.bank.db)).rows[0]?.n);

const signedExample = (): Json =>
  JSON.parse(
    readFileSync(join(standardsDir(), "openbadges-3.0/examples/validator/simple-did-key-method.json"), "utf8"),
  );

// ── registration ────────────────────────────────────────────────────────────────────────────────

describe("dynamic client registration (RFC 7591)", () => {
  it("registers the OB specification's example: 201, a secret shown once and stored hashed, the metadata back", async () => {
    const before = Math.floor(Date.now() / 1000);
    const res = await call(h.app, "POST", "/oauth/register", { body: exampleMetadata() });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.headers["cache-control"]).toBe("no-store");
    const app = json(res);
    expect(app).toEqual({
      client_id: expect.stringMatching(/^ob_[0-9a-f]{32}$/),
      client_secret: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      client_id_issued_at: expect.any(Number),
      client_secret_expires_at: 0,
      ...exampleMetadata(),
    });
    expect(app.client_id_issued_at).toBeGreaterThanOrEqual(before - 1);
    const row = (
      await sql<{
        secret_hash: string;
      }>`select secret_hash from oauth_client where client_id = ${app.client_id}`.execute(h.bank.db)
    ).rows[0];
    expect(row?.secret_hash).toMatch(/^\$argon2id\$/);
    expect(row?.secret_hash).not.toContain(app.client_secret);
  });

  it("applies RFC 7591's defaults and the four OB scopes to a minimal registration; accepts loopback http", async () => {
    const app = await register({
      client_name: "Desk wallet",
      client_uri: "http://127.0.0.1:8123/",
      redirect_uris: ["http://127.0.0.1:8123/cb", "http://[::1]:8123/cb", "http://localhost/cb"],
    });
    expect(app).toMatchObject({
      grant_types: ["authorization_code"],
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_basic",
      scope: ALL.join(" "),
    });
    expect(app).not.toHaveProperty("logo_uri");
  });

  const BAD: Array<[string, Json, "invalid_redirect_uri" | "invalid_client_metadata", RegExp]> = [
    [
      "no redirect_uris",
      exampleMetadata({ redirect_uris: undefined }),
      "invalid_redirect_uri",
      /redirect_uris is required/,
    ],
    ["an empty redirect_uris", exampleMetadata({ redirect_uris: [] }), "invalid_redirect_uri", /redirect_uris/],
    [
      "an http redirect URI off loopback",
      exampleMetadata({ redirect_uris: ["http://wallet.example/cb"] }),
      "invalid_redirect_uri",
      /must use https/,
    ],
    [
      "a redirect URI with a fragment",
      exampleMetadata({ redirect_uris: ["https://wallet.example/cb#top"] }),
      "invalid_redirect_uri",
      /fragment/,
    ],
    [
      "a custom-scheme redirect URI",
      exampleMetadata({ redirect_uris: ["com.example.wallet:/cb"] }),
      "invalid_redirect_uri",
      /must use https/,
    ],
    ["a relative redirect URI", exampleMetadata({ redirect_uris: ["/cb"] }), "invalid_redirect_uri", /absolute/],
    ["a redirect URI that is not text", exampleMetadata({ redirect_uris: [42] }), "invalid_redirect_uri", /URI/],
    [
      "a redirect URI with credentials in it",
      exampleMetadata({ redirect_uris: ["https://me:pw@wallet.example/cb"] }),
      "invalid_redirect_uri",
      /user name or password/,
    ],
    [
      "no client_name",
      exampleMetadata({ client_name: undefined }),
      "invalid_client_metadata",
      /client_name is required/,
    ],
    ["a blank client_name", exampleMetadata({ client_name: "   " }), "invalid_client_metadata", /client_name/],
    ["no client_uri", exampleMetadata({ client_uri: undefined }), "invalid_client_metadata", /client_uri is required/],
    [
      "an http client_uri off loopback",
      exampleMetadata({ client_uri: "http://wallet.example/" }),
      "invalid_client_metadata",
      /client_uri must use https/,
    ],
    [
      "a javascript: logo_uri",
      exampleMetadata({ logo_uri: "javascript:alert(1)" }),
      "invalid_client_metadata",
      /logo_uri must use https/,
    ],
    [
      "the client_credentials grant",
      exampleMetadata({ grant_types: ["client_credentials"] }),
      "invalid_client_metadata",
      /grant_types/,
    ],
    [
      "refresh_token without authorization_code",
      exampleMetadata({ grant_types: ["refresh_token"] }),
      "invalid_client_metadata",
      /must include authorization_code/,
    ],
    [
      "the implicit response type",
      exampleMetadata({ response_types: ["token"] }),
      "invalid_client_metadata",
      /response_types/,
    ],
    [
      "a public client (auth method none)",
      exampleMetadata({ token_endpoint_auth_method: "none" }),
      "invalid_client_metadata",
      /client secret/,
    ],
    [
      "an unsupported auth method",
      exampleMetadata({ token_endpoint_auth_method: "private_key_jwt" }),
      "invalid_client_metadata",
      /client_secret_basic or client_secret_post/,
    ],
    [
      "an unknown scope",
      exampleMetadata({ scope: `${SCOPE}everything` }),
      "invalid_client_metadata",
      /is not offered here/,
    ],
    ["only offline_access", exampleMetadata({ scope: "offline_access" }), "invalid_client_metadata", /at least one/],
    ["a scope that is not text", exampleMetadata({ scope: 42 }), "invalid_client_metadata", /scope must be a string/],
    [
      "contacts that are not a list",
      exampleMetadata({ contacts: "me@wallet.example" }),
      "invalid_client_metadata",
      /contacts/,
    ],
    ["a body that is not an object", [exampleMetadata()] as unknown as Json, "invalid_client_metadata", /object/],
  ];

  for (const [what, metadata, error, description] of BAD) {
    it(`refuses ${what}: 400 ${error}, nothing registered`, async () => {
      const before = await count("oauth_client");
      const res = await call(h.app, "POST", "/oauth/register", { body: metadata });
      expectOAuthError(res, 400, error, description);
      expect(await count("oauth_client")).toBe(before);
    });
  }

  it("refuses a body that is not JSON as invalid_client_metadata", async () => {
    const res = await call(h.app, "POST", "/oauth/register", {
      raw: { payload: "{", contentType: "application/json" },
    });
    expectOAuthError(res, 400, "invalid_client_metadata");
  });
});

// ── the authorization page ──────────────────────────────────────────────────────────────────────

describe("the authorization page", () => {
  let app: App;
  const { challenge } = pkce();
  beforeAll(async () => {
    app = await register(exampleMetadata({ client_name: 'Wallet <script>alert("x")</script>' }));
  });

  it("shows the sign-in form first, under a strict policy: no script, no framing, no caching, forms to here and the app", async () => {
    const browser = new Browser();
    const res = await browser.get(authorizeUrl(app, { code_challenge: challenge }));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/html/);
    const csp = res.headers["content-security-policy"] as string;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("form-action 'self' https://wallet.example");
    expect(csp).not.toContain("script-src");
    expect(res.headers["x-frame-options"]).toBe("DENY");
    expect(res.headers["cache-control"]).toBe("no-store");
    expect(res.headers["referrer-policy"]).toBe("no-referrer");
    expect(res.body).not.toContain("<script>");
    expect(res.body).toContain("Wallet &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
    expect(res.body).toMatch(/<input type="email"[^>]*name="email"/);
    expect(browser.jar.get("cb_oauth_browser")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const cookie = (res.cookies as Array<{ name: string; httpOnly?: boolean; sameSite?: string; path?: string }>).find(
      (c) => c.name === "cb_oauth_browser",
    );
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Lax", path: "/oauth/authorize" });
  });

  it("never redirects to an unknown app or an unregistered redirect URI: an error page instead", async () => {
    const cases = [
      authorizeUrl({ ...app, client_id: "ob_unknown" }, { code_challenge: challenge }),
      authorizeUrl(app, { code_challenge: challenge, redirect_uri: "https://evil.example/callback" }),
      authorizeUrl(app, { code_challenge: challenge, redirect_uri: `${REDIRECT}/more` }),
      "/oauth/authorize?response_type=code",
    ];
    for (const url of cases) {
      const res = await call(h.app, "GET", url);
      expect(res.statusCode, url).toBe(400);
      expect(res.headers.location, url).toBeUndefined();
      expect(res.headers["content-type"]).toMatch(/^text\/html/);
      expect(res.body).toMatch(/role="alert"/);
      expect(res.body).not.toContain("evil.example");
    }
    expect((await call(h.app, "GET", cases[1] as string)).body).toContain("did not register");
  });

  it("leaves redirect_uri out only when the app registered one; with several it is an error page", async () => {
    const one = await call(h.app, "GET", authorizeUrl(app, { code_challenge: challenge, redirect_uri: undefined }));
    expect(one.statusCode, one.body).toBe(200);
    const two = await register(exampleMetadata({ redirect_uris: [REDIRECT, "https://wallet.example/other"] }));
    const res = await call(h.app, "GET", authorizeUrl(two, { code_challenge: challenge, redirect_uri: undefined }));
    expect(res.statusCode).toBe(400);
    expect(res.headers.location).toBeUndefined();
  });

  const SENT_BACK: Array<[string, AuthorizeParams, string, RegExp]> = [
    ["response_type token", { response_type: "token" }, "unsupported_response_type", /response_type=code/],
    ["no code_challenge (PKCE is required)", { code_challenge: undefined }, "invalid_request", /PKCE is required/],
    ["the plain PKCE method", { code_challenge_method: "plain" }, "invalid_request", /S256, not plain/],
    [
      "no PKCE method (plain by default)",
      { code_challenge_method: undefined },
      "invalid_request",
      /plain is not accepted/,
    ],
    ["a malformed challenge", { code_challenge: "short" }, "invalid_request", /43 characters/],
    ["an unknown scope", { scope: `${READ} ${SCOPE}everything` }, "invalid_scope", /not offered/],
    ["only offline_access", { scope: "offline_access" }, "invalid_scope", /at least one/],
  ];

  for (const [what, params, error, description] of SENT_BACK) {
    it(`sends the learner back with error=${error} for ${what}, with the state`, async () => {
      const res = await call(h.app, "GET", authorizeUrl(app, { code_challenge: challenge, ...params }));
      expect(res.statusCode, res.body).toBe(302);
      const back = new URL(res.headers.location as string);
      expect(`${back.origin}${back.pathname}`).toBe(REDIRECT);
      expect(back.searchParams.get("error")).toBe(error);
      expect(back.searchParams.get("error_description")).toMatch(description);
      expect(back.searchParams.get("state")).toBe("state-123");
      expect(back.searchParams.has("code")).toBe(false);
    });
  }

  it("refuses a scope the app did not register (invalid_scope), even one the bank offers", async () => {
    const narrow = await register(exampleMetadata({ scope: READ }));
    const res = await call(
      h.app,
      "GET",
      authorizeUrl(narrow, { code_challenge: challenge, scope: `${READ} ${PROFILE_UPDATE}` }),
    );
    const back = locationOf(res);
    expect(back.searchParams.get("error")).toBe("invalid_scope");
    expect(back.searchParams.get("error_description")).toContain(PROFILE_UPDATE);
  });

  it("keeps the redirect URI's own query parameters when sending the learner back", async () => {
    const withQuery = await register(exampleMetadata({ redirect_uris: ["https://wallet.example/cb?tenant=7"] }));
    const res = await call(
      h.app,
      "GET",
      authorizeUrl(withQuery, {
        redirect_uri: "https://wallet.example/cb?tenant=7",
        code_challenge_method: "plain",
        code_challenge: challenge,
      }),
    );
    const back = locationOf(res);
    expect(back.searchParams.get("tenant")).toBe("7");
    expect(back.searchParams.get("error")).toBe("invalid_request");
  });

  it("a learner already signed in sees the consent page at once, the scopes in plain words", async () => {
    const browser = new Browser();
    const login = await call(h.app, "POST", "/api/v1/auth/login", {
      body: { email: w.emails.learner, password: PASSWORD },
    });
    browser.take(login);
    const res = await browser.get(authorizeUrl(app, { code_challenge: challenge, scope: `${READ} ${PROFILE_UPDATE}` }));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.body).toContain("Allow this app to use your learning account?");
    expect(res.body).toContain(`data-scope="${READ}"`);
    expect(res.body).toContain("See the badges and other credentials in your learning account.");
    expect(res.body).toContain("Change the name on your account.");
    expect(res.body).not.toContain(`data-scope="${UPSERT}"`);
    expect(res.body).toContain("Keep this access without asking you again");
    expect(res.body).toContain(w.emails.learner);
    expect(res.body).toContain("https://wallet.example/");
  });

  it("a wrong password shows the sign-in form again with the reason, the e-mail kept", async () => {
    const browser = new Browser();
    const page = await browser.get(authorizeUrl(app, { code_challenge: challenge }));
    const res = await browser.post("/oauth/authorize", {
      request: formToken(page),
      action: "sign-in",
      email: w.emails.learner,
      password: "not-the-password",
    });
    expect(res.statusCode).toBe(401);
    expect(res.body).toContain("The e-mail address or the password is wrong.");
    expect(res.body).toContain(`value="${w.emails.learner}"`);
    expect(browser.jar.has("cb_session")).toBe(false);
  });

  it("denying sends the learner back with error=access_denied and the state; the page is then used up", async () => {
    const browser = new Browser();
    const page = await browser.get(authorizeUrl(app, { code_challenge: challenge, state: "deny-me" }));
    const request = formToken(page);
    const res = await browser.post("/oauth/authorize", { request, action: "deny" });
    expect(res.statusCode).toBe(303);
    const back = locationOf(res);
    expect(back.searchParams.get("error")).toBe("access_denied");
    expect(back.searchParams.get("state")).toBe("deny-me");
    expect(back.searchParams.has("code")).toBe(false);
    const again = await browser.post("/oauth/authorize", { request, action: "deny" });
    expect(again.statusCode).toBe(400);
    expect(again.headers.location).toBeUndefined();
    expect(again.body).toContain("expired or was already used");
  });

  it("protects the form against cross-site requests: its token works only from the browser that got the page", async () => {
    const victim = new Browser();
    victim.take(
      await call(h.app, "POST", "/api/v1/auth/login", { body: { email: w.emails.learner, password: PASSWORD } }),
    );
    const consent = await victim.get(authorizeUrl(app, { code_challenge: challenge }));
    expect(consent.body).toContain("Allow this app");
    const token = formToken(consent);
    const session = `cb_session=${victim.jar.get("cb_session")}`;
    // An attacker's page in their own browser gives them a valid token of their own.
    const attacker = new Browser();
    const attackerToken = formToken(await attacker.get(authorizeUrl(app, { code_challenge: challenge })));
    const codesBefore = await count("oauth_code");
    const attempts: Array<{ fields: Record<string, string>; cookie: string }> = [
      // A cross-site POST carries the session cookie at most (SameSite=Lax keeps the binding cookie home).
      { fields: { request: token, action: "approve" }, cookie: session },
      // The victim's token with another browser's binding cookie.
      {
        fields: { request: token, action: "approve" },
        cookie: `${session}; cb_oauth_browser=${attacker.jar.get("cb_oauth_browser")}`,
      },
      // The attacker's token in the victim's browser: not the victim's page.
      { fields: { request: attackerToken, action: "approve" }, cookie: victim.header },
      { fields: { request: "forged-token", action: "approve" }, cookie: victim.header },
      // Denial is protected the same way.
      { fields: { request: token, action: "deny" }, cookie: session },
    ];
    for (const { fields, cookie } of attempts) {
      const res = await call(h.app, "POST", "/oauth/authorize", { raw: form(fields), headers: { cookie } });
      expect(res.statusCode, `${JSON.stringify(fields)} ${res.body}`).toBe(400);
      expect(res.headers.location).toBeUndefined();
      expect(res.body).toContain("expired or was already used");
    }
    expect(await count("oauth_code")).toBe(codesBefore);
    // The learner's own browser still can.
    const approved = await victim.post("/oauth/authorize", { request: token, action: "approve" });
    expect(locationOf(approved).searchParams.get("code")).toBeTruthy();
    expect(await count("oauth_code")).toBe(codesBefore + 1);
  });

  it("approving needs the learner the consent page was shown to, still signed in", async () => {
    const browser = new Browser();
    const page = await browser.get(authorizeUrl(app, { code_challenge: challenge }));
    const consent = await browser.post("/oauth/authorize", {
      request: formToken(page),
      action: "sign-in",
      email: w.emails.learner,
      password: PASSWORD,
    });
    expect(consent.statusCode).toBe(200);
    // The session is gone (signed out elsewhere): approving asks to sign in again, and issues nothing.
    await call(h.app, "POST", "/api/v1/auth/logout", { token: browser.jar.get("cb_session") });
    const res = await browser.post("/oauth/authorize", { request: formToken(consent), action: "approve" });
    expect(res.statusCode).toBe(401);
    expect(res.body).toContain("Your session has ended");
    expect(res.headers.location).toBeUndefined();
  });

  it("only learners may approve: a staff sign-in gets a refusal page, keeps no session, and can only go back", async () => {
    const browser = new Browser();
    const page = await browser.get(authorizeUrl(app, { code_challenge: challenge }));
    const res = await browser.post("/oauth/authorize", {
      request: formToken(page),
      action: "sign-in",
      email: w.emails.registry,
      password: PASSWORD,
    });
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain("Only learners can connect apps");
    expect(res.body).toContain("registry-admin account");
    expect(res.body).not.toContain('value="approve"');
    expect(browser.jar.has("cb_session")).toBe(false);
    // Approving anyway (a hand-made form) is refused: nobody the page was shown to is signed in.
    const forced = await browser.post("/oauth/authorize", { request: formToken(res), action: "approve" });
    expect(forced.statusCode).toBe(401);
    const back = await browser.post("/oauth/authorize", { request: formToken(res), action: "deny" });
    expect(locationOf(back).searchParams.get("error")).toBe("access_denied");
  });

  it("a staff member already signed in is refused at once", async () => {
    for (const email of [w.emails.providerA, w.emails.assessor]) {
      const browser = new Browser();
      browser.take(await call(h.app, "POST", "/api/v1/auth/login", { body: { email, password: PASSWORD } }));
      const res = await browser.get(authorizeUrl(app, { code_challenge: challenge }));
      expect(res.statusCode).toBe(403);
      expect(res.body).toContain("Only learners can connect apps");
      // Even with a valid form token, approving is refused.
      const forced = await browser.post("/oauth/authorize", { request: formToken(res), action: "approve" });
      expect(forced.statusCode).toBe(400);
      expect(forced.headers.location).toBeUndefined();
    }
  });

  it("an expired session cookie is not an error: the sign-in form is shown", async () => {
    const res = await call(h.app, "GET", authorizeUrl(app, { code_challenge: challenge }), {
      headers: { cookie: "cb_session=long-gone" },
    });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('value="sign-in"');
  });
});

// ── the whole dance ─────────────────────────────────────────────────────────────────────────────

describe("an app connects: register, authorize, token, the OB API within its scopes, refresh, revoke", () => {
  let app: App;
  let first: { access_token: string; refresh_token: string; scope: string };
  let rotated: { access_token: string; refresh_token: string; scope: string };

  it("the learner approves read access: the code comes back with the state and the scope", async () => {
    app = await register();
    const { verifier, challenge } = pkce();
    const { code, back } = await approve(app, {
      scope: `${READ} ${PROFILE_READ} offline_access`,
      challenge,
      state: "s-1",
    });
    expect(`${back.origin}${back.pathname}`).toBe(REDIRECT);
    expect(back.searchParams.get("state")).toBe("s-1");
    expect(back.searchParams.get("scope")).toBe(`${READ} ${PROFILE_READ} offline_access`);
    const stored = (await sql<{ code_hash: string }>`select code_hash from oauth_code`.execute(h.bank.db)).rows;
    expect(stored.some((r) => r.code_hash === code)).toBe(false); // hashed, not kept as is

    const res = await exchange(app, code, verifier);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers["cache-control"]).toBe("no-store");
    first = json(res);
    expect(first).toEqual({
      access_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      token_type: "Bearer",
      expires_in: 3600,
      refresh_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      scope: `${READ} ${PROFILE_READ} offline_access`,
    });
  });

  it("the token reads the learner's credentials and profile, as that learner", async () => {
    const list = await call(h.app, "GET", `${OB}/credentials`, { token: first.access_token });
    expect(list.statusCode, list.body).toBe(200);
    expect(json(list).credential.map((c: Json) => c.id)).toContain(`urn:uuid:${w.credentials.ofA}`);
    expect(list.body).not.toContain(w.credentials.ofB);
    const profile = await call(h.app, "GET", `${OB}/profile`, { token: first.access_token });
    expect(profile.statusCode, profile.body).toBe(200);
    expect(json(profile).id).toBe(`urn:uuid:${w.learners.ofA}`);
  });

  it("but cannot store a credential or change the profile: 403 insufficient-scope, nothing changed", async () => {
    const credentialsBefore = await count("credential");
    const post = await call(h.app, "POST", `${OB}/credentials`, { token: first.access_token, body: signedExample() });
    expect(expectImsx(post, 403, "insufficient-scope")).toContain(UPSERT);
    expect(post.headers["www-authenticate"]).toBe(`Bearer error="insufficient_scope", scope="${UPSERT}"`);
    const put = await call(h.app, "PUT", `${OB}/profile`, {
      token: first.access_token,
      body: { id: `urn:uuid:${w.learners.ofA}`, type: "Profile", name: "Hijacked" },
    });
    expect(expectImsx(put, 403, "insufficient-scope")).toContain(PROFILE_UPDATE);
    expect(await count("credential")).toBe(credentialsBefore);
    const profile = json(await call(h.app, "GET", `${OB}/profile`, { token: w.tokens.learner }));
    expect(profile.name).not.toBe("Hijacked");
  });

  it("is refused on the bank's own routes, even the learner's own account; public routes still answer", async () => {
    for (const [method, url] of [
      ["GET", `/api/v1/learners/${w.learners.ofA}`],
      ["GET", `/api/v1/learners/${w.learners.ofA}/credentials`],
      ["GET", "/api/v1/auth/me"],
      ["POST", "/api/v1/auth/logout"],
    ] as const) {
      const res = await call(h.app, method, url, { token: first.access_token });
      expect(res.statusCode, `${method} ${url}`).toBe(403);
      expect(json(res).error.code).toBe("insufficient-scope");
      expect(json(res).error.message).toContain("Open Badges API");
    }
    expect((await call(h.app, "GET", "/api/v1/units", { token: first.access_token })).statusCode).toBe(200);
    // The learner's own session is untouched by all this.
    expect((await call(h.app, "GET", "/api/v1/auth/me", { token: w.tokens.learner })).statusCode).toBe(200);
  });

  it("refreshes with rotation (client_secret_post): a new access and refresh token, the old refresh token used up", async () => {
    const res = await token(app, { grant_type: "refresh_token", refresh_token: first.refresh_token }, "post");
    expect(res.statusCode, res.body).toBe(200);
    rotated = json(res);
    expect(rotated.refresh_token).not.toBe(first.refresh_token);
    expect(rotated.access_token).not.toBe(first.access_token);
    expect(rotated.scope).toBe(first.scope);
    expect((await call(h.app, "GET", `${OB}/credentials`, { token: rotated.access_token })).statusCode).toBe(200);
  });

  it("may narrow the scope on refresh, not widen it", async () => {
    const wider = await token(app, {
      grant_type: "refresh_token",
      refresh_token: rotated.refresh_token,
      scope: `${READ} ${UPSERT}`,
    });
    expectOAuthError(wider, 400, "invalid_scope", /was not granted/);
    const narrower = await token(app, {
      grant_type: "refresh_token",
      refresh_token: rotated.refresh_token,
      scope: READ,
    });
    expect(narrower.statusCode, narrower.body).toBe(200);
    const narrowed = json(narrower);
    expect(narrowed.scope).toBe(READ);
    expect((await call(h.app, "GET", `${OB}/credentials`, { token: narrowed.access_token })).statusCode).toBe(200);
    expectImsx(await call(h.app, "GET", `${OB}/profile`, { token: narrowed.access_token }), 403, "insufficient-scope");
    rotated = narrowed;
  });

  it("a used refresh token presented again revokes the whole family: every token of the approval stops working", async () => {
    const replay = await token(app, { grant_type: "refresh_token", refresh_token: first.refresh_token });
    expectOAuthError(replay, 400, "invalid_grant", /already used/);
    const latest = await token(app, { grant_type: "refresh_token", refresh_token: rotated.refresh_token });
    expectOAuthError(latest, 400, "invalid_grant");
    for (const access of [first.access_token, rotated.access_token]) {
      const res = await call(h.app, "GET", `${OB}/credentials`, { token: access });
      expectImsx(res, 401, "invalid-token");
    }
    const grant = (
      await sql<{
        revoked_reason: string;
      }>`select revoked_reason from oauth_grant where client_id = ${app.client_id}`.execute(h.bank.db)
    ).rows;
    expect(grant).toEqual([{ revoked_reason: "refresh token used twice" }]);
  });

  it("with every scope, the app stores a credential and renames the learner; put without profile.readonly hides the e-mail", async () => {
    const { tokens } = await connect(ALL.join(" "), app);
    const created = await call(h.app, "POST", `${OB}/credentials`, {
      token: tokens.access_token,
      body: signedExample(),
    });
    expect([200, 201], created.body).toContain(created.statusCode);
    const example = signedExample();
    const stored = (
      await sql<{
        issued_by: string;
      }>`select issued_by from credential where id = ${String(example.id).replace("urn:uuid:", "")}::uuid`.execute(
        h.bank.db,
      )
    ).rows;
    // Who stored it, for the record: the learner, through this app.
    expect(stored[0]?.issued_by).toContain(
      `learner ${w.emails.learner} through the app Example Wallet (${app.client_id})`,
    );

    const updateOnly = await connect(PROFILE_UPDATE, app);
    const put = await call(h.app, "PUT", `${OB}/profile`, {
      token: updateOnly.tokens.access_token,
      body: { id: `urn:uuid:${w.learners.ofA}`, type: "Profile", givenName: "Ada", familyName: "Lovelace" },
    });
    expect(put.statusCode, put.body).toBe(200);
    expect(json(put)).toMatchObject({ givenName: "Ada", familyName: "Lovelace" });
    expect(json(put)).not.toHaveProperty("email");
    expectImsx(
      await call(h.app, "GET", `${OB}/profile`, { token: updateOnly.tokens.access_token }),
      403,
      "insufficient-scope",
    );
  });

  it("revokes (RFC 7009): an access token alone, a refresh token with its family; unknown tokens are a quiet 200", async () => {
    const { tokens } = await connect(READ, app);
    const revoke = (fields: Record<string, string>, who: App = app) =>
      call(h.app, "POST", "/oauth/revoke", { raw: form(fields), headers: { authorization: basic(who) } });

    // Another app cannot revoke this app's token (and learns nothing: 200).
    const other = await register();
    expect((await revoke({ token: tokens.access_token }, other)).statusCode).toBe(200);
    expect((await call(h.app, "GET", `${OB}/credentials`, { token: tokens.access_token })).statusCode).toBe(200);

    const res = await revoke({ token: tokens.access_token, token_type_hint: "access_token" });
    expect(res.statusCode).toBe(200);
    expectImsx(await call(h.app, "GET", `${OB}/credentials`, { token: tokens.access_token }), 401, "invalid-token");
    const refreshed = await token(app, { grant_type: "refresh_token", refresh_token: tokens.refresh_token });
    expect(refreshed.statusCode, refreshed.body).toBe(200);
    const next = json(refreshed);

    expect((await revoke({ token: next.refresh_token })).statusCode).toBe(200);
    expectImsx(await call(h.app, "GET", `${OB}/credentials`, { token: next.access_token }), 401, "invalid-token");
    expectOAuthError(
      await token(app, { grant_type: "refresh_token", refresh_token: next.refresh_token }),
      400,
      "invalid_grant",
    );

    expect((await revoke({ token: "never-issued" })).statusCode).toBe(200);
    expectOAuthError(await call(h.app, "POST", "/oauth/revoke", { raw: form({ token: "x" }) }), 401, "invalid_client");
    expectOAuthError(
      await call(h.app, "POST", "/oauth/revoke", {
        raw: form({ token: "x", client_id: app.client_id, client_secret: "wrong" }),
      }),
      401,
      "invalid_client",
    );
    expectOAuthError(await revoke({}), 400, "invalid_request", /token is required/);
  });

  it("an app the operator disables loses its tokens and cannot get new ones", async () => {
    const disabled = await register();
    const { tokens } = await connect(READ, disabled);
    await sql`update oauth_client set disabled = true where client_id = ${disabled.client_id}`.execute(h.bank.db);
    expectImsx(await call(h.app, "GET", `${OB}/credentials`, { token: tokens.access_token }), 401, "invalid-token");
    expectOAuthError(
      await token(disabled, { grant_type: "refresh_token", refresh_token: tokens.refresh_token }),
      401,
      "invalid_client",
    );
    const page = await call(h.app, "GET", authorizeUrl(disabled, { code_challenge: pkce().challenge }));
    expect([page.statusCode, page.headers.location]).toEqual([400, undefined]);
  });

  it("an app registered without refresh_token gets no refresh token, and may not refresh", async () => {
    const noRefresh = await register(exampleMetadata({ grant_types: ["authorization_code"] }));
    const { tokens } = await connect(READ, noRefresh);
    expect(tokens).not.toHaveProperty("refresh_token");
    const res = await token(noRefresh, { grant_type: "refresh_token", refresh_token: "anything" });
    expectOAuthError(res, 400, "unauthorized_client");
  });
});

// ── the code exchange ───────────────────────────────────────────────────────────────────────────

describe("exchanging a code", () => {
  let app: App;
  beforeAll(async () => {
    app = await register();
  });

  it("checks PKCE (S256): a missing, malformed or wrong verifier is refused and issues nothing", async () => {
    const { verifier, challenge } = pkce();
    const { code } = await approve(app, { challenge });
    const grants = await count("oauth_grant");
    expectOAuthError(await exchange(app, code, ""), 400, "invalid_request", /code_verifier is required/);
    expectOAuthError(await exchange(app, code, "too-short"), 400, "invalid_request", /43 to 128/);
    expectOAuthError(await exchange(app, code, pkce().verifier), 400, "invalid_grant", /code_verifier does not match/);
    // The challenge itself is not the verifier (that would be plain).
    expectOAuthError(await exchange(app, code, challenge), 400, "invalid_grant", /does not match/);
    expect(await count("oauth_grant")).toBe(grants);
    expect((await exchange(app, code, verifier)).statusCode).toBe(200);
  });

  it("needs the same redirect_uri as the authorization request", async () => {
    const { verifier, challenge } = pkce();
    const { code } = await approve(app, { challenge });
    expectOAuthError(
      await exchange(app, code, verifier, { redirect_uri: "https://wallet.example/other" }),
      400,
      "invalid_grant",
      /redirect_uri/,
    );
    expectOAuthError(
      await exchange(app, code, verifier, { redirect_uri: undefined }),
      400,
      "invalid_grant",
      /redirect_uri/,
    );
    expect((await exchange(app, code, verifier)).statusCode).toBe(200);
  });

  it("a code used twice is refused, and the tokens of its first use are revoked", async () => {
    const { verifier, challenge } = pkce();
    const { code } = await approve(app, { challenge });
    const firstUse = await exchange(app, code, verifier);
    expect(firstUse.statusCode).toBe(200);
    const { access_token } = json(firstUse);
    expect((await call(h.app, "GET", `${OB}/credentials`, { token: access_token })).statusCode).toBe(200);
    expectOAuthError(await exchange(app, code, verifier), 400, "invalid_grant", /already used/);
    expectImsx(await call(h.app, "GET", `${OB}/credentials`, { token: access_token }), 401, "invalid-token");
  });

  it("a code expires after 10 minutes", async () => {
    const { verifier, challenge } = pkce();
    const { code } = await approve(app, { challenge });
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 10 * 60 * 1000 + 1000);
    expectOAuthError(await exchange(app, code, verifier), 400, "invalid_grant", /expired/);
  });

  it("a code is the app's own: another app (or a wrong secret) cannot use it", async () => {
    const { verifier, challenge } = pkce();
    const { code } = await approve(app, { challenge });
    const other = await register();
    expectOAuthError(await exchange(other, code, verifier), 400, "invalid_grant", /another app/);
    expectOAuthError(await exchange({ ...app, client_secret: "wrong" }, code, verifier), 401, "invalid_client");
    expectOAuthError(
      await call(h.app, "POST", "/oauth/token", {
        raw: form({ grant_type: "authorization_code", code, redirect_uri: REDIRECT, code_verifier: verifier }),
      }),
      401,
      "invalid_client",
    );
    expectOAuthError(
      await call(h.app, "POST", "/oauth/token", {
        raw: form({
          grant_type: "authorization_code",
          code,
          code_verifier: verifier,
          client_secret: app.client_secret,
        }),
        headers: { authorization: basic(app) },
      }),
      400,
      "invalid_request",
      /one way/,
    );
    expect((await exchange(app, code, verifier)).statusCode).toBe(200);
  });

  it("answers unknown codes, missing grant types and unknown grants in the RFC's terms", async () => {
    expectOAuthError(await exchange(app, "no-such-code", pkce().verifier), 400, "invalid_grant");
    expectOAuthError(await token(app, { code: "x" }), 400, "invalid_request", /grant_type is required/);
    expectOAuthError(await token(app, { grant_type: "password" }), 400, "unsupported_grant_type");
    expectOAuthError(
      await token(app, { grant_type: "authorization_code", code_verifier: pkce().verifier }),
      400,
      "invalid_request",
      /code is required/,
    );
  });

  it("access tokens expire; so do refresh tokens (30 days)", async () => {
    const { tokens } = await connect(READ, app);
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 3600 * 1000 + 1000);
    expectImsx(await call(h.app, "GET", `${OB}/credentials`, { token: tokens.access_token }), 401, "invalid-token");
    const refreshed = await token(app, { grant_type: "refresh_token", refresh_token: tokens.refresh_token });
    expect(refreshed.statusCode, refreshed.body).toBe(200);
    vi.setSystemTime(Date.now() + 31 * 24 * 3600 * 1000);
    expectOAuthError(
      await token(app, { grant_type: "refresh_token", refresh_token: json(refreshed).refresh_token }),
      400,
      "invalid_grant",
      /expired/,
    );
  });

  it("deletes what has expired (requests, codes, tokens) as new authorization requests come in", async () => {
    await connect(READ, app);
    expect(await count("oauth_code")).toBeGreaterThan(0);
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 31 * 24 * 3600 * 1000);
    const at = new Date();
    const page = await call(h.app, "GET", authorizeUrl(app, { code_challenge: pkce().challenge }));
    expect(page.statusCode).toBe(200);
    for (const table of ["oauth_code", "oauth_access_token", "oauth_refresh_token", "oauth_authorization_request"]) {
      const { rows } = await sql<{
        n: number;
      }>`select count(*)::int as n from ${sql.table(table)} where expires_at <= ${at}`.execute(h.bank.db);
      expect(rows[0]?.n, table).toBe(0);
    }
    expect(await count("oauth_authorization_request")).toBe(1);
  });

  it("a learner's session token still works on the OB API with every scope", async () => {
    for (const url of [`${OB}/credentials`, `${OB}/profile`]) {
      expect((await call(h.app, "GET", url, { token: w.tokens.learner })).statusCode).toBe(200);
    }
  });
});

// ── discovery ───────────────────────────────────────────────────────────────────────────────────

describe("discovery", () => {
  it("advertises the authorization-code flow, registration, terms and privacy, valid against the official schema", async () => {
    const doc = json(await call(h.app, "GET", `${OB}/discovery`));
    expect(openApiComponentErrors("ServiceDescriptionDocument", doc)).toEqual([]);
    const scheme = doc.components.securitySchemes.OAuth2ACG;
    expect(openApiComponentErrors("OpenApiOAuth2SecurityScheme", scheme)).toEqual([]);
    expect(scheme["x-imssf-registrationUrl"]).toBe("https://bank.test/oauth/register");
    expect(Object.keys(scheme.flows)).toEqual(["authorizationCode"]);
    expect(scheme.flows.authorizationCode).toEqual({
      authorizationUrl: "https://bank.test/oauth/authorize",
      tokenUrl: "https://bank.test/oauth/token",
      refreshUrl: "https://bank.test/oauth/token",
      scopes: Object.fromEntries(ALL.map((s) => [s, expect.stringMatching(/^Permission to /)])),
    });
    expect(doc.info.termsOfService).toBe("https://bank.test/terms");
    expect(doc.info["x-imssf-privacyPolicyUrl"]).toBe("https://bank.test/privacy");
    // Every operation names the scope its route enforces.
    expect(doc.paths["/credentials"].get.security).toEqual([{ OAuth2ACG: [READ] }]);
    expect(doc.paths["/profile"].put.security).toEqual([{ OAuth2ACG: [PROFILE_UPDATE] }]);
  });

  it("names only URLs this bank serves: terms and privacy pages, registration, authorization, RFC 8414 metadata", async () => {
    for (const path of ["/terms", "/privacy"]) {
      const res = await call(h.app, "GET", path);
      expect(res.statusCode).toBe(200);
      expect(res.headers["content-type"]).toMatch(/^text\/html/);
      expect(res.headers["content-security-policy"]).toContain("default-src 'none'");
      expect(res.body).toContain("https://bank.test");
    }
    expect((await call(h.app, "GET", "/terms")).body).toContain("Terms of use");
    expect((await call(h.app, "GET", "/privacy")).body).toContain("No tracking");
    const meta = json(await call(h.app, "GET", "/.well-known/oauth-authorization-server"));
    expect(meta).toMatchObject({
      issuer: "https://bank.test",
      authorization_endpoint: "https://bank.test/oauth/authorize",
      token_endpoint: "https://bank.test/oauth/token",
      registration_endpoint: "https://bank.test/oauth/register",
      revocation_endpoint: "https://bank.test/oauth/revoke",
      code_challenge_methods_supported: ["S256"],
      response_types_supported: ["code"],
      op_tos_uri: "https://bank.test/terms",
      op_policy_uri: "https://bank.test/privacy",
    });
    expect(meta.scopes_supported).toEqual([...ALL, "offline_access"]);
  });

  it("names the operator's own terms and privacy policy when TERMS_URL and PRIVACY_URL are set; the pages redirect there", async () => {
    const other = await startApi({
      PUBLIC_URL: "https://other.test",
      TERMS_URL: "https://operator.example/terms",
      PRIVACY_URL: "https://operator.example/privacy",
    });
    try {
      const doc = json(await call(other.app, "GET", `${OB}/discovery`));
      expect(doc.info.termsOfService).toBe("https://operator.example/terms");
      expect(doc.info["x-imssf-privacyPolicyUrl"]).toBe("https://operator.example/privacy");
      expect(openApiComponentErrors("ServiceDescriptionDocument", doc)).toEqual([]);
      const terms = await call(other.app, "GET", "/terms");
      expect([terms.statusCode, terms.headers.location]).toEqual([302, "https://operator.example/terms"]);
      const privacy = await call(other.app, "GET", "/privacy");
      expect([privacy.statusCode, privacy.headers.location]).toEqual([302, "https://operator.example/privacy"]);
    } finally {
      await other.dispose();
    }
    expect(() => loadConfig({ TERMS_URL: "not a url" })).toThrow(ConfigError);
    expect(() => loadConfig({ PRIVACY_URL: "ftp://operator.example/privacy" })).toThrow(/PRIVACY_URL/);
  });
});
