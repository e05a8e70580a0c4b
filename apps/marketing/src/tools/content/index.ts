import { brandCheck } from "./brand-check";

export { contentToolset } from "./toolset";
export const contentTools = [brandCheck];
