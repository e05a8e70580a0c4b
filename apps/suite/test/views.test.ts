import { fileURLToPath } from "node:url";
import { describeViewsE2E } from "@revops/testing/views";

// the three servers' views under the suite's namespaced tools; api_usage is shared, its view served once
describeViewsE2E({
  bin: fileURLToPath(new URL("../dist/bin.js", import.meta.url)),
  views: [
    { tool: "sales_forecast_get", uri: "ui://sales/forecast" },
    { tool: "sales_pipeline_summary", uri: "ui://sales/pipeline" },
    { tool: "marketing_attribution", uri: "ui://marketing/attribution" },
    { tool: "cs_health_scores", uri: "ui://cs/health" },
    { tool: "api_usage", uri: "ui://ops/api-usage" },
  ],
});
