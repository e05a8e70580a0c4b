// Bundles an app into dist/ so its npm tarball carries every workspace package and dependency:
// customers install one package, nothing from this monorepo is published separately.
import { rm } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { esbuildViewPlugin } from "./view-bundle.mjs";

await rm("dist", { recursive: true, force: true });
await build({
  // every server ships the administrator's CLI (`revops keys|approvals|audit`) beside its own bin
  entryPoints: {
    bin: "src/bin.ts",
    revops: fileURLToPath(new URL("../packages/safety/src/cli-main.ts", import.meta.url)),
  },
  outdir: "dist",
  bundle: true,
  splitting: true, // PostgreSQL and Redis clients load only when configured
  format: "esm",
  platform: "node",
  target: "node22",
  sourcemap: "linked",
  legalComments: "none",
  external: ["pg-native"],
  plugins: [esbuildViewPlugin()],
  banner: {
    js: "import { createRequire as __revopsCreateRequire } from 'node:module'; const require = __revopsCreateRequire(import.meta.url);",
  },
  logLevel: "warning",
});
