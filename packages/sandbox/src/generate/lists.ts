import { isoTime } from "../dates.js";
import { Rng } from "../random.js";
import { contactId, isUnsubscribed } from "./accounts.js";
import { type AccountModel, type Ctx, padId } from "./types.js";

/** Contact lists: static ones that tools edit, dynamic ones that only their filters fill (as HubSpot's). */
type ListKind = "static" | "dynamic";

interface ListSpec {
  name: string;
  kind: ListKind;
  /** Days before today the list was created. */
  ageDays: number;
  members: (ctx: Ctx, accounts: readonly AccountModel[], r: Rng) => number[];
}

const allContacts = (accounts: readonly AccountModel[]) =>
  accounts.flatMap((a) => Array.from({ length: a.contactCount }, (_, k) => a.contactStart + k));

/** A sorted sample of about `share` of the candidates. */
const sample = (candidates: number[], share: number, r: Rng) => candidates.filter(() => r.chance(share));

const LISTS: readonly ListSpec[] = [
  {
    name: "Webinar attendees Q4",
    kind: "static",
    ageDays: 40,
    members: (_ctx, accounts, r) => sample(allContacts(accounts), 0.03, r),
  },
  {
    name: "Newsletter",
    kind: "static",
    ageDays: 700,
    // people who unsubscribed left the newsletter too
    members: (ctx, accounts, r) =>
      sample(
        allContacts(accounts).filter((i) => !isUnsubscribed(ctx, i)),
        0.15,
        r,
      ),
  },
  {
    name: "Enterprise decision makers",
    kind: "dynamic",
    ageDays: 365,
    // the filter: the senior first contact of every 1000+ employee account
    members: (_ctx, accounts) => accounts.filter((a) => a.sizeBand === "1000+").map((a) => a.contactStart),
  },
  {
    name: "Event follow-up: RevOps Summit",
    kind: "static",
    ageDays: 20,
    members: (_ctx, accounts, r) => sample(allContacts(accounts), 0.01, r),
  },
  {
    name: "Churned customers win-back",
    kind: "dynamic",
    ageDays: 200,
    members: (_ctx, accounts) => accounts.filter((a) => a.lifecycle === "churned").map((a) => a.contactStart),
  },
];

export const listId = (n: number) => padId("lst", n, LISTS.length);

/** [id, name, kind, created_at] per list. */
export function* listRows(ctx: Ctx): Generator<unknown[]> {
  for (const [i, spec] of LISTS.entries()) {
    yield [listId(i + 1), spec.name, spec.kind, isoTime((ctx.todayDay - spec.ageDays) * 1440 + 9 * 60)];
  }
}

/** [list_id, contact_id, added_at]; its own random stream, so no other table changes. */
export function* listMemberRows(ctx: Ctx, accounts: readonly AccountModel[]): Generator<unknown[]> {
  const r = new Rng(ctx.seed, "lists");
  for (const [i, spec] of LISTS.entries()) {
    const created = (ctx.todayDay - spec.ageDays) * 1440 + 9 * 60;
    const span = Math.max(1, ctx.nowMinute - 60 - created);
    for (const idx of [...new Set(spec.members(ctx, accounts, r))].sort((a, b) => a - b)) {
      yield [listId(i + 1), contactId(ctx, idx), isoTime(created + Math.floor(r.next() * span))];
    }
  }
}
