import { accountsTools, accountsToolset } from "./accounts";
import { dealsTools, dealsToolset } from "./deals";
import { dealsWriteTools, dealsWriteToolset } from "./deals-write";
import { forecastingTools, forecastingToolset } from "./forecasting";
import { pipelineTools, pipelineToolset } from "./pipeline";

export const toolsets = [
  pipelineToolset,
  accountsToolset,
  forecastingToolset,
  dealsWriteToolset,
  dealsToolset,
];
export const tools = [
  ...pipelineTools,
  ...accountsTools,
  ...forecastingTools,
  ...dealsWriteTools,
  ...dealsTools,
];
