/**
 * Learner transcripts: a CLR 2.0 `ClrCredential` of every valid credential in an account, signed by
 * the bank; and a credential as a baked badge image or a printable PDF certificate that carries it.
 */
import { randomUUID } from "node:crypto";
import {
  bakePng,
  bakeSvg,
  credentialFromText,
  renderBadgePng,
  renderBadgeSvg,
  renderCertificatePdf,
} from "../credentials/baking/index.ts";
import { clrCredential } from "../credentials/clr.ts";
import { decodeJwt } from "../credentials/jwt.ts";
import { signDataIntegrity } from "../credentials/proofs.ts";
import { accountMembers } from "../store/accounts-repo.ts";
import { credentialsOfLearners } from "../store/credentials-repo.ts";
import type { Actor } from "./actor.ts";
import { getCredential } from "./credentials.ts";
import { AppError } from "./errors.ts";
import type { IssuingBank } from "./issuance.ts";
import { BANK_ISSUER } from "./issuers.ts";
import { assertMaySeeLearner, getLearner } from "./learners.ts";

type Json = Record<string, unknown>;

/** JWT registered claims are not part of the credential a transcript embeds. */
function withoutJwtClaims(credential: Json): Json {
  const { iss: _i, nbf: _n, exp: _e, iat: _t, jti: _j, sub: _s, aud: _a, ...rest } = credential;
  return rest;
}

export async function learnerTranscript(bank: IssuingBank, actor: Actor, learnerId: string): Promise<Json> {
  await assertMaySeeLearner(bank.db, actor, learnerId);
  const learner = await getLearner(bank.db, learnerId);
  const members = await accountMembers(bank.db, learnerId);
  const rows = await credentialsOfLearners(bank.db, members.length > 0 ? members : [learnerId]);
  const valid = rows.filter((r) => r.revoked_at === null && r.suspended_at === null && r.kind !== "transcript");
  const credentials = valid.map((r) =>
    r.proof_format === "jwt" ? withoutJwtClaims(decodeJwt(r.document).credential) : (JSON.parse(r.document) as Json),
  );
  const email = learner.identifiers.find((i) => i.kind === "email");
  const name = [learner.profile.givenName, learner.profile.familyName].filter(Boolean).join(" ");
  const unsigned = clrCredential({
    id: `urn:uuid:${randomUUID()}`,
    issuer: { id: bank.keys.didOf(BANK_ISSUER), name: "Credit Bank" },
    subject: email
      ? { kind: "hashed", identityType: "emailAddress", value: email.value }
      : { kind: "hashed", identityType: "identifier", value: learnerId },
    name: name ? `Transcript of ${name}` : "Transcript",
    description: `Every valid credential in the learner's account on ${new Date().toISOString().slice(0, 10)}.`,
    issuedAt: new Date().toISOString().replace(/\.\d{3}Z$/, "Z"),
    credentials,
    partial: valid.length !== rows.length,
  });
  const key = await bank.keys.activeKey(bank.db, BANK_ISSUER);
  return signDataIntegrity(unsigned, await bank.keys.signerFor(key));
}

export type CredentialFile = "badge.png" | "badge.svg" | "certificate.pdf";

/** A credential carried by an image or a PDF, so it can be shared as a file and still verified. */
export async function credentialFile(
  bank: IssuingBank,
  actor: Actor,
  credentialId: string,
  file: CredentialFile,
): Promise<{ bytes: Uint8Array; contentType: string }> {
  const view = await getCredential(bank, actor, credentialId);
  const text = typeof view.credential === "string" ? view.credential : JSON.stringify(view.credential);
  const baked = credentialFromText(text);
  const document = typeof view.credential === "string" ? decodeJwt(view.credential).credential : view.credential;
  const subject = (document.credentialSubject ?? {}) as Json;
  const achievement = (subject.achievement ?? {}) as Json;
  const title = String(achievement.name ?? document.name ?? "Credential");
  const credits =
    achievement.creditsAvailable !== undefined ? `${String(achievement.creditsAvailable)} credits` : undefined;
  switch (file) {
    case "badge.png":
      return { bytes: bakePng(renderBadgePng({ hue: hueOf(title) }), baked), contentType: "image/png" };
    case "badge.svg":
      return {
        bytes: new TextEncoder().encode(
          bakeSvg(renderBadgeSvg({ title, ...(credits ? { subtitle: credits } : {}), hue: hueOf(title) }), baked),
        ),
        contentType: "image/svg+xml",
      };
    case "certificate.pdf": {
      const issuer = document.issuer as Json | string;
      const learner = view.learnerId ? await getLearner(bank.db, view.learnerId).catch(() => undefined) : undefined;
      const learnerName = [learner?.profile.givenName, learner?.profile.familyName].filter(Boolean).join(" ");
      const alignments = (Array.isArray(achievement.alignment) ? achievement.alignment : []) as Json[];
      const lines = [
        ...(credits ? [credits] : []),
        ...alignments.filter((a) => a.targetType === "ext:FrameworkLevel").map((a) => String(a.targetName)),
        `Achieved on ${String(document.validFrom ?? "").slice(0, 10)}`,
      ];
      const bytes = await renderCertificatePdf({
        credential: baked,
        title: "Certificate of achievement",
        ...(learnerName ? { learnerName } : {}),
        achievementName: title,
        issuerName: typeof issuer === "string" ? issuer : String(issuer.name ?? issuer.id),
        lines,
        verifyUrl: `${bank.config.publicUrl}/verify?credential=${encodeURIComponent(view.id)}`,
        credentialId: view.id,
        issuedOn: view.issuedAt.slice(0, 10),
      });
      return { bytes, contentType: "application/pdf" };
    }
    default:
      throw new AppError("unknown-file", `There is no file '${String(file)}' for a credential.`, 404);
  }
}

/** A stable colour per achievement, so a learner's badges are told apart at a glance. */
function hueOf(text: string): number {
  let h = 0;
  for (const ch of text) h = (h * 31 + (ch.codePointAt(0) ?? 0)) % 360;
  return h;
}
