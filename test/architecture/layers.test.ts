/**
 * The layer rule of the architecture (docs/ARCHITECTURE.md, docs/testing.md), checked on every build.
 *
 * Each top folder under src/ is a layer. A file may import only from the layers its row below allows
 * (its own layer included where listed). Dependencies point inward: the pure domain knows nothing else;
 * api and cli call services; services combine domain, store, credentials and ledger.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, posix, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

/** Layer → the layers it may import. `config` is src/config.ts or src/config/. */
const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  domain: ["domain"], // pure rules: no I/O, no outer layer; packages: only @sinclair/typebox
  credentials: ["domain", "credentials", "ledger"], // ledger: checking a credential is in a log (proofs, signed notes)
  ledger: ["domain", "ledger"],
  store: ["domain", "store"],
  services: ["domain", "store", "credentials", "ledger", "services", "config", "demo"], // demo: pure sample data for the demo loader
  api: ["services", "domain", "api", "config"],
  cli: ["services", "domain", "cli", "api", "config"], // api only to start the server
  demo: ["domain", "demo"],
  config: ["config"], // nothing else of the project (files inside src/config/ may import each other)
};

/** The only packages src/domain may import (and their subpaths). */
const DOMAIN_PACKAGES: readonly string[] = ["@sinclair/typebox"];

// Any other file directly in src/ (an entry point such as src/main.ts) may import any layer, but no file may
// import it.

interface SourceFile {
  /** Path from the project root, with '/' separators, e.g. "src/domain/audit.ts". */
  path: string;
  text: string;
}

/** Every module specifier a file names: import/export ... from, import '...', import(), import type, require. */
function importSpecifiers(file: SourceFile): { specifiers: string[]; computed: number } {
  const source = ts.createSourceFile(file.path, file.text, ts.ScriptTarget.Latest, false, scriptKind(file.path));
  const specifiers: string[] = [];
  let computed = 0;
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier) {
      if (ts.isStringLiteral(node.moduleSpecifier)) specifiers.push(node.moduleSpecifier.text);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      const expression = node.moduleReference.expression;
      if (ts.isStringLiteral(expression)) specifiers.push(expression.text);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [argument] = node.arguments;
      if (argument && ts.isStringLiteralLike(argument)) specifiers.push(argument.text);
      else computed++;
    } else if (ts.isImportTypeNode(node)) {
      const argument = node.argument;
      if (ts.isLiteralTypeNode(argument) && ts.isStringLiteral(argument.literal)) {
        specifiers.push(argument.literal.text);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { specifiers, computed };
}

function scriptKind(path: string): ts.ScriptKind {
  return path.endsWith(".tsx") ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
}

/** The layer of a path under src/: its top folder, "config" for src/config.ts, null for other top-level files. */
function layerOf(pathUnderSrc: string): string | null {
  const [top, ...rest] = pathUnderSrc.split("/");
  if (!top) return null;
  if (rest.length > 0) return top;
  return /^config\.tsx?$/.test(top) ? "config" : null;
}

function isPackageAllowedInDomain(specifier: string): boolean {
  return DOMAIN_PACKAGES.some((name) => specifier === name || specifier.startsWith(`${name}/`));
}

/** All violations of the layer rule in a set of files, as readable sentences. */
function checkLayers(files: readonly SourceFile[]): string[] {
  const violations: string[] = [];
  for (const file of files) {
    if (!file.path.startsWith("src/")) continue;
    const fromLayer = layerOf(file.path.slice("src/".length));
    if (fromLayer !== null && !(fromLayer in ALLOWED)) {
      violations.push(
        `${file.path} is in a folder that is not a layer ('${fromLayer}'): add it to ALLOWED in test/architecture/layers.test.ts`,
      );
      continue;
    }
    const { specifiers, computed } = importSpecifiers(file);
    if (fromLayer === "domain" && computed > 0) {
      violations.push(`${file.path} uses import() with a computed specifier (domain may not load modules at run time)`);
    }
    for (const specifier of specifiers) {
      const problem = checkImport(file.path, fromLayer, specifier);
      if (problem) violations.push(`${file.path} imports '${specifier}' (${problem})`);
    }
  }
  return violations;
}

/** Why `path` (in `fromLayer`, null for a top-level entry file) may not import `specifier`, or null if it may. */
function checkImport(path: string, fromLayer: string | null, specifier: string): string | null {
  const relativeImport = specifier.startsWith("./") || specifier.startsWith("../");
  if (!relativeImport) {
    if (fromLayer !== "domain" || isPackageAllowedInDomain(specifier)) return null;
    if (specifier.startsWith("node:")) return "domain may not use Node built-ins: it does no I/O";
    return `domain may import only ${DOMAIN_PACKAGES.map((name) => `'${name}'`).join(", ")} and files inside src/domain`;
  }
  const target = posix.normalize(posix.join(posix.dirname(path), specifier));
  if (!target.startsWith("src/")) {
    return fromLayer === "domain" ? "domain may import only files inside src/domain" : null;
  }
  const toLayer = layerOf(target.slice("src/".length));
  if (toLayer === null) return `${target} is a top-level entry point: no file may import it`;
  if (fromLayer === null) return null; // entry points may import any layer
  if ((ALLOWED[fromLayer] ?? []).includes(toLayer)) return null;
  return `${fromLayer} may not depend on ${toLayer}`;
}

/** Every .ts/.tsx file under `srcDir` (none if it does not exist), with paths relative to `root`. */
function readSources(root: string, srcDir: string): SourceFile[] {
  if (!existsSync(srcDir)) return [];
  const files: SourceFile[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() && /\.tsx?$/.test(entry.name)) {
        files.push({ path: relative(root, full).split(sep).join("/"), text: readFileSync(full, "utf8") });
      }
    }
  };
  walk(srcDir);
  return files.sort((a, b) => a.path.localeCompare(b.path));
}

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

describe("layer rule", () => {
  it("the checker finds every kind of import and reports each violation (self-test)", () => {
    const fixture: SourceFile[] = [
      {
        path: "src/domain/rules.ts",
        text: [
          `import { Type } from "@sinclair/typebox";`,
          `import { Value } from "@sinclair/typebox/value";`,
          `import type { Unit } from "./schema/catalogue.ts";`,
          `import { readFileSync } from "node:fs";`,
          `import type { Db } from "../store/db.ts";`,
          `export { sign } from "../credentials/sign.ts";`,
          `import "../ledger/side-effect.ts";`,
          `const later = () => import("../services/issue.ts");`,
          `type Api = typeof import("../api/server.ts");`,
          `import { Kysely } from "kysely";`,
          `// import { x } from "../cli/ignored-in-a-comment.ts";`,
          `const text = "import { y } from '../cli/ignored-in-a-string.ts'";`,
        ].join("\n"),
      },
      {
        path: "src/api/routes/units.ts",
        text: `import { db } from "../../store/db.ts";\nimport { issue } from "../../services/issue.ts";\nimport Fastify from "fastify";`,
      },
      {
        path: "src/cli/commands/serve.ts",
        text: `import { start } from "../../api/server.ts";\nimport "../../main.ts";`,
      },
      {
        path: "src/services/issue.ts",
        text: `import { load } from "../config.ts";\nexport * from "../ledger/log.ts";`,
      },
      { path: "src/config.ts", text: `import { resolve } from "node:path";\nimport { x } from "./domain/x.ts";` },
      { path: "src/main.ts", text: `import { main } from "./cli/main.ts";` },
      { path: "src/util/strings.ts", text: `export const a = 1;` },
    ];
    expect(checkLayers(fixture)).toEqual([
      "src/domain/rules.ts imports 'node:fs' (domain may not use Node built-ins: it does no I/O)",
      "src/domain/rules.ts imports '../store/db.ts' (domain may not depend on store)",
      "src/domain/rules.ts imports '../credentials/sign.ts' (domain may not depend on credentials)",
      "src/domain/rules.ts imports '../ledger/side-effect.ts' (domain may not depend on ledger)",
      "src/domain/rules.ts imports '../services/issue.ts' (domain may not depend on services)",
      "src/domain/rules.ts imports '../api/server.ts' (domain may not depend on api)",
      "src/domain/rules.ts imports 'kysely' (domain may import only '@sinclair/typebox' and files inside src/domain)",
      "src/api/routes/units.ts imports '../../store/db.ts' (api may not depend on store)",
      "src/cli/commands/serve.ts imports '../../main.ts' (src/main.ts is a top-level entry point: no file may import it)",
      "src/config.ts imports './domain/x.ts' (config may not depend on domain)",
      "src/util/strings.ts is in a folder that is not a layer ('util'): add it to ALLOWED in test/architecture/layers.test.ts",
    ]);
  });

  it("the table names every layer it allows as a target", () => {
    for (const targets of Object.values(ALLOWED)) {
      for (const target of targets) expect(Object.keys(ALLOWED)).toContain(target);
    }
  });

  it("every file under src/ respects the layer table", () => {
    const violations = checkLayers(readSources(root, join(root, "src")));
    expect(violations, `layer rule violations:\n${violations.join("\n")}`).toEqual([]);
  });
});
