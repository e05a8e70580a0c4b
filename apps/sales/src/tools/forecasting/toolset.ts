import type { ToolsetDefinition } from "@revops/kit";

export const forecastingToolset: ToolsetDefinition = {
  name: "forecasting",
  description: "Forecasts from historical stage conversion",
  default: false,
};
