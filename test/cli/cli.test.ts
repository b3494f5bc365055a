/**
 * The `creditbank` command, run as a user runs it (`node bin/creditbank.mjs …`) on a data folder of its
 * own (or, on the PostgreSQL pass, a database of its own): import, record, user-add, help, the lock that
 * keeps a second process off a running bank's embedded database, working through the API with --url, and
 * the demo.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import YAML from "yaml";
import { demoCatalogue } from "../../src/demo/catalogue.ts";
import { demoAchievements } from "../../src/demo/learners.ts";
import { openDatabase } from "../../src/store/database.ts";
import { checkAccountIntegrity } from "../../src/store/integrity.ts";
import { usingPostgres } from "../support/bank.ts";
import { coherentUnit, provider } from "../support/fixtures.ts";
import {
  dropScratchDatabases,
  finished,
  type Place,
  type Run,
  scratchDatabase,
  show,
  startCli,
} from "../support/processes.ts";

/** A coherent unit asked to be approved by the import. */
const approvedUnit = (providerId: string, code: string, credits?: number) => ({
  ...coherentUnit(providerId, code, credits),
  status: "approved" as const,
});

let root: string;
let main: Place;
let demo: Place;

function start(args: string[], place: Place, extraEnv: Record<string, string> = {}) {
  return startCli(args, place, root, extraEnv);
}

function cli(args: string[], extraEnv: Record<string, string> = {}, place: Place = main): Promise<Run> {
  return finished(start(args, place, extraEnv));
}

function file(name: string, content: string): string {
  const path = join(root, name);
  writeFileSync(path, content);
  return path;
}

/** Every tally line of an import summary, e.g. ["providers", 1, 0, 0]. */
function tallies(stdout: string): Array<[string, number, number, number]> {
  return [...stdout.matchAll(/^ {2}(\S+(?: \S+)?)\s+(\d+) created, (\d+) updated, (\d+) unchanged/gm)].map((m) => [
    m[1] as string,
    Number(m[2]),
    Number(m[3]),
    Number(m[4]),
  ]);
}

/** Each test starts Node processes that open a database: generous limits for a busy machine. */
const SLOW = { timeout: 120_000 };

let demoRun: Promise<Run>;
let helpRun: Promise<Run>;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "creditbank-cli-"));
  main = { dataDir: join(root, "data"), databaseUrl: await scratchDatabase("creditbank_cli") };
  demo = { dataDir: join(root, "demo-data"), databaseUrl: await scratchDatabase("creditbank_cli") };
  // The demo is slow and has a bank of its own, and --help needs none: both run alongside the other commands.
  demoRun = cli(["demo", "--no-serve"], {}, demo);
  helpRun = cli(["--help"]);
});

afterAll(async () => {
  await Promise.all([demoRun?.catch(() => undefined), helpRun?.catch(() => undefined)]);
  await dropScratchDatabases();
  if (root) rmSync(root, { recursive: true, force: true });
});

describe("creditbank", SLOW, () => {
  it("--help lists the commands", async () => {
    const r = await helpRun;
    expect(r.code, show(r)).toBe(0);
    for (const command of ["serve", "demo", "import", "record", "user-add"]) {
      expect(r.stdout).toMatch(new RegExp(`^\\s+${command}\\b`, "m"));
    }
  });
});

describe("creditbank import", SLOW, () => {
  let jsonBundle: string;
  let yamlBundle: string;

  beforeAll(() => {
    jsonBundle = file(
      "catalogue.json",
      JSON.stringify(
        {
          providers: [provider("cli-a")],
          units: [approvedUnit("cli-a", "CLI1", 3), approvedUnit("cli-a", "CLI2", 5)],
          qualifications: [
            {
              awardingBody: "cli-a",
              code: "CERT-CLI",
              title: "Certificate in Command Lines",
              type: "certificate",
              level: { framework: "eqf", level: "5" },
              credits: { value: 8, system: "ects" },
            },
          ],
        },
        null,
        2,
      ),
    );
    yamlBundle = file(
      "more.yaml",
      `# A second provider, in YAML\n${YAML.stringify({ providers: [provider("cli-b")], units: [approvedUnit("cli-b", "CLIB1", 4)] })}`,
    );
  });

  it("imports a JSON bundle and prints a summary", async () => {
    const r = await cli(["import", jsonBundle]);
    expect(r.code, show(r)).toBe(0);
    expect(r.stdout).toContain(jsonBundle);
    expect(tallies(r.stdout)).toEqual(
      expect.arrayContaining([
        ["providers", 1, 0, 0],
        ["accreditations", 1, 0, 0],
        ["units", 2, 0, 0],
        ["qualifications", 1, 0, 0],
      ]),
    );
    expect(r.stdout).toMatch(/2 approved/);
  });

  it("imports a YAML bundle", async () => {
    const r = await cli(["import", yamlBundle]);
    expect(r.code, show(r)).toBe(0);
    expect(r.stdout).toContain(yamlBundle);
    expect(tallies(r.stdout)).toEqual(
      expect.arrayContaining([
        ["providers", 1, 0, 0],
        ["units", 1, 0, 0],
      ]),
    );
    expect(r.stdout).toMatch(/1 approved/);
  });

  it("re-importing both reports everything unchanged", async () => {
    const r = await cli(["import", jsonBundle, yamlBundle]);
    expect(r.code, show(r)).toBe(0);
    const lines = tallies(r.stdout);
    expect(lines).toHaveLength(14);
    for (const [name, created, updated] of lines) expect([name, created, updated]).toEqual([name, 0, 0]);
    expect(lines.filter(([name]) => name === "units").map(([, , , unchanged]) => unchanged)).toEqual([2, 1]);
    expect(r.stdout).not.toMatch(/[1-9]\d* approved/);
  });

  it("refuses a bad bundle with exit 1, printing the file and every problem with its JSON pointer", async () => {
    const bad = file(
      "bad.json",
      JSON.stringify({
        providers: [
          {
            ...provider("cli-bad"),
            accreditations: [
              { framework: "no-such-framework", minLevel: "1", maxLevel: "2", fields: ["*"], validFrom: "2020-01-01" },
            ],
          },
          provider("cli-bad"),
        ],
        units: [approvedUnit("cli-ghost", "G1")],
        qualifications: [
          {
            awardingBody: "cli-a",
            code: "Q-BAD",
            title: "A level that does not exist",
            type: "certificate",
            level: { framework: "eqf", level: "99" },
            credits: { value: 10, system: "ects" },
          },
        ],
      }),
    );
    const r = await cli(["import", bad]);
    expect(r.code, show(r)).toBe(1);
    expect(r.stderr).toContain(bad);
    expect(r.stderr).toContain("bundle-invalid");
    for (const pointer of [
      "/providers/0/accreditations/0/framework",
      "/providers/1",
      "/units/0/provider",
      "/qualifications/0/level/level",
    ]) {
      expect(r.stderr).toMatch(new RegExp(`^\\s+at ${pointer.replaceAll("/", "\\/")}: \\S`, "m"));
    }
    expect(r.stderr).not.toMatch(/^\s+at .*\.ts:\d+/m); // no stack trace
  });
});

describe("creditbank record", SLOW, () => {
  const header = "provider,unit,achieved_on,email,given_name,family_name";

  it("records a CSV file and prints the counts", async () => {
    const csv = file(
      "achievements.csv",
      [
        header,
        "cli-a,CLI1,2025-01-10,ana@cli.example,Ana,Lima",
        "cli-a,CLI2,2025-02-10,ana@cli.example,Ana,Lima",
        "cli-a,CLI1,2025-01-10, Ben@CLI.example ,Ben,Okafor",
        "cli-b,CLIB1,2025-03-10,ben@cli.example,Ben,Okafor",
      ].join("\n"),
    );
    const r = await cli(["record", csv]);
    expect(r.code, show(r)).toBe(0);
    expect(r.stdout).toContain(`${csv}: 4 rows; 4 recorded, 0 unchanged, 0 refused; 2 new learner accounts.`);

    const again = await cli(["record", csv]);
    expect(again.code, show(again)).toBe(0);
    expect(again.stdout).toContain(`${csv}: 4 rows; 0 recorded, 4 unchanged, 0 refused; 0 new learner accounts.`);
  });

  it("a CSV with bad rows exits 1 with 'row N, column: …' lines, and --errors writes them all as JSON", async () => {
    const csv = file(
      "bad-rows.csv",
      [
        header,
        "cli-a,CLI1,2025-01-11,cara@cli.example,Cara,Diaz",
        "cli-a,CLI1,11/01/2025,dan@cli.example,Dan,Eze",
        "cli-a,CLI1,2025-01-11,not-an-email,Eve,Fox",
        "cli-a,NO-SUCH,2025-01-11,fay@cli.example,Fay,Gil",
      ].join("\n"),
    );
    const errorsFile = join(root, "errors.json");
    const r = await cli(["record", csv, "--errors", errorsFile]);
    expect(r.code, show(r)).toBe(1);
    expect(r.stdout).toContain("4 rows; 1 recorded, 0 unchanged, 3 refused");
    expect(r.stdout).toMatch(/^\s+row 2, achieved_on: .+/m);
    expect(r.stdout).toMatch(/^\s+row 3, email: .+/m);
    expect(r.stdout).toMatch(/^\s+row 4, unit: .+/m);
    const written = JSON.parse(readFileSync(errorsFile, "utf8")) as Array<Record<string, unknown>>;
    expect(written.map((e) => [e.row, e.field, e.code])).toEqual([
      [2, "achieved_on", "invalid-field"],
      [3, "email", "identifier-invalid-email"],
      [4, "unit", "unknown-unit"],
    ]);
    for (const e of written) expect(String(e.message).length).toBeGreaterThan(10);
  });
});

describe("creditbank issue, verify and revoke", SLOW, () => {
  it("killed in the middle of a bulk issue and run again: exactly one credential per achievement", async () => {
    const rows = 600;
    const csv = file(
      "cohort.csv",
      [
        "provider,unit,achieved_on,email",
        ...Array.from({ length: rows }, (_, i) => `cli-a,CLI2,2025-06-01,cohort${i}@cli.example`),
      ].join("\n"),
    );
    // Kill it with SIGKILL once the first batches are in: no chance to tidy up.
    const child = start(["issue", csv, "--batch-size", "50"], main);
    const killed = await new Promise<boolean>((resolveKill) => {
      child.stderr?.on("data", (d: Buffer) => {
        const m = /Recording: (\d+)\/(\d+)/.exec(String(d));
        if (m && Number(m[1]) > 0 && Number(m[1]) < rows) resolveKill(child.kill("SIGKILL"));
      });
      child.on("close", () => resolveKill(false));
    });
    await finished(child).catch(() => undefined);
    expect(killed, "the run was killed before it finished").toBe(true);

    const again = await cli(["issue", csv, "--json"]);
    expect(again.code, show(again)).toBe(0);
    const report = JSON.parse(again.stdout);
    expect(report.recorded + report.unchanged).toBe(rows);
    expect(report.recorded).toBeGreaterThan(0);
    expect(report.unchanged).toBeGreaterThan(0);
    const third = await cli(["issue", csv, "--json"]);
    expect(JSON.parse(third.stdout)).toMatchObject({ recorded: 0, unchanged: rows });
    // One credential per achievement, none without: the integrity check on the database after the runs.
    const opened = await openDatabase({ dataDir: main.dataDir, databaseUrl: main.databaseUrl });
    try {
      const integrity = await checkAccountIntegrity(opened.db);
      expect(integrity).toMatchObject({ achievementsWithoutCredential: 0, credentialsWithoutAchievement: 0 });
      const { rows: counted } = await sql<{ a: string; c: string }>`
        select (select count(*) from achievement a join learner_identifier i on i.learner_id = a.learner_id
                 where i.value like 'cohort%') as a,
               (select count(*) from credential c join learner_identifier i on i.learner_id = c.learner_id
                 where i.value like 'cohort%') as c`.execute(opened.db);
      expect(counted[0]).toEqual({ a: String(rows), c: String(rows) });
    } finally {
      await opened.close();
    }
  });
});

describe("creditbank user-add", SLOW, () => {
  it("creates a registry administrator with the password from CREDITBANK_PASSWORD", async () => {
    const r = await cli(["user-add", "admin@cli.example", "--role", "registry-admin", "--name", "CLI Admin"], {
      CREDITBANK_PASSWORD: "cli-admin-password-1",
    });
    expect(r.code, show(r)).toBe(0);
    expect(r.stdout).toMatch(/Created registry-admin admin@cli\.example \([0-9a-f-]{36}\)/);
  });
});

describe("while the bank is being served", SLOW, () => {
  let server: ReturnType<typeof start>;
  let serverOutput: Promise<Run>;
  let url: string;
  let token: string;
  let stderr = "";

  beforeAll(async () => {
    server = start(["serve"], main, { PORT: "0", HOST: "127.0.0.1" });
    server.stderr?.on("data", (d) => {
      stderr += d;
    });
    serverOutput = finished(server);
    const lock = join(main.dataDir, "creditbank.lock");
    const deadline = Date.now() + 60_000;
    for (;;) {
      const listening = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr);
      if (listening && (usingPostgres || existsSync(lock))) {
        url = listening[1] as string;
        break;
      }
      if (server.exitCode !== null) throw new Error(`the server stopped: ${show(await serverOutput)}`);
      if (Date.now() > deadline) throw new Error(`the server did not start in time:\n${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  });

  afterAll(async () => {
    if (server && server.exitCode === null && server.signalCode === null) {
      server.kill("SIGKILL");
      await serverOutput;
    }
  });

  const rows = [
    "provider,unit,achieved_on,email",
    "cli-a,CLI2,2025-04-01,gus@cli.example",
    "cli-b,CLIB1,2025-04-02,hal@cli.example",
  ];

  it.skipIf(usingPostgres)("a local command on the locked data folder exits 2 and says to use --url", async () => {
    expect(readFileSync(join(main.dataDir, "creditbank.lock"), "utf8").trim()).toBe(String(server.pid));
    const r = await cli(["record", file("remote.csv", rows.join("\n"))]);
    expect(r.code, show(r)).toBe(2);
    expect(r.stderr).toContain(`in use by process ${server.pid}`);
    expect(r.stderr).toContain("--url");
    expect(r.stdout).not.toMatch(/recorded/);
  });

  it("with --url and a token, record works through the API", async () => {
    const response = await fetch(`${url}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "admin@cli.example", password: "cli-admin-password-1" }),
    });
    expect(response.status).toBe(200);
    token = ((await response.json()) as { token: string }).token;
    expect(token).toBeTruthy();

    const csv = file("remote.csv", rows.join("\n"));
    const r = await cli(["record", csv, "--url", url, "--token", token]);
    expect(r.code, show(r)).toBe(0);
    expect(r.stdout).toContain(`${csv}: 2 rows; 2 recorded, 0 unchanged, 0 refused; 2 new learner accounts.`);
  });

  it("verify: every check passes against the bank, warnings offline; revoke and keys work through --url", async () => {
    const api = async (path: string, init: RequestInit = {}) => {
      const res = await fetch(`${url}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${token}`, ...(init.headers ?? {}) },
      });
      return (await res.json()) as Record<string, unknown>;
    };
    const learner = await api("/api/v1/learners/lookup?kind=email&value=gus%40cli.example");
    const credentials = (await api(`/api/v1/learners/${String(learner.id)}/credentials`)) as unknown as Array<{
      id: string;
      credential: unknown;
    }>;
    const held = credentials[0];
    if (!held) throw new Error("gus has a credential");
    const path = file("gus-credential.json", JSON.stringify(held.credential));

    const online = await cli(["verify", path, "--url", url]);
    expect(online.code, show(online)).toBe(0);
    expect(online.stdout).toMatch(/^VERIFIED: urn:uuid:/m);
    const offline = await cli(["verify", path, "--json"]);
    expect(offline.code, show(offline)).toBe(1);
    const report = JSON.parse(offline.stdout);
    expect(report.checks.find((c: { id: string }) => c.id === "issuer").status).toBe("warning");

    const revoked = await cli(["revoke", held.id, "--reason", "issued in error", "--url", url, "--token", token]);
    expect(revoked.code, show(revoked)).toBe(0);
    expect(revoked.stdout).toContain("now revoked");
    const after = await cli(["verify", path, "--url", url]);
    expect(after.code, show(after)).toBe(1);
    expect(after.stdout).toMatch(/^NOT VERIFIED/m);
    expect(after.stdout).toMatch(/✗ status/);

    const rotated = await cli(["keys", "rotate", "cli-a", "--reason", "yearly", "--url", url, "--token", token]);
    expect(rotated.code, show(rotated)).toBe(0);
    expect(rotated.stdout).toMatch(/cli-a: now issuing with did:web:127\.0\.0\.1%3A\d+:issuers:cli-a#z6Mk/);
  });

  it("with --url, bad rows are reported by row and CSV column, as when recording locally", async () => {
    const csv = file(
      "remote-bad.csv",
      [
        "provider,unit,achieved_on,email",
        "cli-a,CLI1,2025-05-01,ivy@cli.example",
        "cli-a,CLI1,01/05/2025,jon@cli.example",
        "cli-a,CLI1,2025-05-01,not-an-email",
        "cli-a,NO-SUCH,2025-05-01,kim@cli.example",
      ].join("\n"),
    );
    const r = await cli(["record", csv, "--url", url, "--token", token]);
    expect(r.code, show(r)).toBe(1);
    expect(r.stdout).toContain("4 rows; 1 recorded, 0 unchanged, 3 refused");
    expect(r.stdout).toMatch(/^\s+row 2, achieved_on: .+/m);
    expect(r.stdout).toMatch(/^\s+row 3, email: .+/m);
    expect(r.stdout).toMatch(/^\s+row 4, unit: .+/m);
  });

  it("stops on SIGTERM and releases the data folder", async () => {
    server.kill("SIGTERM");
    const stopped = await serverOutput;
    expect(stopped.code, show(stopped)).toBe(0);
    expect(existsSync(join(main.dataDir, "creditbank.lock"))).toBe(false);
  });
});

describe("creditbank demo --no-serve", SLOW, () => {
  it("loads the sample bank and exits", async () => {
    const bundle = demoCatalogue();
    const units = bundle.units ?? [];
    const r = await demoRun;
    expect(r.code, show(r)).toBe(0);
    expect(r.stderr).toContain(
      `Catalogue: ${bundle.providers?.length} providers, ${units.length} units (${units.filter((u) => u.status === "approved").length} approved), ${bundle.qualifications?.length} qualifications added`,
    );
    expect(r.stderr).toContain(`Accounts: ${demoAchievements(bundle).length} achievements recorded, 0 already there`);
    expect(r.stderr).not.toMatch(/refused/);
  });
});
