export { CHURN_MODEL, predict as predictChurn } from "./domain/churn";
export { HEALTH_METHOD, healthScore, topDriver } from "./domain/health";
export { draftOnboardings, type OnboardingDraft } from "./domain/onboarding";
export { playsFor, SAVE_PLAYS, SAVE_PLAYS_VERSION } from "./domain/save-plays";
export { activeHealthWeights } from "./health-weights";
export { createLazyCustomerSuccessServer } from "./lazy";
export type { CsPorts, SupportPort, TaskStore } from "./ports";
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
export { type Assessment, assessAccounts, type RiskAssessment } from "./tools/plays/assess";
