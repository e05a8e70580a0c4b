import { accountsTools, accountsToolset } from "./accounts";
import { dealsTools, dealsToolset } from "./deals";
import { dealsWriteTools, dealsWriteToolset } from "./deals-write";
import { forecastingTools, forecastingToolset } from "./forecasting";
import { leadsTools, leadsToolset } from "./leads";
import { leadsWriteTools, leadsWriteToolset } from "./leads-write";
import { meetingsTools, meetingsToolset } from "./meetings";
import { outreachTools, outreachToolset } from "./outreach";
import { pipelineTools, pipelineToolset } from "./pipeline";
import { planningTools, planningToolset } from "./planning";
import { prospectingTools, prospectingToolset } from "./prospecting";
import { recordsWriteTools, recordsWriteToolset } from "./records-write";

export const toolsets = [
  pipelineToolset,
  accountsToolset,
  forecastingToolset,
  planningToolset,
  dealsWriteToolset,
  dealsToolset,
  leadsToolset,
  leadsWriteToolset,
  meetingsToolset,
  outreachToolset,
  prospectingToolset,
  recordsWriteToolset,
];
export const tools = [
  ...pipelineTools,
  ...accountsTools,
  ...forecastingTools,
  ...planningTools,
  ...dealsWriteTools,
  ...dealsTools,
  ...leadsTools,
  ...leadsWriteTools,
  ...meetingsTools,
  ...outreachTools,
  ...prospectingTools,
  ...recordsWriteTools,
];
