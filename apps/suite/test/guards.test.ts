import { describeGuardMatrix } from "@revops/guards/testing";
import { createSuiteModules } from "../src/server";

// The suite serves every module: each one's guarded tools face the consent matrix.
for (const module of createSuiteModules()) {
  if (module.tools.some((t) => t.guard || t.annotations.destructiveHint)) describeGuardMatrix(module);
}
