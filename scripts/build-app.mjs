// Bundles an app into dist/ so its npm tarball carries every workspace package and dependency:
// customers install one package, nothing from this monorepo is published separately.
import { rm } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { esbuildViewPlugin } from "./view-bundle.mjs";

/**
 * `node:http` and `node:https` through `require`: an ESM import of them builds the builtin's ESM facade, which reads
 * every export, and http's lazy WebSocket/MessageEvent getters load undici at start (≈70 ms CPU, ≈10 MB RSS).
 */
const requireHttpPlugin = () => ({
  name: "revops-require-http",
  setup(b) {
    b.onResolve({ filter: /^(node:)?https?$/ }, (args) =>
      args.namespace === "revops-http"
        ? { path: args.path, external: true }
        : { path: args.path.replace(/^(node:)?/, "node:"), namespace: "revops-http" },
    );
    b.onLoad({ filter: /.*/, namespace: "revops-http" }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(args.path)});`,
      loader: "js",
    }));
  },
});

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
  plugins: [esbuildViewPlugin(), requireHttpPlugin()],
  banner: {
    js: "import { createRequire as __revopsCreateRequire } from 'node:module'; const require = __revopsCreateRequire(import.meta.url);",
  },
  logLevel: "warning",
});
