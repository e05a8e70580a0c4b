import { capsToolset, capsUpdateTool } from "@revops/guards";
import { analyticsTools, analyticsToolset } from "./analytics";
import { attributionTools, attributionToolset } from "./attribution";
import { campaignsTools, campaignsToolset } from "./campaigns";
import { leadsTools, leadsToolset } from "./leads";
import { listsTools, listsToolset } from "./lists";

// caps_update comes from the guards package: raising a spending cap is itself a guarded spend.
export const toolsets = [
  campaignsToolset,
  attributionToolset,
  leadsToolset,
  listsToolset,
  analyticsToolset,
  capsToolset,
];
export const tools = [
  ...campaignsTools,
  ...attributionTools,
  ...leadsTools,
  ...listsTools,
  ...analyticsTools,
  capsUpdateTool,
];
