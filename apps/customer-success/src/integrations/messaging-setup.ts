import type { Runtime } from "@revops/kit";
import { messageIdOf, SandboxMessages } from "@revops/sandbox";
import type { SqlDb } from "@revops/store";
import type { MessageChannel } from "../ports";
import type { CsConversationsConfig, CsMessagingConfig } from "./config";
import { CsMessaging, type MessagingSources } from "./messages";

/** Links of sandbox surveys: nothing is delivered, so no answer page is needed. */
const SANDBOX_SURVEY_URL = "https://survey.example.com/answer";

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
  return new CsMessaging({
    book: new SandboxMessages(db),
    defaultChannel: messaging.defaultChannel as MessageChannel,
    channels,
    // surveys go by email: a real one needs a real answer page
    surveyUrl: messaging.surveyUrl ?? (messaging.email.email === "sandbox" ? SANDBOX_SURVEY_URL : undefined),
    now,
    messageIdOf,
  });
}
