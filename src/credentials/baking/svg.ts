/**
 * Open Badges 3.0 baking for SVG: the root element binds the `openbadges` prefix and its first child is
 * `<openbadges:credential>`, holding JSON in CDATA or a compact JWS in its `verify` attribute.
 *
 * No XML parser is installed, so this scans the markup itself. It understands exactly what it must step
 * over to stay correct: the prolog, comments, processing instructions, a DOCTYPE with an internal subset,
 * CDATA sections and quoted attribute values that may contain `>`.
 */
import { CredentialError } from "../errors.ts";
import { badgePalette, type Rgb, starPolygon } from "./png.ts";
import { assertBakeable, type BakedCredential, credentialFromText } from "./types.ts";

const OB_NAMESPACE = "https://purl.imsglobal.org/ob/v3p0";
const ELEMENT = "openbadges:credential";
const NS_ATTRIBUTE = "xmlns:openbadges";

type Attribute = { name: string; value: string; start: number; end: number };
type StartTag = { name: string; start: number; end: number; selfClosing: boolean; attributes: Attribute[] };
type CredentialElement = { tag: StartTag; end: number; contentStart: number; contentEnd: number };

function notSvg(detail: string): CredentialError {
  return new CredentialError("not-an-svg", `The file is not an SVG image: ${detail}.`);
}

function corrupt(detail: string): CredentialError {
  return new CredentialError("corrupt-svg", `The SVG image is malformed: ${detail}.`);
}

function isSpace(c: string | undefined): boolean {
  return c === " " || c === "\t" || c === "\n" || c === "\r";
}

function skipSpace(text: string, at: number): number {
  let i = at;
  while (isSpace(text[i])) i++;
  return i;
}

/** Index just past `terminator`, searching from `from`; null when the construct never ends. */
function after(text: string, terminator: string, from: number): number | null {
  const at = text.indexOf(terminator, from);
  return at < 0 ? null : at + terminator.length;
}

/** Reads `<name attr="v" ...>` starting at the `<`; null when the tag is not well formed. */
function readStartTag(text: string, start: number): StartTag | null {
  let i = start + 1;
  const nameMatch = /^[^\s/>"'=<]+/.exec(text.slice(i, i + 256));
  if (!nameMatch) return null;
  const name = nameMatch[0];
  i += name.length;
  const attributes: Attribute[] = [];
  for (;;) {
    const beforeSpace = i;
    i = skipSpace(text, i);
    if (text[i] === ">") return { name, start, end: i + 1, selfClosing: false, attributes };
    if (text.startsWith("/>", i)) return { name, start, end: i + 2, selfClosing: true, attributes };
    if (i === beforeSpace || i >= text.length) return null; // attributes must be separated by white space
    const attrStart = i;
    while (i < text.length && !isSpace(text[i]) && text[i] !== "=" && text[i] !== ">" && text[i] !== "/") i++;
    const attrName = text.slice(attrStart, i);
    i = skipSpace(text, i);
    if (attrName === "" || text[i] !== "=") return null;
    i = skipSpace(text, i + 1);
    const quote = text[i];
    if (quote !== '"' && quote !== "'") return null;
    const close = text.indexOf(quote, i + 1);
    if (close < 0) return null;
    attributes.push({ name: attrName, value: text.slice(i + 1, close), start: attrStart, end: close + 1 });
    i = close + 1;
  }
}

/** Steps over `<!DOCTYPE ...>`, whose internal subset may hold quoted `>` and comments. */
function skipDoctype(text: string, start: number): number | null {
  let depth = 0;
  let i = start + 2;
  while (i < text.length) {
    const c = text[i];
    if (text.startsWith("<!--", i)) {
      const end = after(text, "-->", i + 4);
      if (end === null) return null;
      i = end;
      continue;
    }
    if (c === '"' || c === "'") {
      const close = text.indexOf(c, i + 1);
      if (close < 0) return null;
      i = close + 1;
      continue;
    }
    if (c === "[") depth++;
    else if (c === "]") depth--;
    else if (c === ">" && depth <= 0) return i + 1;
    i++;
  }
  return null;
}

function isSvgName(name: string): boolean {
  return name === "svg" || name.endsWith(":svg");
}

/** Finds the root element's start tag after the optional BOM, prolog, comments and DOCTYPE. */
function findRoot(text: string): StartTag {
  let i = text.startsWith("\uFEFF") ? 1 : 0;
  for (;;) {
    i = skipSpace(text, i);
    let next: number | null;
    if (text.startsWith("<?", i)) next = after(text, "?>", i + 2);
    else if (text.startsWith("<!--", i)) next = after(text, "-->", i + 4);
    else if (text.slice(i, i + 9).toUpperCase() === "<!DOCTYPE") next = skipDoctype(text, i);
    else if (text[i] === "<") {
      const tag = readStartTag(text, i);
      if (!tag) throw notSvg("the root element's start tag is malformed");
      if (!isSvgName(tag.name)) throw notSvg(`the root element is <${tag.name}>, not <svg>`);
      return tag;
    } else {
      throw notSvg(i >= text.length ? "it has no root element" : "it does not start with markup");
    }
    if (next === null) throw notSvg("a declaration or comment before the root element never ends");
    i = next;
  }
}

/** Steps over one markup construct other than a start tag; null when `at` starts a start tag. */
function skipMarkup(text: string, at: number): number | null {
  let end: number | null | undefined;
  if (text.startsWith("<!--", at)) end = after(text, "-->", at + 4);
  else if (text.startsWith("<![CDATA[", at)) end = after(text, "]]>", at + 9);
  else if (text.startsWith("<?", at)) end = after(text, "?>", at + 2);
  else if (text.startsWith("<!", at) || text.startsWith("</", at)) end = after(text, ">", at + 2);
  else return null;
  if (end === null) throw corrupt("a comment, CDATA section or tag never ends");
  return end;
}

/** Every `<openbadges:credential>` element in the document body, with the extent of its content. */
function findCredentialElements(text: string, from: number): CredentialElement[] {
  const found: CredentialElement[] = [];
  let i = from;
  for (;;) {
    const lt = text.indexOf("<", i);
    if (lt < 0) return found;
    const skipped = skipMarkup(text, lt);
    if (skipped !== null) {
      i = skipped;
      continue;
    }
    const tag = readStartTag(text, lt);
    if (!tag) throw corrupt("a start tag is not well formed");
    i = tag.end;
    if (tag.name !== ELEMENT) continue;
    if (tag.selfClosing) {
      found.push({ tag, end: tag.end, contentStart: tag.end, contentEnd: tag.end });
      continue;
    }
    const close = findEndTag(text, tag.end);
    found.push({ tag, end: close.end, contentStart: tag.end, contentEnd: close.start });
    i = close.end;
  }
}

function findEndTag(text: string, from: number): { start: number; end: number } {
  const endTag = new RegExp(`^</${ELEMENT}\\s*>`);
  let i = from;
  for (;;) {
    const lt = text.indexOf("<", i);
    if (lt < 0) throw corrupt("the Open Badges credential element is never closed");
    const match = endTag.exec(text.slice(lt, lt + ELEMENT.length + 64));
    if (match) return { start: lt, end: lt + match[0].length };
    const skipped = skipMarkup(text, lt);
    if (skipped !== null) {
      i = skipped;
      continue;
    }
    const tag = readStartTag(text, lt);
    if (!tag) throw corrupt("a start tag inside the credential element is not well formed");
    i = tag.end;
  }
}

const ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z]+);/g, (whole, ref: string) => {
    if (ref.startsWith("#")) {
      const code = ref[1] === "x" ? Number.parseInt(ref.slice(2), 16) : Number.parseInt(ref.slice(1), 10);
      return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[ref] ?? whole;
  });
}

/** Character data of the element: CDATA verbatim, text with entities decoded, comments and layout white space dropped. */
function elementText(text: string, start: number, end: number): string {
  let out = "";
  let i = start;
  while (i < end) {
    const lt = text.indexOf("<", i);
    const textEnd = lt < 0 || lt > end ? end : lt;
    const chunk = text.slice(i, textEnd);
    if (chunk.trim() !== "") out += decodeEntities(chunk);
    if (textEnd === end) break;
    if (text.startsWith("<![CDATA[", lt)) {
      const close = text.indexOf("]]>", lt + 9);
      if (close < 0) throw corrupt("a CDATA section never ends");
      out += text.slice(lt + 9, close);
      i = close + 3;
    } else {
      const next = skipMarkup(text, lt) ?? readStartTag(text, lt)?.end;
      if (next === undefined) throw corrupt("a start tag inside the credential element is not well formed");
      i = next;
    }
  }
  return out;
}

function credentialOf(text: string, element: CredentialElement): BakedCredential {
  const verify = element.tag.attributes.find((a) => a.name === "verify");
  const raw = verify ? decodeEntities(verify.value) : elementText(text, element.contentStart, element.contentEnd);
  if (raw.trim() === "") throw corrupt("the Open Badges credential element is empty");
  return credentialFromText(raw);
}

/** The baked credential, or null for an SVG image without one. */
export function unbakeSvg(svg: string): BakedCredential | null {
  const root = findRoot(svg);
  const elements = findCredentialElements(svg, root.end);
  if (elements.length > 1) {
    throw new CredentialError(
      "ambiguous-baked-credential",
      "The SVG image carries more than one Open Badges credential, so it is unclear which one it stands for.",
    );
  }
  const element = elements[0];
  return element ? credentialOf(svg, element) : null;
}

function escapeXml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&apos;");
}

// Valid JSON can hold U+FFFE and U+FFFF raw only inside strings, where a \u escape means the same thing;
// XML forbids both characters, so they are escaped rather than written into the document.
function xmlSafeJson(json: string): string {
  return json.replace(/[\uFFFE\uFFFF]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
}

function credentialElement(credential: BakedCredential): string {
  if (credential.format === "jwt") return `<${ELEMENT} verify="${escapeXml(credential.text)}"></${ELEMENT}>`;
  // "]]>" would end the section early, so it is split across two CDATA sections.
  const cdata = xmlSafeJson(credential.text).replaceAll("]]>", "]]]]><![CDATA[>");
  return `<${ELEMENT}><![CDATA[${cdata}]]></${ELEMENT}>`;
}

/** Start of the line an element sits on when only white space precedes it, so removal leaves no blank line. */
function lineStart(text: string, start: number, floor: number): number {
  let i = start;
  while (i > floor && (text[i - 1] === " " || text[i - 1] === "\t")) i--;
  if (i > floor && text[i - 1] === "\n") i--;
  if (i > floor && text[i - 1] === "\r") i--;
  return i;
}

/** A copy of the SVG carrying the credential right after the root start tag; an earlier one is replaced. */
export function bakeSvg(svg: string, credential: BakedCredential): string {
  assertBakeable(credential);
  const root = findRoot(svg);
  let body = svg.slice(root.end);
  const elements = findCredentialElements(svg, root.end);
  for (const element of elements.reverse()) {
    const from = lineStart(svg, element.tag.start, root.end) - root.end;
    body = body.slice(0, from) + body.slice(element.end - root.end);
  }

  const ns = root.attributes.find((a) => a.name === NS_ATTRIBUTE);
  let startTag = svg.slice(root.start, root.end);
  if (ns) {
    const at = ns.start - root.start;
    startTag = `${startTag.slice(0, at)}${NS_ATTRIBUTE}="${OB_NAMESPACE}"${startTag.slice(ns.end - root.start)}`;
  } else {
    const close = root.selfClosing ? startTag.length - 2 : startTag.length - 1;
    startTag = `${startTag.slice(0, close).trimEnd()} ${NS_ATTRIBUTE}="${OB_NAMESPACE}"${startTag.slice(close)}`;
  }
  if (root.selfClosing) {
    startTag = `${startTag.slice(0, -2).trimEnd()}>`;
    body = `</${root.name}>${body}`;
  }
  return `${svg.slice(0, root.start)}${startTag}\n${credentialElement(credential)}${body}`;
}

function hex([r, g, b]: Rgb): string {
  return `#${[r, g, b].map((v) => v.toString(16).padStart(2, "0")).join("")}`;
}

function isXmlChar(cp: number): boolean {
  return cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp !== 0xfffe && cp !== 0xffff);
}

// Characters XML 1.0 cannot carry at all; titles come from people, so they are dropped instead of failing.
function xmlText(text: string): string {
  return escapeXml(
    Array.from(text.toWellFormed())
      .filter((c) => isXmlChar(c.codePointAt(0) as number))
      .join(""),
  );
}

/** Greedy word wrap by character count; a word longer than a line is cut. Counts code points, not units. */
function wrap(text: string, perLine: number): string[] {
  const lines: string[] = [];
  let line: string[] = [];
  for (const word of text.split(/\s+/).filter(Boolean)) {
    let chars = Array.from(word);
    while (chars.length > perLine) {
      if (line.length > 0) lines.push(line.join(" "));
      line = [];
      lines.push(chars.slice(0, perLine).join(""));
      chars = chars.slice(perLine);
    }
    const candidate = [...line, chars.join("")].join(" ");
    if (Array.from(candidate).length > perLine && line.length > 0) {
      lines.push(line.join(" "));
      line = [chars.join("")];
    } else {
      line.push(chars.join(""));
    }
  }
  if (line.length > 0) lines.push(line.join(" "));
  return lines;
}

function ellipsize(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join("")}\u2026`;
}

/** Title lines and font size that fit the disc: shrink once, then cut the third line. */
function layoutTitle(title: string): { lines: string[]; fontSize: number } {
  for (const [fontSize, perLine] of [
    [16, 13],
    [13, 16],
  ] as const) {
    const lines = wrap(title, perLine);
    if (lines.length <= 3) return { lines, fontSize };
  }
  const lines = wrap(title, 16);
  return { lines: [lines[0] ?? "", lines[1] ?? "", ellipsize(`${lines[2]} ${lines[3]}`, 16)], fontSize: 13 };
}

/** A round badge with the unit title (and e.g. credits or level as subtitle), unbaked. */
export function renderBadgeSvg(options: { title: string; subtitle?: string; hue?: number }): string {
  const hue = options.hue ?? 210;
  if (!Number.isFinite(hue)) throw new CredentialError("invalid-hue", "The badge hue must be a finite number.");
  const palette = badgePalette(hue);
  const { lines, fontSize } = layoutTitle(options.title.trim() || "Badge");
  const subtitle = options.subtitle?.trim() ? ellipsize(options.subtitle.trim(), 24) : undefined;
  const star = starPolygon(15, 6.4)
    .map(([x, y], i) => `${i === 0 ? "M" : "L"}${(100 + x).toFixed(2)},${(58 + y).toFixed(2)}`)
    .join("");
  const lineHeight = fontSize * 1.15;
  const firstBaseline = 112 - ((lines.length - 1) * lineHeight) / 2;
  const titleText = lines
    .map((line, i) => `<tspan x="100" y="${(firstBaseline + i * lineHeight).toFixed(1)}">${xmlText(line)}</tspan>`)
    .join("");
  const label = subtitle ? `${options.title.trim()} (${subtitle})` : options.title.trim();
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="200" height="200" viewBox="0 0 200 200" role="img" aria-labelledby="badge-title">`,
    `<title id="badge-title">${xmlText(label)}</title>`,
    `<defs><linearGradient id="badge-fill" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${hex(palette.discTop)}"/><stop offset="1" stop-color="${hex(palette.discBottom)}"/></linearGradient></defs>`,
    `<circle cx="100" cy="100" r="94" fill="${hex(palette.ring)}"/>`,
    `<circle cx="100" cy="100" r="80" fill="${hex(palette.band)}"/>`,
    `<circle cx="100" cy="100" r="72" fill="url(#badge-fill)"/>`,
    `<path d="${star}Z" fill="${hex(palette.star)}"/>`,
    `<text text-anchor="middle" font-family="Helvetica, Arial, sans-serif" font-weight="bold" font-size="${fontSize}" fill="#ffffff">${titleText}</text>`,
    subtitle
      ? `<text x="100" y="150" text-anchor="middle" font-family="Helvetica, Arial, sans-serif" font-size="11" fill="${hex(palette.star)}">${xmlText(subtitle)}</text>`
      : "",
    "</svg>",
    "",
  ].join("\n");
}
