import { AnalyticsMetaSchema, annotations, untrustedText } from "@revops/kit";
import { z } from "zod";
import { type EmailSendStats, marketingTool } from "../../ports";
import { emailToolset } from "./toolset";

const RateSchema = z.object({ rate: z.number().nullable(), of: z.number().describe("Denominator") });

const rate = (n: number, of: number) => ({
  rate: of > 0 ? Math.round((n / of) * 10_000) / 10_000 : null,
  of,
});

/** Rates as the email trade quotes them: delivery of requests, the rest of delivered (clicks of opens too). */
function withRates(s: EmailSendStats) {
  return {
    id: s.id,
    kind: s.kind,
    subject: s.subject,
    send_at: s.sendAt,
    requests: s.requests,
    delivered: s.delivered,
    bounces: s.bounces,
    opens: s.opens,
    unique_opens: s.uniqueOpens,
    clicks: s.clicks,
    unique_clicks: s.uniqueClicks,
    unsubscribes: s.unsubscribes,
    spam_reports: s.spamReports,
    rates: {
      delivery: rate(s.delivered, s.requests),
      bounce: rate(s.bounces, s.requests),
      unique_open: rate(s.uniqueOpens, s.delivered),
      unique_click: rate(s.uniqueClicks, s.delivered),
      click_to_open: rate(s.uniqueClicks, s.uniqueOpens),
      unsubscribe: rate(s.unsubscribes, s.delivered),
      spam_report: rate(s.spamReports, s.delivered),
    },
  };
}

export const emailStats = marketingTool({
  name: "email_stats",
  title: "Email send stats",
  description: "Deliveries, opens, clicks, bounces, unsubscribes and spam reports per email send.",
  toolset: emailToolset.name,
  scopes: ["marketing:read"],
  ports: ["email"],
  annotations: annotations.read,
  input: z
    .object({
      send_ids: z.array(z.string().trim().min(1).max(64)).max(50).optional(),
    })
    .strict(),
  output: z.object({
    sends: z.array(
      z.object({
        id: z.string(),
        kind: z.enum(["test", "campaign"]),
        subject: untrustedText(z.string(), "email subject", 200),
        send_at: z.string(),
        requests: z.number(),
        delivered: z.number(),
        bounces: z.number(),
        opens: z.number(),
        unique_opens: z.number(),
        clicks: z.number(),
        unique_clicks: z.number(),
        unsubscribes: z.number(),
        spam_reports: z.number(),
        rates: z.record(z.string(), RateSchema),
      }),
    ),
    meta: AnalyticsMetaSchema,
  }),
  handler: async ({ input: i, ctx }) => {
    const ports = ctx.ports;
    const stats = await ports.email.stats(i.send_ids);
    return {
      sends: stats.map(withRates),
      meta: {
        method:
          "email-stats-v1: counts per send; rates of requests (delivery, bounce) or of delivered, clicks also of unique opens",
        as_of: await ports.today(),
        source: ports.email.source,
        inputs: { sends: stats.length, ...(i.send_ids && { requested: i.send_ids.length }) },
        caveats: [
          ports.email.source === "sandbox"
            ? "Sandbox engagement is simulated, deterministic from the seed, content and address (2% bounce, 35% open, a quarter of openers click)."
            : "Opens are inflated by mail privacy proxies that prefetch images; clicks are more reliable.",
          "A scheduled send shows no engagement until its waves have gone out.",
        ],
      },
    };
  },
  render: (o) =>
    o.sends
      .map(
        (s) =>
          `${s.id} ${s.subject}: ${s.delivered}/${s.requests} delivered, ${s.unique_opens} opened, ${s.unique_clicks} clicked`,
      )
      .join("\n") || "No email sends.",
  example: {},
});
