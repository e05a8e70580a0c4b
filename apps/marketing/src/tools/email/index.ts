import { emailCampaignSend } from "./email-campaign-send";
import { emailStats } from "./email-stats";

export { emailToolset } from "./toolset";
export const emailTools = [emailCampaignSend, emailStats];
