import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  identifierKey,
  type NormalizedIdentifier,
  type NormalizeResult,
  normalizeIdentifier,
} from "../../src/domain/identifiers.ts";
import { IDENTIFIER_KINDS, type LearnerIdentifier } from "../../src/domain/schema/accounts.ts";

function ok(result: NormalizeResult): NormalizedIdentifier {
  if (!result.ok) throw new Error(`expected success, got ${result.code}: ${result.message}`);
  return result.identifier;
}

const key = (id: LearnerIdentifier) => identifierKey(ok(normalizeIdentifier(id)));

describe("normalizeIdentifier: accepted spellings", () => {
  it.each<[LearnerIdentifier, NormalizedIdentifier]>([
    [
      { kind: "email", value: "ada@example.org" },
      { kind: "email", issuer: "", value: "ada@example.org" },
    ],
    [
      { kind: "email", value: "  Ada.Lovelace@Example.ORG\t" },
      { kind: "email", issuer: "", value: "ada.lovelace@example.org" },
    ],
    [
      { kind: "email", value: "a+tag@mail.example.co.uk" },
      { kind: "email", issuer: "", value: "a+tag@mail.example.co.uk" },
    ],
    // An issuer means nothing for a global address, so it must not split one person into two keys.
    [
      { kind: "email", value: "ada@example.org", issuer: "IE" },
      { kind: "email", issuer: "", value: "ada@example.org" },
    ],
    [
      { kind: "email", value: "ÉLODIE@exemple.fr" },
      { kind: "email", issuer: "", value: "élodie@exemple.fr" },
    ],
    [
      { kind: "national-id", value: "1234567a", issuer: "ie" },
      { kind: "national-id", issuer: "IE", value: "1234567A" },
    ],
    [
      { kind: "national-id", value: " 12.345-678 9 ", issuer: " fr " },
      { kind: "national-id", issuer: "FR", value: "123456789" },
    ],
    [
      { kind: "student-number", value: " s 2024 / 017 ", issuer: "uni-aurora" },
      { kind: "student-number", issuer: "uni-aurora", value: "S2024/017" },
    ],
    [
      { kind: "student-number", value: "ab-12", issuer: "Uni-Aurora" },
      { kind: "student-number", issuer: "uni-aurora", value: "AB-12" },
    ],
  ])("%o -> %o", (input, expected) => {
    expect(normalizeIdentifier(input)).toEqual({ ok: true, identifier: expected });
  });
});

describe("normalizeIdentifier: refusals", () => {
  it.each<[LearnerIdentifier, string]>([
    [{ kind: "email", value: "ada.example.org" }, "identifier-invalid-email"],
    [{ kind: "email", value: "ada@@example.org" }, "identifier-invalid-email"],
    [{ kind: "email", value: "ada@exa@mple.org" }, "identifier-invalid-email"],
    [{ kind: "email", value: "@example.org" }, "identifier-invalid-email"],
    [{ kind: "email", value: "ada@localhost" }, "identifier-invalid-email"],
    [{ kind: "email", value: "ada@example." }, "identifier-invalid-email"],
    [{ kind: "email", value: "ada@.org" }, "identifier-invalid-email"],
    [{ kind: "email", value: "ada lovelace@example.org" }, "identifier-invalid-email"],
    [{ kind: "email", value: "   " }, "identifier-invalid-email"],
    [{ kind: "national-id", value: "1234567A" }, "identifier-issuer-required"],
    [{ kind: "national-id", value: "1234567A", issuer: "  " }, "identifier-issuer-required"],
    [{ kind: "national-id", value: "1234567A", issuer: "IRL" }, "identifier-issuer-required"],
    [{ kind: "national-id", value: "1234567A", issuer: "I3" }, "identifier-issuer-required"],
    [{ kind: "national-id", value: " .- ", issuer: "IE" }, "identifier-invalid-value"],
    [{ kind: "national-id", value: "1234/567", issuer: "IE" }, "identifier-invalid-value"],
    [{ kind: "national-id", value: "1234567_A", issuer: "IE" }, "identifier-invalid-value"],
    // Upper-casing would turn 'ß' into the ASCII 'SS'; the value must be refused, not rewritten.
    [{ kind: "national-id", value: "12ß", issuer: "DE" }, "identifier-invalid-value"],
    [{ kind: "student-number", value: "S1" }, "identifier-issuer-required"],
    [{ kind: "student-number", value: "S1", issuer: "uni aurora" }, "identifier-issuer-required"],
    [{ kind: "student-number", value: "S1", issuer: "-uni" }, "identifier-issuer-required"],
    [{ kind: "student-number", value: "S1", issuer: "uni:aurora" }, "identifier-issuer-required"],
    [{ kind: "student-number", value: " \t ", issuer: "uni-aurora" }, "identifier-invalid-value"],
    [{ kind: "student-number", value: "S1\u0000", issuer: "uni-aurora" }, "identifier-invalid-value"],
    [{ kind: "student-number", value: "S\u200b1", issuer: "uni-aurora" }, "identifier-invalid-value"],
  ])("%o is refused with %s", (input, code) => {
    const result = normalizeIdentifier(input);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.code).toBe(code);
    // A sentence that names what was wrong, so the person fixing the CSV row can find it.
    expect(result.message).toContain(`'${input.value}'`);
    expect(result.message).toMatch(/^[A-Z'].*\.$/s);
  });

  it("names a wrong issuer in the message", () => {
    const result = normalizeIdentifier({ kind: "national-id", value: "1", issuer: "IRL" });
    expect(result).toMatchObject({ ok: false, message: expect.stringContaining("'IRL'") });
  });
});

describe("identifierKey", () => {
  it.each<[NormalizedIdentifier, string]>([
    [{ kind: "email", issuer: "", value: "ada@example.org" }, "email::ada@example.org"],
    [{ kind: "national-id", issuer: "IE", value: "1234567A" }, "national-id:IE:1234567A"],
    [{ kind: "student-number", issuer: "uni-aurora", value: "A:B" }, "student-number:uni-aurora:A:B"],
  ])("%o -> %s", (id, expected) => {
    expect(identifierKey(id)).toBe(expected);
  });

  it("keeps issuers apart: the same number from two countries or providers is two people", () => {
    expect(key({ kind: "national-id", value: "123", issuer: "IE" })).not.toBe(
      key({ kind: "national-id", value: "123", issuer: "FR" }),
    );
    expect(key({ kind: "student-number", value: "123", issuer: "a" })).not.toBe(
      key({ kind: "student-number", value: "123", issuer: "b" }),
    );
    expect(key({ kind: "student-number", value: "123", issuer: "ie" })).not.toBe(
      key({ kind: "national-id", value: "123", issuer: "IE" }),
    );
  });
});

// ------------------------------------------------------------------------------------------------
// Properties

const anyIdentifier: fc.Arbitrary<LearnerIdentifier> = fc.record(
  {
    kind: fc.constantFrom(...IDENTIFIER_KINDS),
    value: fc.oneof(
      fc.string({ minLength: 1, maxLength: 40, unit: "grapheme" }),
      fc.string({ minLength: 1, maxLength: 40, unit: "binary" }),
      fc.emailAddress().map((e) => ` ${e.toUpperCase()} `),
      fc.stringMatching(/^[ A-Za-z0-9.-]{1,20}$/),
    ),
    issuer: fc.oneof(
      fc.string({ minLength: 1, maxLength: 8 }),
      fc.stringMatching(/^ ?[A-Za-z]{2} ?$/),
      fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,10}$/),
    ),
  },
  { requiredKeys: ["kind", "value"] },
);

/** Random case changes and surrounding whitespace: the ways a provider's export mangles an address. */
function respell(s: string, flips: boolean[], pad: [string, string]): string {
  const chars = [...s].map((c, i) => (flips[i % Math.max(flips.length, 1)] ? c.toUpperCase() : c.toLowerCase()));
  return pad[0] + chars.join("") + pad[1];
}
const padding = fc.tuple(fc.stringMatching(/^[ \t\n]{0,3}$/), fc.stringMatching(/^[ \t\n]{0,3}$/));

describe("properties", () => {
  it("normalisation is idempotent and its result keeps validating", () => {
    fc.assert(
      fc.property(anyIdentifier, (id) => {
        const first = normalizeIdentifier(id);
        if (!first.ok) return;
        const again = normalizeIdentifier({
          kind: first.identifier.kind,
          value: first.identifier.value,
          ...(first.identifier.issuer === "" ? {} : { issuer: first.identifier.issuer }),
        });
        expect(again).toEqual(first);
      }),
      { numRuns: 2000 },
    );
  });

  it("two spellings of one e-mail address have one key", () => {
    fc.assert(
      fc.property(
        fc.emailAddress(),
        fc.array(fc.boolean(), { minLength: 1 }),
        fc.array(fc.boolean(), { minLength: 1 }),
        padding,
        padding,
        (email, f1, f2, p1, p2) => {
          const a = key({ kind: "email", value: respell(email, f1, p1) });
          const b = key({ kind: "email", value: respell(email, f2, p2) });
          expect(a).toBe(b);
        },
      ),
    );
  });

  it("a national id with and without separators has one key", () => {
    const separator = fc.constantFrom("", " ", ".", "-", " - ", "..");
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.stringMatching(/^[A-Za-z0-9]$/), separator), { minLength: 1, maxLength: 20 }),
        fc.constantFrom("IE", "ie", " Fr", "de "),
        (parts, country) => {
          const plain = parts.map(([c]) => c).join("");
          const separated = parts.map(([c, sep]) => c + sep).join("");
          const a = key({ kind: "national-id", value: plain, issuer: country });
          const b = key({ kind: "national-id", value: separated.toLowerCase(), issuer: country.trim().toUpperCase() });
          expect(a).toBe(b);
        },
      ),
    );
  });

  it("distinct normalised national ids have distinct keys", () => {
    const id = fc.stringMatching(/^[A-Z0-9]{1,12}$/);
    fc.assert(
      fc.property(id, id, (x, y) => {
        fc.pre(x !== y);
        expect(key({ kind: "national-id", value: x, issuer: "IE" })).not.toBe(
          key({ kind: "national-id", value: y, issuer: "IE" }),
        );
      }),
    );
  });
});
