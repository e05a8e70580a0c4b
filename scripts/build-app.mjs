// Bundles an app into dist/ so its npm tarball carries every workspace package and dependency:
// customers install one package, nothing from this monorepo is published separately.
import { readFile, rm, writeFile } from "node:fs/promises";
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

/**
 * A server's generated tool index (ADR 0053) as a string that `JSON.parse` reads at start: V8 parses JSON faster than
 * the same data as a JavaScript object literal, esbuild's default for an imported `.json`.
 */
const jsonParsedToolIndexPlugin = () => ({
  name: "revops-tool-index",
  setup(b) {
    b.onLoad({ filter: /[\\/]tool-index\.json$/ }, async (args) => ({
      contents: `export default JSON.parse(${JSON.stringify(JSON.stringify(JSON.parse(await readFile(args.path, "utf8"))))});`,
      loader: "js",
    }));
  },
});

/** Each command's real code, bundled; the published bins are the stubs below, which load these. */
const ENTRIES = {
  bin: "src/bin.ts",
  // every server ships the administrator's CLI (`revops keys|approvals|audit`) beside its own bin
  revops: fileURLToPath(new URL("../packages/safety/src/cli-main.ts", import.meta.url)),
};

/**
 * A bin that turns on Node's on-disk compile cache before the bundle loads: later starts reuse V8's compiled code
 * instead of parsing and compiling megabytes of JavaScript again (ADR 0046). Older Nodes without it just run.
 */
const stub = (main) => `#!/usr/bin/env node
// Node caches the compiled bundle on disk (NODE_COMPILE_CACHE, or the temp directory): later starts skip compiling it
import module from "node:module";
module.enableCompileCache?.();
await import("./${main}.js");
`;

await rm("dist", { recursive: true, force: true });
await build({
  entryPoints: Object.fromEntries(Object.entries(ENTRIES).map(([name, src]) => [`${name}-main`, src])),
  outdir: "dist",
  bundle: true,
  splitting: true, // PostgreSQL and Redis clients load only when configured
  format: "esm",
  platform: "node",
  target: "node22",
  sourcemap: "linked",
  // fewer bytes to read, parse and compile at every start; stack traces map back through the source map
  minify: true,
  legalComments: "none",
  external: ["pg-native"],
  plugins: [esbuildViewPlugin(), requireHttpPlugin(), jsonParsedToolIndexPlugin()],
  banner: {
    js: "import { createRequire as __revopsCreateRequire } from 'node:module'; const require = __revopsCreateRequire(import.meta.url);",
  },
  logLevel: "warning",
});
await Promise.all(
  Object.keys(ENTRIES).map((name) => writeFile(`dist/${name}.js`, stub(`${name}-main`), { mode: 0o755 })),
);
