import { dealCreate } from "./deal-create";
import { dealUpdate } from "./deal-update";

export { dealsWriteToolset } from "./toolset";
export const dealsWriteTools = [dealUpdate, dealCreate];
