import { guardStateOf } from "@revops/guards";
import { annotations, type ToolContext, userError, WrittenSchema } from "@revops/kit";
import { z } from "zod";
import type { AnswerPage, CsPorts, MessageContact, SurveyType } from "../../ports";
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

/** The survey's HTML: the question and one link per score; `link(n)` names the page, survey and (per recipient) contact. */
export function surveyBody(kind: SurveyType, link: (score: number) => string): string {
  const s = SURVEYS[kind];
  const links = [];
  for (let n = s.scale[0]; n <= s.scale[1]; n++) links.push(`<a href="${link(n)}">${n}</a>`);
  return `<p>${s.question}</p><p>${links.join(" ")}</p>`;
}

/** Each score's link: our page's `/survey/<signed token>` (the token filled per recipient), else query links. */
const linkOf = (page: AnswerPage, surveyId: string) => (n: number) =>
  page.kind === "ours"
    ? `${page.base}/{{survey_token}}?score=${n}`
    : `${page.url}?survey=${surveyId}&contact={{contact_id}}&score=${n}`;

const PAGE_SAYS: Record<AnswerPage["kind"], string> = {
  ours: "this server's survey page",
  customer: "your own page (CS_SURVEY_URL)",
  placeholder: "a placeholder: nothing is delivered on the sandbox and no page is served (start with --http)",
};
const pageSays = (p: AnswerPage) => `${PAGE_SAYS[p.kind]}: ${p.kind === "ours" ? `${p.base}/…` : p.url}`;

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
  const page = ports.answerPage();
  if (!page)
    throw userError("Real survey email needs an answer page customers can reach; this server has none.", {
      hint: "Ask an administrator to serve HTTP with PUBLIC_URL (or CS_SURVEY_PAGE_URL) set, or to set CS_SURVEY_URL to their own page.",
    });
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
    answer_page: pageSays(page),
    side_effects: [
      page.kind === "ours"
        ? "Answers are recorded as NPS responses (nps_summary) or CSAT responses (ticket_trends)."
        : "Answers go to the page above; only answers on this server's page are recorded here.",
    ],
  };
  return { ports, keep, plan, page };
}

export const surveySend = csTool({
  name: "survey_send",
  title: "Survey customers",
  description: "Emails customers an NPS or CSAT survey; a human approves.",
  toolset: messagingToolset.name,
  scopes: ["cs:write"],
  ports: ["messages"],
  annotations: annotations.send,
  input,
  output: z.object({
    survey_id: z.string(),
    system: z.string(),
    recipients: z.number(),
    written: WrittenSchema,
    answer_page: z.string().describe("Where the answer links go"),
    sample_link: z.string().optional().describe("Sandbox only: the first recipient's link, to try the page"),
    note: z.string(),
  }),
  guard: { kind: "outbound", preview: async (i, ctx) => (await planOf(i, ctx)).plan },
  handler: async ({ input: i, ctx }) => {
    const { ports, keep, page } = await planOf(i, ctx);
    const now = await ports.now();
    const origin = writeKeyOf(ctx);
    const surveyId = ports.idOf(origin.idempotencyKey);
    const links = page.kind === "ours" ? await ports.surveyLinks() : undefined;
    const expiresAfter = ports.surveyLinkDays * DAY_MS;
    const recipients = keep.map((k) => {
      const sendAt = k.sendAt ?? now;
      const expires = new Date(Date.parse(sendAt) + expiresAfter).toISOString();
      const { id: contact, accountId: account } = k.contact;
      const token = links?.sign({ survey: surveyId, contact, account, kind: i.kind, expires });
      return {
        contactId: contact,
        email: k.contact.email.toLowerCase(),
        sendAt,
        ...(token && { vars: { survey_token: token } }),
      };
    });
    const sent = await ports.send(
      {
        kind: "survey",
        channel: "email",
        surveyType: i.kind,
        subject: SURVEYS[i.kind].subject,
        body: surveyBody(i.kind, linkOf(page, surveyId)),
        recipients,
      },
      origin,
    );
    // the link is the answerer's credential: only the sandbox, which delivers nothing, shows one
    const first = recipients[0]?.vars?.survey_token;
    const sample = sent.system === "sandbox" && page.kind === "ours" && first;
    return {
      survey_id: surveyId,
      system: sent.system,
      recipients: sent.recipients,
      written: { system: sent.system, id: sent.id },
      answer_page: pageSays(page),
      ...(sample && { sample_link: `${page.base}/${first}` }),
      note: sent.created
        ? `Survey ${surveyId} goes to ${sent.recipients} contact(s), each outside quiet hours where they are; links last ${ports.surveyLinkDays} days.`
        : "An earlier attempt had sent it: not sent again.",
    };
  },
  render: (o) =>
    `${o.survey_id} via ${o.system}: ${o.recipients} recipients. ${o.note} Answer links: ${o.answer_page}.${o.sample_link ? ` Try one: ${o.sample_link}` : ""}`,
  example: { kind: "nps", account_ids: ["acc_0002"] },
});
