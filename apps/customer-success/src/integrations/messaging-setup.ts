import type { Runtime } from "@revops/kit";
import type { SqlDb } from "@revops/store";
import type { AnswerPage, MessageChannel } from "../ports";
import { SurveyLinks } from "../survey/links";
import type { CsConversationsConfig, CsMessagingConfig } from "./config";
import { CsMessaging, type MessagingSources } from "./messages";
import { messageIdOf, SandboxMessages } from "./sandbox/messages";

/** Links of sandbox surveys when no page is served: nothing is delivered, so no answer page is needed. */
const SANDBOX_SURVEY_URL = "https://survey.example.com/answer";
const LOOPBACK = /^(127\.|\[::1\]|localhost$)/;

/**
 * The customer's page when CS_SURVEY_URL is set; else ours at CS_SURVEY_PAGE_URL, or beside PUBLIC_URL (or the bound
 * address) while this server serves HTTP; real email never links to a loopback address no customer can reach.
 */
export function answerPageOf(m: CsMessagingConfig, httpUrl: string | undefined): AnswerPage | undefined {
  if (m.surveyUrl) return { kind: "customer", url: m.surveyUrl };
  const served = httpUrl && new URL("/survey", m.publicUrl ?? httpUrl).href;
  const base = m.surveyPageUrl ?? served;
  const sandbox = m.email.email === "sandbox";
  if (base && (sandbox || !LOOPBACK.test(new URL(base).hostname))) return { kind: "ours", base };
  return sandbox ? { kind: "placeholder", url: SANDBOX_SURVEY_URL } : undefined;
}

/** The links' key: derived from GUARD_TOKEN_SECRET when set, else a random key our database keeps for every replica. */
function surveyLinksOf(rt: Runtime, book: SandboxMessages): () => Promise<SurveyLinks> {
  const secret = (rt.config as { GUARD_TOKEN_SECRET?: string }).GUARD_TOKEN_SECRET;
  let links: Promise<SurveyLinks> | undefined;
  return () => {
    links ??= (secret ? Promise.resolve(secret) : book.surveyKey()).then((k) => new SurveyLinks(k));
    links.catch(() => {
      links = undefined;
    });
    return links;
  };
}

/** The messaging port: sandbox contacts and log; email by SendGrid when configured, Intercom when connected. */
export async function csMessaging(
  rt: Runtime,
  db: SqlDb,
  config: { messaging: CsMessagingConfig; conversations: CsConversationsConfig },
  now: () => Promise<string>,
): Promise<CsMessaging> {
  const { messaging, conversations } = config;
  const channels: MessagingSources["channels"] = { email: "sandbox", intercom: "sandbox" };
  if (messaging.email.email === "sendgrid" || conversations.conversations === "intercom") {
    // loaded on demand so the sandbox-only start never pulls in the vendor SDKs
    const vendors = await import("./vendor-ports");
    if (messaging.email.email === "sendgrid")
      channels.email = await vendors.vendorEmailDeliverer(rt, messaging.email);
    if (conversations.conversations === "intercom")
      channels.intercom = messaging.intercomAdminId
        ? await vendors.vendorIntercomDeliverer(rt, conversations, messaging.intercomAdminId)
        : {
            unavailable: "Intercom is connected without INTERCOM_ADMIN_ID, the admin messages are sent as.",
            fix: 'Send by email (channel: "email"), or ask an administrator to set INTERCOM_ADMIN_ID.',
          };
  }
  const book = new SandboxMessages(db);
  return new CsMessaging({
    book,
    defaultChannel: messaging.defaultChannel as MessageChannel,
    channels,
    // surveys go by email: a real one needs a real answer page
    answerPage: () => answerPageOf(messaging, rt.httpUrl),
    surveyLinks: surveyLinksOf(rt, book),
    surveyLinkDays: messaging.surveyLinkDays,
    now,
    messageIdOf,
  });
}
