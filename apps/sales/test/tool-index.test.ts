import { fileURLToPath } from "node:url";
import { servedModules } from "@revops/safety/serve";
import { describeToolIndex } from "@revops/testing";
import { createLazySalesServer } from "../src/lazy";
import { createSalesServer } from "../src/server";

describeToolIndex({
  eager: createSalesServer(),
  lazy: createLazySalesServer(),
  file: fileURLToPath(new URL("../src/tool-index.json", import.meta.url)),
  served: servedModules,
});
