import { describeGuardMatrix } from "@revops/guards/testing";
import { createCustomerSuccessServer } from "../src/server";

// The consent matrix on message_send's and survey_send's high-risk plans (four recipients; a survey to an account's
// contacts): a client answering its own elicitation, self-set flags, forged or replayed tokens and approvals never
// send. The suite's matrix covers their low-risk examples.
const server = createCustomerSuccessServer();
describeGuardMatrix(
  { ...server, tools: server.tools.filter((t) => t.toolset === "messaging") },
  {
    args: {
      message_send: {
        to: [
          "mei.brooks@cedarlinesolutions.de",
          "jonas.nakamura@cedarlinesolutions.de",
          "erik.andersson@cedarlinesolutions.de",
          "julia.banerjee@cedarlinesolutions.de",
        ],
        subject: "Your renewal",
        body: "Hi all, can we plan the renewal?",
      },
      survey_send: { kind: "nps", account_ids: ["acc_0002"] },
    },
    changedArgs: { survey_send: { kind: "csat", account_ids: ["acc_0002"] } },
    env: { SANDBOX_SCALE: "0.05" },
  },
);
