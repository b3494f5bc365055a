/**
 * The transparency log (docs/transparency-log.md, docs/decisions/0014-log-persistence.md): every event
 * (an issuance, a revocation, a register change) as a canonical record written in the transaction of
 * the change, the C2SP tiles of the Merkle tree over them, the signed checkpoints and the witnesses'
 * cosignatures; the state this bank keeps as a witness of other logs; and the salts of learners'
 * commitments, which erasing a learner deletes.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- One row per event, written in the transaction of the change it records and never updated. The
    -- record is the leaf's entry (canonical JSON, no personal data); leaf_hash is its RFC 6962 leaf hash.
    -- The order of the log is (xid, id): xid is the writing transaction's id, so every entry below the
    -- oldest transaction still running is final, and the sequencer appends entries in that order without
    -- writing anything per entry (decision 0014). credential_id and subject find an entity's events.
    create table log_entry (
      id bigint generated always as identity primary key,
      xid xid8 not null default pg_current_xact_id(),
      kind text not null,
      record bytea not null,
      leaf_hash bytea not null check (length(leaf_hash) = 32),
      credential_id uuid,
      subject text
    );
    create index log_entry_order on log_entry (xid, id);
    create index log_entry_credential on log_entry (credential_id) where credential_id is not null;
    create index log_entry_subject on log_entry (subject) where subject is not null;

    -- Where each entry bundle (256 leaves, c2sp.org/tlog-tiles) starts in the (xid, id) order: leaf
    -- 256 * bundle_index + k is the k-th entry from there. One row per 256 leaves.
    create table log_bundle (
      bundle_index bigint primary key,
      first_xid xid8 not null,
      first_id bigint not null
    );
    create index log_bundle_start on log_bundle (first_xid, first_id);

    -- The tiles of the tree (tile height 8): the latest, widest version of each; a partial tile grows
    -- until it is full and never changes afterwards. Hashes do not compress: stored without trying.
    create table log_tile (
      level smallint not null check (level between 0 and 63),
      tile_index bigint not null check (tile_index >= 0),
      hashes bytea not null check (length(hashes) between 32 and 8192 and length(hashes) % 32 = 0),
      primary key (level, tile_index)
    );
    alter table log_tile alter column hashes set storage external;

    -- Every checkpoint the bank signed, one per sequenced batch: the signed note as published, and the
    -- last entry appended (the sequencer's frontier in the (xid, id) order).
    create table log_checkpoint (
      tree_size bigint primary key check (tree_size > 0),
      root bytea not null check (length(root) = 32),
      note text not null,
      frontier_xid xid8 not null,
      frontier_id bigint not null,
      created_at timestamptz not null default now()
    );

    -- Witnesses' cosignatures on the bank's checkpoints (c2sp.org/tlog-cosignature), served with them.
    create table log_cosignature (
      tree_size bigint not null references log_checkpoint (tree_size),
      witness text not null,
      key_id bigint not null,
      line text not null,
      received_at timestamptz not null default now(),
      primary key (tree_size, witness, key_id)
    );

    -- As a witness of other banks' logs: the latest checkpoint cosigned per log (c2sp.org/tlog-witness).
    create table witness_log (
      origin text primary key,
      verifier_keys text not null,
      tree_size bigint not null check (tree_size >= 0),
      root bytea not null check (length(root) = 32),
      checkpoint text not null,
      updated_at timestamptz not null default now()
    );

    -- Checkpoints a witnessed log signed but that contradict what this bank cosigned: evidence of a fork.
    create table witness_refusal (
      id bigint generated always as identity primary key,
      origin text not null,
      reason text not null,
      old_size bigint not null,
      request text not null,
      at timestamptz not null default now()
    );

    -- The salt of each learner's commitment in the log: SHA-256(salt || learner id). Erasing the learner
    -- deletes the salt, after which nothing links the log's records to the person.
    create table learner_log_salt (
      learner_id uuid primary key,
      salt bytea not null check (length(salt) = 32)
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table learner_log_salt, witness_refusal, witness_log, log_cosignature, log_checkpoint, log_tile,
      log_bundle, log_entry;
  `.execute(db);
}
