import { accountHealth } from "./account-health";
import { accountsAtRisk } from "./accounts-at-risk";
import { churnRisk } from "./churn-risk";
import { healthScores } from "./health-scores";

export { healthToolset } from "./toolset";
export const healthTools = [accountsAtRisk, churnRisk, healthScores, accountHealth];
