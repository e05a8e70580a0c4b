import { pipelineSettings } from "./pipeline-settings";
import { quotaAttainment } from "./quota-attainment";

export { planningToolset } from "./toolset";
export const planningTools = [quotaAttainment, pipelineSettings];
