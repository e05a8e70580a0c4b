import { forecastGet } from "./forecast-get";

export { forecastingToolset } from "./toolset";
export const forecastingTools = [forecastGet];
