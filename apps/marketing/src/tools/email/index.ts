import { emailCampaignCreate } from "./email-campaign-create";
import { emailCampaignSend } from "./email-campaign-send";
import { emailStats } from "./email-stats";

export { emailToolset } from "./toolset";
export const emailTools = [emailCampaignCreate, emailCampaignSend, emailStats];
