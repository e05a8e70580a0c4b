import { ticketsList } from "./tickets-list";

export { supportToolset } from "./toolset";
export const supportTools = [ticketsList];
