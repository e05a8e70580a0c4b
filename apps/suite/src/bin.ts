#!/usr/bin/env node
// the narrow entry: stdio servers never load the HTTP auth or CLI code
import { serve } from "@revops/safety/serve";
import { createLazySuiteModules } from "./lazy";
import { SUITE_INFO } from "./server";

const intro = process.argv.includes("--sandbox-intro");
await serve({
  modules: createLazySuiteModules(),
  namespace: true,
  info: SUITE_INFO,
  defaultPort: 3100,
  extraFlags: ["--sandbox-intro"],
  onListening: intro ? async (...args) => (await import("./intro")).sandboxIntro(...args) : undefined,
});
