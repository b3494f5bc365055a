/**
 * End-to-end stories through HTTP only: nothing here reaches past the API.
 *
 * (a) The register workflow: a YAML bundle, a provider's draft with findings, fixing, submitting, being
 *     returned, resubmitting, approval, the history, a second version that supersedes the first.
 * (b) Recording: idempotent achievements, conflicts, two accounts of one person merged, a revocation and
 *     its correction.
 * (c) Operations: health, metrics, the OpenAPI document, the docs.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, expectError, type Harness, json, startApi } from "../support/api.ts";

let h: Harness;
let registry: string;

const REGISTRY_EMAIL = "registrar@flows.example";
const REGISTRY_PASSWORD = "registrar-password-1";

beforeAll(async () => {
  // The first administrator comes from the configuration, as on a real first start.
  h = await startApi({ BOOTSTRAP_ADMIN_EMAIL: REGISTRY_EMAIL, BOOTSTRAP_ADMIN_PASSWORD: REGISTRY_PASSWORD });
  const res = await call(h.app, "POST", "/api/v1/auth/login", {
    body: { email: REGISTRY_EMAIL, password: REGISTRY_PASSWORD },
  });
  expect(res.statusCode, res.body).toBe(200);
  registry = json(res).token;
});
afterAll(async () => {
  await h?.dispose();
});

/** A catalogue bundle as a registry office writes it by hand. */
const BUNDLE_YAML = `
# The Northern Institute joins the register.
providers:
  - id: north-inst
    name: Northern Institute of Technology
    kind: polytechnic
    country: IE
    region: Donegal
    website: https://north.example
    qualityAssurance: >-
      Programmes are reviewed internally every year and externally by the national agency every
      five years.
    accreditations:
      - framework: eqf
        minLevel: "4"
        maxLevel: "6"
        fields: ["06", "04"]
        validFrom: "2024-01-01"
        reference: QA-2024-017
units:
  - provider: north-inst
    code: NI-NET1
    title: Computer networks
    level: { framework: eqf, level: "5" }
    credits: { value: 5, system: ects }
    notionalHours: 130
    field: "0612"
    mode: blended
    outcomes:
      - { id: LO1, text: Explain the layers of the Internet protocol suite., dimension: knowledge-understanding }
      - { id: LO2, text: Configure a small routed network., dimension: skills-capacity }
    assessments:
      - { id: A1, method: practical-demonstration, outcomes: [LO1, LO2] }
    status: approved
qualifications:
  - awardingBody: north-inst
    code: CERT-NET
    title: Certificate in networking
    type: certificate
    level: { framework: eqf, level: "5" }
    credits: { value: 20, system: ects }
`;

/** The unit the provider writes in story (a); `fix` makes it coherent. */
function analyticsUnit(fix: boolean, extra: Record<string, unknown> = {}) {
  return {
    provider: "north-inst",
    code: "NI-DATA2",
    title: "Data analytics with Python",
    level: { framework: "eqf", level: "5" },
    credits: { value: 5, system: "ects" },
    notionalHours: fix ? 135 : 60, // 60 hours cannot be 5 ECTS
    field: "0613",
    mode: "online",
    objectives: [{ id: "O1", text: "Analyse data to support decisions." }],
    outcomes: [
      { id: "LO1", text: "Explain descriptive statistics.", dimension: "knowledge-understanding", objectives: ["O1"] },
      { id: "LO2", text: "Clean and analyse a data set in Python.", dimension: "skills-capacity", objectives: ["O1"] },
      { id: "LO3", text: "Report findings honestly.", dimension: "attitudes-values", objectives: ["O1"] },
    ],
    assessments: [
      { id: "A1", method: "project", outcomes: fix ? ["LO1", "LO2", "LO3"] : ["LO1", "LO2"] }, // LO3 unassessed until fixed
    ],
    identityVerification: "supervised-no-identity-verification",
    stackability: "stackable",
    ...extra,
  };
}

const errorCodes = (findings: Array<{ code: string; severity: string }>) =>
  [...new Set(findings.filter((f) => f.severity === "error").map((f) => f.code))].sort();

describe("(a) a unit's way into the register", () => {
  let provider: string;
  let unitId: string;

  it("the registry imports a YAML bundle", async () => {
    const res = await call(h.app, "POST", "/api/v1/bundles", {
      token: registry,
      raw: { payload: BUNDLE_YAML, contentType: "application/yaml" },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(json(res)).toMatchObject({
      providers: { created: 1 },
      accreditations: { created: 1 },
      units: { created: 1, approved: 1 },
      qualifications: { created: 1 },
    });
    // Importing it again changes nothing.
    const again = await call(h.app, "POST", "/api/v1/bundles", {
      token: registry,
      raw: { payload: BUNDLE_YAML, contentType: "application/yaml" },
    });
    expect(json(again)).toMatchObject({
      providers: { created: 0, updated: 0, unchanged: 1 },
      units: { created: 0, updated: 0, unchanged: 1 },
    });
    // The register is public at once.
    const p = json(await call(h.app, "GET", "/api/v1/providers/north-inst"));
    expect(p).toMatchObject({
      name: "Northern Institute of Technology",
      accreditations: [{ framework: "eqf", minLevel: "4", maxLevel: "6" }],
    });
    const units = json(await call(h.app, "GET", "/api/v1/units", { query: { provider: "north-inst" } }));
    expect(units.items.map((u: { code: string; status: string }) => [u.code, u.status])).toEqual([
      ["NI-NET1", "approved"],
    ]);
  });

  it("the registry creates the provider's administrator, who signs in", async () => {
    const user = await call(h.app, "POST", "/api/v1/users", {
      token: registry,
      body: {
        email: "units@north.example",
        password: "north-password-1",
        displayName: "Unit office",
        role: "provider-admin",
        providerId: "north-inst",
      },
    });
    expect(user.statusCode, user.body).toBe(201);
    const res = await call(h.app, "POST", "/api/v1/auth/login", {
      body: { email: "units@north.example", password: "north-password-1" },
    });
    provider = json(res).token;
    expect(json(await call(h.app, "GET", "/api/v1/auth/me", { token: provider }))).toMatchObject({
      role: "provider-admin",
      providerId: "north-inst",
    });
  });

  it("the provider saves a draft and sees its findings; it cannot be submitted with errors", async () => {
    const saved = await call(h.app, "POST", "/api/v1/units", { token: provider, body: analyticsUnit(false) });
    expect(saved.statusCode, saved.body).toBe(201);
    const { outcome, unit } = json(saved);
    expect(outcome).toBe("created");
    expect(unit).toMatchObject({ status: "draft", version: 1 });
    expect(errorCodes(unit.findings)).toEqual(["credits-hours-mismatch", "outcome-unassessed"]);
    for (const f of unit.findings) {
      expect(f.path).toMatch(/^(\/|$)/);
      expect(f.message.length).toBeGreaterThan(10);
    }
    unitId = unit.unitId;
    // A dry run says the same without saving.
    const check = json(
      await call(h.app, "POST", "/api/v1/coherence-check", { token: provider, body: analyticsUnit(false) }),
    );
    expect(errorCodes(check.findings)).toEqual(["credits-hours-mismatch", "outcome-unassessed"]);

    const submit = await call(h.app, "POST", `/api/v1/units/${unitId}/versions/1/submit`, {
      token: provider,
      body: {},
    });
    const error = expectError(submit, 422, "unit-has-errors");
    expect(error.details?.map((d) => d.code).sort()).toEqual(["credits-hours-mismatch", "outcome-unassessed"]);
    // Nobody outside sees the draft.
    expectError(await call(h.app, "GET", `/api/v1/units/${unitId}`), 404, "unit-not-found");
  });

  it("the provider fixes it and submits it; it cannot be changed while under review", async () => {
    const fixed = await call(h.app, "POST", "/api/v1/units", { token: provider, body: analyticsUnit(true) });
    expect(fixed.statusCode, fixed.body).toBe(200);
    expect(json(fixed).outcome).toBe("updated");
    expect(errorCodes(json(fixed).unit.findings)).toEqual([]);
    const same = await call(h.app, "POST", "/api/v1/units", { token: provider, body: analyticsUnit(true) });
    expect(json(same).outcome).toBe("unchanged");

    const submitted = await call(h.app, "POST", `/api/v1/units/${unitId}/versions/1/submit`, {
      token: provider,
      body: {},
    });
    expect(submitted.statusCode, submitted.body).toBe(200);
    expect(json(submitted).status).toBe("submitted");
    const edit = await call(h.app, "POST", "/api/v1/units", {
      token: provider,
      body: analyticsUnit(true, { title: "Changed in review" }),
    });
    expectError(edit, 409, "unit-under-review");
  });

  it("the registry returns it with a reason; a reason is required", async () => {
    expectError(
      await call(h.app, "POST", `/api/v1/units/${unitId}/versions/1/return`, { token: registry, body: {} }),
      422,
      "reason-required",
    );
    const returned = await call(h.app, "POST", `/api/v1/units/${unitId}/versions/1/return`, {
      token: registry,
      body: { reason: "Please describe the grading scheme." },
    });
    expect(returned.statusCode, returned.body).toBe(200);
    expect(json(returned).status).toBe("returned");
  });

  it("the provider edits and resubmits; the registry approves; the unit is public", async () => {
    const edited = await call(h.app, "POST", "/api/v1/units", {
      token: provider,
      body: analyticsUnit(true, { gradingScheme: { type: "letter", scale: ["A", "B", "C", "F"], passMark: "C" } }),
    });
    expect(json(edited).outcome).toBe("updated");
    expect(json(edited).unit.status).toBe("draft");
    expect(
      json(await call(h.app, "POST", `/api/v1/units/${unitId}/versions/1/submit`, { token: provider, body: {} }))
        .status,
    ).toBe("submitted");
    const approved = await call(h.app, "POST", `/api/v1/units/${unitId}/versions/1/approve`, {
      token: registry,
      body: {},
    });
    expect(approved.statusCode, approved.body).toBe(200);
    expect(json(approved).status).toBe("approved");

    const pub = json(await call(h.app, "GET", `/api/v1/units/${unitId}`));
    expect(pub).toMatchObject({ status: "approved", version: 1, code: "NI-DATA2" });
    expect(pub.spec.gradingScheme.passMark).toBe("C");
    const list = json(await call(h.app, "GET", "/api/v1/units", { query: { provider: "north-inst" } }));
    expect(list.items.map((u: { code: string }) => u.code).sort()).toEqual(["NI-DATA2", "NI-NET1"]);
  });

  it("the history shows every step with who, when and why", async () => {
    const res = await call(h.app, "GET", `/api/v1/units/${unitId}/history`, { token: provider });
    expect(res.statusCode, res.body).toBe(200);
    const items = json(res).items as Array<{
      action: string;
      actor: string;
      at: string;
      reason: string | null;
      fromStatus: string | null;
      toStatus: string | null;
    }>;
    expect(items.map((e) => [e.action, e.fromStatus, e.toStatus])).toEqual([
      ["created", null, "draft"],
      ["draft-updated", "draft", "draft"],
      ["submit", "draft", "submitted"],
      ["return", "submitted", "returned"],
      ["draft-updated", "returned", "draft"],
      ["submit", "draft", "submitted"],
      ["approve", "submitted", "approved"],
    ]);
    const byProvider = ["created", "draft-updated", "submit"];
    for (const e of items) {
      expect(e.actor).toContain(byProvider.includes(e.action) ? "units@north.example" : REGISTRY_EMAIL);
      expect(Number.isNaN(Date.parse(e.at))).toBe(false);
    }
    const times = items.map((e) => Date.parse(e.at));
    expect([...times].sort((x, y) => x - y)).toEqual(times);
    expect(items.find((e) => e.action === "return")?.reason).toBe("Please describe the grading scheme.");
  });

  it("a change after approval opens version 2 as a draft; version 1 stays approved and public", async () => {
    const saved = await call(h.app, "POST", "/api/v1/units", {
      token: provider,
      body: analyticsUnit(true, {
        title: "Data analytics with Python and SQL",
        gradingScheme: { type: "letter", scale: ["A", "B", "C", "F"], passMark: "C" },
      }),
    });
    expect(saved.statusCode, saved.body).toBe(201);
    expect(json(saved)).toMatchObject({ outcome: "new-version", unit: { version: 2, status: "draft" } });

    const pub = json(await call(h.app, "GET", `/api/v1/units/${unitId}`));
    expect(pub).toMatchObject({ version: 1, status: "approved", title: "Data analytics with Python" });
    expect(
      json(await call(h.app, "GET", `/api/v1/units/${unitId}/versions`)).items.map(
        (v: { version: number }) => v.version,
      ),
    ).toEqual([1]);
    expectError(
      await call(h.app, "GET", `/api/v1/units/${unitId}`, { query: { version: "2" } }),
      404,
      "unit-not-found",
    );
    const own = json(await call(h.app, "GET", `/api/v1/units/${unitId}`, { token: provider }));
    expect(own).toMatchObject({ version: 2, status: "draft" });
  });

  it("approving version 2 supersedes version 1", async () => {
    expect(
      json(await call(h.app, "POST", `/api/v1/units/${unitId}/versions/2/submit`, { token: provider, body: {} }))
        .status,
    ).toBe("submitted");
    expect(
      json(await call(h.app, "POST", `/api/v1/units/${unitId}/versions/2/approve`, { token: registry, body: {} }))
        .status,
    ).toBe("approved");
    const pub = json(await call(h.app, "GET", `/api/v1/units/${unitId}`));
    expect(pub).toMatchObject({ version: 2, status: "approved", title: "Data analytics with Python and SQL" });
    const versions = json(await call(h.app, "GET", `/api/v1/units/${unitId}/versions`)).items;
    expect(
      versions.map((v: { version: number; status: string; supersededOn: string | null }) => [
        v.version,
        v.status,
        Boolean(v.supersededOn),
      ]),
    ).toEqual([
      [1, "superseded", true],
      [2, "approved", false],
    ]);
    expect(json(await call(h.app, "GET", `/api/v1/units/${unitId}`, { query: { version: "1" } })).status).toBe(
      "superseded",
    );
    const history = json(await call(h.app, "GET", `/api/v1/units/${unitId}/history`, { token: registry })).items;
    expect(history.slice(-4).map((e: { action: string }) => e.action)).toEqual([
      "version-created",
      "submit",
      "supersede",
      "approve",
    ]);
    const listed = json(
      await call(h.app, "GET", "/api/v1/units", { query: { provider: "north-inst", q: "NI-DATA2" } }),
    );
    expect(listed.items.map((u: { version: number }) => u.version)).toEqual([2]);
  });
});

describe("(b) recording, merging, revoking", () => {
  let provider: string;
  let first: { learnerId: string; achievementId: string };
  let secondLearner: string;
  let secondAchievement: string;

  const record = (email: string, extra: Record<string, unknown> = {}) => ({
    provider: "north-inst",
    unit: "NI-NET1",
    learner: { givenName: "Mary", familyName: "Murphy", identifiers: [{ kind: "email", value: email }] },
    achievedOn: "2025-05-20",
    result: "passed",
    grade: "B",
    ...extra,
  });
  const statementOf = async (learnerId: string, token = registry) => {
    const res = await call(h.app, "GET", `/api/v1/learners/${learnerId}/statement`, { token });
    expect(res.statusCode, res.body).toBe(200);
    return json(res);
  };

  beforeAll(async () => {
    // Story (a) left the provider in the register; this story needs its own sign-in.
    const res = await call(h.app, "POST", "/api/v1/auth/login", {
      body: { email: "units@north.example", password: "north-password-1" },
    });
    provider = json(res).token;
  });

  it("the provider records an achievement for a new learner (201), again (200 unchanged), and a conflicting one (409)", async () => {
    const created = await call(h.app, "POST", "/api/v1/achievements", {
      token: provider,
      body: record("Mary.Murphy@Example.org"),
    });
    expect(created.statusCode, created.body).toBe(201);
    first = json(created);
    expect(json(created)).toMatchObject({
      status: "recorded",
      learnerId: expect.any(String),
      achievementId: expect.any(String),
    });

    // The same record again, even spelled differently, changes nothing.
    const again = await call(h.app, "POST", "/api/v1/achievements", {
      token: provider,
      body: record(" mary.murphy@example.org "),
    });
    expect(again.statusCode, again.body).toBe(200);
    expect(json(again)).toEqual({ ...first, status: "unchanged" });

    const conflict = await call(h.app, "POST", "/api/v1/achievements", {
      token: provider,
      body: record("mary.murphy@example.org", { grade: "A" }),
    });
    const error = expectError(conflict, 409, "achievement-conflict");
    expect(error.message).toMatch(/revoke/);

    const statement = await statementOf(first.learnerId, provider);
    expect(statement.entries).toHaveLength(1);
    expect(statement.balances.total).toEqual({ ects: 5 });
  });

  it("the learner's account appears, findable by identifier", async () => {
    const account = json(await call(h.app, "GET", `/api/v1/learners/${first.learnerId}`, { token: provider }));
    expect(account).toMatchObject({
      id: first.learnerId,
      status: "active",
      profile: { givenName: "Mary", familyName: "Murphy" },
    });
    expect(account.identifiers).toEqual([{ kind: "email", issuer: "", value: "mary.murphy@example.org" }]);
    const found = json(
      await call(h.app, "GET", "/api/v1/learners/lookup", {
        token: provider,
        query: { kind: "email", value: "MARY.MURPHY@example.org" },
      }),
    );
    expect(found.id).toBe(first.learnerId);
  });

  it("the registry opens a second account for the same person under another identifier, and the provider records for it", async () => {
    const opened = await call(h.app, "POST", "/api/v1/learners", {
      token: registry,
      body: {
        givenName: "Máire",
        familyName: "Ní Mhurchú",
        identifiers: [{ kind: "national-id", issuer: "IE", value: "1234567T" }],
      },
    });
    expect(opened.statusCode, opened.body).toBe(201);
    secondLearner = json(opened).id;
    expect(secondLearner).not.toBe(first.learnerId);
    // The same identifier cannot open a third account.
    const taken = await call(h.app, "POST", "/api/v1/learners", {
      token: registry,
      body: { identifiers: [{ kind: "national-id", issuer: "ie", value: "1234567-t" }] },
    });
    expectError(taken, 409, "identifier-taken");

    const res = await call(h.app, "POST", "/api/v1/achievements", {
      token: provider,
      body: {
        ...record("unused@example.org"),
        achievedOn: "2025-06-30",
        learner: { identifiers: [{ kind: "national-id", issuer: "IE", value: "1234567T" }] },
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(json(res).learnerId).toBe(secondLearner);
    secondAchievement = json(res).achievementId;
  });

  it("the registry merges the second account into the first: one statement, both identifiers find the survivor", async () => {
    expectError(
      await call(h.app, "POST", `/api/v1/learners/${first.learnerId}/merge`, {
        token: provider,
        body: { mergedId: secondLearner, reason: "same person" },
      }),
      403,
      "forbidden",
    );
    const merged = await call(h.app, "POST", `/api/v1/learners/${first.learnerId}/merge`, {
      token: registry,
      body: { mergedId: secondLearner, reason: "Same person: confirmed by the learner with a passport." },
    });
    expect(merged.statusCode, merged.body).toBe(200);
    expect(json(merged)).toMatchObject({ id: first.learnerId, status: "active", mergedAccounts: [secondLearner] });
    expect(json(merged).identifiers).toEqual(
      expect.arrayContaining([
        { kind: "email", issuer: "", value: "mary.murphy@example.org" },
        { kind: "national-id", issuer: "IE", value: "1234567T" },
      ]),
    );

    const statement = await statementOf(first.learnerId);
    expect(statement.entries.map((e: { type: string; achievementId: string }) => [e.type, e.achievementId])).toEqual([
      ["deposit", first.achievementId],
      ["deposit", secondAchievement],
    ]);
    expect(statement.balances.total).toEqual({ ects: 10 });

    const queries: Array<Record<string, string>> = [
      { kind: "national-id", issuer: "IE", value: "1234567T" },
      { kind: "email", value: "mary.murphy@example.org" },
    ];
    for (const query of queries) {
      const found = json(await call(h.app, "GET", "/api/v1/learners/lookup", { token: registry, query }));
      expect(found.id, JSON.stringify(query)).toBe(first.learnerId);
    }
    const old = json(await call(h.app, "GET", `/api/v1/learners/${secondLearner}`, { token: registry }));
    expect(old).toMatchObject({ status: "merged", mergedInto: first.learnerId });
    const survivor = json(await call(h.app, "GET", `/api/v1/learners/${first.learnerId}`, { token: registry }));
    expect(survivor.merges).toEqual([
      expect.objectContaining({
        survivorId: first.learnerId,
        mergedId: secondLearner,
        by: expect.stringContaining(REGISTRY_EMAIL),
      }),
    ]);
    // A merged account cannot be merged again.
    expectError(
      await call(h.app, "POST", `/api/v1/learners/${first.learnerId}/merge`, {
        token: registry,
        body: { mergedId: secondLearner, reason: "again" },
      }),
      409,
      "learner-not-active",
    );
  });

  it("the provider revokes one achievement: a reversal entry, the deposit 'revoked', the balance drops", async () => {
    const before = await statementOf(first.learnerId);
    expectError(
      await call(h.app, "POST", `/api/v1/learners/${first.learnerId}/achievements/${first.achievementId}/revoke`, {
        token: provider,
        body: { reason: " " },
      }),
      400,
      "reason-required",
    );
    const res = await call(
      h.app,
      "POST",
      `/api/v1/learners/${first.learnerId}/achievements/${first.achievementId}/revoke`,
      {
        token: provider,
        body: { reason: "Recorded against the wrong assessment sitting." },
      },
    );
    expect(res.statusCode, res.body).toBe(200);
    const statement = json(res);
    const deposit = statement.entries.find(
      (e: { type: string; achievementId: string }) => e.type === "deposit" && e.achievementId === first.achievementId,
    );
    const reversal = statement.entries.find((e: { type: string }) => e.type === "reversal");
    expect(deposit.status).toBe("revoked");
    expect(reversal).toMatchObject({
      achievementId: first.achievementId,
      credits: -5,
      reversesEntryId: deposit.id,
      reason: "Recorded against the wrong assessment sitting.",
    });
    expect(statement.entries).toHaveLength(before.entries.length + 1);
    expect(statement.balances.total).toEqual({ ects: before.balances.total.ects - 5 });
    // Entries are never edited: the original deposit is still there with its credits.
    expect(deposit.credits).toBe(5);

    expectError(
      await call(h.app, "POST", `/api/v1/learners/${first.learnerId}/achievements/${first.achievementId}/revoke`, {
        token: provider,
        body: { reason: "again" },
      }),
      409,
      "already-revoked",
    );
  });

  it("the corrected achievement for the same day can then be recorded", async () => {
    const res = await call(h.app, "POST", "/api/v1/achievements", {
      token: provider,
      body: record("mary.murphy@example.org", { grade: "A" }),
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(json(res)).toMatchObject({ status: "recorded", learnerId: first.learnerId });
    expect(json(res).achievementId).not.toBe(first.achievementId);
    const statement = await statementOf(first.learnerId);
    expect(statement.balances.total).toEqual({ ects: 10 });
    expect(statement.entries.filter((e: { status: string }) => e.status === "active").length).toBe(3);
  });

  it("an achievement deposited under the merged account can be revoked through the survivor's account", async () => {
    const res = await call(
      h.app,
      "POST",
      `/api/v1/learners/${first.learnerId}/achievements/${secondAchievement}/revoke`,
      {
        token: provider,
        body: { reason: "Duplicate of an earlier record." },
      },
    );
    expect(res.statusCode, res.body).toBe(200);
    expect(json(res).balances.total).toEqual({ ects: 5 });
  });

  it("re-sending a record made under a merged account is 'unchanged', not a second deposit", async () => {
    // Another person with two accounts: one opened by a record under an e-mail, one under a student number.
    const a = json(
      await call(h.app, "POST", "/api/v1/achievements", { token: provider, body: record("sean.kelly@example.org") }),
    );
    const secondRecord = {
      ...record("unused@example.org"),
      achievedOn: "2025-09-15",
      learner: { identifiers: [{ kind: "student-number", issuer: "north-inst", value: "N-1001" }] },
    };
    const b = await call(h.app, "POST", "/api/v1/achievements", { token: provider, body: secondRecord });
    expect(b.statusCode, b.body).toBe(201);
    const merged = await call(h.app, "POST", `/api/v1/learners/${a.learnerId}/merge`, {
      token: registry,
      body: { mergedId: json(b).learnerId, reason: "Same person." },
    });
    expect(merged.statusCode, merged.body).toBe(200);
    expect((await statementOf(a.learnerId)).balances.total).toEqual({ ects: 10 });
    // The provider's LMS retries its last file after a crash.
    const retry = await call(h.app, "POST", "/api/v1/achievements", { token: provider, body: secondRecord });
    expect(retry.statusCode, retry.body).toBe(200);
    expect(json(retry)).toMatchObject({ status: "unchanged", achievementId: json(b).achievementId });
    expect((await statementOf(a.learnerId)).balances.total).toEqual({ ects: 10 });
  });
});

describe("(c) operations", () => {
  it("GET /healthz says the bank and its database are up", async () => {
    const res = await call(h.app, "GET", "/healthz");
    expect(res.statusCode).toBe(200);
    expect(json(res)).toEqual({ status: "ok", database: expect.any(String) });
  });

  it("GET /metrics is Prometheus text with request counts by route pattern", async () => {
    await call(h.app, "GET", "/api/v1/providers/north-inst");
    const res = await call(h.app, "GET", "/metrics");
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/plain/);
    expect(res.body).toContain("# TYPE creditbank_http_requests_total counter");
    expect(res.body).toMatch(
      /creditbank_http_requests_total\{method="GET",route="\/api\/v1\/providers\/:id",status="200"\} \d+/,
    );
    expect(res.body).toContain("creditbank_http_request_duration_seconds_bucket");
    // Route patterns, not URLs: ids never become label values.
    expect(res.body).not.toContain("north-inst");
  });

  it("GET /openapi.json documents every operation with the roles that may call it, said once", async () => {
    const res = await call(h.app, "GET", "/openapi.json");
    expect(res.statusCode).toBe(200);
    const doc = json(res);
    expect(doc.openapi).toMatch(/^3\./);
    const operations = Object.entries(doc.paths as Record<string, Record<string, { description?: string }>>).flatMap(
      ([path, ops]) =>
        Object.entries(ops).map(([method, op]) => ({
          where: `${method.toUpperCase()} ${path}`,
          description: op.description ?? "",
        })),
    );
    expect(operations.length).toBeGreaterThan(30);
    const ROLE_SENTENCE = /Anyone \(no sign-in needed\)\.|Roles: [a-z-]+(, [a-z-]+)*\./g;
    for (const { where, description } of operations) {
      const sentences = description.match(ROLE_SENTENCE) ?? [];
      expect(sentences.length, `${where}: "${description}"`).toBe(1);
      expect(description.startsWith(sentences[0] as string), where).toBe(true);
    }
  });

  it("GET /docs serves the API documentation", async () => {
    let res = await call(h.app, "GET", "/docs");
    for (let hops = 0; hops < 3 && res.statusCode >= 300 && res.statusCode < 400; hops++) {
      const location = String(res.headers.location);
      res = await call(h.app, "GET", location.startsWith("/") ? location : `/docs/${location.replace(/^\.\//, "")}`);
    }
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/text\/html/);
    expect(res.body).toMatch(/swagger/i);
  });
});
