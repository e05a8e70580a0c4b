import { guardStateOf } from "@revops/guards";
import { annotations, type ToolContext, userError, WrittenSchema } from "@revops/kit";
import { z } from "zod";
import type { CsPorts, MessageContact, SurveyType } from "../../ports";
import { csTool } from "../../ports";
import { deliveryOf, recipientOf, SAMPLE, sendSettings, sendTimeOf, writeKeyOf } from "./send-plan";
import { messagingToolset } from "./toolset";

const DAY_MS = 86_400_000;

const input = z
  .object({
    kind: z.enum(["nps", "csat"]),
    account_ids: z.array(z.string().max(64)).max(500).optional(),
    skip_days: z.number().int().positive().max(365).default(90),
  })
  .strict();
type Input = z.output<typeof input>;

/** The question per survey, and the scale its answer links offer. */
export const SURVEYS: Record<SurveyType, { subject: string; question: string; scale: [number, number] }> = {
  nps: {
    subject: "Would you recommend us?",
    question: "How likely are you to recommend us to a friend or colleague?",
    scale: [0, 10],
  },
  csat: { subject: "How are we doing?", question: "How satisfied are you with our service?", scale: [1, 5] },
};

type Exclusion = "unsubscribed" | "suppressed" | "surveyed_recently" | "duplicate_email";
const WHY: Record<Exclusion, string> = {
  unsubscribed: "unsubscribed from email",
  suppressed: "on the suppression list",
  surveyed_recently: "surveyed within skip_days",
  duplicate_email: "shares an address with another contact",
};

/** The survey's HTML: the question and one link per score, each naming the survey and (per recipient) the contact. */
export function surveyBody(kind: SurveyType, url: string, surveyId: string): string {
  const s = SURVEYS[kind];
  const links = [];
  for (let n = s.scale[0]; n <= s.scale[1]; n++)
    links.push(`<a href="${url}?survey=${surveyId}&contact={{contact_id}}&score=${n}">${n}</a>`);
  return `<p>${s.question}</p><p>${links.join(" ")}</p>`;
}

async function excluded(c: MessageContact, seen: Set<string>, recent: Map<string, string>, ctx: ToolContext) {
  const email = c.email.toLowerCase();
  if (c.unsubscribed) return "unsubscribed";
  if (seen.has(email)) return "duplicate_email";
  seen.add(email);
  if (recent.has(c.id)) return "surveyed_recently";
  if (await guardStateOf(ctx)?.suppressions.has(email)) return "suppressed";
  return undefined;
}

async function planOf(i: Input, ctx: ToolContext<CsPorts>) {
  const ports = ctx.ports.messages;
  const system = ports.systemOf("email");
  if (!ports.surveyUrl)
    throw userError(
      "Surveys need CS_SURVEY_URL, the page their answer links open, when email goes out for real.",
      {
        hint: "Ask an administrator to set CS_SURVEY_URL.",
      },
    );
  // an empty list means no account, not every customer
  const audience = await ports.customerContacts(i.account_ids ? { accountIds: i.account_ids } : {});
  const now = new Date(await ports.now());
  const since = new Date(now.getTime() - i.skip_days * DAY_MS).toISOString();
  const recent = await ports.surveyedSince(since);
  const cfg = sendSettings(ctx);
  const keep: { contact: MessageContact; sendAt: string | undefined }[] = [];
  const removed: Record<Exclusion, number> = {
    unsubscribed: 0,
    suppressed: 0,
    surveyed_recently: 0,
    duplicate_email: 0,
  };
  const removedSample: { email: string; reason: string }[] = [];
  const seen = new Set<string>();
  for (const c of audience) {
    const why = await excluded(c, seen, recent, ctx as ToolContext);
    if (!why) keep.push({ contact: c, sendAt: sendTimeOf(now, c.timeZone, cfg) });
    else {
      removed[why]++;
      if (removedSample.length < 5) removedSample.push({ email: c.email, reason: WHY[why] });
    }
  }
  const scope = i.account_ids ? `${i.account_ids.length} account(s)` : "every customer";
  if (keep.length === 0)
    throw userError(`No contact of ${scope} may be surveyed: ${audience.length} found, all excluded.`, {
      fields: ["account_ids"],
      hint: "Pick other accounts, or lower skip_days.",
    });
  const accounts = new Set(keep.map((k) => k.contact.accountId)).size;
  const later = keep.flatMap((k) => (k.sendAt ? [k.sendAt] : [])).sort();
  const s = SURVEYS[i.kind];
  const plan = {
    summary: `${i.kind.toUpperCase()} survey to ${keep.length} contact(s) at ${accounts} account(s) (${scope}) via ${system}; ${audience.length - keep.length} excluded`,
    action: "send",
    record_type: "survey",
    count: keep.length,
    recipients: keep.slice(0, SAMPLE).map((k) => recipientOf(k.contact, k.sendAt)),
    ...(keep.length > SAMPLE && { not_shown: keep.length - SAMPLE }),
    accounts,
    excluded: { ...removed, sample: removedSample },
    skip_days: i.skip_days,
    survey: { kind: i.kind, subject: s.subject, question: s.question, scale: s.scale.join("–") },
    // those in quiet hours now get it at their morning's first hour
    schedule: {
      now: keep.length - later.length,
      later: later.length,
      ...(later.length > 0 && { last: later.at(-1) }),
      quiet_hours: cfg.GUARD_QUIET_HOURS,
    },
    system,
    delivery: deliveryOf(system),
    side_effects: ["Answers are recorded as NPS/CSAT responses (nps_summary reads them)."],
  };
  return { ports, keep, plan };
}

export const surveySend = csTool({
  name: "survey_send",
  title: "Survey customers",
  description: "Emails customers an NPS or CSAT survey; a human approves.",
  toolset: messagingToolset.name,
  scopes: ["cs:write"],
  annotations: annotations.send,
  input,
  output: z.object({
    survey_id: z.string(),
    system: z.string(),
    recipients: z.number(),
    written: WrittenSchema,
    note: z.string(),
  }),
  guard: { kind: "outbound", preview: async (i, ctx) => (await planOf(i, ctx)).plan },
  handler: async ({ input: i, ctx }) => {
    const { ports, keep } = await planOf(i, ctx);
    const now = await ports.now();
    const origin = writeKeyOf(ctx);
    const surveyId = ports.idOf(origin.idempotencyKey);
    const sent = await ports.send(
      {
        kind: "survey",
        channel: "email",
        surveyType: i.kind,
        subject: SURVEYS[i.kind].subject,
        body: surveyBody(i.kind, ports.surveyUrl as string, surveyId),
        recipients: keep.map((k) => ({
          contactId: k.contact.id,
          email: k.contact.email.toLowerCase(),
          sendAt: k.sendAt ?? now,
        })),
      },
      origin,
    );
    return {
      survey_id: surveyId,
      system: sent.system,
      recipients: sent.recipients,
      written: { system: sent.system, id: sent.id },
      note: sent.created
        ? `Survey ${surveyId} goes to ${sent.recipients} contact(s), each outside quiet hours where they are.`
        : "An earlier attempt had sent it: not sent again.",
    };
  },
  render: (o) => `${o.survey_id} via ${o.system}: ${o.recipients} recipients. ${o.note}`,
  example: { kind: "nps", account_ids: ["acc_0002"] },
});
