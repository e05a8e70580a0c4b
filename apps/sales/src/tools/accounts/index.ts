import { accountGet } from "./account-get";
import { accountsSearch } from "./accounts-search";

export { accountsToolset } from "./toolset";
export const accountsTools = [accountsSearch, accountGet];
