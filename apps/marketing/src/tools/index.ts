import { capsUpdateTool } from "@revops/guards";
import { campaignPerformance } from "./campaign-performance";
import { campaignsList } from "./campaigns-list";
import { leadsBySource } from "./leads-by-source";
import { listMembersUpdate } from "./list-members-update";

// caps_update comes from the guards package: raising a spending cap is itself a guarded spend.
export const tools = [campaignsList, campaignPerformance, leadsBySource, listMembersUpdate, capsUpdateTool];
