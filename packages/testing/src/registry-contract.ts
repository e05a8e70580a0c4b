import {
  baseConfigSchema,
  buildRegistry,
  createLogger,
  KitApp,
  KitRuntime,
  type ServerModule,
} from "@revops/kit";
import { describe, expect, it } from "vitest";
import { checkToolSnapshots } from "./toolsnaps";

/** Static checks every server's registry must pass: explicit annotations, scopes, short descriptions, snapshots. */
export function describeRegistryContract(modules: ServerModule[], snapDir: string, namespace = false): void {
  const registry = buildRegistry(modules, namespace);
  const runtime = new KitRuntime(baseConfigSchema.parse({}), createLogger("silent", "test"));
  const app = new KitApp({ modules, namespace, runtime, selection: { toolsets: ["all"] } });

  describe("tool registry contract", () => {
    it.each(registry.tools.map((t) => [t.name, t] as const))(
      "%s states every annotation, scope and title",
      (_n, t) => {
        for (const hint of ["readOnlyHint", "destructiveHint", "idempotentHint", "openWorldHint"] as const) {
          expect(typeof t.def.annotations[hint], `${t.name}.${hint} must be explicit`).toBe("boolean");
        }
        expect(t.def.scopes.length).toBeGreaterThan(0);
        expect(t.def.title.length).toBeGreaterThan(0);
        expect(t.def.description.length).toBeLessThanOrEqual(220);
        if (!t.def.annotations.readOnlyHint)
          expect(t.def.guard, `${t.name} changes data: declare a guard`).toBeDefined();
        expect(registry.toolsets.map((s) => s.name)).toContain(t.toolset);
      },
    );

    it("matches the accepted schema snapshots (__toolsnaps__)", () => {
      expect(
        checkToolSnapshots(
          snapDir,
          app.tools.map((t) => app.listedTool(t)),
        ),
      ).toEqual([]);
    });
  });
}
