import { accountsAtRisk } from "./accounts-at-risk";

export { healthToolset } from "./toolset";
export const healthTools = [accountsAtRisk];
