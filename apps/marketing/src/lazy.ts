import { lazyTools, type ToolIndexFile } from "@revops/kit";
import { marketingModule } from "./module";
import generated from "./tool-index.json" with { type: "json" };

const index = generated as unknown as ToolIndexFile;

/** The marketing server listing its tools from the generated index; their modules load on the first call (ADR 0053). */
export const createLazyMarketingServer = () =>
  marketingModule(
    lazyTools(index, async () => (await import("./tools")).tools),
    index.toolsets,
  );
