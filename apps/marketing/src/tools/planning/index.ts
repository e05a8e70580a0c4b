import { campaignPlan } from "./campaign-plan";

export { planningToolset } from "./toolset";
export const planningTools = [campaignPlan];
