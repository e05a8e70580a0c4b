import type { MailMessage, SendGridConnector } from "@revops/connectors";
import type { OutboundMessage } from "../../ports";
import type { Deliverer } from "../messages";

/** SendGrid takes at most 1,000 personalizations per request. */
const PER_REQUEST = 1000;
const isHtml = (body: string) => /<\/?[a-z][^>]*>/i.test(body);

/**
 * Email through SendGrid's Mail Send: one request per send time and 1,000 recipients, each personalization tagged
 * with the message and contact (custom_args, for the activity feed and event webhooks), `{{contact_id}}` and the
 * recipient's own `vars` (a survey's signed link) in the body filled per recipient; once per key through the connector (a retry after an unclear failure never sends twice).
 */
export function sendgridDeliverer(sg: SendGridConnector, fromEmail: string): Deliverer {
  return {
    system: "sendgrid",
    async deliver(m: OutboundMessage, messageId: string, idempotencyKey: string) {
      const waves = new Map<string, OutboundMessage["recipients"]>();
      for (const r of m.recipients) waves.set(r.sendAt, [...(waves.get(r.sendAt) ?? []), r]);
      const content = isHtml(m.body) ? { html: m.body } : { text: m.body };
      let first: string | undefined;
      let deduplicated = true;
      let part = 0;
      for (const [sendAt, recipients] of [...waves].sort(([a], [b]) => a.localeCompare(b)))
        for (let i = 0; i < recipients.length; i += PER_REQUEST) {
          const message = {
            from: fromEmail,
            subject: m.subject,
            ...content,
            sendAt: Math.floor(Date.parse(sendAt) / 1000),
            personalizations: recipients.slice(i, i + PER_REQUEST).map((r) => ({
              to: r.email,
              // per personalization: the spec's message-level custom_args is a string
              customArgs: { revops_message: messageId, revops_kind: m.kind, contact_id: r.contactId },
              substitutions: { ...r.vars, contact_id: r.contactId },
            })),
          } as MailMessage;
          const sent = await sg.send(message, { idempotencyKey: `${idempotencyKey}:${part++}` });
          first ??= sent.messageId;
          deduplicated &&= sent.deduplicated;
        }
      return { ...(first ? { vendorId: first } : {}), deduplicated };
    },
    async suppressed(emails) {
      const out: string[] = [];
      for (const e of emails) if ((await sg.isSuppressed(e)).value) out.push(e);
      return out;
    },
  };
}
