import {
  appOnly,
  baseConfigSchema,
  buildRegistry,
  createLogger,
  KitApp,
  KitRuntime,
  plainOutsideFields,
  portDeclarationProblems,
  type ServerModule,
} from "@revops/kit";
import { encode } from "gpt-tokenizer/encoding/o200k_base";
import { describe, expect, it } from "vitest";
import { checkToolSnapshots } from "./toolsnaps";

/** Output fields that always hold text someone outside typed. */
const OUTSIDE_TEXT_FIELDS = new Set([
  "subject",
  "body",
  "comment",
  "csat_comment",
  "snippet",
  "reply",
  "notes",
]);

/** No tool may cost the model more than this (name + description + input schema, o200k). */
export const TOOL_TOKEN_BUDGET = 250;

/** A default page of any read tool, as the JSON some clients hand the model instead of the text (o200k). */
export const RESULT_TOKEN_BUDGET = 1500;

/** Tokens of a result as the model reads it: the structured JSON, or the text rendering. */
export const resultTokens = (r: { structuredContent?: unknown; content?: unknown }) => ({
  structured: r.structuredContent === undefined ? 0 : encode(JSON.stringify(r.structuredContent)).length,
  text: encode(((r.content ?? []) as { text?: string }[]).map((c) => c.text ?? "").join("\n")).length,
});

/** What a client hands the model for one tool: name, description and input schema. */
export const modelVisibleTokens = (t: { name: string; description?: string; inputSchema: unknown }): number =>
  encode(JSON.stringify({ name: t.name, description: t.description, inputSchema: t.inputSchema })).length;

/**
 * Vendor ports a tool's handler or guard names in its own code without declaring them (`ports.crm`,
 * `{ crm } = ctx.ports`). Helpers they call are not read here: the kit refuses such a read at run time.
 */
export function undeclaredPortReads(modules: readonly ServerModule[]): string[] {
  return modules.flatMap((m) => {
    const vendorPorts = Object.keys(m.connections ?? {});
    return m.tools.flatMap((t) => {
      const code = [t.handler, ...Object.values(t.guard ?? {})]
        .filter((f) => typeof f === "function")
        .map(String)
        .join("\n");
      const reads = (p: string) =>
        new RegExp(`\\bports\\??\\.${p}\\b|\\{[^{}]*\\b${p}\\b[^{}]*\\}\\s*=\\s*ctx\\.ports\\b`).test(code);
      return vendorPorts
        .filter((p) => !(t.ports ?? []).includes(p) && reads(p))
        .map((p) => `${t.name}: reads port "${p}" without declaring it`);
    });
  });
}

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
        // an app-only tool (the confirmation card's) runs another tool, whose own scopes are checked
        if (!appOnly(t.def)) expect(t.def.scopes.length).toBeGreaterThan(0);
        expect(t.def.title.length).toBeGreaterThan(0);
        expect(t.def.description.length).toBeLessThanOrEqual(220);
        if (!t.def.annotations.readOnlyHint)
          expect(t.def.guard, `${t.name} changes data: declare a guard`).toBeDefined();
        expect(registry.toolsets.map((s) => s.name)).toContain(t.toolset);
      },
    );

    it("declares the ports each tool reads or writes, among the module's connections", () => {
      expect(portDeclarationProblems(modules)).toEqual([]);
      expect(undeclaredPortReads(modules)).toEqual([]);
    });

    it("types text from outside (subjects, bodies, comments) so the kit caps and fences it", () => {
      const plain = registry.tools.flatMap((t) =>
        plainOutsideFields(t.def.output, OUTSIDE_TEXT_FIELDS).map((f) => `${t.name}: ${f}`),
      );
      expect(plain, "use untrustedText / untrustedName from @revops/kit").toEqual([]);
    });

    it(`keeps every tool within ${TOOL_TOKEN_BUDGET} model-visible tokens`, () => {
      const over = app.tools
        .map((t) => ({ name: t.name, tokens: modelVisibleTokens(app.listedTool(t)) }))
        .filter((t) => t.tokens > TOOL_TOKEN_BUDGET);
      expect(over).toEqual([]);
    });

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
