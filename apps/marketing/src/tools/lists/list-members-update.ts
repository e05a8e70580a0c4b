import { guardStateOf } from "@revops/guards";
import {
  annotations,
  notFound,
  type ToolContext,
  ToolError,
  untrustedName,
  userError,
  WrittenSchema,
} from "@revops/kit";
import { z } from "zod";
import { type ContactList, type ListContact, type MarketingPorts, marketingTool } from "../../ports";
import { planOnce } from "../plan-once";
import { listsToolset } from "./toolset";

/** Contacts one plan may add or remove together; bigger changes are split by the caller. */
export const MAX_LIST_CHANGES = 500;
const SAMPLE = 10;

const ContactRefSchema = z.string().trim().min(1).max(254);
const RefsSchema = z.array(ContactRefSchema).max(MAX_LIST_CHANGES);

const input = z
  .object({
    list_id: z.string().trim().min(1).max(64).describe("e.g. lst_0001"),
    add: RefsSchema.default([]).describe("Contact ids or emails"),
    remove: RefsSchema.default([]).describe("Contact ids or emails"),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.add.length + v.remove.length === 0)
      ctx.addIssue({ code: "custom", path: ["add"], message: "give at least one contact to add or remove" });
    if (v.add.length + v.remove.length > MAX_LIST_CHANGES)
      ctx.addIssue({
        code: "custom",
        path: [v.add.length >= v.remove.length ? "add" : "remove"],
        message: `at most ${MAX_LIST_CHANGES} contacts per call (add and remove together); split the change`,
      });
    const adding = new Set(v.add.map((r) => r.toLowerCase()));
    const both = v.remove.filter((r) => adding.has(r.toLowerCase()));
    if (both.length > 0)
      ctx.addIssue({
        code: "custom",
        path: ["remove"],
        message: `${both.slice(0, 3).join(", ")} cannot be both added and removed`,
      });
  });

type Input = z.output<typeof input>;
type Refusal = { id: string; reason: string };

const RefusedSchema = z.array(z.object({ id: z.string(), reason: z.string() }));

/** What one call would do, derived from fresh reads: the plan shown, and the ids the handler writes. */
interface Derived {
  list: ContactList;
  toAdd: ListContact[];
  toRemove: ListContact[];
  already: number;
  refused: Refusal[];
  plan: Record<string, unknown>;
}

// the preview's reads, kept for the handler of the same call
const planned = planOnce(derive, (i: Input) => JSON.stringify([i.list_id, i.add, i.remove]));

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** "Add 2 contacts and remove 1 contact on list "Newsletter" (lst_0002, 300 members now); 1 refused" */
function summarize(
  list: ContactList,
  adds: number,
  removes: number,
  already: number,
  refused: number,
): string {
  const verb = [adds && `add ${plural(adds, "contact")}`, removes && `remove ${plural(removes, "contact")}`]
    .filter(Boolean)
    .join(" and ");
  const prep = removes === 0 ? "to" : adds === 0 ? "from" : "on";
  const head = `${verb.charAt(0).toUpperCase()}${verb.slice(1)} ${prep} list "${list.name}" (${list.id}, ${plural(list.size, "member")} now)`;
  return [head, already > 0 && `${already} already as asked`, refused > 0 && `${refused} refused`]
    .filter(Boolean)
    .join("; ");
}

async function derive(i: Input, ctx: ToolContext<MarketingPorts>): Promise<Derived> {
  const { marketing } = ctx.ports;
  const list = await marketing.getList(i.list_id);
  if (!list) throw notFound(`There is no list ${i.list_id}.`, { fields: ["list_id"] });
  if (list.kind === "dynamic")
    throw userError(
      `List ${list.id} (${list.name}) is dynamic: its filters decide who is in it, so members cannot be added or removed.`,
      {
        fields: ["list_id"],
        hint: "Pick a static list, or change the dynamic list's filters in the marketing system itself.",
      },
    );
  const contacts = await marketing.findContacts([...i.add, ...i.remove]);
  const byRef = new Map<string, ListContact>();
  for (const c of contacts) {
    byRef.set(c.id.toLowerCase(), c);
    byRef.set(c.email.toLowerCase(), c);
  }
  const refused: Refusal[] = [];
  const resolve = (refs: string[]) => {
    const out = new Map<string, ListContact>();
    for (const ref of refs) {
      const c = byRef.get(ref.toLowerCase());
      if (!c) refused.push({ id: ref, reason: "no such contact" });
      else out.set(c.id, c);
    }
    return [...out.values()];
  };
  const adds = resolve(i.add);
  const removes = resolve(i.remove);
  const clash = adds.filter((c) => removes.some((r) => r.id === c.id));
  if (clash.length > 0)
    throw userError(
      `${clash.map((c) => c.id).join(", ")} appear in both add and remove (by id and by email).`,
      { fields: ["remove"], hint: "Name each contact once, in add or in remove." },
    );
  const members = new Set(
    await marketing.listMembership(
      list.id,
      [...adds, ...removes].map((c) => c.id),
    ),
  );
  const suppressions = guardStateOf(ctx)?.suppressions;
  const toAdd: ListContact[] = [];
  let already = 0;
  for (const c of adds) {
    if (c.unsubscribed) refused.push({ id: c.id, reason: "unsubscribed" });
    else if (await suppressions?.has(c.email)) refused.push({ id: c.id, reason: "on the suppression list" });
    else if (members.has(c.id)) already++;
    else toAdd.push(c);
  }
  const toRemove = removes.filter((c) => members.has(c.id));
  already += removes.length - toRemove.length;
  if (toAdd.length + toRemove.length === 0) {
    const why = [
      already > 0 && `${plural(already, "contact")} already as asked`,
      refused.length > 0 &&
        `refused: ${refused
          .slice(0, 5)
          .map((r) => `${r.id} (${r.reason})`)
          .join(", ")}${refused.length > 5 ? ` and ${refused.length - 5} more` : ""}`,
    ].filter(Boolean);
    throw userError(`Nothing to change on list ${list.id} (${list.name}): ${why.join("; ")}.`, {
      fields: [i.add.length > 0 ? "add" : "remove"],
      hint: "Add contacts that are not members and are subscribed, or remove current members.",
    });
  }
  const count = toAdd.length + toRemove.length;
  const records = [
    ...toAdd.map((c) => ({ id: c.id, name: c.name, email: c.email, change: "add" })),
    ...toRemove.map((c) => ({ id: c.id, name: c.name, email: c.email, change: "remove" })),
  ].slice(0, SAMPLE);
  const plan = {
    summary: summarize(list, toAdd.length, toRemove.length, already, refused.length),
    action: "update",
    record_type: "list member",
    list: { id: list.id, name: list.name, kind: list.kind, size: list.size },
    count,
    records,
    ...(count > records.length && { not_shown: count - records.length }),
    added: toAdd.length,
    removed: toRemove.length,
    already,
    refused,
    side_effects: [
      "Membership changes show at once in the list's size and in anything that uses the list (email sends, workflows).",
      ...(refused.length > 0 ? [`${plural(refused.length, "contact")} refused and left as they are.`] : []),
    ],
  };
  return { list, toAdd, toRemove, already, refused, plan };
}

export const listMembersUpdate = marketingTool({
  name: "list_members_update",
  title: "Add or remove list members",
  description:
    "Adds or removes contacts of a static list; unsubscribed contacts are refused. A human confirms.",
  toolset: listsToolset.name,
  scopes: ["marketing:write"],
  ports: ["marketing", "email"],
  annotations: annotations.update,
  input,
  output: z.object({
    list: z.object({ id: z.string(), name: untrustedName(z.string(), "list name") }),
    added: z.number().describe("Contacts added"),
    removed: z.number().describe("Contacts removed"),
    already: z.number().describe("Contacts already as asked: no change"),
    refused: RefusedSchema.describe("Contacts left as they are, and why"),
    size: z.number().describe("Members after the change"),
    written: WrittenSchema,
    note: z.string(),
  }),
  guard: {
    kind: "destructive",
    preview: planned.preview,
  },
  handler: async ({ input: i, ctx }) => {
    const d = await planned.derived(i, ctx);
    const { marketing, source } = ctx.ports;
    let r: Awaited<ReturnType<typeof marketing.updateListMembers>>;
    try {
      r = await marketing.updateListMembers(
        d.list.id,
        { add: d.toAdd.map((c) => c.id), remove: d.toRemove.map((c) => c.id) },
        {
          principal: ctx.principal.id,
          // the key, and whether an interrupted execution under it may have landed
          ...ctx.write,
        },
      );
    } catch (err) {
      if (err instanceof Error && err.name === "ListNotEditableError")
        throw new ToolError("user", err.message, { fields: ["list_id"], cause: err });
      throw err;
    }
    // the change is made: a failed re-read must not turn it into an error
    const counted = d.list.size + r.added.length - r.removed.length;
    const size = await marketing.getList(d.list.id).then(
      (l) => l?.size ?? counted,
      () => counted,
    );
    const ignored = r.ignored.length;
    return {
      list: { id: d.list.id, name: d.list.name },
      added: r.added.length,
      removed: r.removed.length,
      already: d.already + ignored,
      refused: d.refused,
      size,
      written: { system: source, id: d.list.id },
      note: [
        `List ${d.list.name} now has ${plural(size, "member")}.`,
        ignored > 0 && `${plural(ignored, "contact")} had changed meanwhile and needed nothing.`,
        d.refused.length > 0 && `${plural(d.refused.length, "contact")} refused (see refused).`,
      ]
        .filter(Boolean)
        .join(" "),
    };
  },
  render: (o) =>
    `${o.list.name}: +${o.added} −${o.removed}, ${o.already} unchanged, ${o.refused.length} refused; ${o.size} members`,
  example: { list_id: "lst_0001", add: ["con_0002"], remove: [] },
});
