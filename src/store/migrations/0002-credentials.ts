/**
 * Verifiable credentials: issuer keys and their signed history, Bitstring status lists, and every
 * credential the bank issued, exactly as issued.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- A learner may give a DID of their own; credentials issued after that name them by it instead of a
    -- salted hash of an identifier.
    alter table learner add column did text;

    -- Facts about the bank itself, e.g. the fingerprint of the master key that seals issuer keys.
    create table bank_setting (
      key text primary key,
      value text not null
    );

    -- An issuer is 'bank' or a provider id. Each key is a Multikey verification method of the issuer's
    -- did:web; its secret is sealed with the master key (null when an external key store holds it).
    create table issuer_key (
      id text primary key,
      issuer_id text not null,
      did text not null,
      public_key_multibase text not null unique,
      sealed_secret text,
      status text not null check (status in ('active', 'rotated', 'retired', 'compromised')),
      created_at timestamptz not null default now(),
      retired_at timestamptz,
      compromised_since timestamptz
    );
    -- One active key per issuer: new credentials are signed with it.
    create unique index issuer_key_active on issuer_key (issuer_id) where status = 'active';
    create index issuer_key_issuer on issuer_key (issuer_id, created_at);

    -- The key history, append-only: each event is signed by the bank and chained to the one before it,
    -- so a rewritten history shows.
    create table issuer_key_event (
      id bigint generated always as identity primary key,
      issuer_id text not null,
      key_id text not null,
      event text not null check (event in ('created', 'rotated', 'retired', 'compromised')),
      at timestamptz not null,
      compromised_since timestamptz,
      reason text,
      actor_label text not null,
      previous_hash text,
      hash text not null,
      signature text not null
    );
    create index issuer_key_event_issuer on issuer_key_event (issuer_id, id);

    -- Bitstring status lists: each list serves two purposes (revocation and suspension) at the same
    -- index; indexes are handed out in order.
    create table status_list (
      id text primary key,
      issuer_id text not null,
      seq integer not null,
      size integer not null,
      next_index integer not null default 0,
      changed_at timestamptz not null default now(),
      unique (issuer_id, seq)
    );

    -- Every credential, stored as the exact text issued (JSON for Data Integrity, compact JWS for JWT).
    create table credential (
      id uuid primary key,
      learner_id uuid,
      achievement_id uuid,
      kind text not null check (kind in ('achievement', 'transcript', 'external')),
      issuer_id text not null,
      key_id text not null,
      proof_format text not null check (proof_format in ('data-integrity', 'jwt')),
      document text not null,
      status_list_id text,
      status_index integer,
      issued_at timestamptz not null default now(),
      issued_by text not null,
      replaces_id uuid,
      replaced_by_id uuid,
      revoked_at timestamptz,
      revocation_reason text,
      suspended_at timestamptz,
      suspension_reason text
    );
    -- Exactly one credential per achievement: bulk issuance that is run again finds it.
    create unique index credential_achievement on credential (achievement_id) where achievement_id is not null;
    create index credential_learner on credential (learner_id) where learner_id is not null;
    create unique index credential_status_slot on credential (status_list_id, status_index)
      where status_list_id is not null;
    create index credential_revoked on credential (status_list_id) where revoked_at is not null;
    create index credential_suspended on credential (status_list_id) where suspended_at is not null;

    -- Who revoked, suspended or reinstated what, when and why.
    create table credential_status_event (
      id bigint generated always as identity primary key,
      credential_id uuid not null,
      action text not null check (action in ('revoke', 'suspend', 'reinstate')),
      reason text not null,
      at timestamptz not null default now(),
      actor_label text not null
    );
    create index credential_status_event_credential on credential_status_event (credential_id, id);
  `.execute(db);
  // lz4 compresses the stored documents at about half the server CPU of the default pglz (measured in
  // bench/); servers built without lz4 keep pglz.
  await sql`
    do $$ begin
      alter table credential alter column document set compression lz4;
    exception when others then null;
    end $$;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table credential_status_event, credential, status_list, issuer_key_event, issuer_key, bank_setting;
    alter table learner drop column did;
  `.execute(db);
}
