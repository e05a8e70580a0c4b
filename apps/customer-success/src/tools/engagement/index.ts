import { qbrPrep } from "./qbr-prep";

export { engagementToolset } from "./toolset";
export const engagementTools = [qbrPrep];
