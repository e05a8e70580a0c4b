import { campaignGet } from "./campaign-get";
import { campaignSave } from "./campaign-save";

export { campaignRecordsToolset } from "./toolset";
export const campaignRecordsTools = [campaignGet, campaignSave];
