import { readFileSync } from "node:fs";
import { join } from "node:path";
import { crc32, deflateSync, inflateSync } from "node:zlib";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type BakedCredential,
  bakePng,
  bakeSvg,
  credentialFromText,
  detectContainer,
  readPngHeader,
  renderBadgePng,
  renderBadgeSvg,
  unbakePng,
  unbakeSvg,
  unpackCredential,
} from "../../src/credentials/baking/index.ts";
import { CredentialError } from "../../src/credentials/errors.ts";
import { standardsDir } from "../support/standards.ts";

const validatorDir = join(standardsDir(), "openbadges-3.0", "examples", "validator");
const bakedDir = join(validatorDir, "baked");
const simpleJson = JSON.parse(readFileSync(join(validatorDir, "simple.json"), "utf8")) as unknown;
const simpleJwt = readFileSync(join(validatorDir, "simple-vc-jwt-rs256.jwt"), "utf8").trim();
const readBaked = (name: string) => new Uint8Array(readFileSync(join(bakedDir, name)));

const PNG = renderBadgePng({ size: 32 });
const SVG = renderBadgeSvg({ title: "Data Literacy", subtitle: "6 ECTS" });

/** The code of the CredentialError `run` throws; fails the test for any other outcome. */
function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof CredentialError) return error.code;
    throw error;
  }
  throw new Error("expected a CredentialError, but nothing was thrown");
}

type RawChunk = { type: string; data: Uint8Array };

/** An independent PNG chunk reader, so the tests do not trust the module's own parser. */
function chunksOf(png: Uint8Array): RawChunk[] {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const chunks: RawChunk[] = [];
  for (let at = 8; at < png.length; ) {
    const length = view.getUint32(at);
    chunks.push({
      type: new TextDecoder().decode(png.subarray(at + 4, at + 8)),
      data: png.subarray(at + 8, at + 8 + length),
    });
    at += 12 + length;
  }
  return chunks;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(new TextEncoder().encode(type), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** Inserts extra chunks before IEND (the last 12 bytes of a PNG this module wrote). */
function withChunksBeforeIend(png: Uint8Array, ...extra: Uint8Array[]): Uint8Array {
  return Buffer.concat([png.subarray(0, png.length - 12), ...extra, png.subarray(png.length - 12)]);
}

function itxt(keyword: string, text: Uint8Array, compressed: boolean): Uint8Array {
  const head = new TextEncoder().encode(`${keyword}\0`);
  return chunk("iTXt", Buffer.concat([head, Uint8Array.of(compressed ? 1 : 0, 0, 0, 0), text]));
}

const countOccurrences = (text: string, needle: string) => text.split(needle).length - 1;

// Strings that break naive baking: CDATA terminators, markup, entities, astral and non-Latin characters,
// and the two characters XML forbids but JSON strings may hold.
const trickyString = fc.string({
  unit: fc.oneof(
    fc.constantFrom("]]>", "]]", "]", ">", "<", "&", "&amp;", "<![CDATA[", "-->", '"', "'", "\n", "\t", "\\"),
    fc.constantFrom("é", "李", "🎉", "Ж", "\u00a0", "\u2028", "\uFFFE", "\uFFFF"),
    fc.string({ unit: "binary", minLength: 1, maxLength: 1 }),
  ),
  maxLength: 40,
});

const jsonCredential: fc.Arbitrary<BakedCredential> = fc
  .record({
    name: trickyString,
    description: trickyString,
    extra: fc.jsonValue({ maxDepth: 2 }),
    indent: fc.constantFrom(undefined, 2),
  })
  .map(({ name, description, extra, indent }) => ({
    format: "json" as const,
    text: JSON.stringify(
      {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        type: ["VerifiableCredential"],
        name,
        description,
        extra,
      },
      null,
      indent,
    ),
  }));

const base64url = fc.string({
  unit: fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
  minLength: 1,
  maxLength: 60,
});
const jwtCredential: fc.Arbitrary<BakedCredential> = fc
  .tuple(base64url, base64url, base64url)
  .map((parts) => ({ format: "jwt" as const, text: parts.join(".") }));

const anyCredential = fc.oneof(jsonCredential, jwtCredential);

// The baked examples are not byte-for-byte the loose files: the JSON ones carry a proof made later with
// another key, and simple-jwt.png holds a JWT signed by another key at another time. What must agree is
// everything the proof or signature covers apart from those signing details.
const withoutProof = (credential: unknown) => {
  const { proof: _proof, ...rest } = credential as Record<string, unknown>;
  return rest;
};
const jwtPart = (jwt: string, index: 0 | 1) =>
  JSON.parse(Buffer.from(jwt.split(".")[index] ?? "", "base64url").toString("utf8")) as Record<string, unknown>;
const withoutIat = (payload: Record<string, unknown>) => {
  const { iat: _iat, ...rest } = payload;
  return rest;
};

function unbakeExample(name: string): BakedCredential | null {
  const bytes = readBaked(name);
  return name.endsWith(".png") ? unbakePng(bytes) : unbakeSvg(new TextDecoder().decode(bytes));
}

describe("1EdTech baked examples", () => {
  it.each(["simple-json.png", "simple-json.svg"])("%s unbakes to the simple.json credential", (name) => {
    const credential = unbakeExample(name);
    expect(credential?.format).toBe("json");
    const parsed = JSON.parse(credential?.text ?? "null") as { proof: { type: string; cryptosuite: string }[] };
    expect(withoutProof(parsed)).toEqual(withoutProof(simpleJson));
    expect(parsed.proof).toEqual([
      expect.objectContaining({
        type: "DataIntegrityProof",
        cryptosuite: "eddsa-rdfc-2022",
        proofPurpose: "assertionMethod",
      }),
    ]);
  });

  it("the PNG and SVG JSON examples carry the very same credential", () => {
    const png = unbakeExample("simple-json.png");
    const svg = unbakeExample("simple-json.svg");
    expect(JSON.parse(png?.text ?? "null")).toEqual(JSON.parse(svg?.text ?? "null"));
  });

  it("simple-jwt.svg unbakes to exactly the simple VC-JWT", () => {
    expect(unbakeExample("simple-jwt.svg")).toEqual({ format: "jwt", text: simpleJwt });
  });

  it("simple-jwt.png unbakes to an RS256 VC-JWT with the simple VC-JWT's claims", () => {
    const credential = unbakeExample("simple-jwt.png");
    expect(credential?.format).toBe("jwt");
    const text = credential?.text ?? "";
    expect(jwtPart(text, 0)).toMatchObject({ alg: "RS256" });
    expect(withoutIat(jwtPart(text, 1))).toEqual(withoutIat(jwtPart(simpleJwt, 1)));
  });

  it.each(["simple-json.png", "simple-json.svg", "simple-jwt.png", "simple-jwt.svg"])(
    "unpackCredential finds the same credential in %s by sniffing the file",
    async (name) => {
      expect(await unpackCredential(readBaked(name))).toEqual(unbakeExample(name));
    },
  );

  it("re-baking an example PNG replaces its credential and keeps every other chunk", () => {
    const original = readBaked("simple-json.png");
    const baked = bakePng(original, { format: "jwt", text: simpleJwt });
    expect(unbakePng(baked)).toEqual({ format: "jwt", text: simpleJwt });
    const keywords = chunksOf(baked)
      .filter((c) => c.type === "iTXt")
      .map((c) => new TextDecoder().decode(c.data.subarray(0, c.data.indexOf(0))));
    expect(keywords).toEqual(["openbadgecredential"]);
    const types = (png: Uint8Array) => chunksOf(png).map((c) => c.type);
    expect(types(baked)).toEqual(types(original));
  });

  it("re-baking an example SVG replaces its credential element", () => {
    const baked = bakeSvg(new TextDecoder().decode(readBaked("simple-json.svg")), { format: "jwt", text: simpleJwt });
    expect(unbakeSvg(baked)).toEqual({ format: "jwt", text: simpleJwt });
    expect(countOccurrences(baked, "<openbadges:credential")).toBe(1);
    expect(countOccurrences(baked, "xmlns:openbadges=")).toBe(1);
    expect(baked).not.toContain("Teamwork Badge");
  });
});

describe("PNG baking", () => {
  it("round-trips any credential exactly", () => {
    fc.assert(
      fc.property(anyCredential, (credential) => {
        expect(unbakePng(bakePng(PNG, credential))).toEqual(credential);
      }),
    );
  });

  it("writes one uncompressed iTXt chunk just before IEND, with empty language and translated keyword", () => {
    fc.assert(
      fc.property(anyCredential, (credential) => {
        const chunks = chunksOf(bakePng(PNG, credential));
        expect(chunks.map((c) => c.type).slice(-2)).toEqual(["iTXt", "IEND"]);
        const data = chunks.at(-2)?.data ?? new Uint8Array();
        const expected = Buffer.concat([
          new TextEncoder().encode("openbadgecredential\0"),
          Uint8Array.of(0, 0, 0, 0),
          new TextEncoder().encode(credential.text),
        ]);
        expect(Buffer.from(data).equals(expected)).toBe(true);
      }),
    );
  });

  it("re-baking replaces the credential instead of adding a second one", () => {
    fc.assert(
      fc.property(anyCredential, anyCredential, (first, second) => {
        const baked = bakePng(bakePng(PNG, first), second);
        expect(unbakePng(baked)).toEqual(second);
        expect(chunksOf(baked).filter((c) => c.type === "iTXt")).toHaveLength(1);
      }),
    );
  });

  it("returns null for a valid PNG without a credential, even with other text chunks", () => {
    expect(unbakePng(PNG)).toBeNull();
    const other = itxt("openbadges", new TextEncoder().encode('{"legacy":true}'), false);
    expect(unbakePng(withChunksBeforeIend(PNG, other))).toBeNull();
  });

  it("reads a zlib-compressed credential chunk", () => {
    const text = JSON.stringify({ name: "Zoë ]]> 李" });
    const baked = withChunksBeforeIend(PNG, itxt("openbadgecredential", deflateSync(text), true));
    expect(unbakePng(baked)).toEqual({ format: "json", text });
  });

  it.each<[string, Uint8Array, string]>([
    ["an empty file", new Uint8Array(0), "not-a-png"],
    ["a JPEG header", Uint8Array.of(0xff, 0xd8, 0xff, 0xe0, 0, 16, 74, 70, 73, 70), "not-a-png"],
    ["only the signature", PNG.subarray(0, 8), "corrupt-png"],
    ["a PNG without IEND", PNG.subarray(0, PNG.length - 12), "corrupt-png"],
    [
      "a chunk longer than the file",
      Buffer.concat([PNG.subarray(0, 8), Uint8Array.of(0x7f, 0xff, 0xff, 0xff), PNG.subarray(12)]),
      "corrupt-png",
    ],
    [
      "a chunk length above 2^31-1",
      Buffer.concat([PNG.subarray(0, 8), Uint8Array.of(0xff, 0xff, 0xff, 0xff), PNG.subarray(12)]),
      "corrupt-png",
    ],
    [
      "a compressed chunk that does not inflate",
      withChunksBeforeIend(PNG, itxt("openbadgecredential", Uint8Array.of(1, 2, 3), true)),
      "corrupt-png",
    ],
    [
      "invalid UTF-8 text",
      withChunksBeforeIend(PNG, itxt("openbadgecredential", Uint8Array.of(0xc3, 0x28), false)),
      "corrupt-png",
    ],
    [
      "two credential chunks",
      withChunksBeforeIend(
        PNG,
        itxt("openbadgecredential", new TextEncoder().encode("{}"), false),
        itxt("openbadgecredential", new TextEncoder().encode("{}"), false),
      ),
      "ambiguous-baked-credential",
    ],
  ])("rejects %s", (_, bytes, code) => {
    expect(codeOf(() => unbakePng(bytes))).toBe(code);
  });

  it("detects any single corrupted byte through the signature or a chunk CRC", () => {
    const baked = bakePng(PNG, { format: "json", text: '{"name":"Teamwork"}' });
    fc.assert(
      fc.property(fc.nat(baked.length - 1), fc.integer({ min: 1, max: 255 }), (at, delta) => {
        const damaged = Uint8Array.from(baked);
        damaged[at] = ((damaged[at] as number) + delta) % 256;
        expect(codeOf(() => unbakePng(damaged))).toBe(at < 8 ? "not-a-png" : "corrupt-png");
      }),
    );
  });

  it("reports every truncation as corrupt", () => {
    const baked = bakePng(PNG, { format: "jwt", text: "a.b.c" });
    fc.assert(
      fc.property(fc.integer({ min: 8, max: baked.length - 1 }), (length) => {
        expect(codeOf(() => unbakePng(baked.subarray(0, length)))).toBe("corrupt-png");
      }),
    );
  });

  it("never fails with anything but a CredentialError on garbage", () => {
    const signature = PNG.subarray(0, 8);
    fc.assert(
      fc.property(fc.boolean(), fc.uint8Array({ maxLength: 200 }), (withSignature, tail) => {
        const bytes = withSignature ? Buffer.concat([signature, tail]) : tail;
        const outcome = (() => {
          try {
            return unbakePng(bytes);
          } catch (error) {
            return error;
          }
        })();
        if (outcome !== null) expect(outcome).toBeInstanceOf(CredentialError);
      }),
    );
  });

  it("refuses to bake text that does not match its declared format", () => {
    expect(codeOf(() => bakePng(PNG, { format: "jwt", text: '{"a":1}' }))).toBe("invalid-credential-text");
    expect(codeOf(() => bakePng(PNG, { format: "json", text: "not json" }))).toBe("invalid-credential-text");
    expect(codeOf(() => bakePng(PNG, { format: "json", text: "[1,2]" }))).toBe("invalid-credential-text");
    expect(codeOf(() => bakePng(PNG, { format: "json", text: '{"a":"\uD800"}' }))).toBe("invalid-credential-text");
  });
});

describe("renderBadgePng", () => {
  it("writes an RGBA PNG whose IHDR and pixels match the requested size", () => {
    for (const size of [16, 64, 200]) {
      const png = renderBadgePng({ size, hue: 120 });
      expect(readPngHeader(png)).toEqual({ width: size, height: size, bitDepth: 8, colorType: 6, interlace: 0 });
      const idat = Buffer.concat(
        chunksOf(png)
          .filter((c) => c.type === "IDAT")
          .map((c) => c.data),
      );
      const raw = inflateSync(idat);
      expect(raw.length).toBe((size * 4 + 1) * size);
      const alpha = (x: number, y: number) => raw[y * (size * 4 + 1) + 1 + x * 4 + 3];
      expect(alpha(0, 0)).toBe(0); // corners are outside the round badge
      expect(alpha(size >> 1, size >> 1)).toBe(255);
    }
  });

  it("draws in the requested hue", () => {
    const centre = (png: Uint8Array) => {
      const raw = inflateSync(
        Buffer.concat(
          chunksOf(png)
            .filter((c) => c.type === "IDAT")
            .map((c) => c.data),
        ),
      );
      const at = 48 * (64 * 4 + 1) + 1 + 32 * 4; // below the star, inside the disc
      return [raw[at], raw[at + 1], raw[at + 2]] as number[];
    };
    const [r0, g0, b0] = centre(renderBadgePng({ size: 64, hue: 0 }));
    const [r1, g1, b1] = centre(renderBadgePng({ size: 64, hue: 240 }));
    expect(r0).toBeGreaterThan(b0 as number); // red
    expect(b1).toBeGreaterThan(r1 as number); // blue
    expect(g1).toBeLessThan(b1 as number);
    expect(g0).toBeLessThan(r0 as number);
  });

  it.each([0, 15, 1025, 12.5, Number.NaN])("rejects the size %s", (size) => {
    expect(codeOf(() => renderBadgePng({ size }))).toBe("invalid-image-size");
  });
});

const svgHosts: [string, string][] = [
  ["a bare root", '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10"/></svg>'],
  ["a self-closing root", '<svg xmlns="http://www.w3.org/2000/svg"/>'],
  [
    "a prolog, comments and a DOCTYPE with an internal subset",
    '\uFEFF<?xml version="1.0" encoding="UTF-8"?>\n<!-- a > b --><!DOCTYPE svg [\n  <!ENTITY e "x>y">\n  <!-- don\'t > -->\n]>\n<svg xmlns="http://www.w3.org/2000/svg"><g/></svg>',
  ],
  [
    "attributes with > inside quotes",
    `<svg xmlns="http://www.w3.org/2000/svg" data-a="1>0" data-b='<svg>'\n  width="10"><g/></svg>`,
  ],
  [
    "an OB 2.0 namespace binding",
    '<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org"><g/></svg>',
  ],
  ["a generated badge", SVG],
];

describe("SVG baking", () => {
  it.each(svgHosts)("round-trips any credential in %s", (_, host) => {
    fc.assert(
      fc.property(anyCredential, (credential) => {
        const baked = bakeSvg(host, credential);
        const unbaked = unbakeSvg(baked);
        // U+FFFE and U+FFFF cannot appear in XML, so they travel as JSON escapes: same JSON, other bytes.
        if (/[\uFFFE\uFFFF]/.test(credential.text)) {
          expect(unbaked?.format).toBe("json");
          expect(JSON.parse(unbaked?.text ?? "null")).toEqual(JSON.parse(credential.text));
        } else {
          expect(unbaked).toEqual(credential);
        }
        expect(baked).not.toMatch(/[\uFFFE\uFFFF]/);
      }),
      { numRuns: 60 },
    );
  });

  it.each(svgHosts)("puts the namespace and the credential right after the root start tag in %s", (_, host) => {
    const baked = bakeSvg(host, { format: "jwt", text: "aa.bb.cc" });
    expect(countOccurrences(baked, 'xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"')).toBe(1);
    expect(baked).not.toContain("http://openbadges.org");
    expect(baked).toMatch(/<svg\s[\s\S]*?>\n<openbadges:credential verify="aa\.bb\.cc"><\/openbadges:credential>/);
    expect(baked.trimEnd().endsWith("</svg>")).toBe(true);
  });

  it("re-baking keeps exactly one credential element and is stable", () => {
    fc.assert(
      fc.property(anyCredential, anyCredential, (first, second) => {
        const once = bakeSvg(SVG, second);
        const twice = bakeSvg(bakeSvg(SVG, first), second);
        expect(twice).toBe(once);
        expect(countOccurrences(twice, "<openbadges:credential")).toBe(1);
      }),
      { numRuns: 50 },
    );
  });

  it("splits CDATA so that ]]> inside the JSON cannot end the section", () => {
    const text = JSON.stringify({ a: "x]]>y" });
    const baked = bakeSvg(SVG, { format: "json", text });
    expect(baked).toContain('<![CDATA[{"a":"x]]]]><![CDATA[>y"}]]>');
    expect(unbakeSvg(baked)).toEqual({ format: "json", text });
  });

  it("reads JSON written as escaped text instead of CDATA", () => {
    const svg =
      '<svg xmlns="http://www.w3.org/2000/svg"><openbadges:credential>{"a":"&lt;&amp;&#x41;&#66;"}</openbadges:credential></svg>';
    expect(unbakeSvg(svg)).toEqual({ format: "json", text: '{"a":"<&AB"}' });
  });

  it("ignores lookalikes in comments and CDATA outside the credential element", () => {
    const svg = `<svg xmlns="http://www.w3.org/2000/svg"><!-- <openbadges:credential verify="a.b.c"/> --><style><![CDATA[ <openbadges:credential> ]]></style></svg>`;
    expect(unbakeSvg(svg)).toBeNull();
  });

  it("returns null for an SVG without a credential", () => {
    expect(unbakeSvg(SVG)).toBeNull();
    for (const [, host] of svgHosts) expect(unbakeSvg(host)).toBeNull();
  });

  it.each<[string, string, string]>([
    ["empty text", "", "not-an-svg"],
    ["plain text", "hello", "not-an-svg"],
    ["HTML", "<!DOCTYPE html><html><body></body></html>", "not-an-svg"],
    ["only a prolog", '<?xml version="1.0"?>', "not-an-svg"],
    ["an unterminated root tag", '<svg xmlns="http://www.w3.org/2000/svg"', "not-an-svg"],
    ["an unterminated attribute", '<svg a="1><g/></svg>', "not-an-svg"],
    ["an unterminated comment", "<!-- <svg/>", "not-an-svg"],
    ["an unclosed credential element", "<svg><openbadges:credential><![CDATA[{}]]></svg>", "corrupt-svg"],
    ["an empty credential element", "<svg><openbadges:credential/></svg>", "corrupt-svg"],
    [
      "two credential elements",
      '<svg><openbadges:credential verify="a.b.c"/><openbadges:credential verify="d.e.f"/></svg>',
      "ambiguous-baked-credential",
    ],
  ])("rejects %s", (_, svg, code) => {
    expect(codeOf(() => unbakeSvg(svg))).toBe(code);
  });

  it("never fails with anything but a CredentialError on arbitrary text", () => {
    const markupish = fc.string({
      unit: fc.constantFrom(
        "<",
        ">",
        "svg",
        "/",
        "!",
        "--",
        "?",
        '"',
        "'",
        "=",
        " ",
        "openbadges:credential",
        "[",
        "]",
        "a",
      ),
      maxLength: 30,
    });
    fc.assert(
      fc.property(fc.oneof(markupish, fc.string()), (text) => {
        for (const run of [() => unbakeSvg(text), () => bakeSvg(text, { format: "jwt", text: "a.b.c" })]) {
          try {
            run();
          } catch (error) {
            expect(error).toBeInstanceOf(CredentialError);
          }
        }
      }),
    );
  });
});

describe("renderBadgeSvg", () => {
  it("escapes the title and subtitle and drops characters XML cannot carry", () => {
    fc.assert(
      fc.property(trickyString, trickyString, (title, subtitle) => {
        const svg = renderBadgeSvg({ title, subtitle, hue: 300 });
        const forbidden = Array.from(svg).filter((c) => {
          const cp = c.codePointAt(0) as number;
          return (cp < 0x20 && c !== "\n" && c !== "\t" && c !== "\r") || cp === 0xfffe || cp === 0xffff;
        });
        expect(forbidden).toEqual([]);
        // Every "<" opens one of the badge's own tags; user text can only appear escaped.
        const tags = svg.match(/<\/?([a-zA-Z]+)/g) ?? [];
        expect(new Set(tags.map((t) => t.replace(/^<\/?/, "")))).toEqual(
          new Set(["svg", "title", "defs", "linearGradient", "stop", "circle", "path", "text", "tspan"]),
        );
        expect(unbakeSvg(svg)).toBeNull();
      }),
      { numRuns: 60 },
    );
  });

  it("shows the title and subtitle", () => {
    const svg = renderBadgeSvg({ title: "Data & Society", subtitle: "6 ECTS · EQF 5" });
    expect(svg).toContain("Data &amp; Society");
    expect(svg).toContain(">6 ECTS · EQF 5</text>");
  });
});

describe("detectContainer", () => {
  const text = (s: string) => new TextEncoder().encode(s);
  it.each<[string, Uint8Array, string]>([
    ["a PNG", PNG, "png"],
    ["an SVG", text(SVG), "svg"],
    ["an SVG with BOM, white space and prolog", text('\uFEFF \n<?xml version="1.0"?><!-- x --><svg/>'), "svg"],
    ["a prefixed SVG root", text('<svg:svg xmlns:svg="http://www.w3.org/2000/svg"/>'), "svg"],
    ["HTML", text("<!DOCTYPE html><html></html>"), "unknown"],
    ["a PDF", text("%PDF-1.7\n%\u00e2\u00e3\n"), "pdf"],
    ["a PDF after junk", text("From: gateway\r\n%PDF-1.4\n"), "pdf"],
    ["JSON that mentions %PDF-", text('{"note":"%PDF-1.7"}'), "json"],
    ["JSON with BOM and white space", text('\uFEFF\n  {"a":1}'), "json"],
    ["a JWT with a trailing newline", text(`${simpleJwt}\n`), "jwt"],
    ["plain text", text("hello world"), "unknown"],
    ["a JSON array", text("[1,2]"), "unknown"],
    ["nothing", new Uint8Array(0), "unknown"],
    ["a JPEG", Uint8Array.of(0xff, 0xd8, 0xff, 0xe0), "unknown"],
  ])("recognises %s", (_, bytes, expected) => {
    expect(detectContainer(bytes)).toBe(expected);
  });
});

describe("unpackCredential", () => {
  it("returns bare JSON and JWT files as they are", async () => {
    const json = readFileSync(join(validatorDir, "simple.json"));
    expect(await unpackCredential(json)).toEqual({ format: "json", text: json.toString("utf8") });
    const jwt = readFileSync(join(validatorDir, "simple-vc-jwt-rs256.jwt"));
    expect(await unpackCredential(jwt)).toEqual({ format: "jwt", text: simpleJwt });
  });

  it("returns null for a badge image without a credential", async () => {
    expect(await unpackCredential(PNG)).toBeNull();
    expect(await unpackCredential(new TextEncoder().encode(SVG))).toBeNull();
  });

  it("rejects files it does not understand", async () => {
    await expect(unpackCredential(new TextEncoder().encode("hello"))).rejects.toMatchObject({
      code: "unsupported-file",
    });
  });
});

describe("credentialFromText", () => {
  it.each<[string, BakedCredential]>([
    ["a.b.c", { format: "jwt", text: "a.b.c" }],
    ["  eyJh.eyJi.sig_-  \n", { format: "jwt", text: "eyJh.eyJi.sig_-" }],
    ["a.b.", { format: "jwt", text: "a.b." }],
    ["a.b", { format: "json", text: "a.b" }],
    ["a.b.c.d", { format: "json", text: "a.b.c.d" }],
    [' {"id":"x.y.z"} ', { format: "json", text: ' {"id":"x.y.z"} ' }],
  ])("classifies %j", (text, expected) => {
    expect(credentialFromText(text)).toEqual(expected);
  });
});
