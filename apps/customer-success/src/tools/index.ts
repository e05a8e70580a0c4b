import { accountsAtRisk } from "./accounts-at-risk";
import { npsSummary } from "./nps-summary";
import { ticketsList } from "./tickets-list";

export const tools = [accountsAtRisk, ticketsList, npsSummary];
