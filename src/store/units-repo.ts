/**
 * Units, qualifications and the register's event history. Every version of a unit or qualification is
 * a row of its own; only drafts are edited in place.
 */
import { type SelectQueryBuilder, sql } from "kysely";
import { prerequisiteKey } from "../domain/coherence.ts";
import type { QualificationSpec, UnitSpec, UnitStatus } from "../domain/schema/catalogue.ts";
import type { LevelRef } from "../domain/schema/common.ts";
import type { Db } from "./catalogue-repo.ts";
import type { Database } from "./schema.ts";

export interface StoredFinding {
  code: string;
  severity: "error" | "warning" | "info";
  path: string;
  message: string;
  hint: string;
}

export interface UnitVersionRecord {
  unitId: string;
  providerId: string;
  code: string;
  version: number;
  latestVersion: number;
  status: UnitStatus;
  spec: UnitSpec;
  specHash: string;
  title: string;
  level: LevelRef | null;
  levelOrdinal: number | null;
  credits: number | null;
  creditSystem: string | null;
  notionalHours: number | null;
  field: string | null;
  dimensions: string[];
  findings: StoredFinding[];
  supersededOn: string | null;
  createdAt: string;
  statusChangedAt: string;
}

function unitVersionQuery(db: Db) {
  return db
    .selectFrom("unit_version as v")
    .innerJoin("unit as u", "u.id", "v.unit_id")
    .select([
      "v.unit_id",
      "u.provider_id",
      "u.code",
      "u.latest_version",
      "v.version",
      "v.status",
      "v.spec",
      "v.spec_hash",
      "v.title",
      "v.level_framework_id",
      "v.level_code",
      "v.level_ordinal",
      "v.credits",
      "v.credit_system_id",
      "v.notional_hours",
      "v.field",
      "v.dimensions",
      "v.findings",
      "v.superseded_on",
      "v.created_at",
      "v.status_changed_at",
    ]);
}

type UnitVersionRow = Awaited<ReturnType<ReturnType<typeof unitVersionQuery>["executeTakeFirstOrThrow"]>>;

function toRecord(r: UnitVersionRow): UnitVersionRecord {
  return {
    unitId: r.unit_id,
    providerId: r.provider_id,
    code: r.code,
    version: r.version,
    latestVersion: r.latest_version,
    status: r.status as UnitStatus,
    spec: r.spec as UnitSpec,
    specHash: r.spec_hash,
    title: r.title,
    level: r.level_framework_id && r.level_code ? { framework: r.level_framework_id, level: r.level_code } : null,
    levelOrdinal: r.level_ordinal,
    credits: r.credits === null ? null : Number(r.credits),
    creditSystem: r.credit_system_id,
    notionalHours: r.notional_hours === null ? null : Number(r.notional_hours),
    field: r.field,
    dimensions: r.dimensions,
    findings: r.findings as StoredFinding[],
    supersededOn: r.superseded_on,
    createdAt: new Date(r.created_at).toISOString(),
    statusChangedAt: new Date(r.status_changed_at).toISOString(),
  };
}

export async function findUnit(
  db: Db,
  providerId: string,
  code: string,
): Promise<{ id: string; latestVersion: number } | undefined> {
  const row = await db
    .selectFrom("unit")
    .select(["id", "latest_version"])
    .where("provider_id", "=", providerId)
    .where("code", "=", code)
    .executeTakeFirst();
  return row ? { id: row.id, latestVersion: row.latest_version } : undefined;
}

export async function getUnitVersion(db: Db, unitId: string, version?: number): Promise<UnitVersionRecord | undefined> {
  let q = unitVersionQuery(db).where("v.unit_id", "=", unitId);
  q = version === undefined ? q.whereRef("v.version", "=", "u.latest_version") : q.where("v.version", "=", version);
  const row = await q.executeTakeFirst();
  return row ? toRecord(row) : undefined;
}

export async function listUnitVersions(db: Db, unitId: string): Promise<UnitVersionRecord[]> {
  const rows = await unitVersionQuery(db).where("v.unit_id", "=", unitId).orderBy("v.version").execute();
  return rows.map(toRecord);
}

export interface UnitFilter {
  provider?: string | undefined;
  status?: UnitStatus[] | undefined;
  field?: string | undefined;
  framework?: string | undefined;
  level?: string | undefined;
  q?: string | undefined;
  /** Only the current version of each unit (the latest; with status 'approved', the latest approved). */
  current?: boolean;
  limit: number;
  offset: number;
}

export async function listUnits(db: Db, filter: UnitFilter): Promise<{ items: UnitVersionRecord[]; total: number }> {
  const apply = <O>(
    query: SelectQueryBuilder<Database & { v: Database["unit_version"]; u: Database["unit"] }, "v" | "u", O>,
  ) => {
    let q = query;
    if (filter.provider) q = q.where("u.provider_id", "=", filter.provider);
    if (filter.status && filter.status.length > 0) q = q.where("v.status", "in", filter.status);
    if (filter.field) q = q.where("v.field", "like", `${filter.field.replace(/[%_\\]/g, "")}%`);
    if (filter.framework) q = q.where("v.level_framework_id", "=", filter.framework);
    if (filter.level) q = q.where("v.level_code", "=", filter.level);
    if (filter.q) {
      const pattern = `%${filter.q.replace(/[%_\\]/g, (c) => `\\${c}`)}%`;
      q = q.where((eb) => eb.or([eb("v.title", "ilike", pattern), eb("u.code", "ilike", pattern)]));
    }
    if (filter.current) {
      // The newest version among those that pass the status filter.
      q = q.where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom("unit_version as newer")
              .select(sql`1`.as("one"))
              .whereRef("newer.unit_id", "=", "v.unit_id")
              .whereRef("newer.version", ">", "v.version")
              .$if(Boolean(filter.status && filter.status.length > 0), (sq) =>
                sq.where("newer.status", "in", filter.status ?? []),
              ),
          ),
        ),
      );
    }
    return q;
  };
  const base = db.selectFrom("unit_version as v").innerJoin("unit as u", "u.id", "v.unit_id");
  const countRow = await apply(base.select((eb) => eb.fn.countAll<string>().as("n"))).executeTakeFirstOrThrow();
  const rows = await apply(unitVersionQuery(db))
    .orderBy("u.provider_id")
    .orderBy("u.code")
    .orderBy("v.version")
    .limit(filter.limit)
    .offset(filter.offset)
    .execute();
  return { items: rows.map(toRecord), total: Number(countRow.n) };
}

export interface UnitVersionWrite {
  status: UnitStatus;
  spec: UnitSpec;
  specHash: string;
  levelOrdinal: number | null;
  dimensions: string[];
  findings: StoredFinding[];
}

function versionColumns(w: UnitVersionWrite) {
  return {
    status: w.status,
    spec: JSON.stringify(w.spec),
    spec_hash: w.specHash,
    title: w.spec.title,
    level_framework_id: w.spec.level?.framework ?? null,
    level_code: w.spec.level?.level ?? null,
    level_ordinal: w.levelOrdinal,
    credits: w.spec.credits?.value ?? null,
    credit_system_id: w.spec.credits?.system ?? null,
    notional_hours: w.spec.notionalHours ?? null,
    field: w.spec.field ?? null,
    dimensions: w.dimensions,
    findings: JSON.stringify(w.findings),
  };
}

export async function insertUnit(db: Db, providerId: string, code: string, w: UnitVersionWrite): Promise<string> {
  const unit = await db
    .insertInto("unit")
    .values({ provider_id: providerId, code, latest_version: 1 })
    .returning("id")
    .executeTakeFirstOrThrow();
  await db
    .insertInto("unit_version")
    .values({ unit_id: unit.id, version: 1, ...versionColumns(w) })
    .execute();
  return unit.id;
}

export async function insertUnitVersion(db: Db, unitId: string, version: number, w: UnitVersionWrite): Promise<void> {
  await db
    .insertInto("unit_version")
    .values({ unit_id: unitId, version, ...versionColumns(w) })
    .execute();
  await db.updateTable("unit").set({ latest_version: version }).where("id", "=", unitId).execute();
}

export async function updateUnitVersion(db: Db, unitId: string, version: number, w: UnitVersionWrite): Promise<void> {
  await db
    .updateTable("unit_version")
    .set({ ...versionColumns(w), status_changed_at: new Date() })
    .where("unit_id", "=", unitId)
    .where("version", "=", version)
    .execute();
}

export async function updateUnitFindings(
  db: Db,
  unitId: string,
  version: number,
  findings: StoredFinding[],
): Promise<void> {
  await db
    .updateTable("unit_version")
    .set({ findings: JSON.stringify(findings) })
    .where("unit_id", "=", unitId)
    .where("version", "=", version)
    .execute();
}

export async function setUnitVersionStatus(
  db: Db,
  unitId: string,
  version: number,
  status: UnitStatus,
  supersededOn?: string,
): Promise<void> {
  await db
    .updateTable("unit_version")
    .set({ status, status_changed_at: new Date(), ...(supersededOn ? { superseded_on: supersededOn } : {}) })
    .where("unit_id", "=", unitId)
    .where("version", "=", version)
    .execute();
}

/**
 * The prerequisite graph of the catalogue: for every unit ('providerId:CODE') the prerequisites of its
 * latest version, resolved to keys. Withdrawn units are left out, so a prerequisite on one points nowhere.
 */
export async function loadPrerequisiteGraph(db: Db): Promise<Map<string, string[]>> {
  const rows = await db
    .selectFrom("unit_version as v")
    .innerJoin("unit as u", "u.id", "v.unit_id")
    .whereRef("v.version", "=", "u.latest_version")
    .where("v.status", "<>", "withdrawn")
    .select(["u.provider_id", "u.code", sql<unknown>`v.spec -> 'prerequisites'`.as("prerequisites")])
    .execute();
  const graph = new Map<string, string[]>();
  for (const r of rows) {
    const prerequisites = Array.isArray(r.prerequisites) ? (r.prerequisites as Array<{ unit: string }>) : [];
    graph.set(
      `${r.provider_id}:${r.code}`,
      prerequisites.map((p) => prerequisiteKey(r.provider_id, p.unit)),
    );
  }
  return graph;
}

// ── Qualifications ────────────────────────────────────────────────────────────────────────────

export interface QualificationRecord {
  id: string;
  awardingBody: string;
  code: string;
  version: number;
  latestVersion: number;
  status: "active" | "withdrawn";
  spec: QualificationSpec;
  specHash: string;
  createdAt: string;
}

function qualificationQuery(db: Db) {
  return db
    .selectFrom("qualification_version as v")
    .innerJoin("qualification as q", "q.id", "v.qualification_id")
    .select([
      "q.id",
      "q.awarding_body_id",
      "q.code",
      "q.latest_version",
      "v.version",
      "v.status",
      "v.spec",
      "v.spec_hash",
      "v.created_at",
    ]);
}

function toQualification(r: Awaited<ReturnType<ReturnType<typeof qualificationQuery>["executeTakeFirstOrThrow"]>>) {
  return {
    id: r.id,
    awardingBody: r.awarding_body_id,
    code: r.code,
    version: r.version,
    latestVersion: r.latest_version,
    status: r.status as QualificationRecord["status"],
    spec: r.spec as QualificationSpec,
    specHash: r.spec_hash,
    createdAt: new Date(r.created_at).toISOString(),
  };
}

export async function findQualification(
  db: Db,
  awardingBody: string,
  code: string,
): Promise<{ id: string; latestVersion: number } | undefined> {
  const row = await db
    .selectFrom("qualification")
    .select(["id", "latest_version"])
    .where("awarding_body_id", "=", awardingBody)
    .where("code", "=", code)
    .executeTakeFirst();
  return row ? { id: row.id, latestVersion: row.latest_version } : undefined;
}

export async function getQualification(db: Db, id: string, version?: number): Promise<QualificationRecord | undefined> {
  let q = qualificationQuery(db).where("q.id", "=", id);
  q = version === undefined ? q.whereRef("v.version", "=", "q.latest_version") : q.where("v.version", "=", version);
  const row = await q.executeTakeFirst();
  return row ? toQualification(row) : undefined;
}

export async function listQualifications(
  db: Db,
  filter: { awardingBody?: string | undefined; type?: string | undefined; limit: number; offset: number },
): Promise<{ items: QualificationRecord[]; total: number }> {
  let q = qualificationQuery(db).whereRef("v.version", "=", "q.latest_version");
  if (filter.awardingBody) q = q.where("q.awarding_body_id", "=", filter.awardingBody);
  if (filter.type) q = q.where("v.type", "=", filter.type);
  const all = await q.orderBy("q.awarding_body_id").orderBy("q.code").execute();
  return {
    items: all.slice(filter.offset, filter.offset + filter.limit).map(toQualification),
    total: all.length,
  };
}

function qualificationColumns(spec: QualificationSpec, specHash: string) {
  return {
    status: "active",
    spec: JSON.stringify(spec),
    spec_hash: specHash,
    title: spec.title,
    type: spec.type,
    level_framework_id: spec.level.framework,
    level_code: spec.level.level,
    credits: spec.credits.value,
    credit_system_id: spec.credits.system,
    field: spec.field ?? null,
    rules: spec.rules === undefined ? null : JSON.stringify(spec.rules),
  };
}

export async function insertQualification(db: Db, spec: QualificationSpec, specHash: string): Promise<string> {
  const q = await db
    .insertInto("qualification")
    .values({ awarding_body_id: spec.awardingBody, code: spec.code, latest_version: 1 })
    .returning("id")
    .executeTakeFirstOrThrow();
  await db
    .insertInto("qualification_version")
    .values({ qualification_id: q.id, version: 1, ...qualificationColumns(spec, specHash) })
    .execute();
  return q.id;
}

export async function insertQualificationVersion(
  db: Db,
  id: string,
  version: number,
  spec: QualificationSpec,
  specHash: string,
): Promise<void> {
  await db
    .insertInto("qualification_version")
    .values({ qualification_id: id, version, ...qualificationColumns(spec, specHash) })
    .execute();
  await db.updateTable("qualification").set({ latest_version: version }).where("id", "=", id).execute();
}

// ── Register history ──────────────────────────────────────────────────────────────────────────

export interface RegisterEvent {
  actorId?: string | undefined;
  actorLabel: string;
  subjectType:
    | "framework"
    | "credit-system"
    | "skill-framework"
    | "provider"
    | "accreditation"
    | "unit"
    | "qualification";
  subjectId: string;
  action: string;
  fromStatus?: string | null;
  toStatus?: string | null;
  reason?: string | null;
  details?: unknown;
}

export async function appendRegisterEvent(db: Db, e: RegisterEvent): Promise<void> {
  await db
    .insertInto("register_event")
    .values({
      actor_id: e.actorId ?? null,
      actor_label: e.actorLabel,
      subject_type: e.subjectType,
      subject_id: e.subjectId,
      action: e.action,
      from_status: e.fromStatus ?? null,
      to_status: e.toStatus ?? null,
      reason: e.reason ?? null,
      details: e.details === undefined ? null : JSON.stringify(e.details),
    })
    .execute();
}

export async function listRegisterEvents(db: Db, subjectType: string, subjectIds: string[]) {
  if (subjectIds.length === 0) return [];
  const rows = await db
    .selectFrom("register_event")
    .selectAll()
    .where("subject_type", "=", subjectType)
    .where("subject_id", "in", subjectIds)
    .orderBy("id")
    .execute();
  return rows.map((r) => ({
    id: r.id,
    at: new Date(r.at).toISOString(),
    actor: r.actor_label,
    subjectType: r.subject_type,
    subjectId: r.subject_id,
    action: r.action,
    fromStatus: r.from_status,
    toStatus: r.to_status,
    reason: r.reason,
    details: r.details,
  }));
}
