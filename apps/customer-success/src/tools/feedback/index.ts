import { npsSummary } from "./nps-summary";

export { feedbackToolset } from "./toolset";
export const feedbackTools = [npsSummary];
