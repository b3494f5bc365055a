/**
 * Open Badges 3.0 baking for PNG: the credential travels in one iTXt chunk with the keyword
 * `openbadgecredential`, uncompressed, before IEND. Also draws a plain badge for units without an image.
 */
import { crc32, deflateSync, inflateSync } from "node:zlib";
import { CredentialError } from "../errors.ts";
import { assertBakeable, type BakedCredential, credentialFromText } from "./types.ts";

const SIGNATURE = Uint8Array.of(137, 80, 78, 71, 13, 10, 26, 10);
const KEYWORD = "openbadgecredential";
const KEYWORD_PREFIX = new TextEncoder().encode(`${KEYWORD}\0`);
// The PNG format caps chunk lengths at 2^31-1; anything larger is corruption, not a big image.
const MAX_CHUNK_LENGTH = 0x7fffffff;
// A compressed chunk could inflate to gigabytes; no credential comes near this.
const MAX_INFLATED_TEXT = 16 * 1024 * 1024;

type Chunk = { type: string; data: Uint8Array; start: number; end: number };

export type PngHeader = { width: number; height: number; bitDepth: number; colorType: number; interlace: number };

function corrupt(detail: string): CredentialError {
  return new CredentialError("corrupt-png", `The PNG image is damaged: ${detail}.`);
}

function hasPrefix(bytes: Uint8Array, prefix: Uint8Array): boolean {
  if (bytes.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) {
    if (bytes[i] !== prefix[i]) return false;
  }
  return true;
}

function isChunkTypeByte(b: number): boolean {
  return (b >= 65 && b <= 90) || (b >= 97 && b <= 122);
}

/** Splits a PNG into chunks up to IEND, checking the signature, every length and every CRC. */
function readChunks(bytes: Uint8Array): Chunk[] {
  if (!hasPrefix(bytes, SIGNATURE)) {
    throw new CredentialError("not-a-png", "The file is not a PNG image (its signature is missing).");
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const chunks: Chunk[] = [];
  let offset = SIGNATURE.length;
  for (;;) {
    if (offset + 12 > bytes.length) throw corrupt("it ends before the IEND chunk");
    const length = view.getUint32(offset);
    if (length > MAX_CHUNK_LENGTH || offset + 12 + length > bytes.length) {
      throw corrupt("a chunk claims more bytes than the file holds");
    }
    const typeBytes = bytes.subarray(offset + 4, offset + 8);
    if (!typeBytes.every(isChunkTypeByte)) throw corrupt("a chunk has an invalid type");
    const type = String.fromCharCode(...typeBytes);
    const end = offset + 12 + length;
    const expected = view.getUint32(offset + 8 + length);
    if (crc32(bytes.subarray(offset + 4, offset + 8 + length)) >>> 0 !== expected) {
      throw corrupt(`the checksum of a ${type} chunk does not match`);
    }
    if (chunks.length === 0 && (type !== "IHDR" || length !== 13)) throw corrupt("it does not start with IHDR");
    chunks.push({ type, data: bytes.subarray(offset + 8, offset + 8 + length), start: offset, end });
    if (type === "IEND") return chunks;
    offset = end;
  }
}

function isCredentialChunk(chunk: Chunk): boolean {
  return chunk.type === "iTXt" && hasPrefix(chunk.data, KEYWORD_PREFIX);
}

function indexOfZero(bytes: Uint8Array, from: number): number {
  const at = bytes.indexOf(0, from);
  if (at < 0) throw corrupt("the credential chunk is missing a field separator");
  return at;
}

/** Reads the text of an `openbadgecredential` iTXt chunk (keyword, flags, language, translation, text). */
function readCredentialText(data: Uint8Array): string {
  let at = KEYWORD_PREFIX.length;
  if (at + 2 > data.length) throw corrupt("the credential chunk is too short");
  const compressed = data[at];
  const method = data[at + 1];
  at = indexOfZero(data, at + 2) + 1; // language tag
  at = indexOfZero(data, at) + 1; // translated keyword
  let text = data.subarray(at);
  if (compressed === 1) {
    if (method !== 0) throw corrupt("the credential chunk uses an unknown compression method");
    try {
      text = inflateSync(text, { maxOutputLength: MAX_INFLATED_TEXT });
    } catch {
      throw corrupt("the compressed credential cannot be decompressed");
    }
  } else if (compressed !== 0) {
    throw corrupt("the credential chunk has an invalid compression flag");
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(text);
  } catch {
    throw corrupt("the credential text is not valid UTF-8");
  }
}

function encodeChunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)) >>> 0);
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Width, height and pixel format from the IHDR chunk of a valid PNG. */
export function readPngHeader(bytes: Uint8Array): PngHeader {
  const ihdr = readChunks(bytes)[0];
  if (!ihdr) throw corrupt("it has no IHDR chunk");
  const view = new DataView(ihdr.data.buffer, ihdr.data.byteOffset, ihdr.data.byteLength);
  return {
    width: view.getUint32(0),
    height: view.getUint32(4),
    bitDepth: view.getUint8(8),
    colorType: view.getUint8(9),
    interlace: view.getUint8(12),
  };
}

/** The baked credential, or null for a valid PNG without one. */
export function unbakePng(bytes: Uint8Array): BakedCredential | null {
  const found = readChunks(bytes).filter(isCredentialChunk);
  if (found.length > 1) {
    throw new CredentialError(
      "ambiguous-baked-credential",
      "The PNG image carries more than one Open Badges credential, so it is unclear which one it stands for.",
    );
  }
  const chunk = found[0];
  return chunk ? credentialFromText(readCredentialText(chunk.data)) : null;
}

/** A copy of the PNG carrying the credential; an earlier baked credential is replaced, never duplicated. */
export function bakePng(png: Uint8Array, credential: BakedCredential): Uint8Array {
  assertBakeable(credential);
  const chunks = readChunks(png);
  const kept = chunks
    .filter((c) => c.type !== "IEND" && !isCredentialChunk(c))
    .map((c) => png.subarray(c.start, c.end));
  // Keyword NUL, compression flag 0, method 0, empty language tag NUL, empty translated keyword NUL.
  const header = concat([KEYWORD_PREFIX, Uint8Array.of(0, 0, 0, 0)]);
  const itxt = encodeChunk("iTXt", concat([header, new TextEncoder().encode(credential.text)]));
  return concat([SIGNATURE, ...kept, itxt, encodeChunk("IEND", new Uint8Array(0))]);
}

export type Rgb = readonly [number, number, number];

function hsl(h: number, s: number, l: number): Rgb {
  const a = s * Math.min(l, 1 - l);
  const f = (n: number) => {
    const k = (n + h / 30) % 12;
    return Math.round(255 * (l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return [f(0), f(8), f(4)];
}

/** The colours of the generated badges, shared by the PNG and SVG drawings so both look alike. */
export function badgePalette(hue: number): { ring: Rgb; band: Rgb; discTop: Rgb; discBottom: Rgb; star: Rgb } {
  const h = ((hue % 360) + 360) % 360;
  return {
    ring: hsl(h, 0.55, 0.28),
    band: hsl(h, 0.45, 0.94),
    discTop: hsl(h, 0.65, 0.55),
    discBottom: hsl(h, 0.7, 0.38),
    star: hsl(h, 0.5, 0.97),
  };
}

/** The ten corners of a five-pointed star centred on the origin, first point up. */
export function starPolygon(outer: number, inner: number): [number, number][] {
  return Array.from({ length: 10 }, (_, i) => {
    const r = i % 2 === 0 ? outer : inner;
    const angle = -Math.PI / 2 + (i * Math.PI) / 5;
    return [r * Math.cos(angle), r * Math.sin(angle)] as [number, number];
  });
}

function insidePolygon(x: number, y: number, polygon: [number, number][]): boolean {
  let inside = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const [xi, yi] = polygon[i] as [number, number];
    const [xj, yj] = polygon[j] as [number, number];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/**
 * Draws a round badge (dark ring, light band, shaded disc, star) as an RGBA PNG. Edges are smoothed by
 * 4x4 supersampling, which keeps the drawing code to plain shape tests; pixels whose corners and centre
 * all fall in one shape skip it, so only edge pixels pay for the extra samples.
 */
export function renderBadgePng(options: { hue?: number; size?: number } = {}): Uint8Array {
  const size = options.size ?? 256;
  const hue = options.hue ?? 210;
  if (!Number.isInteger(size) || size < 16 || size > 1024) {
    throw new CredentialError("invalid-image-size", "The badge image size must be a whole number from 16 to 1024.");
  }
  if (!Number.isFinite(hue)) throw new CredentialError("invalid-hue", "The badge hue must be a finite number.");
  const { ring, band, discTop, discBottom, star: starColor } = badgePalette(hue);
  const star = starPolygon(0.2, 0.085);
  const samples = 4;
  const NONE = 0;
  const DISC = 4;

  // Coordinates are relative to the image: (0, 0) is the centre, the edges are at +-0.5.
  const layerAt = (x: number, y: number): number => {
    const r2 = x * x + y * y;
    if (r2 > 0.47 * 0.47) return NONE;
    if (r2 > 0.4 * 0.4) return 1;
    if (r2 > 0.36 * 0.36) return 2;
    return r2 < 0.2 * 0.2 && insidePolygon(x, y + 0.01, star) ? 3 : DISC;
  };
  const colorOf = (layer: number, y: number): Rgb => {
    if (layer === 1) return ring;
    if (layer === 2) return band;
    if (layer === 3) return starColor;
    const t = Math.min(1, Math.max(0, (y + 0.36) / 0.72));
    const mix = (i: 0 | 1 | 2) => Math.round(discTop[i] * (1 - t) + discBottom[i] * t);
    return [mix(0), mix(1), mix(2)];
  };

  const stride = size * 4 + 1;
  const raw = new Uint8Array(stride * size); // filter byte 0 (None) starts every row
  const put = (at: number, c: Rgb, alpha: number) => {
    raw[at] = c[0];
    raw[at + 1] = c[1];
    raw[at + 2] = c[2];
    raw[at + 3] = alpha;
  };
  for (let py = 0; py < size; py++) {
    const y0 = py / size - 0.5;
    const y1 = (py + 1) / size - 0.5;
    const yc = (py + 0.5) / size - 0.5;
    const rowDisc = colorOf(DISC, yc);
    for (let px = 0; px < size; px++) {
      const at = py * stride + 1 + px * 4;
      const x0 = px / size - 0.5;
      const x1 = (px + 1) / size - 0.5;
      const centre = layerAt((px + 0.5) / size - 0.5, yc);
      const uniform =
        layerAt(x0, y0) === centre &&
        layerAt(x1, y0) === centre &&
        layerAt(x0, y1) === centre &&
        layerAt(x1, y1) === centre;
      if (uniform) {
        if (centre !== NONE) put(at, centre === DISC ? rowDisc : colorOf(centre, yc), 255);
        continue;
      }
      let covered = 0;
      const sum = [0, 0, 0];
      for (let sy = 0; sy < samples; sy++) {
        const y = (py + (sy + 0.5) / samples) / size - 0.5;
        for (let sx = 0; sx < samples; sx++) {
          const layer = layerAt((px + (sx + 0.5) / samples) / size - 0.5, y);
          if (layer === NONE) continue;
          const c = colorOf(layer, y);
          covered++;
          for (let i = 0; i < 3; i++) sum[i] = (sum[i] as number) + (c[i] as number);
        }
      }
      if (covered > 0) {
        const avg = (i: number) => Math.round((sum[i] as number) / covered);
        put(at, [avg(0), avg(1), avg(2)], Math.round((255 * covered) / (samples * samples)));
      }
    }
  }

  const ihdr = new Uint8Array(13);
  const view = new DataView(ihdr.buffer);
  view.setUint32(0, size);
  view.setUint32(4, size);
  ihdr.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA, deflate, adaptive filtering, no interlace
  return concat([
    SIGNATURE,
    encodeChunk("IHDR", ihdr),
    encodeChunk("IDAT", deflateSync(raw, { level: 9 })),
    encodeChunk("IEND", new Uint8Array(0)),
  ]);
}
