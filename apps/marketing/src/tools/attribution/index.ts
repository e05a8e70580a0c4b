import { attribution } from "./attribution";

export { attributionToolset } from "./toolset";
export const attributionTools = [attribution];
