/**
 * Kysely's view of the tables created by the migrations. Column types are what the drivers return:
 * both drivers are configured (database.ts) to give bigint ids as strings, numerics as numbers and
 * dates as 'YYYY-MM-DD' strings, so the embedded and the server database behave the same.
 */
import type { ColumnType, Generated, Insertable, Selectable } from "kysely";

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type DateText = ColumnType<string, string, string>;
type Json<T> = ColumnType<T, string, string>;
type Numeric = ColumnType<number, number | string, number | string>;

export interface FrameworkTable {
  id: string;
  name: string;
  short_name: string | null;
  jurisdiction: string | null;
  description: string | null;
  url: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface FrameworkLevelTable {
  framework_id: string;
  code: string;
  ordinal: number;
  title: string | null;
  knowledge: string | null;
  skills: string | null;
  responsibility_autonomy: string | null;
}

export interface LevelReferenceTable {
  framework_id: string;
  level_code: string;
  target_framework_id: string;
  target_level_code: string;
  basis: string | null;
}

export interface CreditSystemTable {
  id: string;
  name: string;
  description: string | null;
  hours_per_credit_min: Numeric;
  hours_per_credit_max: Numeric;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface SkillFrameworkTable {
  id: string;
  name: string;
  publisher: string | null;
  url: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface SkillItemTable {
  framework_id: string;
  code: string;
  parent_code: string | null;
  label: string;
  description: string | null;
  uri: string | null;
}

export interface ProviderTable {
  id: string;
  name: string;
  kind: string;
  country: string;
  region: string | null;
  website: string | null;
  contact_email: string | null;
  description: string | null;
  quality_assurance: string | null;
  identifiers: Json<Array<{ type: string; value: string }>>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface AccreditationTable {
  id: Generated<string>;
  provider_id: string;
  framework_id: string;
  min_level: string;
  max_level: string;
  fields: string[];
  valid_from: DateText;
  valid_to: DateText | null;
  status: string;
  reference: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface UnitTable {
  id: Generated<string>;
  provider_id: string;
  code: string;
  latest_version: number;
  created_at: Timestamp;
}

export interface UnitVersionTable {
  unit_id: string;
  version: number;
  status: string;
  spec: Json<unknown>;
  spec_hash: string;
  title: string;
  level_framework_id: string | null;
  level_code: string | null;
  level_ordinal: number | null;
  credits: Numeric | null;
  credit_system_id: string | null;
  notional_hours: Numeric | null;
  field: string | null;
  dimensions: string[];
  findings: Json<unknown[]>;
  superseded_on: DateText | null;
  created_at: Timestamp;
  status_changed_at: Timestamp;
}

export interface QualificationTable {
  id: Generated<string>;
  awarding_body_id: string;
  code: string;
  latest_version: number;
  created_at: Timestamp;
}

export interface QualificationVersionTable {
  qualification_id: string;
  version: number;
  status: string;
  spec: Json<unknown>;
  spec_hash: string;
  title: string;
  type: string;
  level_framework_id: string;
  level_code: string;
  credits: Numeric;
  credit_system_id: string;
  field: string | null;
  rules: Json<unknown> | null;
  created_at: Timestamp;
}

export interface RegisterEventTable {
  id: Generated<string>;
  at: Timestamp;
  actor_id: string | null;
  actor_label: string;
  subject_type: string;
  subject_id: string;
  action: string;
  from_status: string | null;
  to_status: string | null;
  reason: string | null;
  details: Json<unknown> | null;
}

export interface LearnerTable {
  id: Generated<string>;
  status: ColumnType<string, string | undefined, string>;
  merged_into: string | null;
  /** A DID the learner gave; credentials name them by it (migration 0002). */
  did: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface LearnerProfileTable {
  learner_id: string;
  given_name: string | null;
  family_name: string | null;
  birth_date: DateText | null;
  preferred_language: string | null;
  updated_at: Timestamp;
}

export interface LearnerIdentifierTable {
  kind: string;
  issuer: string;
  value: string;
  learner_id: string;
  created_at: Timestamp;
}

export interface AccountMergeTable {
  id: Generated<string>;
  survivor_id: string;
  merged_id: string;
  at: Timestamp;
  actor_label: string;
  reason: string;
}

export interface AchievementTable {
  learner_id: string;
  id: Generated<string>;
  provider_id: string;
  unit_id: string;
  unit_version: number;
  achieved_on: DateText;
  result: string | null;
  grade: string | null;
  evidence: Json<Array<{ url: string; name?: string }>>;
  record_id: string | null;
  content_hash: string;
  recorded_at: Timestamp;
  recorded_by: string;
  revoked_at: Timestamp | null;
}

export interface AccountEntryTable {
  learner_id: string;
  id: Generated<string>;
  achievement_id: string | null;
  entry_type: string;
  source: string;
  effective_on: DateText;
  recorded_at: Timestamp;
  credits: Numeric;
  credit_system_id: string;
  level_framework_id: string | null;
  level_code: string | null;
  level_ordinal: number | null;
  provider_id: string;
  unit_id: string | null;
  unit_version: number | null;
  dimensions: string[];
  reverses_entry_id: string | null;
  reason: string | null;
  recorded_by: string;
}

export interface AppUserTable {
  id: Generated<string>;
  email: string;
  password_hash: string;
  display_name: string;
  role: string;
  provider_id: string | null;
  learner_id: string | null;
  disabled: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: Timestamp;
}

export interface UserSessionTable {
  token_hash: string;
  user_id: string;
  created_at: Timestamp;
  expires_at: Timestamp;
}

export interface ApiClientTable {
  client_id: string;
  secret_hash: string;
  name: string;
  role: string;
  provider_id: string | null;
  disabled: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: Timestamp;
}

export interface AccessTokenTable {
  token_hash: string;
  client_id: string;
  created_at: Timestamp;
  expires_at: Timestamp;
}

export interface Database {
  framework: FrameworkTable;
  framework_level: FrameworkLevelTable;
  level_reference: LevelReferenceTable;
  credit_system: CreditSystemTable;
  skill_framework: SkillFrameworkTable;
  skill_item: SkillItemTable;
  provider: ProviderTable;
  accreditation: AccreditationTable;
  unit: UnitTable;
  unit_version: UnitVersionTable;
  qualification: QualificationTable;
  qualification_version: QualificationVersionTable;
  register_event: RegisterEventTable;
  learner: LearnerTable;
  learner_profile: LearnerProfileTable;
  learner_identifier: LearnerIdentifierTable;
  account_merge: AccountMergeTable;
  achievement: AchievementTable;
  account_entry: AccountEntryTable;
  app_user: AppUserTable;
  user_session: UserSessionTable;
  api_client: ApiClientTable;
  access_token: AccessTokenTable;
  bank_setting: BankSettingTable;
  issuer_key: IssuerKeyTable;
  issuer_key_event: IssuerKeyEventTable;
  status_list: StatusListTable;
  credential: CredentialTable;
  credential_status_event: CredentialStatusEventTable;
}

export interface BankSettingTable {
  key: string;
  value: string;
}

export type IssuerKeyStatus = "active" | "rotated" | "retired" | "compromised";

export interface IssuerKeyTable {
  id: string;
  issuer_id: string;
  did: string;
  public_key_multibase: string;
  sealed_secret: string | null;
  status: IssuerKeyStatus;
  created_at: Timestamp;
  retired_at: Timestamp | null;
  compromised_since: Timestamp | null;
}

export interface IssuerKeyEventTable {
  id: Generated<string>;
  issuer_id: string;
  key_id: string;
  event: "created" | "rotated" | "retired" | "compromised";
  at: Timestamp;
  compromised_since: Timestamp | null;
  reason: string | null;
  actor_label: string;
  previous_hash: string | null;
  hash: string;
  signature: string;
}

export interface StatusListTable {
  id: string;
  issuer_id: string;
  seq: number;
  size: number;
  next_index: Generated<number>;
  changed_at: Timestamp;
}

export interface CredentialTable {
  id: string;
  learner_id: string | null;
  achievement_id: string | null;
  kind: "achievement" | "transcript" | "external";
  issuer_id: string;
  key_id: string;
  proof_format: "data-integrity" | "jwt";
  document: string;
  status_list_id: string | null;
  status_index: number | null;
  issued_at: Timestamp;
  issued_by: string;
  replaces_id: string | null;
  replaced_by_id: string | null;
  revoked_at: Timestamp | null;
  revocation_reason: string | null;
  suspended_at: Timestamp | null;
  suspension_reason: string | null;
}

export interface CredentialStatusEventTable {
  id: Generated<string>;
  credential_id: string;
  action: "revoke" | "suspend" | "reinstate";
  reason: string;
  at: Timestamp;
  actor_label: string;
}

export type ProviderRow = Selectable<ProviderTable>;
export type UnitVersionRow = Selectable<UnitVersionTable>;
export type NewAccountEntry = Insertable<AccountEntryTable>;
