import { dealGet } from "./deal-get";
import { pipelineChanges } from "./pipeline-changes";
import { salesReport } from "./sales-report";

export { dealsToolset } from "./toolset";
export const dealsTools = [dealGet, pipelineChanges, salesReport];
