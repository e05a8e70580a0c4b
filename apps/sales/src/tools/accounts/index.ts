import { accountGet } from "./account-get";

export { accountsToolset } from "./toolset";
export const accountsTools = [accountGet];
