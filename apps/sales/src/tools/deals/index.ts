import { dealGet } from "./deal-get";

export { dealsToolset } from "./toolset";
export const dealsTools = [dealGet];
