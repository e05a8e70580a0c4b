import { accountsAtRisk } from "./accounts-at-risk";
import { churnRisk } from "./churn-risk";

export { healthToolset } from "./toolset";
export const healthTools = [accountsAtRisk, churnRisk];
