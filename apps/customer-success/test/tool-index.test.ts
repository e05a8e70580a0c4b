import { fileURLToPath } from "node:url";
import { servedModules } from "@revops/safety/serve";
import { describeToolIndex } from "@revops/testing";
import { createLazyCustomerSuccessServer } from "../src/lazy";
import { createCustomerSuccessServer } from "../src/server";

describeToolIndex({
  eager: createCustomerSuccessServer(),
  lazy: createLazyCustomerSuccessServer(),
  file: fileURLToPath(new URL("../src/tool-index.json", import.meta.url)),
  served: servedModules,
});
