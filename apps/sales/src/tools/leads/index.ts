import { contactsSearch } from "./contacts-search";
import { leadScore } from "./lead-score";

export { leadsToolset } from "./toolset";
export const leadsTools = [contactsSearch, leadScore];
