import { leadScoringModel } from "./lead-scoring-model";

export { scoringToolset } from "./toolset";
export const scoringTools = [leadScoringModel];
