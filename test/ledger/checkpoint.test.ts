/**
 * Checkpoints (c2sp.org/tlog-checkpoint): the spec's example, round trips of any checkpoint, strict
 * refusal of every malformed body, and signed checkpoints opened against the log's key and origin.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatCheckpoint, openCheckpoint, parseCheckpoint, signCheckpoint } from "../../src/ledger/checkpoint.ts";
import { LedgerError } from "../../src/ledger/errors.ts";
import { emptyTreeRoot } from "../../src/ledger/hashes.ts";
import { ed25519NoteSigner, ed25519NoteVerifier, generateNoteKeys, parseNote } from "../../src/ledger/signed-note.ts";
import { fencedBlocks } from "./spec-examples.ts";

const ROOT = "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=";

describe("checkpoints", () => {
  it("parses the spec's example", () => {
    const [example = ""] = fencedBlocks("tlog-checkpoint");
    const checkpoint = parseCheckpoint(parseNote(example).text);
    expect(checkpoint).toEqual({
      origin: "example.com/behind-the-sofa",
      size: 20_852_163,
      root: Buffer.from(ROOT, "base64"),
      extensions: [],
    });
    expect(formatCheckpoint(checkpoint)).toBe(parseNote(example).text);
  });

  it("round-trips any checkpoint, extension lines included", () => {
    // Any printable text: no character below U+0020 (so no newline either).
    const line = fc.string({ minLength: 1, maxLength: 40 }).filter((s) => [...s].every((c) => c >= " "));
    fc.assert(
      fc.property(
        line,
        fc.maxSafeNat(),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.array(line, { maxLength: 3 }),
        (origin, size, root, extensions) => {
          const text = formatCheckpoint({ origin, size, root, extensions });
          const parsed = parseCheckpoint(text);
          expect(parsed).toEqual({ origin, size, root: Buffer.from(root), extensions });
          expect(formatCheckpoint(parsed)).toBe(text);
        },
      ),
    );
  });

  it.each([
    ["no final newline", `o\n1\n${ROOT}`, "newline"],
    ["two lines", "o\n1\n", "at least 3"],
    ["an empty origin", `\n1\n${ROOT}\n`, "origin"],
    ["a leading zero", `o\n01\n${ROOT}\n`, "tree size"],
    ["a sign", `o\n+1\n${ROOT}\n`, "tree size"],
    ["a negative size", `o\n-1\n${ROOT}\n`, "tree size"],
    ["a size past 2^53", `o\n9007199254740992\n${ROOT}\n`, "tree size"],
    ["a space after the size", `o\n1 \n${ROOT}\n`, "tree size"],
    ["hex instead of base64", `o\n1\n${Buffer.from(ROOT, "base64").toString("hex")}\n`, "root hash"],
    ["a 31-byte root", `o\n1\n${Buffer.alloc(31).toString("base64")}\n`, "root hash"],
    ["non-canonical base64", `o\n1\n${ROOT.slice(0, -2)}J=\n`, "root hash"],
    ["an empty extension line", `o\n1\n${ROOT}\n\next\n`, "extension line 1 is empty"],
    ["a control character", `o\u0001\n1\n${ROOT}\n`, "control character"],
  ])("refuses a checkpoint with %s", (_what, text, why) => {
    let error: unknown;
    try {
      parseCheckpoint(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(LedgerError);
    expect(error).toMatchObject({ code: "checkpoint-malformed" });
    expect((error as Error).message).toContain(why);
  });

  it("refuses to format values a checkpoint cannot carry", () => {
    const good = { origin: "o", size: 1, root: emptyTreeRoot(), extensions: [] };
    for (const bad of [
      { ...good, origin: "" },
      { ...good, origin: "a\nb" },
      { ...good, size: -1 },
      { ...good, size: 1.5 },
      { ...good, root: Buffer.alloc(31) },
      { ...good, extensions: [""] },
    ]) {
      expect(() => formatCheckpoint(bad)).toThrow(expect.objectContaining({ code: "checkpoint-malformed" }));
    }
  });

  it("opens a signed checkpoint with the log's key, and only for its origin", () => {
    const log = generateNoteKeys("bank.example/log");
    const checkpoint = { origin: "bank.example/log", size: 0, root: emptyTreeRoot(), extensions: [] };
    const note = signCheckpoint(checkpoint, [ed25519NoteSigner(log.signerKey)]);
    const verifier = ed25519NoteVerifier(log.verifierKey);
    expect(openCheckpoint(note, [verifier], { origin: "bank.example/log" }).checkpoint).toEqual(checkpoint);
    expect(() => openCheckpoint(note, [verifier], { origin: "other.example/log" })).toThrow(
      expect.objectContaining({ code: "checkpoint-malformed" }),
    );
    const other = generateNoteKeys("bank.example/log");
    expect(() => openCheckpoint(note, [ed25519NoteVerifier(other.verifierKey)])).toThrow(
      expect.objectContaining({ code: "note-unverified" }),
    );
  });
});
