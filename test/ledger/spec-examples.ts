/**
 * The examples printed in the C2SP specs of the shared standards (transparency-log/c2sp-specs), read
 * from the spec text itself so the tests follow the spec rather than a copy of it.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { transparencyLogDir } from "./reference-tree.ts";

export function specText(name: string): string {
  return readFileSync(join(transparencyLogDir(), "c2sp-specs", `${name}.md`), "utf8");
}

/** The contents of the ``` fenced blocks of a spec, in order, each ending with its last newline. */
export function fencedBlocks(name: string): string[] {
  return [...specText(name).matchAll(/^```[a-z]*\n([\s\S]*?)^```$/gm)].map((match) => match[1] as string);
}

/**
 * The indented (4-space) block that follows a line containing `marker`, de-indented; blank lines inside
 * the block are kept, as the witness examples need.
 */
export function indentedBlockAfter(name: string, marker: string): string {
  const lines = specText(name).split("\n");
  let i = lines.findIndex((line) => line.includes(marker)) + 1;
  while (lines[i] === "") i++;
  const block: string[] = [];
  for (; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.startsWith("    ")) block.push(line.slice(4));
    else if (line === "" && (lines[i + 1] ?? "").startsWith("    ")) block.push("");
    else break;
  }
  return `${block.join("\n")}\n`;
}

/** The key and signed note of the Go reference implementation's documentation
 * (golang.org/x/mod/sumdb/note): a published known-answer test, used as data. */
export const GO_NOTE_EXAMPLE = {
  signerKey: "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz",
  verifierKey: "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
  text: "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n",
  signatureLine:
    "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=",
};
