import { lazyTools, type ToolIndexFile } from "@revops/kit";
import { salesModule } from "./module";
import generated from "./tool-index.json" with { type: "json" };

const index = generated as unknown as ToolIndexFile;

/** The sales server listing its tools from the generated index; their modules load on the first call (ADR 0053). */
export const createLazySalesServer = () =>
  salesModule(
    lazyTools(index, async () => (await import("./tools")).tools),
    index.toolsets,
  );
