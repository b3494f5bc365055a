/**
 * Status-list slots set aside before a batch's transaction starts.
 *
 * Why: a credential's revocation entry (list and index) is inside what is signed, so its slot must be known
 * before signing. Allocating it inside the batch's transaction holds a row lock on the issuer's list until
 * the batch commits, so a second batch for the same issuer would wait for the whole of the first; and on
 * the embedded database (one connection) a separate transaction cannot run while the batch's is open. So
 * recording asks for as many slots as a batch could need, in a short transaction of their own, before the
 * batch's transaction begins; the batch takes what it uses, and what it does not use waits in memory for
 * the next batch. Slots set aside and never used (the process stopped, or a batch was rolled back) stay
 * unused bits of their list: they name no credential, so nothing is wrong, and there are at most a batch's
 * worth per issuer per process.
 */
import { MIN_STATUS_LIST_BITS } from "../credentials/status-list.ts";
import type { Db } from "../store/catalogue-repo.ts";
import { allocateStatusSlots } from "../store/credentials-repo.ts";

export interface StatusSlot {
  listId: string;
  index: number;
}

export class StatusSlotReserve {
  private readonly free = new Map<string, StatusSlot[]>();

  /** Makes sure at least `count` slots of the issuer are set aside; must be called outside any transaction. */
  async reserve(db: Db, issuerId: string, count: number): Promise<void> {
    const held = this.free.get(issuerId) ?? [];
    if (held.length >= count) return;
    const more = await db
      .transaction()
      .execute((tx) => allocateStatusSlots(tx, issuerId, count - held.length, MIN_STATUS_LIST_BITS));
    this.free.set(issuerId, [...(this.free.get(issuerId) ?? []), ...more]);
  }

  /** Takes `count` slots set aside for the issuer, in order; null (taking none) when there are fewer. */
  take(issuerId: string, count: number): StatusSlot[] | null {
    const held = this.free.get(issuerId);
    if (!held || held.length < count) return null;
    return held.splice(0, count);
  }

  /** Slots set aside and not yet taken, for an issuer (tests and diagnostics). */
  available(issuerId: string): number {
    return this.free.get(issuerId)?.length ?? 0;
  }
}
