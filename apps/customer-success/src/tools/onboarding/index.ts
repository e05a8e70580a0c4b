import { onboardingPlan } from "./onboarding-plan";
import { onboardingStatus } from "./onboarding-status";

export { onboardingToolset } from "./toolset";
export const onboardingTools = [onboardingPlan, onboardingStatus];
