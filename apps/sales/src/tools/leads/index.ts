import { contactsSearch } from "./contacts-search";
import { leadScore } from "./lead-score";
import { leadsList } from "./leads-list";

export { leadsToolset } from "./toolset";
export const leadsTools = [contactsSearch, leadsList, leadScore];
