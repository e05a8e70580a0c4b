import { accountsTools, accountsToolset } from "./accounts";
import { dealsTools, dealsToolset } from "./deals";
import { dealsWriteTools, dealsWriteToolset } from "./deals-write";
import { forecastingTools, forecastingToolset } from "./forecasting";
import { meetingsTools, meetingsToolset } from "./meetings";
import { outreachTools, outreachToolset } from "./outreach";
import { pipelineTools, pipelineToolset } from "./pipeline";

export const toolsets = [
  pipelineToolset,
  accountsToolset,
  forecastingToolset,
  dealsWriteToolset,
  dealsToolset,
  meetingsToolset,
  outreachToolset,
];
export const tools = [
  ...pipelineTools,
  ...accountsTools,
  ...forecastingTools,
  ...dealsWriteTools,
  ...dealsTools,
  ...meetingsTools,
  ...outreachTools,
];
