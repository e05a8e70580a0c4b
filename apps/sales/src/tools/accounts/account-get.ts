import { annotations, notFound, untrustedName, untrustedText } from "@revops/kit";
import { z } from "zod";
import { salesTool } from "../../ports";
import { AccountIdSchema, DealRowSchema, FirmographicsSchema, toDealRow } from "../schemas";
import { accountsToolset } from "./toolset";

export const accountGet = salesTool({
  name: "account_get",
  title: "Get an account",
  description:
    "An account's owner, ARR, subscription, top contacts, open deals, recent activity and firmographics.",
  toolset: accountsToolset.name,
  scopes: ["sales:read"],
  ports: ["crm", "enrichment"],
  annotations: annotations.read,
  input: z
    .object({
      account_id: AccountIdSchema,
      detail: z.enum(["summary", "full"]).default("summary").describe("full adds activity bodies"),
    })
    .strict(),
  output: z.object({
    id: z.string(),
    name: untrustedName(z.string(), "account name"),
    domain: z.string(),
    industry: z.string(),
    size_band: z.string(),
    region: z.string(),
    owner: z.string(),
    arr: z.number(),
    lifecycle: z.string(),
    subscription: z
      .object({
        plan: z.string(),
        seats: z.number(),
        arr: z.number(),
        renewal_date: z.string(),
        status: z.string(),
      })
      .nullable(),
    contacts: z.object({
      total: z.number(),
      top: z.array(
        z.object({
          id: z.string(),
          name: untrustedName(z.string(), "contact name"),
          title: untrustedName(z.string(), "job title"),
          email: z.string(),
        }),
      ),
    }),
    open_deals: z.array(DealRowSchema),
    recent_activities: z.array(
      z.object({
        id: z.string(),
        type: z.string(),
        subject: untrustedText(z.string(), "activity subject", 200),
        occurred_at: z.string(),
        body: untrustedText(z.string(), "activity note", 1000).optional(),
      }),
    ),
    firmographics: FirmographicsSchema.optional(),
    note: z.string().optional().describe("Why firmographics are missing, or how old cached data is"),
  }),
  example: { account_id: "acc_0001" },
  handler: async ({ input, ctx }) => {
    const ports = ctx.ports;
    const a = await ports.crm.getAccount(input.account_id);
    if (!a) {
      throw notFound(`No account with id ${input.account_id}.`, {
        fields: ["account_id"],
        hint: "Find the id with accounts_search (by name or domain), or use an account_id from deals_list.",
      });
    }
    const full = input.detail === "full";
    const today = await ports.today();
    const enriched = await ports.enrichment?.firmographics(a.domain);
    const f = enriched?.firmographics;
    const note = enriched?.note;
    return {
      id: a.id,
      name: a.name,
      domain: a.domain,
      industry: a.industry,
      size_band: a.sizeBand,
      region: a.region,
      owner: a.ownerName,
      arr: a.arr,
      lifecycle: a.lifecycle,
      subscription: a.subscription
        ? {
            plan: a.subscription.plan,
            seats: a.subscription.seats,
            arr: a.subscription.arr,
            renewal_date: a.subscription.renewalDate,
            status: a.subscription.status,
          }
        : null,
      contacts: a.contacts,
      open_deals: a.openDeals.map((d) => toDealRow(d, today)),
      recent_activities: a.recentActivities.map((r) => ({
        id: r.id,
        type: r.type,
        subject: r.subject,
        occurred_at: r.occurredAt,
        ...(full && { body: r.body }),
      })),
      ...(f && {
        firmographics: {
          industry: f.industry,
          employees: f.employees,
          annual_revenue: f.annualRevenue,
          founded_year: f.foundedYear,
          linkedin_url: f.linkedinUrl,
          source: f.source,
        },
      }),
      ...(note && { note }),
    };
  },
});
