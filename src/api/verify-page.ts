/**
 * The public verification page: drop or paste a credential (JSON, JWT, baked PNG/SVG, PDF certificate),
 * or open it from a certificate's QR code (`?credential=urn:uuid:…`), and see every check the bank's
 * verifier ran. Plain HTML and a few lines of script over the public API, so it works without a build
 * step; the richer web app can replace it later behind the same URL.
 */
export const VERIFY_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Verify a credential · Credit Bank</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; color: #1b1f24; }
  h1 { font-size: 1.6rem; margin-bottom: .25rem; }
  #drop { border: 2px dashed #8a94a6; border-radius: .75rem; padding: 1.5rem; text-align: center; margin: 1rem 0; }
  #drop.over { background: #eef4ff; border-color: #2f6fed; }
  textarea { width: 100%; min-height: 7rem; font: 13px ui-monospace, monospace; box-sizing: border-box; }
  button { font: inherit; padding: .4rem 1rem; margin-top: .5rem; }
  #verdict { font-size: 1.3rem; font-weight: 600; margin-top: 1.5rem; }
  .pass { color: #1a7f37; } .fail { color: #cf222e; } .warning { color: #9a6700; }
  ul#checks { list-style: none; padding: 0; } ul#checks li { padding: .35rem 0; border-bottom: 1px solid #e5e7eb; }
  .mark { display: inline-block; width: 1.4rem; font-weight: 700; } .id { font-weight: 600; margin-right: .4rem; }
</style>
</head>
<body>
<h1>Verify a credential</h1>
<p>Checks the signature, the issuer and its accreditation, revocation, validity and the bank's tamper-evident log. Nothing you drop here is stored.</p>
<div id="drop">Drop a credential file here (JSON, JWT, PNG or SVG badge, PDF certificate)<br>
  <input type="file" id="file" aria-label="Credential file"></div>
<label for="text">…or paste it:</label>
<textarea id="text" placeholder='{"@context": …} or eyJhbGciOi…'></textarea>
<button id="verify" type="button">Verify</button>
<div id="verdict" role="status" aria-live="polite"></div>
<ul id="checks"></ul>
<script>
const marks = { pass: "✓", fail: "✗", warning: "!" };
const api = (path) => new URL(path, location.href.replace(/\\/verify.*$/, "/")).toString();
function show(report) {
  const verdict = document.getElementById("verdict");
  const list = document.getElementById("checks");
  list.replaceChildren();
  if (report.error) { verdict.textContent = report.error.message; verdict.className = "fail"; return; }
  const checks = report.checks.concat((report.credentials || []).flatMap((c) => c.checks));
  const allPass = report.verified && checks.every((c) => c.status === "pass");
  verdict.textContent = report.verified ? (allPass ? "Verified" : "Verified, with warnings") : "Not verified";
  verdict.className = report.verified ? (allPass ? "pass" : "warning") : "fail";
  for (const c of checks) {
    const li = document.createElement("li");
    li.className = c.status;
    li.dataset.check = c.id;
    const mark = document.createElement("span"); mark.className = "mark"; mark.textContent = marks[c.status];
    const id = document.createElement("span"); id.className = "id"; id.textContent = c.id;
    li.append(mark, id, document.createTextNode(c.message));
    list.append(li);
  }
}
async function post(body, type) {
  const res = await fetch(api("api/v1/verify"), { method: "POST", headers: { "content-type": type }, body });
  show(await res.json());
}
document.getElementById("verify").onclick = () => {
  const text = document.getElementById("text").value.trim();
  if (!text) return;
  post(text, text.startsWith("{") ? "application/json" : "text/plain");
};
async function sendFile(file) { post(await file.arrayBuffer(), "application/octet-stream"); }
document.getElementById("file").onchange = (e) => e.target.files[0] && sendFile(e.target.files[0]);
const drop = document.getElementById("drop");
drop.ondragover = (e) => { e.preventDefault(); drop.classList.add("over"); };
drop.ondragleave = () => drop.classList.remove("over");
drop.ondrop = (e) => { e.preventDefault(); drop.classList.remove("over"); e.dataTransfer.files[0] && sendFile(e.dataTransfer.files[0]); };
const id = new URLSearchParams(location.search).get("credential");
if (id) fetch(api("api/v1/credentials/" + encodeURIComponent(id) + "/verification")).then((r) => r.json()).then(show);
</script>
</body>
</html>
`;
