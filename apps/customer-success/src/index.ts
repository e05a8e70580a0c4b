export { CHURN_MODEL, predict as predictChurn } from "./domain/churn";
export { HEALTH_METHOD, healthScore, topDriver } from "./domain/health";
export { draftOnboardings, type OnboardingDraft } from "./domain/onboarding";
export type { CsPorts, SupportPort } from "./ports";
export { CS_INSTRUCTIONS, createCustomerSuccessServer } from "./server";
export { modelFor as churnModelFor } from "./tools/health/churn-model";
export {
  draftsFor,
  draftView,
  ONBOARDING_HOME,
  ownerRuleNote,
  planView,
  wonDealFor,
  writeDraft,
} from "./tools/onboarding/plan-write";
export { DraftSchema as OnboardingDraftSchema } from "./tools/onboarding/schemas";
