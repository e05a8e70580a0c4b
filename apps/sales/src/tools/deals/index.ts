import { dealGet } from "./deal-get";
import { pipelineChanges } from "./pipeline-changes";

export { dealsToolset } from "./toolset";
export const dealsTools = [dealGet, pipelineChanges];
