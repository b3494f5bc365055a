/**
 * Loads the sample bank for `npm run demo`: the demo catalogue, hundreds of learners' achievement
 * histories (each recorded by its provider), and sign-in accounts for every role. Idempotent, so running
 * the demo again on the same data folder changes nothing.
 */
import { demoCatalogue } from "../demo/catalogue.ts";
import { demoAchievements } from "../demo/learners.ts";
import { ensureUser } from "./access.ts";
import { type Actor, OPERATOR } from "./actor.ts";
import { type ImportReport, importBundle } from "./bundle-import.ts";
import type { IssuingBank } from "./issuance.ts";
import { type RecordingReport, recordAchievements } from "./recording.ts";

/** Demo sign-ins. Shown by the demo; never use these in a real bank. */
export const DEMO_PASSWORD = "demo-password-2026";

export interface DemoAccount {
  email: string;
  role: string;
  what: string;
}

export interface DemoReport {
  catalogue: ImportReport;
  recording: RecordingReport;
  accounts: DemoAccount[];
}

export async function loadDemo(
  bank: IssuingBank,
  onProgress?: (done: number, total: number) => void,
): Promise<DemoReport> {
  const bundle = demoCatalogue();
  const db = bank.db;
  const catalogue = await importBundle(db, OPERATOR, bundle, "demo catalogue");

  // Each provider records its own learners' achievements, as it would in a real bank.
  const records = demoAchievements(bundle);
  const byProvider = new Map<string, typeof records>();
  for (const r of records) byProvider.set(r.provider, [...(byProvider.get(r.provider) ?? []), r]);
  const recording: RecordingReport = {
    rows: 0,
    recorded: 0,
    unchanged: 0,
    learnersCreated: 0,
    errors: [],
    results: [],
  };
  let done = 0;
  for (const [providerId, list] of byProvider) {
    const actor: Actor = {
      kind: "operator",
      role: "provider-admin",
      providerId,
      label: `provider-admin ${providerId} (demo)`,
    };
    const report = await recordAchievements(
      bank,
      actor,
      list.map((record, i) => ({ row: done + i + 1, record })),
      { onProgress: (n) => onProgress?.(done + n, records.length) },
    );
    done += list.length;
    recording.rows += report.rows;
    recording.recorded += report.recorded;
    recording.unchanged += report.unchanged;
    recording.learnersCreated += report.learnersCreated;
    recording.errors.push(...report.errors);
  }

  const accounts: DemoAccount[] = [
    {
      email: "registry@demo.creditbank.example",
      role: "registry-admin",
      what: "the qualifications authority's register office",
    },
    { email: "assessor@demo.creditbank.example", role: "assessor", what: "a recognition assessor" },
  ];
  await ensureUser(db, {
    email: accounts[0]?.email as string,
    password: DEMO_PASSWORD,
    displayName: "Registry Officer",
    role: "registry-admin",
  });
  await ensureUser(db, {
    email: accounts[1]?.email as string,
    password: DEMO_PASSWORD,
    displayName: "Recognition Assessor",
    role: "assessor",
  });
  for (const p of bundle.providers ?? []) {
    const email = `staff@${p.id}.demo.creditbank.example`;
    await ensureUser(db, {
      email,
      password: DEMO_PASSWORD,
      displayName: `${p.name} staff`,
      role: "provider-admin",
      providerId: p.id,
    });
    accounts.push({ email, role: "provider-admin", what: p.name });
  }
  // A learner with a long history gets a sign-in, so the statement can be seen as a learner sees it.
  const learner = await db
    .selectFrom("account_entry")
    .select(["learner_id", (eb) => eb.fn.countAll<string>().as("n")])
    .groupBy("learner_id")
    .orderBy("n", "desc")
    .orderBy("learner_id")
    .limit(1)
    .executeTakeFirst();
  if (learner) {
    const email = "learner@demo.creditbank.example";
    await ensureUser(db, {
      email,
      password: DEMO_PASSWORD,
      displayName: "Demo Learner",
      role: "learner",
      learnerId: learner.learner_id,
    });
    accounts.push({ email, role: "learner", what: `a learner with ${learner.n} account entries` });
  }
  return { catalogue, recording, accounts };
}
