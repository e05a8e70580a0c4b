import { contactUpsert } from "./contact-upsert";
import { leadConvert } from "./lead-convert";
import { leadUpdate } from "./lead-update";

export { leadsWriteToolset } from "./toolset";
export const leadsWriteTools = [contactUpsert, leadUpdate, leadConvert];
