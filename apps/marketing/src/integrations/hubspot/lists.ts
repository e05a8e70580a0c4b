import type { HubSpotMarketingConnector } from "@revops/connectors";
import { userError } from "@revops/kit";
import { isVendorError, writeOnce } from "@revops/resilience";
import type { ContactList, ListContact, ListMembersResult, MarketingPort } from "../../ports";

type Lists = HubSpotMarketingConnector["lists"];

const CONTACT_PROPS = ["email", "firstname", "lastname", "hs_email_optout"];
const BATCH = 100;
/** Member pages read to check membership (250 each) before asking contact by contact instead. */
const MAX_MEMBER_PAGES = 40;
const isRecordId = (id: string) => /^\d{1,20}$/.test(id);

function chunks<T>(items: readonly T[], size = BATCH): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** The error the tool turns into "this list is dynamic" (same name as the sandbox's). */
function notEditable(id: string): Error {
  const err = new Error(
    `HubSpot list ${id} is DYNAMIC (active): its filters decide its members, so they cannot be added or removed.`,
  );
  err.name = "ListNotEditableError";
  return err;
}

/** List reads and membership writes of the marketing port over HubSpot Lists v3, every read fresh. */
export class HubSpotListMembers
  implements Pick<MarketingPort, "getList" | "findContacts" | "listMembership" | "updateListMembers">
{
  constructor(private readonly lists: Lists) {}

  async getList(id: string): Promise<ContactList | undefined> {
    if (!isRecordId(id)) return undefined;
    const l = await this.lists.getList(id);
    if (!l) return undefined;
    if (l.objectTypeId !== "0-1")
      throw userError(`HubSpot list ${id} (${l.name}) holds object type ${l.objectTypeId}, not contacts.`, {
        fields: ["list_id"],
        hint: "Pick a contact list.",
      });
    return {
      id: l.listId,
      name: l.name,
      kind: l.processingType === "DYNAMIC" ? "dynamic" : "static",
      size: l.size,
    };
  }

  /** Record ids by batch read, emails by search; refs that are neither match nothing. */
  async findContacts(refs: string[]): Promise<ListContact[]> {
    const unique = [...new Set(refs.map((r) => r.trim()))];
    const ids = unique.filter(isRecordId);
    const emails = [...new Set(unique.filter((r) => r.includes("@")).map((r) => r.toLowerCase()))];
    const found = new Map<string, ListContact>();
    const keep = (o: { id: string; properties: Record<string, string | null> }) => {
      const p = o.properties;
      const email = String(p.email ?? "");
      const name = [p.firstname, p.lastname].filter(Boolean).join(" ") || email || o.id;
      found.set(o.id, { id: o.id, name, email, unsubscribed: String(p.hs_email_optout) === "true" });
    };
    for (const part of chunks(ids))
      for (const o of await this.lists.contactsById(part, CONTACT_PROPS)) keep(o);
    for (const part of chunks(emails)) {
      for (const o of await this.lists.contactsByEmail(part, CONTACT_PROPS)) {
        // HubSpot's IN filter matches case-insensitively; keep exact addresses only
        if (emails.includes(String(o.properties.email ?? "").toLowerCase())) keep(o);
      }
    }
    return [...found.values()].sort((a, b) => Number(a.id) - Number(b.id));
  }

  /**
   * HubSpot has no batch "is member" check: pages through the members while that is cheaper than asking once
   * per contact for its lists, and asks per contact once the list is known to be large.
   */
  async listMembership(listId: string, contactIds: string[]): Promise<string[]> {
    const wanted = new Set(contactIds);
    const found = new Set<string>();
    if (wanted.size === 0) return [];
    let after: string | undefined;
    let pages = 0;
    do {
      const page = await this.lists.membersPage(listId, after ? { after } : {});
      pages++;
      for (const id of page.results) if (wanted.has(id)) found.add(id);
      after = page.nextCursor;
      const pagesLeft =
        page.total === undefined ? MAX_MEMBER_PAGES - pages : Math.ceil(page.total / 250) - pages;
      const left = [...wanted].filter((id) => !found.has(id));
      if (after && (left.length < pagesLeft || pages >= MAX_MEMBER_PAGES)) {
        for (const id of left) if ((await this.lists.listsOfRecord(id)).includes(listId)) found.add(id);
        break;
      }
    } while (after && found.size < wanted.size);
    return [...found].sort((a, b) => Number(a) - Number(b));
  }

  /** One add-and-remove request; after an ambiguous failure the members are read before any retry. */
  async updateListMembers(
    listId: string,
    change: { add: string[]; remove: string[] },
  ): Promise<ListMembersResult> {
    const add = [...new Set(change.add)];
    const remove = [...new Set(change.remove)];
    try {
      const { value } = await writeOnce({
        write: () => this.lists.changeMembers(listId, add, remove),
        lookup: async () => {
          const members = new Set(await this.listMembership(listId, [...add, ...remove]));
          const applied = add.every((id) => members.has(id)) && remove.every((id) => !members.has(id));
          return applied ? { added: add, removed: remove, missing: [] } : undefined;
        },
      });
      const done = new Set([...value.added, ...value.removed]);
      return {
        added: value.added,
        removed: value.removed,
        ignored: [...add, ...remove].filter((id) => !done.has(id)),
      };
    } catch (err) {
      // a 400 for a list that became DYNAMIC since the preview
      if (isVendorError(err) && err.kind === "invalid" && (await this.getList(listId))?.kind === "dynamic")
        throw notEditable(listId);
      throw err;
    }
  }
}
