/** See view-bundle.mjs. */
export function bundleView(entry: string): Promise<string>;
export function esbuildViewPlugin(): { name: string; setup: (build: unknown) => void };
export function viteViewPlugin(): { name: string; enforce: "pre" };
