import { kbGaps } from "./kb-gaps";
import { kbSearch } from "./kb-search";

export { knowledgeToolset } from "./toolset";
export const knowledgeTools = [kbSearch, kbGaps];
