import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import {
  decodePDFRawStream,
  PDFArray,
  PDFDict,
  PDFDocument,
  PDFHexString,
  PDFName,
  type PDFPage,
  PDFRawStream,
  PDFStream,
  StandardFonts,
} from "pdf-lib";
import QRCode from "qrcode";
import { describe, expect, it, vi } from "vitest";
import {
  type BakedCredential,
  type CertificateInput,
  detectContainer,
  extractCredentialFromPdf,
  renderCertificatePdf,
  toWinAnsi,
  unpackCredential,
} from "../../src/credentials/baking/index.ts";
import { CredentialError } from "../../src/credentials/errors.ts";
import { standardsDir } from "../support/standards.ts";

const validatorDir = join(standardsDir(), "openbadges-3.0", "examples", "validator");
const jsonCredential: BakedCredential = {
  format: "json",
  text: readFileSync(join(validatorDir, "simple.json"), "utf8"),
};
const jwtCredential: BakedCredential = {
  format: "jwt",
  text: readFileSync(join(validatorDir, "simple-vc-jwt-rs256.jwt"), "utf8").trim(),
};

function input(overrides: Partial<CertificateInput> = {}): CertificateInput {
  return {
    credential: jsonCredential,
    title: "Certificate of Achievement",
    learnerName: "Ada Lovelace",
    achievementName: "Introduction to Data Science",
    issuerName: "Example University",
    lines: ["6 ECTS credits", "EQF level 5", "Achieved on 2026-05-01"],
    verifyUrl: "https://bank.example.eu/verify/3527",
    credentialId: "urn:uuid:7d2c6f0e-93a4-4c1b-9f0e-2b8a1c5d6e7f",
    issuedOn: "2026-05-01",
    ...overrides,
  };
}

async function contentOf(page: PDFPage): Promise<string> {
  const contents = page.node.Contents();
  const streams =
    contents instanceof PDFArray ? contents.asArray().map((ref) => page.doc.context.lookup(ref)) : [contents];
  return streams
    .map((stream) => {
      if (!(stream instanceof PDFRawStream)) throw new Error("unexpected content stream type");
      return new TextDecoder("latin1").decode(decodePDFRawStream(stream).decode());
    })
    .join("\n");
}

/**
 * Rebuilds the module matrix from the rectangles inside the /QRCode marked-content section, using only
 * their geometry, so the test sees what a scanner would see rather than what the code meant to draw.
 */
async function drawnQrMatrix(pdf: Uint8Array): Promise<boolean[][]> {
  const doc = await PDFDocument.load(pdf);
  const content = await contentOf(doc.getPage(0));
  const section = /\/QRCode BMC([\s\S]*?)EMC/.exec(content)?.[1];
  if (section === undefined) throw new Error("no QR code section in the page");
  const rects = [...section.matchAll(/(-?[\d.]+) (-?[\d.]+) (-?[\d.]+) (-?[\d.]+) re/g)].map((m) =>
    m.slice(1, 5).map(Number),
  ) as [number, number, number, number][];
  const unit = Math.min(...rects.map((r) => r[3]));
  const left = Math.min(...rects.map((r) => r[0]));
  const top = Math.max(...rects.map((r) => r[1] + r[3]));
  const size = Math.round((Math.max(...rects.map((r) => r[0] + r[2])) - left) / unit);
  const matrix = Array.from({ length: size }, () => Array.from({ length: size }, () => false));
  for (const [x, y, w, h] of rects) {
    const row = Math.round((top - y - h) / unit);
    const first = Math.round((x - left) / unit);
    for (let col = first; col < first + Math.round(w / unit); col++) (matrix[row] as boolean[])[col] = true;
  }
  return matrix;
}

function expectedQrMatrix(text: string): boolean[][] {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: "M" });
  return Array.from({ length: modules.size }, (_, r) =>
    Array.from({ length: modules.size }, (_, c) => modules.get(r, c) !== 0),
  );
}

async function attachments(pdf: Uint8Array): Promise<{ name: string; subtype: string | undefined; desc: string }[]> {
  const doc = await PDFDocument.load(pdf);
  const names = doc.catalog.lookup(PDFName.of("Names"), PDFDict);
  const tree = names.lookup(PDFName.of("EmbeddedFiles"), PDFDict);
  const pairs = tree.lookup(PDFName.of("Names"), PDFArray);
  const out = [];
  for (let i = 0; i < pairs.size(); i += 2) {
    const spec = pairs.lookup(i + 1, PDFDict);
    const ef = spec.lookup(PDFName.of("EF"), PDFDict);
    const stream = ef.lookup(PDFName.of("F"), PDFStream);
    out.push({
      name: pairs.lookup(i, PDFHexString).decodeText(),
      subtype: stream.dict.lookupMaybe(PDFName.of("Subtype"), PDFName)?.decodeText(),
      desc: spec.lookup(PDFName.of("Desc"), PDFHexString).decodeText(),
    });
  }
  return out;
}

async function codeOf(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
  } catch (error) {
    if (error instanceof CredentialError) return error.code;
    throw error;
  }
  throw new Error("expected a CredentialError, but nothing was thrown");
}

describe("renderCertificatePdf and extractCredentialFromPdf", () => {
  it.each([
    ["JSON", jsonCredential, "credential.json", "application/ld+json"],
    ["JWT", jwtCredential, "credential.jwt", "application/jwt"],
  ])("round-trips a %s credential through the attachment", async (_, credential, name, mime) => {
    const pdf = await renderCertificatePdf(input({ credential }));
    expect(detectContainer(pdf)).toBe("pdf");
    expect(await extractCredentialFromPdf(pdf)).toEqual(credential);
    expect(await unpackCredential(pdf)).toEqual(credential);
    expect(await attachments(pdf)).toEqual([
      { name, subtype: mime, desc: `Open Badges 3.0 verifiable credential ${input().credentialId}` },
    ]);
  });

  it("produces one A4 page with the certificate's metadata", async () => {
    const doc = await PDFDocument.load(await renderCertificatePdf(input()));
    expect(doc.getPageCount()).toBe(1);
    const { width, height } = doc.getPage(0).getSize();
    expect(width).toBeCloseTo(595.28, 1);
    expect(height).toBeCloseTo(841.89, 1);
    expect(doc.getTitle()).toBe("Certificate of Achievement: Introduction to Data Science");
    expect(doc.getSubject()).toBe(
      "Introduction to Data Science achieved by Ada Lovelace, issued by Example University",
    );
    expect(doc.getCreator()).toBe("Credit Bank");
    expect(doc.getAuthor()).toBe("Example University");
  });

  it("prints the verification address and the facts", async () => {
    const content = await contentOf((await PDFDocument.load(await renderCertificatePdf(input()))).getPage(0));
    const shown = [...content.matchAll(/<([0-9A-F]*)> Tj/g)].map((m) =>
      Buffer.from(m[1] ?? "", "hex").toString("latin1"),
    );
    expect(shown).toEqual(
      expect.arrayContaining([
        "Ada Lovelace",
        "6 ECTS credits",
        "EQF level 5",
        "issued by Example University",
        "https://bank.example.eu/verify/3527",
      ]),
    );
  });

  it("draws a QR code whose modules encode the verification address", async () => {
    await fc.assert(
      fc.asyncProperty(fc.webUrl({ withQueryParameters: true, withFragments: true }), async (url) => {
        const pdf = await renderCertificatePdf(input({ verifyUrl: url }));
        expect(await drawnQrMatrix(pdf)).toEqual(expectedQrMatrix(url));
      }),
      { numRuns: 12 },
    );
  });

  it.each([
    ["Zoë Ñúñez", "Zoë Ñúñez"],
    ["李雷", "??"],
    ["Жанна Петрова", "Zhanna Petrova"],
    ["Ελένη Παπαδοπούλου", "Eleni Papadopoulou"],
    ["Łukasz Żółć", "Lukasz Zólc"],
    ["Đorđe Ilić", "Dorde Ilic"],
    ["Ａｄａ\u2009Lovelace", "Ada Lovelace"],
    ["tab\tand\nnewline", "tab and newline"],
  ])("writes %j as %j", (name, expected) => {
    expect(toWinAnsi(name)).toBe(expected);
  });

  it("keeps every character Helvetica can encode and maps all others into that set", async () => {
    const font = await (await PDFDocument.create()).embedFont(StandardFonts.Helvetica);
    const charset = new Set(font.getCharacterSet());
    const supported = String.fromCodePoint(...charset);
    expect(toWinAnsi(supported)).toBe(supported);
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (text) => {
        for (const ch of toWinAnsi(text)) expect(charset.has(ch.codePointAt(0) as number)).toBe(true);
        expect(() => font.encodeText(toWinAnsi(text))).not.toThrow();
      }),
    );
  });

  it("never crashes on names and lines in any script", async () => {
    const anyText = fc.string({ unit: "binary", maxLength: 60 });
    await fc.assert(
      fc.asyncProperty(
        anyText,
        anyText,
        anyText,
        fc.array(anyText, { maxLength: 5 }),
        async (learner, unit, issuer, lines) => {
          const pdf = await renderCertificatePdf(
            input({
              learnerName: learner,
              achievementName: unit,
              issuerName: issuer,
              lines,
              credential: jwtCredential,
            }),
          );
          expect(await extractCredentialFromPdf(pdf)).toEqual(jwtCredential);
        },
      ),
      { numRuns: 15 },
    );
  });

  it("keeps the body above the QR code when the text is long", async () => {
    const pdf = await renderCertificatePdf(
      input({
        achievementName: "Advanced ".repeat(60),
        lines: Array.from({ length: 60 }, (_, i) => `Learning outcome ${i + 1}: apply the method in practice`),
      }),
    );
    const content = await contentOf((await PDFDocument.load(pdf)).getPage(0));
    const qrIndex = content.indexOf("/QRCode BMC");
    const bodyYs = [...content.slice(0, qrIndex).matchAll(/1 0 0 1 [\d.]+ ([\d.]+) Tm/g)].map((m) => Number(m[1]));
    expect(Math.min(...bodyYs)).toBeGreaterThan(128 + 112);
  });

  it("works without a learner name", async () => {
    const pdf = await renderCertificatePdf(input({ learnerName: undefined }));
    expect(await extractCredentialFromPdf(pdf)).toEqual(jsonCredential);
  });

  it("refuses to attach text that does not match its declared format", async () => {
    expect(await codeOf(() => renderCertificatePdf(input({ credential: { format: "jwt", text: "{}" } })))).toBe(
      "invalid-credential-text",
    );
  });
});

describe("extractCredentialFromPdf on other documents", () => {
  it("returns null for a PDF without attachments", async () => {
    const doc = await PDFDocument.create();
    doc.addPage();
    expect(await extractCredentialFromPdf(await doc.save())).toBeNull();
  });

  it("returns null for a PDF whose attachments are not credentials", async () => {
    const doc = await PDFDocument.create();
    doc.addPage();
    await doc.attach(new TextEncoder().encode("{}"), "notes.json", { mimeType: "application/json" });
    expect(await extractCredentialFromPdf(await doc.save())).toBeNull();
  });

  it("walks /Kids of the name tree and survives a cycle", async () => {
    const doc = await PDFDocument.create();
    doc.addPage();
    const { context } = doc;
    const stream = context.flateStream(jwtCredential.text, { Type: "EmbeddedFile" });
    const spec = context.obj({ Type: "Filespec", F: "credential.jwt", EF: { F: context.register(stream) } });
    const leaf = context.obj({ Names: [PDFHexString.fromText("credential.jwt"), context.register(spec)] });
    const leafRef = context.register(leaf);
    const middle = context.obj({ Kids: [leafRef] });
    const middleRef = context.register(middle);
    leaf.set(PDFName.of("Kids"), context.obj([middleRef])); // a loop back up the tree
    doc.catalog.set(PDFName.of("Names"), context.obj({ EmbeddedFiles: { Kids: [middleRef] } }));
    expect(await extractCredentialFromPdf(await doc.save())).toEqual(jwtCredential);
  });

  it("rejects a PDF with two credential attachments", async () => {
    const doc = await PDFDocument.create();
    doc.addPage();
    await doc.attach(new TextEncoder().encode("{}"), "credential.json");
    await doc.attach(new TextEncoder().encode("a.b.c"), "credential.jwt");
    expect(await codeOf(async () => extractCredentialFromPdf(await doc.save()))).toBe("ambiguous-baked-credential");
  });

  it.each<[string, Uint8Array, string]>([
    ["an empty file", new Uint8Array(0), "not-a-pdf"],
    ["plain text", new TextEncoder().encode("hello, this is not a PDF"), "not-a-pdf"],
    ["a PNG signature", Uint8Array.of(137, 80, 78, 71, 13, 10, 26, 10), "not-a-pdf"],
    ["a bare header", new TextEncoder().encode("%PDF-"), "corrupt-pdf"],
    ["a header followed by garbage", new TextEncoder().encode("%PDF-1.7\ngarbage"), "corrupt-pdf"],
  ])("rejects %s", async (_, bytes, code) => {
    expect(await codeOf(() => extractCredentialFromPdf(bytes))).toBe(code);
  });

  it("never fails with anything but a CredentialError on garbage after a PDF header", async () => {
    // pdf-lib reports each unparsable object on console.warn; the outcome is what this test checks.
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (tail) => {
        const bytes = Buffer.concat([new TextEncoder().encode("%PDF-1.7\n"), tail]);
        try {
          await extractCredentialFromPdf(bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(CredentialError);
        }
      }),
      { numRuns: 50 },
    );
    warn.mockRestore();
  });
});
