import { dealsAtRisk } from "./deals-at-risk";
import { dealsList } from "./deals-list";
import { pipelineSummary } from "./pipeline-summary";

export { pipelineToolset } from "./toolset";
export const pipelineTools = [dealsList, dealsAtRisk, pipelineSummary];
