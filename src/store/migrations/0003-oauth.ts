/**
 * OAuth 2.0 for the Open Badges 3.0 API: apps that registered themselves (RFC 7591), the requests
 * waiting for a learner's decision, the learner's approvals (grants), authorization codes, and the
 * access and refresh tokens issued from them. Every secret is stored as a hash only.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- Apps (wallets, LMSs) that registered themselves to use the Open Badges API for learners who approve
    -- them. A table of their own rather than more rows in api_client: anyone may register one, so such an
    -- app must never reach the client-credentials grant or act with a staff role, which every api_client
    -- row does; and it carries what api_client has no use for (redirect URIs, grant types, scopes, the
    -- names and links shown to the learner). The secret is an argon2id hash, as in api_client.
    create table oauth_client (
      client_id text primary key,
      secret_hash text not null,
      client_name text not null,
      client_uri text not null,
      logo_uri text,
      tos_uri text,
      policy_uri text,
      software_id text,
      software_version text,
      contacts text[] not null default '{}',
      redirect_uris text[] not null check (cardinality(redirect_uris) > 0),
      token_endpoint_auth_method text not null
        check (token_endpoint_auth_method in ('client_secret_basic', 'client_secret_post')),
      grant_types text[] not null,
      response_types text[] not null,
      scope text not null,
      disabled boolean not null default false,
      created_at timestamptz not null default now()
    );

    -- An authorization request shown to a person and waiting for their decision. It is found by the hash
    -- of the token in the page's form (the CSRF token) and belongs to the browser that holds the binding
    -- cookie whose hash is browser_hash. user_id is the learner the consent page was shown to.
    create table oauth_authorization_request (
      form_token_hash text primary key,
      browser_hash text not null,
      client_id text not null references oauth_client(client_id) on delete cascade,
      redirect_uri text not null,
      redirect_uri_given boolean not null,
      scope text not null,
      state text,
      code_challenge text not null,
      user_id uuid references app_user(id) on delete cascade,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null
    );
    create index oauth_authorization_request_expiry on oauth_authorization_request (expires_at);

    -- A learner's approval of an app for some scopes. The tokens issued from one approval form a family:
    -- revoking the grant (the learner withdraws it, a refresh token or a code is replayed) ends them all.
    create table oauth_grant (
      id uuid primary key default gen_random_uuid(),
      client_id text not null references oauth_client(client_id) on delete cascade,
      user_id uuid not null references app_user(id) on delete cascade,
      scope text not null,
      created_at timestamptz not null default now(),
      revoked_at timestamptz,
      revoked_reason text
    );
    create index oauth_grant_user on oauth_grant (user_id);

    -- Authorization codes: single-use and short-lived, with the PKCE challenge (S256) they answer to.
    -- grant_id is set when the code is exchanged, so that a code replayed while it lives can end what it
    -- produced. Expired rows of this table and the token tables are deleted as new requests come in.
    create table oauth_code (
      code_hash text primary key,
      client_id text not null references oauth_client(client_id) on delete cascade,
      user_id uuid not null references app_user(id) on delete cascade,
      redirect_uri text not null,
      redirect_uri_given boolean not null,
      scope text not null,
      code_challenge text not null,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null,
      used_at timestamptz,
      grant_id uuid references oauth_grant(id) on delete cascade
    );
    create index oauth_code_expiry on oauth_code (expires_at);

    create table oauth_access_token (
      token_hash text primary key,
      grant_id uuid not null references oauth_grant(id) on delete cascade,
      scope text not null,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null
    );
    create index oauth_access_token_grant on oauth_access_token (grant_id);
    create index oauth_access_token_expiry on oauth_access_token (expires_at);

    -- Refresh tokens rotate: each is used once (used_at), and a used one presented again revokes its grant.
    create table oauth_refresh_token (
      token_hash text primary key,
      grant_id uuid not null references oauth_grant(id) on delete cascade,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null,
      used_at timestamptz
    );
    create index oauth_refresh_token_grant on oauth_refresh_token (grant_id);
    create index oauth_refresh_token_expiry on oauth_refresh_token (expires_at);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table oauth_refresh_token, oauth_access_token, oauth_code, oauth_grant, oauth_authorization_request,
      oauth_client;
  `.execute(db);
}
