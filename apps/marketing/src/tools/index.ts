import { capsToolset, capsUpdateTool } from "@revops/guards";
import { campaignsTools, campaignsToolset } from "./campaigns";
import { leadsTools, leadsToolset } from "./leads";
import { listsTools, listsToolset } from "./lists";

// caps_update comes from the guards package: raising a spending cap is itself a guarded spend.
export const toolsets = [campaignsToolset, leadsToolset, listsToolset, capsToolset];
export const tools = [...campaignsTools, ...leadsTools, ...listsTools, capsUpdateTool];
