import { retentionReport } from "./retention-report";

export { retentionToolset } from "./toolset";
export const retentionTools = [retentionReport];
