import { dealUpdate } from "./deal-update";

export { dealsWriteToolset } from "./toolset";
export const dealsWriteTools = [dealUpdate];
