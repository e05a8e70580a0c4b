import type { ToolsetDefinition } from "@revops/kit";

export const onboardingToolset: ToolsetDefinition = {
  name: "onboarding",
  description: "Onboarding plans from closed-won deals, milestones and time to value",
  default: false,
};
