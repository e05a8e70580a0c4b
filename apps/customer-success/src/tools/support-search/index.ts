import { ticketGet } from "./ticket-get";
import { ticketsSearch } from "./tickets-search";

export { supportSearchToolset } from "./toolset";
export const supportSearchTools = [ticketsSearch, ticketGet];
