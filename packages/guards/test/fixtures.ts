import { defineServer, defineTool, notFound } from "@revops/kit";
import { z } from "zod";
import { capsToolset, capsUpdateTool, runBulk } from "../src/index";

/** A tiny CRM, outbox and ad account standing in for an app's ports. */
export interface FakePorts {
  deals: Map<string, { id: string; name: string; stage: string; amount: number }>;
  contacts: Map<string, { id: string; email: string; tags: string[] }>;
  outbox: { to: string; subject: string }[];
  budgets: Map<string, number>;
  /** Makes the next handler call fail (to test that failures count nothing). */
  failNext: boolean;
  /** ctx.write of every deal_update that ran: the key and whether it resumed an interrupted execution. */
  writes: { idempotencyKey: string; resumed: boolean }[];
}

export function fakePorts(): FakePorts {
  const deals = new Map(
    [
      { id: "d1", name: "Acme renewal", stage: "proposal", amount: 12000 },
      { id: "d2", name: "Globex expansion", stage: "negotiation", amount: 30000 },
      { id: "d3", name: "Initech pilot", stage: "qualified", amount: 5000 },
    ].map((d) => [d.id, d]),
  );
  const contacts = new Map(
    Array.from({ length: 60 }, (_, i) => {
      const id = `c${i + 1}`;
      return [id, { id, email: `person${i + 1}@example.com`, tags: [] as string[] }];
    }),
  );
  return { deals, contacts, outbox: [], budgets: new Map([["cmp_1", 100]]), failNext: false, writes: [] };
}

const write = { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false };
const maybeFail = (ports: FakePorts) => {
  if (ports.failNext) {
    ports.failNext = false;
    throw new Error("vendor down");
  }
};

const dealsDelete = defineTool<{ deal_ids: string[] }, { deleted: number }, FakePorts>({
  name: "deals_delete",
  title: "Delete deals",
  description: "Deletes deals.",
  toolset: "crm",
  scopes: ["crm:write"],
  annotations: write,
  input: z.object({ deal_ids: z.array(z.string()).min(1) }),
  output: z.object({ deleted: z.number() }),
  guard: {
    kind: "destructive",
    preview: ({ deal_ids }, ctx) => ({
      summary: `Delete ${deal_ids.length} deal(s)`,
      action: "delete",
      record_type: "deal",
      records: deal_ids.map((id) => {
        const d = ctx.ports.deals.get(id);
        if (!d) throw notFound(`No deal ${id}.`);
        return { id, name: d.name, stage: d.stage };
      }),
    }),
  },
  handler: ({ input, ctx }) => {
    maybeFail(ctx.ports);
    for (const id of input.deal_ids) ctx.ports.deals.delete(id);
    return { deleted: input.deal_ids.length };
  },
  example: { deal_ids: ["d1", "d2"] },
});

const dealUpdate = defineTool<{ deal_id: string; stage: string }, { id: string; stage: string }, FakePorts>({
  name: "deal_update",
  title: "Update a deal",
  description: "Changes a deal's stage.",
  toolset: "crm",
  scopes: ["crm:write"],
  annotations: { ...write, destructiveHint: true, idempotentHint: true },
  input: z.object({ deal_id: z.string(), stage: z.string() }),
  output: z.object({ id: z.string(), stage: z.string() }),
  guard: {
    kind: "destructive",
    preview: ({ deal_id, stage }, ctx) => {
      const d = ctx.ports.deals.get(deal_id);
      if (!d) throw notFound(`No deal ${deal_id}.`);
      return {
        action: "update",
        records: [{ id: d.id, name: d.name, changes: { stage: { from: d.stage, to: stage } } }],
      };
    },
  },
  handler: ({ input, ctx }) => {
    const d = ctx.ports.deals.get(input.deal_id);
    if (!d) throw notFound(`No deal ${input.deal_id}.`);
    ctx.ports.writes.push({
      idempotencyKey: ctx.write?.idempotencyKey ?? "",
      resumed: ctx.write?.resumed === true,
    });
    maybeFail(ctx.ports);
    d.stage = input.stage;
    return { id: d.id, stage: d.stage };
  },
  example: { deal_id: "d3", stage: "won" },
});

const Recipient = z.object({ email: z.string(), time_zone: z.string().optional() });
const emailSend = defineTool<
  { to: z.infer<typeof Recipient>[]; subject: string; simulated?: boolean },
  { sent: number },
  FakePorts
>({
  name: "email_send",
  title: "Send an email",
  description: "Sends one email to each recipient.",
  toolset: "outreach",
  scopes: ["mail:send"],
  annotations: { ...write, destructiveHint: false, openWorldHint: true },
  input: z.object({ to: z.array(Recipient).min(1), subject: z.string(), simulated: z.boolean().optional() }),
  output: z.object({ sent: z.number() }),
  guard: {
    kind: "outbound",
    preview: ({ to, subject, simulated }) => ({
      summary: `Email "${subject}"`,
      subject,
      recipients: to,
      ...(simulated && { delivery: "simulated" as const }),
    }),
  },
  handler: ({ input, ctx }) => {
    maybeFail(ctx.ports);
    for (const r of input.to) ctx.ports.outbox.push({ to: r.email, subject: input.subject });
    return { sent: input.to.length };
  },
  example: { to: [{ email: "ann@example.com" }], subject: "Hello" },
});

const budgetIncrease = defineTool<{ campaign_id: string; amount: number }, { budget: number }, FakePorts>({
  name: "ad_budget_increase",
  title: "Increase an ad budget",
  description: "Adds money to a campaign's budget.",
  toolset: "ads",
  scopes: ["ads:spend"],
  annotations: { ...write, destructiveHint: false, openWorldHint: true },
  input: z.object({ campaign_id: z.string(), amount: z.number().positive() }),
  output: z.object({ budget: z.number() }),
  guard: {
    kind: "spend",
    preview: ({ campaign_id, amount }, ctx) => ({
      summary: `Add ${amount} to ${campaign_id}`,
      campaign_id,
      amount,
      currency: "USD",
      budget_before: ctx.ports.budgets.get(campaign_id) ?? 0,
    }),
  },
  handler: ({ input, ctx }) => {
    maybeFail(ctx.ports);
    const budget = (ctx.ports.budgets.get(input.campaign_id) ?? 0) + input.amount;
    ctx.ports.budgets.set(input.campaign_id, budget);
    return { budget };
  },
  example: { campaign_id: "cmp_1", amount: 150 },
});

const contactsTag = defineTool<
  { tag: string; contact_ids: string[]; idempotency_key: string },
  { tagged: number; skipped: number; failed: number },
  FakePorts
>({
  name: "contacts_tag",
  title: "Tag contacts",
  description: "Adds a tag to many contacts.",
  toolset: "crm",
  scopes: ["crm:write"],
  annotations: { ...write, destructiveHint: true, idempotentHint: true },
  input: z.object({
    tag: z.string(),
    contact_ids: z.array(z.string()).min(1),
    idempotency_key: z.string(),
  }),
  output: z.object({ tagged: z.number(), skipped: z.number(), failed: z.number() }),
  guard: {
    kind: "destructive",
    preview: ({ tag, contact_ids }) => ({
      action: "tag",
      record_type: "contact",
      count: contact_ids.length,
      tag,
    }),
  },
  handler: async ({ input, ctx }) => {
    const r = await runBulk(
      input.contact_ids,
      async (id) => {
        const c = ctx.ports.contacts.get(id);
        if (!c) throw notFound(`No contact ${id}.`);
        c.tags.push(input.tag);
      },
      { ctx, idempotencyKey: input.idempotency_key, itemKey: (id) => id },
    );
    return { tagged: r.succeeded, skipped: r.skipped, failed: r.failed.length };
  },
  example: { tag: "vip", contact_ids: ["c1", "c2"], idempotency_key: "k1" },
});

const dealsList = defineTool<Record<string, never>, { ids: string[] }, FakePorts>({
  name: "deals_list",
  title: "List deals",
  description: "Lists deals.",
  toolset: "crm",
  scopes: ["crm:read"],
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  input: z.object({}),
  output: z.object({ ids: z.array(z.string()) }),
  handler: ({ ctx }) => ({ ids: [...ctx.ports.deals.keys()] }),
});

/** A server with every kind of guarded tool; `ports` lets a test hold on to the fake. */
export function guardedModule(ports: FakePorts = fakePorts()) {
  return defineServer<FakePorts>({
    name: "guarded",
    title: "Guarded",
    version: "1.0.0",
    instructions: "Test server for the guards.",
    toolsets: [
      { name: "crm", description: "CRM", default: true },
      { name: "outreach", description: "Mail", default: true },
      { name: "ads", description: "Ads", default: true },
      capsToolset,
    ],
    tools: [dealsList, dealsDelete, dealUpdate, emailSend, budgetIncrease, contactsTag, capsUpdateTool],
    resources: [],
    prompts: [],
    ports: async () => ports,
  });
}
