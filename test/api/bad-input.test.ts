/**
 * Bad input over HTTP: every mistake gets a 4xx with a stable code and a sentence (never a stack trace
 * or a 500), and leaves nothing half-written. Malformed JSON, wrong types, missing fields, unknown
 * references, oversized bodies, unsupported content types, hostile strings, arbitrary JSON (fast-check),
 * bundles that fail part-way, and achievement files with some bad rows.
 */
import fc from "fast-check";
import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser } from "../../src/services/access.ts";
import { OPERATOR } from "../../src/services/actor.ts";
import {
  A,
  achievement,
  B,
  buildWorld,
  call,
  coherentUnit,
  EQF_ACCREDITATION,
  expectError,
  expectErrorShape,
  type Harness,
  json,
  PASSWORD,
  provider,
  RANDOM_UUID,
  signIn,
  startApi,
  tableCounts,
  type World,
} from "../support/api.ts";

let h: Harness;
let w: World;
let registry: string;
let providerA: string;

beforeAll(async () => {
  h = await startApi();
  w = await buildWorld(h);
  registry = w.tokens["registry-admin"];
  providerA = w.tokens["provider-admin"];
});
afterAll(async () => {
  await h?.dispose();
});

const counts = () => tableCounts(h.bank);

/** Asserts a 400 'invalid-request' whose details name each of the JSON pointers. */
function expectInvalid(res: LightMyRequestResponse, ...paths: string[]) {
  const error = expectError(res, 400, "invalid-request");
  const reported = (error.details ?? []).map((d) => d.path);
  // The pointer names the offending value or something inside it.
  for (const p of paths)
    expect(
      reported.some((r) => r === p || r.startsWith(`${p}/`)),
      `${p} in ${res.body}`,
    ).toBe(true);
  for (const d of error.details ?? []) expect(d.message.length).toBeGreaterThan(3);
  return error;
}

// ---------------------------------------------------------------------------------------------

describe("malformed JSON", () => {
  const PAYLOADS = [
    "{",
    '{"provider": "prov-a",',
    "{'provider': 'prov-a'}",
    "[1, 2,]",
    '{"a": 1}}',
    "nul",
    '"unterminated',
    "",
  ];
  const ROUTES = [
    { method: "POST", label: "/api/v1/units", url: () => "/api/v1/units" },
    { method: "PUT", label: "/api/v1/providers/:id", url: () => "/api/v1/providers/prov-x" },
    { method: "POST", label: "/api/v1/achievements", url: () => "/api/v1/achievements" },
    { method: "POST", label: "/api/v1/achievements/bulk", url: () => "/api/v1/achievements/bulk" },
    { method: "POST", label: "/api/v1/bundles", url: () => "/api/v1/bundles" },
    { method: "POST", label: "/api/v1/learners", url: () => "/api/v1/learners" },
    { method: "POST", label: "/api/v1/learners/:id/merge", url: () => `/api/v1/learners/${w.learners.ofA}/merge` },
    {
      method: "POST",
      label: "/api/v1/units/:id/versions/1/submit",
      url: () => `/api/v1/units/${w.units.draftA}/versions/1/submit`,
    },
    { method: "POST", label: "/api/v1/auth/login", url: () => "/api/v1/auth/login", public: true },
  ];

  for (const route of ROUTES) {
    it(`${route.method} ${route.label} → 400 'malformed-json' for every broken body`, async () => {
      const before = await counts();
      for (const payload of PAYLOADS) {
        const res = await call(h.app, route.method, route.url(), {
          token: route.public ? undefined : registry,
          raw: { payload, contentType: "application/json" },
        });
        const error = expectError(res, 400, "malformed-json");
        expect(error.message, JSON.stringify(payload)).toMatch(/JSON/);
      }
      expect(await counts()).toEqual(before);
    });
  }
});

describe("wrong types and missing fields", () => {
  const unit = (extra: Record<string, unknown>) => ({ ...coherentUnit(A, "TYPES"), ...extra });
  const UNIT_CASES: Array<[string, unknown, string[]]> = [
    ["credits as a string", unit({ credits: "5" }), ["/credits"]],
    ["credits.value as words", unit({ credits: { value: "five", system: "ects" } }), ["/credits/value"]],
    ["level as a number", unit({ level: 5 }), ["/level"]],
    ["notionalHours as words", unit({ notionalHours: "a lot" }), ["/notionalHours"]],
    ["notionalHours negative", unit({ notionalHours: -1 }), ["/notionalHours"]],
    ["outcomes as a string", unit({ outcomes: "LO1" }), ["/outcomes"]],
    [
      "an unknown dimension",
      unit({ outcomes: [{ id: "LO1", text: "x", dimension: "feelings" }] }),
      ["/outcomes/0/dimension"],
    ],
    ["an unknown mode", unit({ mode: "telepathy" }), ["/mode"]],
    [
      "an unknown assessment method",
      unit({ assessments: [{ id: "A1", method: "vibes", outcomes: [] }] }),
      ["/assessments/0/method"],
    ],
    ["a code with spaces", unit({ code: "has spaces" }), ["/code"]],
    ["a provider id in capitals", unit({ provider: "Prov-A" }), ["/provider"]],
    ["an empty title", unit({ title: "" }), ["/title"]],
    ["a title as an object", unit({ title: { en: "Title" } }), ["/title"]],
    ["an unknown property", unit({ colour: "blue" }), ["/colour"]],
    ["a url that is not http", unit({ url: "javascript:alert(1)" }), ["/url"]],
    ["missing title", (({ title: _t, ...rest }) => rest)(coherentUnit(A, "TYPES")), ["/title"]],
    ["missing provider and code", { title: "Only a title" }, ["/provider", "/code"]],
    ["an array instead of an object", [coherentUnit(A, "TYPES")], [""]],
    ["null", null, [""]],
  ];

  for (const [name, body, paths] of UNIT_CASES) {
    it(`POST /api/v1/units with ${name} → 400 'invalid-request' at ${paths.join(", ") || "(root)"}`, async () => {
      const before = await counts();
      const res = await call(h.app, "POST", "/api/v1/units", {
        token: providerA,
        raw: { payload: JSON.stringify(body), contentType: "application/json" },
      });
      expectInvalid(res, ...paths);
      expect(await counts()).toEqual(before);
    });
  }

  const prov = (extra: Record<string, unknown>) => ({ ...provider("prov-typed", "Typed Provider"), ...extra });
  const PROVIDER_CASES: Array<[string, unknown, string[]]> = [
    ["an unknown kind", prov({ kind: "castle" }), ["/kind"]],
    ["a country name instead of a code", prov({ country: "Ireland" }), ["/country"]],
    ["accreditations as a string", prov({ accreditations: "all of them" }), ["/accreditations"]],
    [
      "an accreditation with no fields",
      prov({ accreditations: [{ ...EQF_ACCREDITATION, fields: [] }] }),
      ["/accreditations/0/fields"],
    ],
    [
      "an accreditation date in words",
      prov({ accreditations: [{ ...EQF_ACCREDITATION, validFrom: "yesterday" }] }),
      ["/accreditations/0/validFrom"],
    ],
    ["an invalid contact e-mail", prov({ contactEmail: "not-an-email" }), ["/contactEmail"]],
    ["missing name and kind", (({ name: _n, kind: _k, ...rest }) => rest)(prov({})), ["/name", "/kind"]],
  ];
  for (const [name, body, paths] of PROVIDER_CASES) {
    it(`PUT /api/v1/providers/:id with ${name} → 400 'invalid-request' at ${paths.join(", ")}`, async () => {
      const before = await counts();
      const res = await call(h.app, "PUT", "/api/v1/providers/prov-typed", { token: registry, body });
      expectInvalid(res, ...paths);
      expect(await counts()).toEqual(before);
      expectError(await call(h.app, "GET", "/api/v1/providers/prov-typed"), 404, "provider-not-found");
    });
  }

  it("a provider id in the body that differs from the URL → 400 'id-mismatch'", async () => {
    const res = await call(h.app, "PUT", "/api/v1/providers/prov-typed", {
      token: registry,
      body: provider("prov-other", "Other"),
    });
    expect(expectError(res, 400, "id-mismatch").details?.[0]?.path).toBe("/id");
  });

  it("wrong scalar types in a JSON body are refused, not silently coerced", async () => {
    // A number where the template wants text, text where it wants a number, a boolean for a number.
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ title: 12345 }, "/title"],
      [{ notionalHours: "140" }, "/notionalHours"],
      [{ credits: { value: "5", system: "ects" } }, "/credits/value"],
      [{ validityMonths: true }, "/validityMonths"],
    ];
    for (const [extra, path] of cases) {
      const res = await call(h.app, "POST", "/api/v1/units", {
        token: providerA,
        body: { ...coherentUnit(A, "COERCED"), ...extra },
      });
      expectInvalid(res, path);
    }
  });

  const QUERY_CASES: Array<[string, string, Record<string, string>, string]> = [
    ["limit in words", "/api/v1/units", { limit: "abc" }, "/limit"],
    ["limit zero", "/api/v1/units", { limit: "0" }, "/limit"],
    ["limit too large", "/api/v1/units", { limit: "100000" }, "/limit"],
    ["negative offset", "/api/v1/units", { offset: "-1" }, "/offset"],
    ["an unknown status", "/api/v1/units", { status: "bogus" }, "/status/0"],
    ["a field that is not an ISCED code", "/api/v1/units", { field: "computing" }, "/field"],
    ["a version in words", `/api/v1/units/${RANDOM_UUID}`, { version: "latest" }, "/version"],
    ["an unknown identifier kind", "/api/v1/learners/lookup", { kind: "passport", value: "X1" }, "/kind"],
    ["a lookup without a value", "/api/v1/learners/lookup", { kind: "email" }, "/value"],
  ];
  for (const [name, url, query, path] of QUERY_CASES) {
    it(`GET ${url.replace(RANDOM_UUID, ":id")} with ${name} → 400 at ${path}`, async () => {
      const error = expectInvalid(await call(h.app, "GET", url, { token: registry, query }), path);
      expect(error.message).toMatch(/querystring/);
    });
  }

  it("path parameters of the wrong form → 400 'invalid-request'", async () => {
    expectInvalid(await call(h.app, "GET", "/api/v1/units/not-a-uuid"), "/unitId");
    expectInvalid(await call(h.app, "GET", "/api/v1/learners/42", { token: registry }), "/learnerId");
    expectInvalid(
      await call(h.app, "POST", `/api/v1/units/${w.units.draftA}/versions/zero/submit`, { token: registry, body: {} }),
      "/version",
    );
    expectInvalid(
      await call(h.app, "POST", `/api/v1/units/${w.units.draftA}/versions/1/publish`, { token: registry, body: {} }),
      "/action",
    );
    expectInvalid(
      await call(h.app, "POST", `/api/v1/units/${w.units.draftA}/versions/1/supersede`, { token: registry, body: {} }),
      "/action",
    );
    expectInvalid(await call(h.app, "GET", "/api/v1/providers/Not A Slug"), "/id");
  });

  it("a path parameter that is too long or not valid percent-encoding gets the one error shape", async () => {
    const long = await call(h.app, "GET", `/api/v1/providers/${"x".repeat(500)}`);
    expect(long.statusCode).toBeGreaterThanOrEqual(400);
    expect(long.statusCode).toBeLessThan(500);
    expectErrorShape(long);
    expect(long.body.length, "the server echoes the whole URL back").toBeLessThan(1000);
    for (const url of ["/api/v1/providers/%ED%A0%80", "/api/v1/units/%E0%A4%A", "/api/v1/providers/%"]) {
      const res = await call(h.app, "GET", url);
      expect(res.statusCode, url).toBe(400);
      expectErrorShape(res);
    }
  });

  it("an unknown route → 404 'route-not-found' in the same shape", async () => {
    expectError(await call(h.app, "GET", "/api/v1/nothing-here"), 404, "route-not-found");
    expectError(await call(h.app, "PATCH", "/api/v1/units"), 404, "route-not-found");
  });
});

describe("unknown references", () => {
  it("a unit for an unknown provider", async () => {
    const before = await counts();
    const res = await call(h.app, "POST", "/api/v1/units", {
      token: registry,
      body: coherentUnit("ghost-provider", "G1"),
    });
    expect(res.statusCode).toBeGreaterThanOrEqual(400);
    expect(res.statusCode).toBeLessThan(500);
    expect(expectError(res, res.statusCode, "unknown-provider").message).toContain("ghost-provider");
    expect(await counts()).toEqual(before);
  });

  it("an achievement for an unknown unit → 422 'unknown-unit'", async () => {
    const before = await counts();
    const res = await call(h.app, "POST", "/api/v1/achievements", {
      token: providerA,
      body: achievement(A, "NO-SUCH-UNIT", "ref@example.org"),
    });
    const error = expectError(res, 422, "unknown-unit");
    expect(error.details).toEqual([expect.objectContaining({ path: "/unit", code: "unknown-unit" })]);
    expect(await counts()).toEqual(before);
  });

  it("an achievement for an unknown provider → 'unknown-provider'", async () => {
    const res = await call(h.app, "POST", "/api/v1/achievements", {
      token: registry,
      body: achievement("ghost-provider", "X1", "ref@example.org"),
    });
    expectError(res, 422, "unknown-provider");
  });

  it("an achievement for a draft unit → 'unit-not-creditable'", async () => {
    const res = await call(h.app, "POST", "/api/v1/achievements", {
      token: providerA,
      body: achievement(A, "A-DRAFT", "ref@example.org"),
    });
    expectError(res, 422, "unit-not-creditable");
  });

  it("a bundle whose accreditation names an unknown framework → 400 'bundle-invalid' with the pointer", async () => {
    const before = await counts();
    const bundle = {
      providers: [
        provider("prov-unknown-fw", "Unknown FW", {
          accreditations: [{ ...EQF_ACCREDITATION, framework: "atlantis-nqf" }],
        }),
      ],
      units: [{ ...coherentUnit("prov-missing", "U1"), status: "approved" }],
    };
    const res = await call(h.app, "POST", "/api/v1/bundles", { token: registry, body: bundle });
    const error = expectError(res, 400, "bundle-invalid");
    expect(error.details).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: "/providers/0/accreditations/0/framework", code: "unknown-framework" }),
        expect.objectContaining({ path: "/units/0/provider", code: "unknown-provider" }),
      ]),
    );
    expect(await counts()).toEqual(before);
  });

  it("other unknown ids → 404 with a code", async () => {
    expectError(
      await call(h.app, "POST", `/api/v1/learners/${w.learners.ofA}/merge`, {
        token: registry,
        body: { mergedId: RANDOM_UUID, reason: "same person" },
      }),
      404,
      "learner-not-found",
    );
    expectError(
      await call(h.app, "POST", `/api/v1/learners/${w.learners.ofA}/achievements/${RANDOM_UUID}/revoke`, {
        token: registry,
        body: { reason: "x" },
      }),
      404,
      "achievement-not-found",
    );
    expectError(
      await call(h.app, "POST", `/api/v1/providers/${A}/accreditations/${RANDOM_UUID}/suspend`, {
        token: registry,
        body: { reason: "x" },
      }),
      404,
      "accreditation-not-found",
    );
    expectError(await call(h.app, "GET", `/api/v1/units/${RANDOM_UUID}`), 404, "unit-not-found");
    expectError(await call(h.app, "GET", `/api/v1/qualifications/${RANDOM_UUID}`), 404, "qualification-not-found");
    expectError(await call(h.app, "GET", "/api/v1/providers/nobody"), 404, "provider-not-found");
    expectError(await call(h.app, "GET", "/api/v1/frameworks/atlantis"), 404, "framework-not-found");
    const user = await call(h.app, "POST", "/api/v1/users", {
      token: registry,
      body: {
        email: "ghost.staff@test.example",
        password: PASSWORD,
        displayName: "Ghost",
        role: "provider-admin",
        providerId: "ghost-provider",
      },
    });
    expectError(user, 404, "unknown-provider");
  });

  it("merging an account into itself → 400", async () => {
    const res = await call(h.app, "POST", `/api/v1/learners/${w.learners.ofA}/merge`, {
      token: registry,
      body: { mergedId: w.learners.ofA, reason: "same" },
    });
    expectError(res, 400, "merge-same-account");
  });
});

describe("oversized bodies", () => {
  let small: Harness;
  let token: string;
  beforeAll(async () => {
    small = await startApi({ BODY_LIMIT: "2048" });
    await createUser(small.bank.db, OPERATOR, {
      email: "registry@small.example",
      password: PASSWORD,
      displayName: "R",
      role: "registry-admin",
    });
    token = await signIn(small.app, "registry@small.example");
  });
  afterAll(async () => {
    await small?.dispose();
  });

  it("a 10 KB body → 413 'body-too-large', whatever the content type, and nothing is written", async () => {
    const before = await tableCounts(small.bank);
    const bigBundle = { providers: [provider("prov-big", "Big", { description: "x".repeat(10 * 1024) })] };
    const bigCsv = `provider,unit,achieved_on,email\n${"prov-a,A-APP,2025-01-01,big@example.org\n".repeat(260)}`;
    const bigYaml = `providers:\n  - id: prov-big\n    name: Big\n    description: ${"y".repeat(10 * 1024)}\n`;
    const requests: Array<[string, string, { body?: unknown; raw?: { payload: string; contentType: string } }]> = [
      ["POST", "/api/v1/bundles", { body: bigBundle }],
      ["POST", "/api/v1/bundles", { raw: { payload: bigYaml, contentType: "application/yaml" } }],
      ["POST", "/api/v1/achievements/bulk", { raw: { payload: bigCsv, contentType: "text/csv" } }],
      ["PUT", "/api/v1/providers/prov-big", { body: bigBundle.providers[0] }],
      ["POST", "/api/v1/auth/login", { body: { email: "a@b.c", password: "p".repeat(10 * 1024) } }],
    ];
    for (const [method, url, opts] of requests) {
      const res = await call(small.app, method, url, { token, ...opts });
      const error = expectError(res, 413, "body-too-large");
      expect(error.message).toMatch(/larger/);
    }
    expect(await tableCounts(small.bank)).toEqual(before);
    // A body under the limit still goes through.
    const ok = await call(small.app, "PUT", "/api/v1/providers/prov-small", {
      token,
      body: provider("prov-small", "Small"),
    });
    expect(ok.statusCode, ok.body).toBe(200);
  });
});

describe("content types", () => {
  const TYPES = [
    "application/xml",
    "text/html",
    "multipart/form-data; boundary=xyz",
    "application/octet-stream",
    "image/png",
  ];
  for (const contentType of TYPES) {
    it(`${contentType} → 415 'unsupported-media-type'`, async () => {
      for (const url of ["/api/v1/units", "/api/v1/bundles", "/api/v1/achievements"]) {
        const res = await call(h.app, "POST", url, { token: registry, raw: { payload: "<unit/>", contentType } });
        expectError(res, 415, "unsupported-media-type");
      }
    });
  }

  it("a CSV body where JSON is expected → 400, and a YAML bundle that is not YAML → 400 'malformed-yaml'", async () => {
    expectInvalid(
      await call(h.app, "POST", "/api/v1/units", {
        token: registry,
        raw: { payload: "provider,code\nprov-a,X", contentType: "text/csv" },
      }),
      "",
    );
    const before = await counts();
    const yaml = await call(h.app, "POST", "/api/v1/bundles", {
      token: registry,
      raw: { payload: "providers: [\n  - id: x", contentType: "application/yaml" },
    });
    expectError(yaml, 400, "malformed-yaml");
    // A "billion laughs" alias bomb is refused, not expanded.
    const bomb = ["a: &a [x, x, x, x, x, x, x, x, x]"];
    for (const [i, name] of ["b", "c", "d", "e", "f", "g", "h"].entries()) {
      const prev = ["a", "b", "c", "d", "e", "f", "g"][i];
      bomb.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(", ")}]`);
    }
    const bombed = await call(h.app, "POST", "/api/v1/bundles", {
      token: registry,
      raw: { payload: bomb.join("\n"), contentType: "application/yaml" },
    });
    expect(bombed.statusCode).toBeGreaterThanOrEqual(400);
    expect(bombed.statusCode).toBeLessThan(500);
    expectErrorShape(bombed);
    expect(await counts()).toEqual(before);
  });

  it("a JSON prototype-pollution attempt is refused", async () => {
    const res = await call(h.app, "POST", "/api/v1/bundles", {
      token: registry,
      raw: { payload: '{"__proto__": {"isAdmin": true}, "providers": []}', contentType: "application/json" },
    });
    expect(res.statusCode).toBe(400);
    expectErrorShape(res);
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });

  it("deeply nested JSON → 4xx, not a crash", async () => {
    for (const payload of [
      "[".repeat(20_000) + "]".repeat(20_000),
      `${'{"units":'.repeat(5_000)}1${"}".repeat(5_000)}`,
    ]) {
      const res = await call(h.app, "POST", "/api/v1/bundles", {
        token: registry,
        raw: { payload, contentType: "application/json" },
      });
      expect(res.statusCode).toBeGreaterThanOrEqual(400);
      expect(res.statusCode).toBeLessThan(500);
      expectErrorShape(res);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Hostile strings

const HOSTILE: Record<string, string> = {
  "SQL injection": "'; drop table learner; --",
  "10,000 characters": "x".repeat(10_000),
  "a null byte": "before\u0000after",
  "an RTL override": "Report \u202Efdp.exe",
  emoji: "👩🏽‍💻 Café ✓ 𝕏",
  "HTML and script": '<script>alert("x")</script><img src=x onerror=alert(1)>',
  "a lone surrogate": "broken \ud800 text",
};

/** encodeURIComponent, except that a lone surrogate is sent as the (invalid) UTF-8 bytes a careless client would send. */
function percentEncode(value: string): string {
  let out = "";
  for (let i = 0; i < value.length; i++) {
    const unit = value.charCodeAt(i);
    const next = value.charCodeAt(i + 1);
    if (unit >= 0xd800 && unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      out += encodeURIComponent(value.slice(i, i + 2));
      i++;
    } else if (unit >= 0xd800 && unit <= 0xdfff) {
      const bytes = [0xe0 | (unit >> 12), 0x80 | ((unit >> 6) & 0x3f), 0x80 | (unit & 0x3f)];
      out += bytes.map((b) => `%${b.toString(16).toUpperCase()}`).join("");
    } else out += encodeURIComponent(value[i] as string);
  }
  return out;
}

interface Place {
  name: string;
  /** Work done before the hostile request (its writes are not counted against it). */
  setup?: (slot: string) => Promise<Record<string, string>>;
  send: (value: string, slot: string, ctx: Record<string, string>) => Promise<LightMyRequestResponse>;
  /** The value as stored and returned, when the request was accepted. */
  stored?: (res: LightMyRequestResponse, slot: string, ctx: Record<string, string>, value: string) => Promise<unknown>;
}

const PLACES: Place[] = [
  {
    name: "a unit's title",
    send: (v, slot) =>
      call(h.app, "POST", "/api/v1/units", { token: providerA, body: coherentUnit(A, `HT-${slot}`, { title: v }) }),
    stored: async (res) => {
      const unit = json(await call(h.app, "GET", `/api/v1/units/${json(res).unit.unitId}`, { token: providerA }));
      expect(unit.title).toBe(unit.spec.title);
      return unit.spec.title;
    },
  },
  {
    name: "a unit's description",
    send: (v, slot) =>
      call(h.app, "POST", "/api/v1/units", {
        token: providerA,
        body: coherentUnit(A, `HD-${slot}`, { description: v }),
      }),
    stored: async (res) =>
      json(await call(h.app, "GET", `/api/v1/units/${json(res).unit.unitId}`, { token: providerA })).spec.description,
  },
  {
    name: "a unit's code",
    send: (v) => call(h.app, "POST", "/api/v1/units", { token: providerA, body: coherentUnit(A, v) }),
  },
  {
    name: "a provider's name",
    send: (v, slot) =>
      call(h.app, "PUT", `/api/v1/providers/hostile-${slot}`, {
        token: registry,
        body: provider(`hostile-${slot}`, v),
      }),
    stored: async (_res, slot) => json(await call(h.app, "GET", `/api/v1/providers/hostile-${slot}`)).name,
  },
  {
    name: "a provider's id",
    send: (v) =>
      call(h.app, "PUT", `/api/v1/providers/${percentEncode(v)}`, { token: registry, body: provider(v, "Hostile id") }),
  },
  {
    name: "a learner's given name",
    send: (v, slot) =>
      call(h.app, "POST", "/api/v1/learners", {
        token: registry,
        body: { givenName: v, identifiers: [{ kind: "email", value: `given.${slot}@example.org` }] },
      }),
    stored: async (res) =>
      json(await call(h.app, "GET", `/api/v1/learners/${json(res).id}`, { token: registry })).profile.givenName,
  },
  {
    name: "a recorded learner's family name",
    send: (v, slot) =>
      call(h.app, "POST", "/api/v1/achievements", {
        token: providerA,
        body: {
          ...achievement(A, "A-APP", `family.${slot}@example.org`),
          learner: { familyName: v, identifiers: [{ kind: "email", value: `family.${slot}@example.org` }] },
        },
      }),
    stored: async (res) =>
      json(await call(h.app, "GET", `/api/v1/learners/${json(res).learnerId}`, { token: registry })).profile.familyName,
  },
  {
    name: "an achievement's record id and grade",
    send: (v, slot) =>
      call(h.app, "POST", "/api/v1/achievements", {
        token: providerA,
        body: achievement(A, "A-APP", `grade.${slot}@example.org`, { recordId: v, grade: v }),
      }),
  },
  {
    name: "a student number",
    send: (v) =>
      call(h.app, "POST", "/api/v1/achievements", {
        token: providerA,
        body: {
          ...achievement(A, "A-APP", "unused@example.org"),
          learner: { identifiers: [{ kind: "student-number", issuer: A, value: v }] },
        },
      }),
    // Student numbers are normalised (case, spaces): what counts is that the same spelling finds the same account.
    stored: async (res, _slot, _ctx, value) => {
      const lookup = await call(h.app, "GET", "/api/v1/learners/lookup", {
        token: registry,
        query: { kind: "student-number", issuer: A, value },
      });
      return json(lookup)?.id === json(res).learnerId ? value : lookup.body;
    },
  },
  {
    name: "an e-mail identifier in a lookup",
    send: (v) => call(h.app, "GET", "/api/v1/learners/lookup", { token: registry, query: { kind: "email", value: v } }),
  },
  {
    name: "a catalogue search",
    send: (v) => call(h.app, "GET", "/api/v1/units", { query: { q: v } }),
  },
  {
    name: "a provider filter",
    send: (v) => call(h.app, "GET", "/api/v1/units", { query: { provider: v } }),
  },
  {
    name: "the reason a unit is returned",
    setup: async (slot) => {
      const saved = await call(h.app, "POST", "/api/v1/units", {
        token: providerA,
        body: coherentUnit(A, `HR-${slot}`),
      });
      const unitId = json(saved).unit.unitId as string;
      const submitted = await call(h.app, "POST", `/api/v1/units/${unitId}/versions/1/submit`, {
        token: providerA,
        body: {},
      });
      expect(submitted.statusCode, submitted.body).toBe(200);
      return { unitId };
    },
    send: (v, _slot, ctx) =>
      call(h.app, "POST", `/api/v1/units/${ctx.unitId}/versions/1/return`, { token: registry, body: { reason: v } }),
    stored: async (_res, _slot, ctx) => {
      const history = json(await call(h.app, "GET", `/api/v1/units/${ctx.unitId}/history`, { token: registry })).items;
      return history.at(-1).reason;
    },
  },
  {
    name: "the reason two accounts are merged",
    setup: async (slot) => {
      const open = async (n: number) =>
        json(
          await call(h.app, "POST", "/api/v1/learners", {
            token: registry,
            body: { identifiers: [{ kind: "email", value: `merge${n}.${slot}@example.org` }] },
          }),
        ).id as string;
      return { survivor: await open(1), merged: await open(2) };
    },
    send: (v, _slot, ctx) =>
      call(h.app, "POST", `/api/v1/learners/${ctx.survivor}/merge`, {
        token: registry,
        body: { mergedId: ctx.merged, reason: v },
      }),
    stored: async (_res, _slot, ctx) =>
      json(await call(h.app, "GET", `/api/v1/learners/${ctx.survivor}`, { token: registry })).merges[0].reason,
  },
];

describe("hostile strings: a 4xx with a code and nothing written, or accepted and returned unchanged; never a 500", () => {
  let slot = 0;
  for (const place of PLACES) {
    for (const [kind, value] of Object.entries(HOSTILE)) {
      it(`${kind} in ${place.name}`, async () => {
        const s = `s${++slot}`;
        const ctx = place.setup ? await place.setup(s) : {};
        const before = await counts();
        const res = await place.send(value, s, ctx);
        expect(res.statusCode, res.body.slice(0, 500)).toBeLessThan(500);
        if (res.statusCode >= 400) {
          expectErrorShape(res);
          expect(await counts(), "a refused request wrote something").toEqual(before);
        } else if (place.stored) {
          const stored = await place.stored(res, s, ctx, value);
          expect(stored === value, `stored as ${JSON.stringify(stored).slice(0, 80)}`).toBe(true);
        }
      });
    }
  }

  it("the database still works afterwards: every table is there and writes succeed", async () => {
    expect(json(await call(h.app, "GET", "/healthz")).status).toBe("ok");
    const before = await counts();
    expect(before.learner).toBeGreaterThan(0);
    const res = await call(h.app, "POST", "/api/v1/achievements", {
      token: providerA,
      body: achievement(A, "A-APP", "after.hostile@example.org"),
    });
    expect(res.statusCode, res.body).toBe(201);
    const after = await counts();
    expect(after.learner).toBe(before.learner + 1);
    expect(after.achievement).toBe(before.achievement + 1);
    expect(after.account_entry).toBe(before.account_entry + 1);
  });
});

// ---------------------------------------------------------------------------------------------
// Arbitrary input (fast-check)

describe("arbitrary JSON bodies (property)", () => {
  const ROUTES = ["/api/v1/units", "/api/v1/achievements", "/api/v1/bundles"];
  for (const url of ROUTES) {
    it(`POST ${url}: never a 5xx, and every error has a code and a message`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.jsonValue({ maxDepth: 4 }), async (body) => {
          const res = await call(h.app, "POST", url, {
            token: registry,
            raw: { payload: JSON.stringify(body), contentType: "application/json" },
          });
          expect(res.statusCode, res.body.slice(0, 300)).toBeLessThan(500);
          if (res.statusCode >= 400) {
            const error = json(res)?.error;
            expect(typeof error?.code, res.body).toBe("string");
            expect(typeof error?.message, res.body).toBe("string");
          }
        }),
        { numRuns: 50 },
      );
    });
  }

  it("arbitrary objects shaped like a unit: never a 5xx", async () => {
    const unitLike = fc.record(
      {
        provider: fc.oneof(fc.constant(A), fc.string()),
        code: fc.oneof(fc.constant("FUZZ"), fc.string()),
        title: fc.string(),
        level: fc.oneof(fc.record({ framework: fc.constantFrom("eqf", "nope"), level: fc.string() }), fc.jsonValue()),
        credits: fc.oneof(fc.record({ value: fc.double(), system: fc.constantFrom("ects", "nope") }), fc.jsonValue()),
        notionalHours: fc.oneof(fc.double(), fc.jsonValue()),
        outcomes: fc.array(fc.record({ id: fc.string(), text: fc.string(), dimension: fc.string() }), { maxLength: 3 }),
      },
      { requiredKeys: ["provider", "code", "title"] },
    );
    await fc.assert(
      fc.asyncProperty(unitLike, async (body) => {
        const res = await call(h.app, "POST", "/api/v1/units", {
          token: registry,
          raw: { payload: JSON.stringify(body), contentType: "application/json" },
        });
        expect(res.statusCode, res.body.slice(0, 300)).toBeLessThan(500);
        if (res.statusCode >= 400) expectErrorShape(res);
      }),
      { numRuns: 50 },
    );
  });

  it("arbitrary Unicode in a unit's title: never a 5xx, and accepted titles come back unchanged", async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: "binary", minLength: 1, maxLength: 40 }), async (title) => {
        const res = await call(h.app, "POST", "/api/v1/units", {
          token: providerA,
          body: coherentUnit(A, `FT-${++n}`, { title }),
        });
        expect(res.statusCode, res.body.slice(0, 300)).toBeLessThan(500);
        if (res.statusCode < 400) {
          const unit = json(await call(h.app, "GET", `/api/v1/units/${json(res).unit.unitId}`, { token: providerA }));
          expect(unit.spec.title).toBe(title);
        } else expectErrorShape(res);
      }),
      // The known troublemakers run first, every time; the random runs look for more.
      { numRuns: 50, examples: [["\u0000"], ["a\ud800"], ["\u202e"], ["\ufeff"]] },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Nothing half-written

describe("nothing half-written", () => {
  it("a bundle with one incoherent unit among good ones imports nothing", async () => {
    const before = await counts();
    const { outcomes: _o, ...noOutcomes } = coherentUnit("prov-half", "H3");
    const bundle = {
      providers: [provider("prov-half", "Half Written College")],
      units: [
        { ...coherentUnit("prov-half", "H1"), status: "approved" },
        { ...coherentUnit("prov-half", "H2"), status: "approved" },
        { ...noOutcomes, status: "approved" },
      ],
    };
    const res = await call(h.app, "POST", "/api/v1/bundles", { token: registry, body: bundle });
    const error = expectError(res, 400, "bundle-units-incoherent");
    expect(error.details?.every((d) => d.path.startsWith("/units/2"))).toBe(true);
    expect(error.message).toMatch(/nothing was imported/);
    expect(await counts()).toEqual(before);
    expectError(await call(h.app, "GET", "/api/v1/providers/prov-half"), 404, "provider-not-found");
    expect(
      json(await call(h.app, "GET", "/api/v1/units", { token: registry, query: { provider: "prov-half" } })).total,
    ).toBe(0);

    // Fixed, the same bundle goes in whole.
    (bundle.units[2] as Record<string, unknown>).outcomes = coherentUnit("prov-half", "H3").outcomes;
    const fixed = await call(h.app, "POST", "/api/v1/bundles", { token: registry, body: bundle });
    expect(fixed.statusCode, fixed.body).toBe(200);
    expect(json(fixed).units).toMatchObject({ created: 3, approved: 3 });
  });

  it("a bundle with shape errors in several places reports all of them and imports nothing", async () => {
    const before = await counts();
    const bundle = {
      providers: [provider("prov-shape", "Shape"), { ...provider("prov-shape-2", "Shape 2"), kind: "castle" }],
      units: [coherentUnit("prov-shape", "S1"), { ...coherentUnit("prov-shape", "S2"), credits: "lots" }],
      qualifications: [{ awardingBody: "prov-shape", code: "Q", title: "Q" }],
    };
    const res = await call(h.app, "POST", "/api/v1/bundles", { token: registry, body: bundle });
    const error = expectError(res, 400, "bundle-invalid");
    const paths = error.details?.map((d) => d.path);
    expect(paths).toEqual(expect.arrayContaining(["/providers/1/kind", "/units/1/credits", "/qualifications/0/type"]));
    expect(await counts()).toEqual(before);
  });

  describe("an achievements CSV with some bad rows", () => {
    const CSV = [
      "provider,unit,achieved_on,email,given_name,family_name",
      "prov-a,A-APP,2025-01-10,csv.one@example.org,Ann,One", // 1 good
      "prov-a,A-APP,2025-13-45,csv.two@example.org,Bob,Two", // 2 no such date
      "prov-a,NO-SUCH,2025-01-10,csv.three@example.org,Cy,Three", // 3 unknown unit
      "prov-a,A-APP,2025-01-10,not-an-email,Di,Four", // 4 bad e-mail
      "prov-a,A-APP,2999-01-01,csv.five@example.org,Ed,Five", // 5 in the future
      "prov-a,A-APP,2025-01-11,csv.six@example.org,Flo,Six", // 6 good
      "prov-b,B-APP,2025-01-10,csv.seven@example.org,Gus,Seven", // 7 another provider's unit
      "prov-a,A-DRAFT,2025-01-10,csv.eight@example.org,Hal,Eight", // 8 a draft unit
    ].join("\n");
    const EXPECTED_ERRORS = [
      { row: 2, field: "achieved_on" },
      { row: 3, field: "unit", code: "unknown-unit" },
      { row: 4, field: "email", code: "identifier-invalid-email" },
      { row: 5, field: "achieved_on", code: "date-in-future" },
      { row: 7, field: "provider", code: "not-your-provider" },
      { row: 8, field: "unit", code: "unit-not-creditable" },
    ];
    const post = () =>
      call(h.app, "POST", "/api/v1/achievements/bulk", {
        token: providerA,
        raw: { payload: CSV, contentType: "text/csv" },
      });

    it("records the good rows and reports each bad row with its number and column", async () => {
      const before = await counts();
      const res = await post();
      expect(res.statusCode, res.body).toBe(200);
      const report = json(res);
      expect(report).toMatchObject({ rows: 8, recorded: 2, unchanged: 0, learnersCreated: 2 });
      expect(report.errors).toHaveLength(EXPECTED_ERRORS.length);
      EXPECTED_ERRORS.forEach((e, i) => {
        expect(report.errors[i]).toMatchObject(e);
        expect(report.errors[i].message.length).toBeGreaterThan(10);
      });
      expect(report.results.map((r: { row: number; status: string }) => [r.row, r.status])).toEqual([
        [1, "recorded"],
        [6, "recorded"],
      ]);
      const after = await counts();
      expect(after.achievement - before.achievement).toBe(2);
      expect(after.account_entry - before.account_entry).toBe(2);
      expect(after.learner - before.learner).toBe(2);
    });

    it("re-posting the same file records nothing new: the good rows are all 'unchanged'", async () => {
      const before = await counts();
      const report = json(await post());
      expect(report).toMatchObject({ rows: 8, recorded: 0, unchanged: 2, learnersCreated: 0 });
      expect(report.results.map((r: { status: string }) => r.status)).toEqual(["unchanged", "unchanged"]);
      expect(report.errors.map((e: { row: number; field: string }) => [e.row, e.field])).toEqual(
        EXPECTED_ERRORS.map((e) => [e.row, e.field]),
      );
      expect(await counts()).toEqual(before);
    });

    it("a file with a wrong header or broken quoting is refused whole", async () => {
      const before = await counts();
      const header = await call(h.app, "POST", "/api/v1/achievements/bulk", {
        token: providerA,
        raw: { payload: "provider,unit,date,email\nprov-a,A-APP,2025-01-01,x@example.org", contentType: "text/csv" },
      });
      const error = expectError(header, 400, "csv-header-invalid");
      expect(error.details?.map((d) => d.path)).toEqual(expect.arrayContaining(["achieved_on", "date"]));
      const quoting = await call(h.app, "POST", "/api/v1/achievements/bulk", {
        token: providerA,
        raw: {
          payload: 'provider,unit,achieved_on,email\n"prov-a,A-APP,2025-01-01,x@example.org',
          contentType: "text/csv",
        },
      });
      expectError(quoting, 400, "malformed-csv");
      const notAList = await call(h.app, "POST", "/api/v1/achievements/bulk", {
        token: providerA,
        body: { provider: A },
      });
      expectError(notAList, 400, "invalid-achievements-file");
      expect(await counts()).toEqual(before);
    });
  });

  it("a JSON array of achievements reports errors by index and JSON pointer", async () => {
    const res = await call(h.app, "POST", "/api/v1/achievements/bulk", {
      token: providerA,
      body: [
        achievement(A, "A-APP", "json.one@example.org"),
        { ...achievement(A, "A-APP", "json.two@example.org"), achievedOn: "soon" },
        42,
      ],
    });
    expect(res.statusCode, res.body).toBe(200);
    const report = json(res);
    expect(report.recorded).toBe(1);
    expect(report.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ row: 1, field: "/1/achievedOn" }),
        expect.objectContaining({ row: 2, field: "/2" }),
      ]),
    );
  });

  it("an achievement for a provider the caller does not act for leaves no account behind", async () => {
    const before = await counts();
    expectError(
      await call(h.app, "POST", "/api/v1/achievements", {
        token: providerA,
        body: achievement(B, "B-APP", "never.opened@example.org"),
      }),
      403,
      "not-your-provider",
    );
    expect(await counts()).toEqual(before);
  });
});
