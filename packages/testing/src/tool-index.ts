import { existsSync, readFileSync, writeFileSync } from "node:fs";
import {
  baseConfigSchema,
  createLogger,
  KitApp,
  KitRuntime,
  type ServerModule,
  toolIndexOf,
} from "@revops/kit";
import { describe, expect, it } from "vitest";

export interface ToolIndexOptions {
  /** The server with its tools loaded, and the same server listing from its generated index. */
  eager: ServerModule;
  lazy: ServerModule;
  /** The committed index (`src/tool-index.json`); UPDATE_TOOLSNAPS=1 rewrites it. */
  file: string;
  /** What the bin serves around the server (the safety modules, the confirmation card). */
  served: (modules: ServerModule[]) => ServerModule[];
}

const listings = (modules: ServerModule[], namespace: boolean) => {
  const runtime = new KitRuntime(baseConfigSchema.parse({}), createLogger("silent", "test"));
  const app = new KitApp({ modules, namespace, runtime, selection: { toolsets: ["all"] } });
  return app.tools.map((t) => app.listing(t));
};

/** The generated tool index a bin lists from (ADR 0053) is its live definitions', and lists every tool alike. */
export function describeToolIndex(o: ToolIndexOptions): void {
  describe("generated tool index", () => {
    it("is the index of the live definitions (UPDATE_TOOLSNAPS=1 regenerates it)", () => {
      const current = toolIndexOf(o.eager.tools, o.eager.toolsets);
      if (process.env.UPDATE_TOOLSNAPS === "1")
        writeFileSync(o.file, `${JSON.stringify(current, null, 2)}\n`);
      const committed = existsSync(o.file) ? JSON.parse(readFileSync(o.file, "utf8")) : undefined;
      expect(committed, `${o.file} is stale: UPDATE_TOOLSNAPS=1 regenerates it`).toEqual(current);
    });

    it.each([false, true])("lists every served tool as the loaded definitions do (namespaced: %s)", (ns) => {
      expect(listings(o.served([o.lazy]), ns)).toEqual(listings(o.served([o.eager]), ns));
    });
  });
}
