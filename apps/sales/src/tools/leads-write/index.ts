import { contactUpsert } from "./contact-upsert";

export { leadsWriteToolset } from "./toolset";
export const leadsWriteTools = [contactUpsert];
