import { leadsBySource } from "./leads-by-source";

export { leadsToolset } from "./toolset";
export const leadsTools = [leadsBySource];
