import { accountsAtRisk } from "./accounts-at-risk";
import { npsSummary } from "./nps-summary";
import { ticketUpdate } from "./ticket-update";
import { ticketsList } from "./tickets-list";

export const tools = [accountsAtRisk, ticketsList, ticketUpdate, npsSummary];
