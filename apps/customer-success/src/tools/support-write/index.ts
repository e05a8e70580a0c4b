import { ticketCreate } from "./ticket-create";
import { ticketUpdate } from "./ticket-update";

export { supportWriteToolset } from "./toolset";
export const supportWriteTools = [ticketCreate, ticketUpdate];
