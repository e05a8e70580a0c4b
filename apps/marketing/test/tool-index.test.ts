import { fileURLToPath } from "node:url";
import { servedModules } from "@revops/safety/serve";
import { describeToolIndex } from "@revops/testing";
import { createLazyMarketingServer } from "../src/lazy";
import { createMarketingServer } from "../src/server";

describeToolIndex({
  eager: createMarketingServer(),
  lazy: createLazyMarketingServer(),
  file: fileURLToPath(new URL("../src/tool-index.json", import.meta.url)),
  served: servedModules,
});
