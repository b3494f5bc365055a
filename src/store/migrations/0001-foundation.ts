/**
 * The foundation schema: register and catalogue (small, referenceable: Citus reference tables later),
 * learners and their accounts (keyed by learner_id: the distribution key later), and access.
 * docs/scaling.md explains how each table is meant to scale.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- ── Register and catalogue ────────────────────────────────────────────────────────────────
    create table framework (
      id text primary key,
      name text not null,
      short_name text,
      jurisdiction text,
      description text,
      url text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );

    create table framework_level (
      framework_id text not null references framework(id) on delete cascade,
      code text not null,
      ordinal integer not null,
      title text,
      knowledge text,
      skills text,
      responsibility_autonomy text,
      primary key (framework_id, code),
      unique (framework_id, ordinal)
    );

    -- Level referencing: a level of one framework corresponds to a level of another (e.g. NQF 7 -> EQF 6).
    -- The target is not a foreign key so frameworks can be loaded in any order; the service checks it.
    create table level_reference (
      framework_id text not null,
      level_code text not null,
      target_framework_id text not null,
      target_level_code text not null,
      basis text,
      primary key (framework_id, level_code, target_framework_id),
      foreign key (framework_id, level_code) references framework_level(framework_id, code) on delete cascade
    );

    create table credit_system (
      id text primary key,
      name text not null,
      description text,
      hours_per_credit_min numeric(9,3) not null check (hours_per_credit_min > 0),
      hours_per_credit_max numeric(9,3) not null check (hours_per_credit_max >= hours_per_credit_min),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );

    create table skill_framework (
      id text primary key,
      name text not null,
      publisher text,
      url text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );

    create table skill_item (
      framework_id text not null references skill_framework(id) on delete cascade,
      code text not null,
      parent_code text,
      label text not null,
      description text,
      uri text,
      primary key (framework_id, code)
    );

    create table provider (
      id text primary key,
      name text not null,
      kind text not null,
      country text not null,
      region text,
      website text,
      contact_email text,
      description text,
      quality_assurance text,
      identifiers jsonb not null default '[]',
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );

    create table accreditation (
      id uuid primary key default gen_random_uuid(),
      provider_id text not null references provider(id),
      framework_id text not null references framework(id),
      min_level text not null,
      max_level text not null,
      fields text[] not null,
      valid_from date not null,
      valid_to date,
      status text not null check (status in ('active', 'suspended', 'withdrawn')),
      reference text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      -- the natural key that makes bundle re-imports idempotent
      unique (provider_id, framework_id, valid_from)
    );

    create table unit (
      id uuid primary key default gen_random_uuid(),
      provider_id text not null references provider(id),
      code text not null,
      latest_version integer not null default 1,
      created_at timestamptz not null default now(),
      unique (provider_id, code)
    );

    -- Every version of a unit is kept: an issued credit points at the version the learner took.
    create table unit_version (
      unit_id uuid not null references unit(id),
      version integer not null check (version >= 1),
      status text not null check (status in ('draft', 'submitted', 'returned', 'approved', 'suspended', 'withdrawn', 'superseded')),
      spec jsonb not null,
      spec_hash text not null,
      title text not null,
      level_framework_id text,
      level_code text,
      level_ordinal integer,
      credits numeric(9,3),
      credit_system_id text,
      notional_hours numeric(9,2),
      field text,
      dimensions text[] not null default '{}',
      findings jsonb not null default '[]',
      superseded_on date,
      created_at timestamptz not null default now(),
      status_changed_at timestamptz not null default now(),
      primary key (unit_id, version)
    );
    create index unit_version_status on unit_version (status);

    create table qualification (
      id uuid primary key default gen_random_uuid(),
      awarding_body_id text not null references provider(id),
      code text not null,
      latest_version integer not null default 1,
      created_at timestamptz not null default now(),
      unique (awarding_body_id, code)
    );

    -- The requirement rules are data, versioned with the qualification.
    create table qualification_version (
      qualification_id uuid not null references qualification(id),
      version integer not null check (version >= 1),
      status text not null check (status in ('active', 'withdrawn')),
      spec jsonb not null,
      spec_hash text not null,
      title text not null,
      type text not null,
      level_framework_id text not null,
      level_code text not null,
      credits numeric(9,3) not null,
      credit_system_id text not null,
      field text,
      rules jsonb,
      created_at timestamptz not null default now(),
      primary key (qualification_id, version)
    );

    -- Who did what to the register, when and why. Append-only.
    create table register_event (
      id bigint generated always as identity primary key,
      at timestamptz not null default now(),
      actor_id uuid,
      actor_label text not null,
      subject_type text not null,
      subject_id text not null,
      action text not null,
      from_status text,
      to_status text,
      reason text,
      details jsonb
    );
    create index register_event_subject on register_event (subject_type, subject_id, id);

    -- ── Learners and personal learning accounts (distribution key: learner_id) ─────────────────
    create table learner (
      id uuid primary key default gen_random_uuid(),
      status text not null default 'active' check (status in ('active', 'merged', 'erased')),
      merged_into uuid references learner(id),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );

    -- Merged accounts point at their survivor; statements and recording look them up by it.
    create index learner_merged_into on learner (merged_into) where merged_into is not null;

    -- Personal data lives apart from account data so it can be erased without touching the ledger.
    create table learner_profile (
      learner_id uuid primary key references learner(id),
      given_name text,
      family_name text,
      birth_date date,
      preferred_language text,
      updated_at timestamptz not null default now()
    );

    create table learner_identifier (
      kind text not null check (kind in ('email', 'national-id', 'student-number')),
      issuer text not null default '',
      value text not null,
      learner_id uuid not null references learner(id),
      created_at timestamptz not null default now(),
      primary key (kind, issuer, value)
    );
    create index learner_identifier_learner on learner_identifier (learner_id);

    create table account_merge (
      id bigint generated always as identity primary key,
      survivor_id uuid not null references learner(id),
      merged_id uuid not null references learner(id),
      at timestamptz not null default now(),
      actor_label text not null,
      reason text not null,
      unique (merged_id)
    );

    -- Account rows name their learner, achievement, provider and unit version by key without foreign
    -- keys: none of those rows is ever deleted, every entry is written in its achievement's transaction,
    -- and the per-row checks (a row lock on the referenced unit version for every achievement) cost more
    -- than half of bulk recording (docs/decisions/0006). store/integrity.ts finds orphans; the tests
    -- run it.
    create table achievement (
      learner_id uuid not null,
      id uuid not null default gen_random_uuid(),
      provider_id text not null,
      unit_id uuid not null,
      unit_version integer not null,
      achieved_on date not null,
      result text,
      grade text,
      evidence jsonb not null default '[]',
      record_id text,
      content_hash text not null,
      recorded_at timestamptz not null default now(),
      recorded_by text not null,
      revoked_at timestamptz,
      primary key (learner_id, id)
    );
    -- One credit per unit per day per learner: the natural key that makes recording idempotent.
    -- A revoked achievement frees it, so a corrected record can be made for the same day.
    create unique index achievement_natural_key on achievement (learner_id, unit_id, achieved_on)
      where revoked_at is null;

    -- The statement. Entries are never updated or deleted: a revocation or correction is a new entry.
    create table account_entry (
      learner_id uuid not null,
      id bigint generated always as identity,
      achievement_id uuid,
      entry_type text not null check (entry_type in ('deposit', 'reversal')),
      source text not null check (source in ('earned', 'imported', 'recognised')),
      effective_on date not null,
      recorded_at timestamptz not null default now(),
      credits numeric(9,3) not null,
      credit_system_id text not null,
      level_framework_id text,
      level_code text,
      level_ordinal integer,
      provider_id text not null,
      unit_id uuid,
      unit_version integer,
      dimensions text[] not null default '{}',
      reverses_entry_id bigint,
      reason text,
      recorded_by text not null,
      primary key (learner_id, id)
    );
    -- An entry can be reversed once.
    create unique index account_entry_reversal on account_entry (learner_id, reverses_entry_id)
      where reverses_entry_id is not null;

    -- ── Access ──────────────────────────────────────────────────────────────────────────────────
    create table app_user (
      id uuid primary key default gen_random_uuid(),
      email text not null unique,
      password_hash text not null,
      display_name text not null,
      role text not null check (role in ('registry-admin', 'provider-admin', 'assessor', 'learner')),
      provider_id text references provider(id),
      learner_id uuid references learner(id),
      disabled boolean not null default false,
      created_at timestamptz not null default now(),
      check (role <> 'provider-admin' or provider_id is not null),
      check (role <> 'learner' or learner_id is not null)
    );

    create table user_session (
      token_hash text primary key,
      user_id uuid not null references app_user(id) on delete cascade,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null
    );

    create table api_client (
      client_id text primary key,
      secret_hash text not null,
      name text not null,
      role text not null check (role in ('registry-admin', 'provider-admin')),
      provider_id text references provider(id),
      disabled boolean not null default false,
      created_at timestamptz not null default now(),
      check (role <> 'provider-admin' or provider_id is not null)
    );

    create table access_token (
      token_hash text primary key,
      client_id text not null references api_client(client_id) on delete cascade,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table access_token, api_client, user_session, app_user, account_entry, achievement, account_merge,
      learner_identifier, learner_profile, learner, register_event, qualification_version, qualification,
      unit_version, unit, accreditation, provider, skill_item, skill_framework, credit_system, level_reference,
      framework_level, framework;
  `.execute(db);
}
