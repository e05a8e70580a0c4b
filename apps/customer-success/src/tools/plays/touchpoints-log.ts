import { annotations, notFound, untrustedText, WrittenSchema } from "@revops/kit";
import { fromVendor } from "@revops/safety/vendor-errors";
import { z } from "zod";
import { type CsPorts, csTool, TOUCHPOINT_CHANNELS } from "../../ports";
import { AccountNameSchema } from "../schemas";
import { TASKS_HOME } from "./save-play";
import { playsToolset } from "./toolset";

const input = z
  .object({
    account_id: z.string().min(1).max(64),
    channel: z.enum(TOUCHPOINT_CHANNELS),
    notes: z.string().min(1).max(2000),
  })
  .strict();
type Input = z.output<typeof input>;

async function draftOf(ports: CsPorts, a: Input) {
  // logged the day it happened, on the sandbox clock (a planned one comes from save_play)
  const day = await ports.today();
  const [s] = await fromVendor(() => ports.support.accountSignals({ accountIds: [a.account_id] }));
  if (!s)
    throw notFound(`No customer account ${a.account_id}.`, {
      fields: ["account_id"],
      hint: "Take an id from health_scores or churn_risk.",
    });
  const subject = `${a.channel === "qbr" ? "QBR" : a.channel[0]?.toUpperCase() + a.channel.slice(1)} with ${s.accountName}`;
  return { account: s, day, subject };
}

export const touchpointsLog = csTool({
  name: "touchpoints_log",
  title: "Log a customer touchpoint",
  description: "Logs a customer touchpoint (today) with notes.",
  toolset: playsToolset.name,
  scopes: ["cs:write"],
  ports: ["support"],
  annotations: annotations.update,
  input,
  output: z.object({
    touchpoint_id: z.string(),
    account_id: z.string(),
    account_name: AccountNameSchema,
    channel: z.string(),
    day: z.string(),
    subject: AccountNameSchema,
    notes: untrustedText(z.string(), "touchpoint notes", 2000),
    recovered: z.boolean(),
    written: WrittenSchema,
    where: z.string(),
  }),
  guard: {
    kind: "destructive",
    preview: async (a, ctx) => {
      const d = await draftOf(ctx.ports, a);
      return {
        summary: `Log ${a.channel} on ${d.day} for ${d.account.accountName} (${a.notes.length} characters of notes)`,
        action: "create",
        record_type: "touchpoint",
        records: [{ id: a.account_id, name: d.account.accountName }],
        side_effects: [TASKS_HOME],
      };
    },
  },
  example: { account_id: "acc_0064", channel: "call", notes: "Walked through the renewal options." },
  handler: async ({ input: a, ctx }) => {
    const d = await draftOf(ctx.ports, a);
    const today = await ctx.ports.today();
    const r = await ctx.ports.tasks.logTouchpoint(
      {
        accountId: a.account_id,
        channel: a.channel,
        status: "done",
        day: d.day,
        subject: d.subject,
        notes: a.notes,
        source: "touchpoints_log",
      },
      {
        principal: ctx.principal.id,
        ...(ctx.write && { planHash: ctx.write.planHash }),
        idempotencyKey: ctx.write?.idempotencyKey ?? `touchpoints_log:${a.account_id}:${today}:${a.notes}`,
      },
    );
    const t = r.touchpoint;
    return {
      touchpoint_id: t.id,
      account_id: t.accountId,
      account_name: d.account.accountName,
      channel: t.channel,
      day: t.day,
      subject: t.subject,
      notes: t.notes ?? "",
      recovered: r.recovered,
      written: { system: "revops", id: t.id },
      where: TASKS_HOME,
    };
  },
  render: (o) =>
    `${o.subject} on ${o.day} logged as ${o.touchpoint_id}${o.recovered ? " (already logged by an interrupted attempt)" : ""}. ${o.where}\nNotes: ${o.notes}`,
});
