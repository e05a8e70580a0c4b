import { accountEnrich } from "./account-enrich";
import { prospectsFind } from "./prospects-find";

export { prospectingToolset } from "./toolset";
export const prospectingTools = [prospectsFind, accountEnrich];
