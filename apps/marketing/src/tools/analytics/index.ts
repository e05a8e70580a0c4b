import { experimentSignificance } from "./experiment-significance";
import { funnelReport } from "./funnel-report";

export { analyticsToolset } from "./toolset";
export const analyticsTools = [funnelReport, experimentSignificance];
