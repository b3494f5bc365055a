/**
 * The pages a person sees when an app asks to use their learning account (the OAuth authorization
 * endpoint), and the bank's terms of use and privacy notice. Plain server-rendered HTML: no script at
 * all, one inline style allowed by its hash, forms that post only to this bank (and, through its
 * redirect, the app's registered address), never framed, never cached. Every value from outside is
 * escaped.
 */
import { createHash } from "node:crypto";
import { OB_SCOPE, OFFLINE_ACCESS } from "../services/oauth.ts";

const STYLE = `
  body { font: 16px/1.5 system-ui, sans-serif; max-width: 34rem; margin: 2rem auto; padding: 0 1rem; color: #1b1f24; }
  h1 { font-size: 1.45rem; margin-bottom: .5rem; }
  .app { font-weight: 600; }
  .muted { color: #57606a; font-size: .9rem; }
  ul.scopes { padding-left: 1.2rem; } ul.scopes li { margin: .35rem 0; }
  label { display: block; margin-top: .8rem; font-weight: 600; }
  input[type=email], input[type=password] { width: 100%; box-sizing: border-box; font: inherit; padding: .4rem; }
  .buttons { margin-top: 1.2rem; display: flex; gap: .75rem; flex-wrap: wrap; }
  button { font: inherit; padding: .45rem 1.1rem; border-radius: .35rem; border: 1px solid #8a94a6; background: #fff; cursor: pointer; }
  button.primary { background: #1f4e79; color: #fff; border-color: #1f4e79; }
  .error { color: #a40e26; background: #fff0f0; border: 1px solid #f2b8b5; padding: .5rem .75rem; border-radius: .35rem; }
  article h2 { font-size: 1.15rem; margin-top: 1.5rem; }
`;
const STYLE_HASH = createHash("sha256").update(STYLE).digest("base64");

/** HTML-escapes text for element content and attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

/**
 * The headers of every page here. `formTargets` are the origins a form may end up at besides this bank
 * (an app's redirect URI: browsers apply form-action to the redirect after a form is sent).
 */
export function pageHeaders(formTargets: readonly string[] = []): Record<string, string> {
  const csp = [
    "default-src 'none'",
    `style-src 'sha256-${STYLE_HASH}'`,
    `form-action 'self'${formTargets.map((origin) => ` ${origin}`).join("")}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join("; ");
  return {
    "content-type": "text/html; charset=utf-8",
    "content-security-policy": csp,
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
  };
}

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Credit Bank</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

/** What each scope lets an app do, in plain words. */
const SCOPE_WORDS: Record<string, string> = {
  [OB_SCOPE.credentialReadonly]: "See the badges and other credentials in your learning account.",
  [OB_SCOPE.credentialUpsert]:
    "Add badges and credentials from elsewhere to your account (each is checked before it is kept).",
  [OB_SCOPE.profileReadonly]: "See your name and e-mail address.",
  [OB_SCOPE.profileUpdate]: "Change the name on your account.",
};

export const scopeInWords = (scope: string): string | undefined => SCOPE_WORDS[scope];

/** The app as the pages show it. */
export interface PageApp {
  name: string;
  uri: string;
  redirectOrigin: string;
}

export interface RequestPage {
  app: PageApp;
  scopes: readonly string[];
  /** The app may renew its access (refresh tokens) without asking again. */
  staysConnected: boolean;
  /** The token of the form, bound to the pending request (the CSRF token). */
  formToken: string;
}

const appLine = (app: PageApp) =>
  `<p><span class="app">${escapeHtml(app.name)}</span> <span class="muted">(<a href="${escapeHtml(app.uri)}" rel="noopener noreferrer" target="_blank">${escapeHtml(app.uri)}</a>)</span></p>`;

function scopeList(page: RequestPage): string {
  const items = page.scopes
    .filter((s) => s !== OFFLINE_ACCESS)
    .map((s) => `  <li data-scope="${escapeHtml(s)}">${escapeHtml(SCOPE_WORDS[s] ?? s)}</li>`);
  if (page.staysConnected) {
    items.push(
      `  <li data-scope="${OFFLINE_ACCESS}">Keep this access without asking you again, for as long as the app keeps using it (it lapses after 30 days unused).</li>`,
    );
  }
  return `<ul class="scopes">\n${items.join("\n")}\n</ul>`;
}

const hidden = (formToken: string) => `<input type="hidden" name="request" value="${escapeHtml(formToken)}">`;

/** Sign in first: the person is not signed in (or their session ended). */
export function signInPage(page: RequestPage, options: { error?: string; email?: string } = {}): string {
  const error = options.error ? `<p class="error" role="alert">${escapeHtml(options.error)}</p>` : "";
  return layout(
    `Sign in to connect ${page.app.name}`,
    `<h1>Sign in to connect an app</h1>
${appLine(page.app)}
<p>wants to use your learning account at this bank. Sign in with your learner account to see what it asks for; nothing is shared until you allow it.</p>
${error}
<form method="post" action="authorize" id="sign-in">
${hidden(page.formToken)}
<label for="email">E-mail address</label>
<input type="email" id="email" name="email" autocomplete="username" required value="${escapeHtml(options.email ?? "")}">
<label for="password">Password</label>
<input type="password" id="password" name="password" autocomplete="current-password" required>
<div class="buttons">
<button type="submit" class="primary" name="action" value="sign-in">Sign in</button>
<button type="submit" name="action" value="deny" formnovalidate>Cancel</button>
</div>
</form>`,
  );
}

/** The learner decides. */
export function consentPage(page: RequestPage, signedInAs: string): string {
  return layout(
    `Allow ${page.app.name}?`,
    `<h1>Allow this app to use your learning account?</h1>
${appLine(page.app)}
<p>If you allow it, the app will be able to:</p>
${scopeList(page)}
<p class="muted">Signed in as ${escapeHtml(signedInAs)}. After you decide you go back to ${escapeHtml(page.app.redirectOrigin)}. Allow only apps you trust.</p>
<form method="post" action="authorize" id="decision">
${hidden(page.formToken)}
<div class="buttons">
<button type="submit" class="primary" name="action" value="approve">Allow</button>
<button type="submit" name="action" value="deny">Deny</button>
</div>
</form>`,
  );
}

/** A staff account may not connect apps to a learning account. */
export function refusalPage(page: RequestPage, signedInAs: string, role: string): string {
  return layout(
    "Only learners can connect apps",
    `<h1>Only learners can connect apps</h1>
<p>You are signed in as ${escapeHtml(signedInAs)}, a ${escapeHtml(role)} account. Apps connect to a learner's own learning account, so a staff account cannot allow them.</p>
${appLine(page.app)}
<p>To connect it to your learning account, sign out of the bank and come back from the app, then sign in with your learner account.</p>
<form method="post" action="authorize" id="refusal">
${hidden(page.formToken)}
<div class="buttons">
<button type="submit" name="action" value="deny">Back to the app without connecting</button>
</div>
</form>`,
  );
}

/** Something is wrong with the request itself; the person is not sent anywhere. */
export function errorPage(title: string, message: string): string {
  return layout(
    title,
    `<h1>${escapeHtml(title)}</h1>
<p class="error" role="alert">${escapeHtml(message)}</p>
<p class="muted">You can close this page. Nothing from your account was shared.</p>`,
  );
}

const operatorNote = (variable: string) =>
  `<p class="muted">This is the default text that comes with the Credit Bank software. The operator of this bank publishes their own by setting ${variable}.</p>`;

/** The default terms of use, for an operator to replace (TERMS_URL). */
export function termsPage(publicUrl: string): string {
  return layout(
    "Terms of use",
    `<article>
<h1>Terms of use</h1>
<p>This credit bank (${escapeHtml(publicUrl)}) keeps a register of accredited learning providers and their units, and a learning account for every learner, holding the credits and credentials the providers record.</p>
<h2>Your account</h2>
<p>Keep your password to yourself. What is recorded in your account is recorded by accredited providers; if something is wrong, ask the provider that recorded it to correct it.</p>
<h2>Apps you connect</h2>
<p>You may connect apps, such as a digital wallet or a learning platform, to your account through the Open Badges API. An app sees or changes only what you allowed on the page where you connected it, and only for as long as its access lasts. The app's own terms and privacy policy govern what it does with what it receives.</p>
<h2>Use of the service</h2>
<p>Do not try to reach what is not yours, to disrupt the service, or to present a credential as yours that is not. Credentials can be verified by anyone you show them to.</p>
<h2>No warranty</h2>
<p>The service is provided as it is. The operator does its best to keep it available and correct, within the limits the law allows.</p>
${operatorNote("TERMS_URL")}
</article>`,
  );
}

/** The default privacy notice, for an operator to replace (PRIVACY_URL). */
export function privacyPage(publicUrl: string): string {
  return layout(
    "Privacy",
    `<article>
<h1>Privacy</h1>
<p>This notice says what this credit bank (${escapeHtml(publicUrl)}) keeps about you, why, and who sees it.</p>
<h2>What is kept</h2>
<p>Your name and the identifiers providers know you by (such as an e-mail address or a student number); the achievements providers recorded, with their credits; the credentials issued for them; and, if you have a sign-in, your e-mail address and a hash of your password.</p>
<h2>Why</h2>
<p>To keep your learning account, so that your credits can be recognised, stacked into qualifications and carried elsewhere, and so that anyone you show a credential to can check it.</p>
<h2>Who sees it</h2>
<p>You; the providers that recorded achievements for you; the registry that runs the bank; apps you connected, within what you allowed; and anyone you give a credential to. The bank's tamper-evident records hold no personal data.</p>
<h2>Cookies</h2>
<p>Two, both needed to work: one keeps you signed in, and one ties a page where you connect an app to your browser. No tracking, no advertising.</p>
<h2>Your rights</h2>
<p>You may ask the registry to correct your personal data or to erase it; erasing keeps the credit entries, without your name.</p>
${operatorNote("PRIVACY_URL")}
</article>`,
  );
}
