import { ticketTrends } from "./ticket-trends";

export { supportAnalyticsToolset } from "./toolset";
export const supportAnalyticsTools = [ticketTrends];
