export { CHURN_MODEL, predict as predictChurn } from "./domain/churn";
export { HEALTH_METHOD, healthScore, topDriver } from "./domain/health";
export type { CsPorts, SupportPort } from "./ports";
export { CS_INSTRUCTIONS, createCustomerSuccessServer } from "./server";
export { modelFor as churnModelFor } from "./tools/health/churn-model";
