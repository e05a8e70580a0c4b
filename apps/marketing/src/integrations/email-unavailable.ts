import { userError } from "@revops/kit";
import type { EmailPort } from "../ports";

/** Beside a marketing vendor with no email connection: every email call says what to configure. */
export function emailUnavailable(): EmailPort {
  const refuse = async (): Promise<never> => {
    throw userError(
      "Email sends need an email connection: none is configured beside this marketing source.",
      {
        hint: "Set SENDGRID_API_KEY (see docs/integrations.md), or use the sandbox.",
      },
    );
  };
  return {
    source: "none",
    sender: "none",
    now: refuse,
    audience: refuse,
    testSendOf: refuse,
    createDraft: refuse,
    draft: refuse,
    send: refuse,
    stats: refuse,
  };
}
