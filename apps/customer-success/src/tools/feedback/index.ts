import { feedbackThemes } from "./feedback-themes";
import { npsSummary } from "./nps-summary";

export { feedbackToolset } from "./toolset";
export const feedbackTools = [npsSummary, feedbackThemes];
