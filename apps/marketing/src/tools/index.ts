import { capsToolset, capsUpdateTool } from "@revops/guards";
import { analyticsTools, analyticsToolset } from "./analytics";
import { attributionTools, attributionToolset } from "./attribution";
import { budgetsTools, budgetsToolset } from "./budgets";
import { campaignRecordsTools, campaignRecordsToolset } from "./campaign-records";
import { campaignsTools, campaignsToolset } from "./campaigns";
import { contentTools, contentToolset } from "./content";
import { contentPlanTools, contentPlanToolset } from "./content-plan";
import { emailTools, emailToolset } from "./email";
import { handoffTools, handoffToolset } from "./handoff";
import { infrastructureTools, infrastructureToolset } from "./infrastructure";
import { leadsTools, leadsToolset } from "./leads";
import { listsTools, listsToolset } from "./lists";
import { planningTools, planningToolset } from "./planning";
import { scoringTools, scoringToolset } from "./scoring";
import { segmentsTools, segmentsToolset } from "./segments";
import { webTools, webToolset } from "./web";

// caps_update comes from the guards package: raising a spending cap is itself a guarded spend.
export const toolsets = [
  campaignsToolset,
  attributionToolset,
  leadsToolset,
  listsToolset,
  analyticsToolset,
  planningToolset,
  contentToolset,
  budgetsToolset,
  campaignRecordsToolset,
  emailToolset,
  handoffToolset,
  segmentsToolset,
  contentPlanToolset,
  webToolset,
  scoringToolset,
  infrastructureToolset,
  capsToolset,
];
export const tools = [
  ...campaignsTools,
  ...attributionTools,
  ...leadsTools,
  ...listsTools,
  ...analyticsTools,
  ...planningTools,
  ...contentTools,
  ...budgetsTools,
  ...campaignRecordsTools,
  ...emailTools,
  ...handoffTools,
  ...segmentsTools,
  ...contentPlanTools,
  ...webTools,
  ...scoringTools,
  ...infrastructureTools,
  capsUpdateTool,
];
