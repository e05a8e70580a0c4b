import type { IntercomConnector } from "@revops/connectors";
import { userError } from "@revops/kit";
import type { OutboundMessage } from "../../ports";
import type { Deliverer } from "../messages";

/**
 * Admin-initiated Intercom emails, one per contact (Intercom's messages have one recipient), each once per key.
 * Every address is matched to an Intercom contact before anything is sent, so a missing one sends nothing.
 */
export function intercomDeliverer(ic: IntercomConnector): Deliverer {
  return {
    system: "intercom",
    async deliver(m: OutboundMessage, _messageId: string, idempotencyKey: string) {
      const found = await Promise.all(m.recipients.map((r) => ic.contactByEmail(r.email)));
      const missing = m.recipients.filter((_, i) => !found[i]).map((r) => r.email);
      if (missing.length > 0)
        throw userError(`to: ${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} not in Intercom.`, {
          fields: ["to"],
          hint: 'Nothing was sent. Send by email (channel: "email") or add them to Intercom first.',
        });
      let first: string | undefined;
      let recovered = true;
      for (const contact of found) {
        const sent = await ic.messageOnce(
          String(contact?.id),
          { subject: m.subject, body: m.body },
          { idempotencyKey },
        );
        first ??= sent.id;
        recovered &&= sent.recovered;
      }
      return { ...(first ? { vendorId: first } : {}), deduplicated: recovered };
    },
  };
}
