/**
 * A printable A4 certificate that still verifies offline: the signed credential rides along as a PDF
 * file attachment, and a QR code leads to the online verification page.
 */
import {
  AFRelationship,
  beginMarkedContent,
  decodePDFRawStream,
  EncryptedPDFError,
  endMarkedContent,
  fill,
  PDFArray,
  PDFDict,
  PDFDocument,
  type PDFFont,
  PDFHexString,
  PDFName,
  type PDFObject,
  type PDFPage,
  PDFRawStream,
  PDFString,
  popGraphicsState,
  pushGraphicsState,
  type RGB,
  rectangle,
  rgb,
  StandardFonts,
  setFillingColor,
} from "pdf-lib";
import QRCode from "qrcode";
import { CredentialError } from "../errors.ts";
import { badgePalette, type Rgb } from "./png.ts";
import { assertBakeable, type BakedCredential, credentialFromText } from "./types.ts";

export type CertificateInput = {
  credential: BakedCredential;
  title: string;
  learnerName?: string;
  achievementName: string;
  issuerName: string;
  /** Facts printed one per line, e.g. "6 ECTS credits", "EQF level 5", "Achieved on 2026-05-01". */
  lines: string[];
  verifyUrl: string;
  credentialId: string;
  issuedOn: string;
};

const PAGE_WIDTH = 595.28; // A4 in points
const PAGE_HEIGHT = 841.89;
const TEXT_WIDTH = 440;
const BODY_FLOOR = 262; // the QR block and footer live below this line
const QR_SIZE = 112;
const QR_BOTTOM = 128;
const MAX_FACT_LINES = 40;
const MAX_TEXT_CHARS = 1000;
const MAX_ATTACHMENT_BYTES = 8 * 1024 * 1024;
const MAX_NAME_TREE_NODES = 10_000;
const ATTACHMENT_NAME = /^credential\.(json|jwt)$/i;
const HUE = 210;

// Helvetica without an embedded font is limited to WinAnsi: Latin-1 plus these 27 characters in 0x80-0x9F.
const WIN_ANSI_EXTRA = new Set(Array.from("€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ", (c) => c.codePointAt(0) as number));

function isWinAnsi(cp: number): boolean {
  return (cp >= 0x20 && cp <= 0x7e) || (cp >= 0xa0 && cp <= 0xff) || WIN_ANSI_EXTRA.has(cp);
}

// Transliterations for letters that do not decompose into a Latin base letter. Cyrillic and Greek are
// EU official scripts (Bulgarian, Greek), so names in them are spelled out rather than lost to "?".
const TRANSLITERATION: Record<string, string> = {
  ł: "l",
  đ: "d",
  ħ: "h",
  ı: "i",
  ŀ: "l",
  ŋ: "ng",
  ŧ: "t",
  ſ: "s",
  ĸ: "k",
  ẞ: "SS",
  ə: "e",
  а: "a",
  б: "b",
  в: "v",
  г: "g",
  ґ: "g",
  д: "d",
  ђ: "dj",
  е: "e",
  ё: "yo",
  є: "ye",
  ж: "zh",
  з: "z",
  и: "i",
  і: "i",
  ї: "yi",
  й: "y",
  ј: "j",
  к: "k",
  л: "l",
  љ: "lj",
  м: "m",
  н: "n",
  њ: "nj",
  о: "o",
  п: "p",
  р: "r",
  с: "s",
  т: "t",
  ћ: "c",
  у: "u",
  ў: "u",
  ф: "f",
  х: "h",
  ц: "ts",
  ч: "ch",
  џ: "dz",
  ш: "sh",
  щ: "sht",
  ъ: "a",
  ы: "y",
  ь: "y",
  э: "e",
  ю: "yu",
  я: "ya",
  α: "a",
  β: "v",
  γ: "g",
  δ: "d",
  ε: "e",
  ζ: "z",
  η: "i",
  θ: "th",
  ι: "i",
  κ: "k",
  λ: "l",
  μ: "m",
  ν: "n",
  ξ: "x",
  ο: "o",
  π: "p",
  ρ: "r",
  σ: "s",
  ς: "s",
  τ: "t",
  υ: "y",
  φ: "f",
  χ: "ch",
  ψ: "ps",
  ω: "o",
  "\u2010": "-",
  "\u2212": "-",
  "\u2044": "/",
  "\u2032": "'",
  "\u2033": '"',
  "\u2192": "->",
  "\u2190": "<-",
  "\u2264": "<=",
  "\u2265": ">=",
  "\u2260": "!=",
};

function transliterateOne(ch: string): string | undefined {
  const direct = TRANSLITERATION[ch];
  if (direct !== undefined) return direct;
  const lower = ch.toLowerCase();
  const viaLower = lower !== ch ? TRANSLITERATION[lower] : undefined;
  return viaLower === undefined ? undefined : viaLower.charAt(0).toUpperCase() + viaLower.slice(1);
}

/**
 * Text that the standard Helvetica fonts can encode: accents are kept where WinAnsi has the letter,
 * otherwise stripped, Cyrillic and Greek are transliterated, anything else becomes "?". pdf-lib would
 * throw on the first character outside WinAnsi, so every string drawn on the certificate goes through here.
 */
export function toWinAnsi(text: string): string {
  let out = "";
  // Greek "ου" is one sound, written "ou" in the ELOT 743 romanisation, not "oy" letter by letter.
  const greekOu = text.normalize("NFC").replace(/([οόΟΌ])([υύΥΎ])/g, (_, o: string, u: string) => {
    if (o === o.toLowerCase()) return "ou";
    return u === u.toLowerCase() ? "Ou" : "OU";
  });
  for (const ch of greekOu) {
    const cp = ch.codePointAt(0) as number;
    if (isWinAnsi(cp)) {
      out += ch;
    } else if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || /\s/u.test(ch)) {
      out += " ";
    } else {
      out += transliterateOne(ch) ?? decomposed(ch);
    }
  }
  return out;
}

function decomposed(ch: string): string {
  let out = "";
  for (const part of ch.normalize("NFKD")) {
    if (/\p{M}/u.test(part)) continue;
    const cp = part.codePointAt(0) as number;
    out += isWinAnsi(cp) ? part : (transliterateOne(part) ?? "?");
  }
  return out === "" ? "?" : out;
}

/** Greedy wrap by measured width; words wider than a line (URLs, identifiers) are cut anywhere. */
function wrap(text: string, font: PDFFont, size: number, maxWidth: number): string[] {
  const fits = (s: string) => font.widthOfTextAtSize(s, size) <= maxWidth;
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/ +/).filter(Boolean)) {
    const candidate = line ? `${line} ${word}` : word;
    if (fits(candidate)) {
      line = candidate;
      continue;
    }
    if (line) lines.push(line);
    line = "";
    let rest = word;
    while (!fits(rest)) {
      // Binary search for the longest prefix that fits; widths only grow with length.
      let low = 1;
      let high = rest.length - 1;
      while (low < high) {
        const mid = Math.ceil((low + high) / 2);
        if (fits(rest.slice(0, mid))) low = mid;
        else high = mid - 1;
      }
      lines.push(rest.slice(0, low));
      rest = rest.slice(low);
    }
    line = rest;
  }
  if (line) lines.push(line);
  return lines.length > 0 ? lines : [""];
}

// Nothing sensible on a certificate is this long; the cap keeps layout time bounded for hostile input.
function capped(text: string): string {
  return text.length > MAX_TEXT_CHARS ? `${text.slice(0, MAX_TEXT_CHARS)}...` : text;
}

type Fonts = { regular: PDFFont; bold: PDFFont; italic: PDFFont };
type Block = { text: string; font: PDFFont; size: number; color: RGB; gapBefore: number };
type Line = { text: string; font: PDFFont; size: number; color: RGB; height: number; gapBefore: number };

function toRgb([r, g, b]: Rgb): RGB {
  return rgb(r / 255, g / 255, b / 255);
}

function bodyBlocks(input: CertificateInput, fonts: Fonts): Block[] {
  const palette = badgePalette(HUE);
  const ink = rgb(0.13, 0.13, 0.16);
  const muted = rgb(0.38, 0.38, 0.42);
  const accent = toRgb(palette.discBottom);
  const blocks: Block[] = [{ text: input.title, font: fonts.bold, size: 26, color: toRgb(palette.ring), gapBefore: 0 }];
  if (input.learnerName?.trim()) {
    blocks.push({ text: "This certifies that", font: fonts.italic, size: 12, color: muted, gapBefore: 30 });
    blocks.push({ text: input.learnerName, font: fonts.bold, size: 22, color: ink, gapBefore: 10 });
    blocks.push({ text: "has achieved", font: fonts.italic, size: 12, color: muted, gapBefore: 10 });
  } else {
    blocks.push({
      text: "This certifies the achievement of",
      font: fonts.italic,
      size: 12,
      color: muted,
      gapBefore: 30,
    });
  }
  blocks.push({ text: input.achievementName, font: fonts.bold, size: 18, color: accent, gapBefore: 10 });
  blocks.push({ text: `issued by ${input.issuerName}`, font: fonts.regular, size: 12, color: ink, gapBefore: 10 });
  input.lines.slice(0, MAX_FACT_LINES).forEach((text, i) => {
    blocks.push({ text, font: fonts.regular, size: 12, color: ink, gapBefore: i === 0 ? 24 : 4 });
  });
  return blocks.map((b) => ({ ...b, text: capped(toWinAnsi(b.text).trim()) })).filter((b) => b.text !== "");
}

/**
 * Wraps the body at the largest scale that fits above the QR block; if even the smallest scale
 * overflows, the text is cut with an ellipsis because the embedded credential holds the full record.
 */
function layoutBody(blocks: Block[], available: number): Line[] {
  let lines: Line[] = [];
  for (const scale of [1, 0.9, 0.8, 0.7, 0.6]) {
    lines = blocks.flatMap((b) =>
      wrap(b.text, b.font, b.size * scale, TEXT_WIDTH).map((text, i) => ({
        text,
        font: b.font,
        size: b.size * scale,
        color: b.color,
        height: b.size * scale * 1.25,
        gapBefore: i === 0 ? b.gapBefore * scale : 0,
      })),
    );
    if (lines.reduce((h, l) => h + l.gapBefore + l.height, 0) <= available) return lines;
  }
  const kept: Line[] = [];
  let used = 0;
  for (const line of lines) {
    if (used + line.gapBefore + line.height > available) break;
    used += line.gapBefore + line.height;
    kept.push(line);
  }
  const last = kept.at(-1);
  if (last) last.text = `${last.text.replace(/.{0,2}$/, "")}...`;
  return kept;
}

function drawCentered(page: PDFPage, text: string, font: PDFFont, size: number, y: number, color: RGB): void {
  const x = (PAGE_WIDTH - font.widthOfTextAtSize(text, size)) / 2;
  page.drawText(text, { x, y, size, font, color });
}

/** The QR code modules of `text`, row by row from the top; true is a dark module. */
function qrModules(text: string): boolean[][] {
  let modules: ReturnType<typeof QRCode.create>["modules"];
  try {
    modules = QRCode.create(text, { errorCorrectionLevel: "M" }).modules;
  } catch {
    throw new CredentialError("verify-url-too-long", "The verification address is too long to fit in a QR code.");
  }
  return Array.from({ length: modules.size }, (_, row) =>
    Array.from({ length: modules.size }, (_, col) => modules.get(row, col) !== 0),
  );
}

/**
 * Draws the QR code as filled rectangles, one per horizontal run of dark modules, inside a `/QRCode`
 * marked-content section so tools (and tests) can find exactly what was drawn.
 */
function drawQr(page: PDFPage, text: string, x: number, y: number, size: number): void {
  const matrix = qrModules(text);
  const unit = size / matrix.length;
  const ops = [beginMarkedContent("QRCode"), pushGraphicsState(), setFillingColor(rgb(0, 0, 0))];
  matrix.forEach((row, r) => {
    let c = 0;
    while (c < row.length) {
      if (!row[c]) {
        c++;
        continue;
      }
      const start = c;
      while (c < row.length && row[c]) c++;
      ops.push(rectangle(x + start * unit, y + size - (r + 1) * unit, (c - start) * unit, unit));
    }
  });
  ops.push(fill(), popGraphicsState(), endMarkedContent());
  page.pushOperators(...ops);
}

/** Renders the certificate with the credential attached as `credential.json` or `credential.jwt`. */
export async function renderCertificatePdf(input: CertificateInput): Promise<Uint8Array> {
  assertBakeable(input.credential);
  const doc = await PDFDocument.create();
  const fonts: Fonts = {
    regular: await doc.embedFont(StandardFonts.Helvetica),
    bold: await doc.embedFont(StandardFonts.HelveticaBold),
    italic: await doc.embedFont(StandardFonts.HelveticaOblique),
  };
  const palette = badgePalette(HUE);
  const page = doc.addPage([PAGE_WIDTH, PAGE_HEIGHT]);
  const muted = rgb(0.38, 0.38, 0.42);

  page.drawRectangle({
    x: 24,
    y: 24,
    width: PAGE_WIDTH - 48,
    height: PAGE_HEIGHT - 48,
    borderColor: toRgb(palette.ring),
    borderWidth: 2.5,
  });
  page.drawRectangle({
    x: 32,
    y: 32,
    width: PAGE_WIDTH - 64,
    height: PAGE_HEIGHT - 64,
    borderColor: toRgb(palette.discTop),
    borderWidth: 0.75,
  });
  drawCentered(page, "CREDIT BANK", fonts.bold, 10, PAGE_HEIGHT - 78, toRgb(palette.discBottom));

  let y = PAGE_HEIGHT - 120;
  for (const line of layoutBody(bodyBlocks(input, fonts), y - BODY_FLOOR)) {
    y -= line.gapBefore + line.height;
    drawCentered(page, line.text, line.font, line.size, y + line.height * 0.2, line.color);
  }

  const url = toWinAnsi(input.verifyUrl);
  drawQr(page, input.verifyUrl, (PAGE_WIDTH - QR_SIZE) / 2, QR_BOTTOM, QR_SIZE);
  drawCentered(
    page,
    "Scan the code or visit the address below to verify:",
    fonts.italic,
    9,
    QR_BOTTOM + QR_SIZE + 10,
    muted,
  );
  let urlY = QR_BOTTOM - 14;
  for (const line of wrap(url, fonts.regular, 8.5, TEXT_WIDTH).slice(0, 3)) {
    drawCentered(page, line, fonts.regular, 8.5, urlY, rgb(0.1, 0.2, 0.5));
    urlY -= 11;
  }
  const attachmentName = input.credential.format === "jwt" ? "credential.jwt" : "credential.json";
  const footer = [
    `Issued on ${input.issuedOn} - Credential ID: ${input.credentialId}`,
    `The signed credential is attached to this PDF as ${attachmentName}; any Open Badges 3.0 verifier can check it offline.`,
  ];
  let footY = 64;
  for (const text of footer.flatMap((t) =>
    wrap(capped(toWinAnsi(t)), fonts.regular, 7.5, PAGE_WIDTH - 120).slice(0, 2),
  )) {
    drawCentered(page, text, fonts.regular, 7.5, footY, muted);
    footY -= 10;
  }

  await doc.attach(new TextEncoder().encode(input.credential.text), attachmentName, {
    mimeType: input.credential.format === "jwt" ? "application/jwt" : "application/ld+json",
    description: `Open Badges 3.0 verifiable credential ${input.credentialId}`,
    afRelationship: AFRelationship.Alternative,
  });
  doc.setTitle(`${input.title}: ${input.achievementName}`, { showInWindowTitleBar: true });
  doc.setSubject(
    `${input.achievementName}${input.learnerName ? ` achieved by ${input.learnerName}` : ""}, issued by ${input.issuerName}`,
  );
  doc.setAuthor(input.issuerName);
  doc.setCreator("Credit Bank");
  doc.setKeywords(["Open Badges 3.0", "verifiable credential", input.credentialId]);
  return doc.save();
}

/** True when the `%PDF-` header appears where readers look for it (the first kilobyte). */
export function hasPdfHeader(bytes: Uint8Array): boolean {
  const head = new TextDecoder("latin1").decode(bytes.subarray(0, 1024));
  return head.includes("%PDF-");
}

function corrupt(detail: string): CredentialError {
  return new CredentialError("corrupt-pdf", `The PDF document is damaged: ${detail}.`);
}

function textOf(value: PDFObject | undefined): string | undefined {
  return value instanceof PDFString || value instanceof PDFHexString ? value.decodeText() : undefined;
}

/** The file specifications in the catalog's /Names /EmbeddedFiles tree, with their tree keys. */
function embeddedFiles(doc: PDFDocument): { key: string | undefined; spec: PDFDict }[] {
  const names = doc.catalog.lookup(PDFName.of("Names"));
  const root = names instanceof PDFDict ? names.lookup(PDFName.of("EmbeddedFiles")) : undefined;
  if (!(root instanceof PDFDict)) return [];
  const found: { key: string | undefined; spec: PDFDict }[] = [];
  const seen = new Set<PDFDict>();
  const stack: PDFDict[] = [root];
  while (stack.length > 0) {
    const node = stack.pop() as PDFDict;
    // A malicious tree may loop or fan out without end; both are cut off.
    if (seen.has(node)) continue;
    if (seen.size >= MAX_NAME_TREE_NODES) throw corrupt("its attachment list is too large");
    seen.add(node);
    const pairs = node.lookup(PDFName.of("Names"));
    if (pairs instanceof PDFArray) {
      for (let i = 0; i + 1 < pairs.size(); i += 2) {
        const spec = pairs.lookup(i + 1);
        if (spec instanceof PDFDict) found.push({ key: textOf(pairs.lookup(i)), spec });
      }
    }
    const kids = node.lookup(PDFName.of("Kids"));
    if (kids instanceof PDFArray) {
      for (let i = kids.size() - 1; i >= 0; i--) {
        const kid = kids.lookup(i);
        if (kid instanceof PDFDict) stack.push(kid);
      }
    }
  }
  return found;
}

function fileNames(key: string | undefined, spec: PDFDict): string[] {
  return [key, textOf(spec.lookup(PDFName.of("UF"))), textOf(spec.lookup(PDFName.of("F")))].filter(
    (n): n is string => n !== undefined,
  );
}

function attachmentText(spec: PDFDict): string {
  const ef = spec.lookup(PDFName.of("EF"));
  const stream = ef instanceof PDFDict ? (ef.lookup(PDFName.of("UF")) ?? ef.lookup(PDFName.of("F"))) : undefined;
  if (!(stream instanceof PDFRawStream)) throw corrupt("the credential attachment has no file data");
  let bytes: Uint8Array;
  try {
    // Reading a bounded number of bytes stops a compression bomb before it fills memory.
    const raw = decodePDFRawStream(stream).getBytes(MAX_ATTACHMENT_BYTES + 1);
    bytes = new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
  } catch {
    throw corrupt("the credential attachment cannot be decoded");
  }
  if (bytes.length > MAX_ATTACHMENT_BYTES) throw corrupt("the credential attachment is implausibly large");
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw corrupt("the credential attachment is not UTF-8 text");
  }
  if (text.trim() === "") throw corrupt("the credential attachment is empty");
  return text;
}

/** The credential attached by renderCertificatePdf (or any PDF using the same file names), else null. */
export async function extractCredentialFromPdf(bytes: Uint8Array): Promise<BakedCredential | null> {
  if (!hasPdfHeader(bytes)) {
    throw new CredentialError("not-a-pdf", "The file is not a PDF document (its %PDF header is missing).");
  }
  let doc: PDFDocument;
  try {
    doc = await PDFDocument.load(bytes, { updateMetadata: false });
  } catch (error) {
    if (error instanceof EncryptedPDFError) {
      throw new CredentialError("encrypted-pdf", "The PDF document is encrypted, so its attachments cannot be read.");
    }
    throw corrupt("its structure cannot be read");
  }
  try {
    return credentialIn(doc);
  } catch (error) {
    // pdf-lib parses leniently and reports broken object graphs with its own errors; to callers that is
    // a damaged file like any other.
    if (error instanceof CredentialError) throw error;
    throw corrupt("its object structure is inconsistent");
  }
}

function credentialIn(doc: PDFDocument): BakedCredential | null {
  const matches = embeddedFiles(doc).filter(({ key, spec }) =>
    fileNames(key, spec).some((n) => ATTACHMENT_NAME.test(n)),
  );
  if (matches.length > 1) {
    throw new CredentialError(
      "ambiguous-baked-credential",
      "The PDF document carries more than one credential attachment, so it is unclear which one it stands for.",
    );
  }
  const match = matches[0];
  return match ? credentialFromText(attachmentText(match.spec)) : null;
}
