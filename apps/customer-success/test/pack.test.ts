import { fileURLToPath } from "node:url";
import { describePackInstall } from "@revops/testing";

describePackInstall({
  appDir: fileURLToPath(new URL("..", import.meta.url)),
  bin: "revops-cs-mcp",
  minTools: 3,
});
