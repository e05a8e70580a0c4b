import { campaignPerformance } from "./campaign-performance";
import { campaignsList } from "./campaigns-list";

export { campaignsToolset } from "./toolset";
export const campaignsTools = [campaignsList, campaignPerformance];
