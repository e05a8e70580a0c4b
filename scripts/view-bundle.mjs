// Turns an MCP Apps view (a browser entry imported as "./x.view.ts?view") into one self-contained HTML page:
// the script bundled and inlined, a CSP that allows only that script and style (by hash) and no network.
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { build } from "esbuild";

const VIEW_QUERY = "?view";
const STYLE = `:root{color-scheme:light dark;font:13px/1.4 system-ui,sans-serif}
body{margin:0;padding:8px}svg{display:block;max-width:100%;height:auto}
text{fill:currentColor;font-size:11px}.muted{opacity:.65}.error{color:#b3261e}`;

const sha256 = (text) => `'sha256-${createHash("sha256").update(text).digest("base64")}'`;

/** The HTML page of one view entry file. */
export async function bundleView(entry) {
  const out = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: "iife",
    platform: "browser",
    target: "es2022",
    minify: true,
    legalComments: "none",
    logLevel: "warning",
  });
  // an inline script ends at the first "</script", wherever it is
  const script = out.outputFiles[0].text.replace(/<\/(script)/gi, "<\\/$1").replace(/<!--/g, "<\\!--");
  const title = /@title (.+)/.exec(await readFile(entry, "utf8"))?.[1]?.trim() ?? "Chart";
  const csp = `default-src 'none'; script-src ${sha256(script)}; style-src ${sha256(STYLE)}; img-src data:; base-uri 'none'; form-action 'none'`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${csp}"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${title}</title><style>${STYLE}</style></head><body><main id="view" aria-live="polite"><p class="muted">Waiting for the result…</p></main><script>${script}</script></body></html>`;
}

const entryOf = (importer, path) => resolve(dirname(importer), path.slice(0, -VIEW_QUERY.length));

/** esbuild: `import("./x.view.ts?view")` is the page as a string (a lazy chunk: loaded on resources/read only). */
export const esbuildViewPlugin = () => ({
  name: "revops-view",
  setup(b) {
    b.onResolve({ filter: /\?view$/ }, (args) => ({
      path: entryOf(args.importer, args.path),
      namespace: "revops-view",
    }));
    b.onLoad({ filter: /.*/, namespace: "revops-view" }, async (args) => ({
      contents: `export default ${JSON.stringify(await bundleView(args.path))};`,
      loader: "js",
    }));
  },
});

/** Vite (vitest): the same, for tests that import the app's source (a virtual id, so vite keeps the path whole). */
export const viteViewPlugin = () => ({
  name: "revops-view",
  enforce: "pre",
  resolveId(source, importer) {
    if (!source.endsWith(VIEW_QUERY) || !importer) return null;
    return `\0revops-view:${entryOf(importer, source)}`;
  },
  async load(id) {
    if (!id.startsWith("\0revops-view:")) return null;
    return `export default ${JSON.stringify(await bundleView(id.slice("\0revops-view:".length)))};`;
  },
});
