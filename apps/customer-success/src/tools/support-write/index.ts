import { ticketUpdate } from "./ticket-update";

export { supportWriteToolset } from "./toolset";
export const supportWriteTools = [ticketUpdate];
