import { dealGet } from "./deal-get";
import { dealQualify } from "./deal-qualify";
import { pipelineChanges } from "./pipeline-changes";
import { salesReport } from "./sales-report";
import { stakeholdersMap } from "./stakeholders-map";

export { dealsToolset } from "./toolset";
export const dealsTools = [dealGet, dealQualify, stakeholdersMap, pipelineChanges, salesReport];
