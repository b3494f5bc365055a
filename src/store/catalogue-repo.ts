/**
 * Reads and writes of the register and catalogue tables, mapping rows to the domain's shapes
 * (schema/catalogue.ts) and back. Upserts report whether they created, changed or left a record alone,
 * which is what makes bundle re-imports idempotent and their reports honest.
 */
import canonicalize from "canonicalize";
import type { Kysely } from "kysely";
import type { Accreditation, CreditSystem, Framework, Provider, SkillFramework } from "../domain/schema/catalogue.ts";
import type { Database } from "./schema.ts";

export type Db = Kysely<Database>;
export type UpsertOutcome = "created" | "updated" | "unchanged";

/** `T` with its nullable members made optional and non-null: a row read back as the domain shape. */
export type Compacted<T> = { [K in keyof T as null extends T[K] ? never : K]: T[K] } & {
  [K in keyof T as null extends T[K] ? K : never]?: Exclude<T[K], null>;
};

/** Drops null and undefined members, so rows read back compare equal to the input they came from. */
export function compact<T extends object>(value: T): Compacted<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null && v !== undefined)) as Compacted<T>;
}

export function sameContent(a: unknown, b: unknown): boolean {
  return canonicalize(a) === canonicalize(b);
}

// ── Frameworks ────────────────────────────────────────────────────────────────────────────────

export async function loadFrameworks(db: Db, ids?: string[]): Promise<Map<string, Framework>> {
  if (ids && ids.length === 0) return new Map();
  let frameworkQuery = db.selectFrom("framework").selectAll().orderBy("id");
  if (ids) frameworkQuery = frameworkQuery.where("id", "in", ids);
  const rows = await frameworkQuery.execute();
  if (rows.length === 0) return new Map();
  const found = rows.map((r) => r.id);
  const levels = await db
    .selectFrom("framework_level")
    .selectAll()
    .where("framework_id", "in", found)
    .orderBy("framework_id")
    .orderBy("ordinal")
    .execute();
  const references = await db
    .selectFrom("level_reference")
    .selectAll()
    .where("framework_id", "in", found)
    .orderBy("framework_id")
    .orderBy("level_code")
    .orderBy("target_framework_id")
    .execute();
  const result = new Map<string, Framework>();
  for (const row of rows) {
    const framework: Framework = compact({
      id: row.id,
      name: row.name,
      shortName: row.short_name,
      jurisdiction: row.jurisdiction,
      description: row.description,
      url: row.url,
      levels: levels
        .filter((l) => l.framework_id === row.id)
        .map((l) =>
          compact({
            code: l.code,
            ordinal: l.ordinal,
            title: l.title,
            knowledge: l.knowledge,
            skills: l.skills,
            responsibilityAutonomy: l.responsibility_autonomy,
          }),
        ),
    }) as Framework;
    const refs = references
      .filter((r) => r.framework_id === row.id)
      .map((r) =>
        compact({
          level: r.level_code,
          targetFramework: r.target_framework_id,
          targetLevel: r.target_level_code,
          basis: r.basis,
        }),
      );
    if (refs.length > 0) framework.levelReferences = refs;
    result.set(row.id, framework);
  }
  return result;
}

function normaliseFramework(fw: Framework): Framework {
  const levels = [...fw.levels].sort((a, b) => a.ordinal - b.ordinal);
  const refs = [...(fw.levelReferences ?? [])].sort((a, b) =>
    `${a.level}\u0000${a.targetFramework}`.localeCompare(`${b.level}\u0000${b.targetFramework}`),
  );
  return compact({ ...fw, levels, levelReferences: refs.length > 0 ? refs : undefined });
}

export async function upsertFramework(db: Db, input: Framework): Promise<UpsertOutcome> {
  const fw = normaliseFramework(input);
  const existing = (await loadFrameworks(db, [fw.id])).get(fw.id);
  if (existing && sameContent(normaliseFramework(existing), fw)) return "unchanged";
  const row = {
    name: fw.name,
    short_name: fw.shortName ?? null,
    jurisdiction: fw.jurisdiction ?? null,
    description: fw.description ?? null,
    url: fw.url ?? null,
  };
  if (existing) {
    await db
      .updateTable("framework")
      .set({ ...row, updated_at: new Date() })
      .where("id", "=", fw.id)
      .execute();
    await db.deleteFrom("framework_level").where("framework_id", "=", fw.id).execute();
  } else {
    await db
      .insertInto("framework")
      .values({ id: fw.id, ...row })
      .execute();
  }
  await db
    .insertInto("framework_level")
    .values(
      fw.levels.map((l) => ({
        framework_id: fw.id,
        code: l.code,
        ordinal: l.ordinal,
        title: l.title ?? null,
        knowledge: l.knowledge ?? null,
        skills: l.skills ?? null,
        responsibility_autonomy: l.responsibilityAutonomy ?? null,
      })),
    )
    .execute();
  if (fw.levelReferences && fw.levelReferences.length > 0) {
    await db
      .insertInto("level_reference")
      .values(
        fw.levelReferences.map((r) => ({
          framework_id: fw.id,
          level_code: r.level,
          target_framework_id: r.targetFramework,
          target_level_code: r.targetLevel,
          basis: r.basis ?? null,
        })),
      )
      .execute();
  }
  return existing ? "updated" : "created";
}

// ── Credit systems ────────────────────────────────────────────────────────────────────────────

export async function loadCreditSystems(db: Db): Promise<Map<string, CreditSystem>> {
  const rows = await db.selectFrom("credit_system").selectAll().orderBy("id").execute();
  return new Map(
    rows.map((r) => [
      r.id,
      compact({
        id: r.id,
        name: r.name,
        description: r.description,
        hoursPerCredit: { min: Number(r.hours_per_credit_min), max: Number(r.hours_per_credit_max) },
      }) as CreditSystem,
    ]),
  );
}

export async function upsertCreditSystem(db: Db, cs: CreditSystem): Promise<UpsertOutcome> {
  const existing = (await loadCreditSystems(db)).get(cs.id);
  if (existing && sameContent(existing, compact(cs))) return "unchanged";
  const row = {
    name: cs.name,
    description: cs.description ?? null,
    hours_per_credit_min: cs.hoursPerCredit.min,
    hours_per_credit_max: cs.hoursPerCredit.max,
  };
  if (existing) {
    await db
      .updateTable("credit_system")
      .set({ ...row, updated_at: new Date() })
      .where("id", "=", cs.id)
      .execute();
    return "updated";
  }
  await db
    .insertInto("credit_system")
    .values({ id: cs.id, ...row })
    .execute();
  return "created";
}

// ── Skill frameworks ──────────────────────────────────────────────────────────────────────────

export async function loadSkillFramework(db: Db, id: string): Promise<SkillFramework | undefined> {
  const row = await db.selectFrom("skill_framework").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) return undefined;
  const items = await db.selectFrom("skill_item").selectAll().where("framework_id", "=", id).orderBy("code").execute();
  return compact({
    id: row.id,
    name: row.name,
    publisher: row.publisher,
    url: row.url,
    items: items.map((i) =>
      compact({ code: i.code, label: i.label, parent: i.parent_code, description: i.description, uri: i.uri }),
    ),
  }) as SkillFramework;
}

/** Codes per skill framework, for checking alignments. */
export async function loadSkillCodes(db: Db): Promise<Map<string, { items: Set<string> }>> {
  const rows = await db.selectFrom("skill_item").select(["framework_id", "code"]).execute();
  const frameworks = await db.selectFrom("skill_framework").select("id").execute();
  const result = new Map<string, { items: Set<string> }>(frameworks.map((f) => [f.id, { items: new Set<string>() }]));
  for (const r of rows) result.get(r.framework_id)?.items.add(r.code);
  return result;
}

export async function upsertSkillFramework(db: Db, input: SkillFramework): Promise<UpsertOutcome> {
  const sf = compact({ ...input, items: [...input.items].sort((a, b) => a.code.localeCompare(b.code)).map(compact) });
  const existing = await loadSkillFramework(db, sf.id);
  if (existing && sameContent(existing, sf)) return "unchanged";
  const row = { name: sf.name, publisher: sf.publisher ?? null, url: sf.url ?? null };
  if (existing) {
    await db
      .updateTable("skill_framework")
      .set({ ...row, updated_at: new Date() })
      .where("id", "=", sf.id)
      .execute();
    await db.deleteFrom("skill_item").where("framework_id", "=", sf.id).execute();
  } else {
    await db
      .insertInto("skill_framework")
      .values({ id: sf.id, ...row })
      .execute();
  }
  for (let i = 0; i < sf.items.length; i += 1000) {
    await db
      .insertInto("skill_item")
      .values(
        sf.items.slice(i, i + 1000).map((it) => ({
          framework_id: sf.id,
          code: it.code,
          parent_code: it.parent ?? null,
          label: it.label,
          description: it.description ?? null,
          uri: it.uri ?? null,
        })),
      )
      .execute();
  }
  return existing ? "updated" : "created";
}

// ── Providers and accreditations ──────────────────────────────────────────────────────────────

export interface AccreditationRecord extends Accreditation {
  id: string;
  status: "active" | "suspended" | "withdrawn";
}

export async function loadAccreditations(db: Db, providerIds: string[]): Promise<Map<string, AccreditationRecord[]>> {
  const result = new Map<string, AccreditationRecord[]>(providerIds.map((id) => [id, []]));
  if (providerIds.length === 0) return result;
  const rows = await db
    .selectFrom("accreditation")
    .selectAll()
    .where("provider_id", "in", providerIds)
    .orderBy("provider_id")
    .orderBy("valid_from")
    .orderBy("framework_id")
    .execute();
  for (const r of rows) {
    result.get(r.provider_id)?.push(
      compact({
        id: r.id,
        framework: r.framework_id,
        minLevel: r.min_level,
        maxLevel: r.max_level,
        fields: r.fields,
        validFrom: r.valid_from,
        validTo: r.valid_to,
        status: r.status as AccreditationRecord["status"],
        reference: r.reference,
      }),
    );
  }
  return result;
}

export type ProviderWithAccreditations = Omit<Provider, "accreditations"> & { accreditations: AccreditationRecord[] };

export async function loadProviders(db: Db, ids?: string[]): Promise<ProviderWithAccreditations[]> {
  if (ids && ids.length === 0) return [];
  let q = db.selectFrom("provider").selectAll().orderBy("id");
  if (ids) q = q.where("id", "in", ids);
  const rows = await q.execute();
  const accreditations = await loadAccreditations(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => ({
    ...(compact({
      id: r.id,
      name: r.name,
      kind: r.kind as Provider["kind"],
      country: r.country,
      region: r.region,
      website: r.website,
      contactEmail: r.contact_email,
      description: r.description,
      qualityAssurance: r.quality_assurance,
      identifiers: r.identifiers.length > 0 ? r.identifiers : undefined,
    }) as Provider),
    accreditations: accreditations.get(r.id) ?? [],
  }));
}

export async function loadProvider(db: Db, id: string): Promise<ProviderWithAccreditations | undefined> {
  return (await loadProviders(db, [id]))[0];
}

/** Upserts the provider's profile; accreditations are handled by `upsertAccreditation`. */
export async function upsertProviderProfile(db: Db, input: Provider): Promise<UpsertOutcome> {
  const { accreditations: _ignored, ...profile } = input;
  const existing = await loadProvider(db, profile.id);
  const row = {
    name: profile.name,
    kind: profile.kind,
    country: profile.country,
    region: profile.region ?? null,
    website: profile.website ?? null,
    contact_email: profile.contactEmail ?? null,
    description: profile.description ?? null,
    quality_assurance: profile.qualityAssurance ?? null,
    identifiers: JSON.stringify(profile.identifiers ?? []),
  };
  if (existing) {
    const { accreditations: _a, ...existingProfile } = existing;
    if (sameContent(existingProfile, compact(profile))) return "unchanged";
    await db
      .updateTable("provider")
      .set({ ...row, updated_at: new Date() })
      .where("id", "=", profile.id)
      .execute();
    return "updated";
  }
  await db
    .insertInto("provider")
    .values({ id: profile.id, ...row })
    .execute();
  return "created";
}

export async function upsertAccreditation(
  db: Db,
  providerId: string,
  acc: Accreditation,
): Promise<{ outcome: UpsertOutcome; id: string; previousStatus?: string }> {
  const status = acc.status ?? "active";
  const existing = await db
    .selectFrom("accreditation")
    .selectAll()
    .where("provider_id", "=", providerId)
    .where("framework_id", "=", acc.framework)
    .where("valid_from", "=", acc.validFrom)
    .executeTakeFirst();
  const row = {
    min_level: acc.minLevel,
    max_level: acc.maxLevel,
    fields: [...acc.fields].sort(),
    valid_to: acc.validTo ?? null,
    status,
    reference: acc.reference ?? null,
  };
  if (existing) {
    const same =
      existing.min_level === row.min_level &&
      existing.max_level === row.max_level &&
      sameContent([...existing.fields].sort(), row.fields) &&
      existing.valid_to === row.valid_to &&
      existing.status === row.status &&
      existing.reference === row.reference;
    if (same) return { outcome: "unchanged", id: existing.id };
    await db
      .updateTable("accreditation")
      .set({ ...row, updated_at: new Date() })
      .where("id", "=", existing.id)
      .execute();
    return { outcome: "updated", id: existing.id, previousStatus: existing.status };
  }
  const inserted = await db
    .insertInto("accreditation")
    .values({ provider_id: providerId, framework_id: acc.framework, valid_from: acc.validFrom, ...row })
    .returning("id")
    .executeTakeFirstOrThrow();
  return { outcome: "created", id: inserted.id };
}
