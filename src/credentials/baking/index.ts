/**
 * Open Badges 3.0 baking: credentials in PNG and SVG badge images and in PDF certificates, and one
 * entry point that takes whatever file a holder hands over and finds the credential in it.
 */
import { CredentialError } from "../errors.ts";
import { extractCredentialFromPdf, hasPdfHeader } from "./pdf-certificate.ts";
import { unbakePng } from "./png.ts";
import { unbakeSvg } from "./svg.ts";
import { type BakedCredential, credentialFromText, isCompactJws } from "./types.ts";

export { type CertificateInput, extractCredentialFromPdf, renderCertificatePdf, toWinAnsi } from "./pdf-certificate.ts";
export { bakePng, type PngHeader, readPngHeader, renderBadgePng, unbakePng } from "./png.ts";
export { bakeSvg, renderBadgeSvg, unbakeSvg } from "./svg.ts";
export { type BakedCredential, credentialFromText } from "./types.ts";

export type Container = "png" | "svg" | "pdf" | "json" | "jwt" | "unknown";

const PNG_SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];
// How far into a text file to look for the <svg> root: past a prolog, long comments and a DOCTYPE.
const SVG_SNIFF_CHARS = 64 * 1024;

/** The text after an optional UTF-8 BOM and leading white space, decoded leniently for sniffing. */
function leadingText(bytes: Uint8Array, chars: number): string {
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  return new TextDecoder("utf-8")
    .decode(bytes.subarray(start, start + chars * 4))
    .trimStart()
    .slice(0, chars);
}

/** What kind of file this is, from its magic bytes or its leading text. */
export function detectContainer(bytes: Uint8Array): Container {
  if (PNG_SIGNATURE.every((b, i) => bytes[i] === b)) return "png";
  const head = leadingText(bytes, SVG_SNIFF_CHARS);
  if (head.startsWith("%PDF-")) return "pdf";
  if (head.startsWith("<")) return /<(?:[A-Za-z_][\w.-]*:)?svg[\s/>]/.test(head) ? "svg" : "unknown";
  if (head.startsWith("{")) return "json";
  if (isCompactJws(head.trimEnd())) return "jwt";
  // Readers accept a PDF header anywhere in the first kilobyte, after junk some mail gateways prepend.
  return hasPdfHeader(bytes) ? "pdf" : "unknown";
}

function utf8(bytes: Uint8Array): string {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new CredentialError("invalid-utf8", "The file is text but not valid UTF-8.");
  }
}

/**
 * The credential inside any supported file: baked PNG or SVG, PDF certificate, or the bare JSON or JWT.
 * Null means the file is a supported container that carries no credential.
 */
export async function unpackCredential(bytes: Uint8Array): Promise<BakedCredential | null> {
  switch (detectContainer(bytes)) {
    case "png":
      return unbakePng(bytes);
    case "svg":
      return unbakeSvg(utf8(bytes));
    case "pdf":
      return extractCredentialFromPdf(bytes);
    case "json":
    case "jwt":
      return credentialFromText(utf8(bytes));
    case "unknown":
      throw new CredentialError(
        "unsupported-file",
        "The file is neither a PNG, SVG or PDF badge nor a JSON or JWT credential.",
      );
  }
}
