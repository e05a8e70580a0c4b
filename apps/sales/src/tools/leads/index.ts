import { leadScore } from "./lead-score";

export { leadsToolset } from "./toolset";
export const leadsTools = [leadScore];
