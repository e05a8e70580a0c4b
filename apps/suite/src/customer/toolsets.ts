import type { ToolsetDefinition } from "@revops/kit";

export const customerToolset: ToolsetDefinition = {
  name: "customer",
  description: "One customer across CRM, help desk, messenger and product analytics",
  default: true,
};

export const identityToolset: ToolsetDefinition = {
  name: "identity",
  description: "Review how records of each system are linked to CRM accounts",
  default: false,
};

export const handoffsToolset: ToolsetDefinition = {
  name: "handoffs",
  description: "Hand-offs between teams: closed-won deals to customer success, churn risk to account owners",
  default: false,
};
