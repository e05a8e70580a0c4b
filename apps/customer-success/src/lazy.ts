import { lazyTools, type ToolIndexFile } from "@revops/kit";
import { csModule } from "./module";
import generated from "./tool-index.json" with { type: "json" };

const index = generated as unknown as ToolIndexFile;

/** The customer-success server listing its tools from the generated index; their modules load on the first call (ADR 0053). */
export const createLazyCustomerSuccessServer = () =>
  csModule(
    lazyTools(index, async () => (await import("./tools")).tools),
    index.toolsets,
  );
