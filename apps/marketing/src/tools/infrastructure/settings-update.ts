import { annotations, type ToolContext, userError, WrittenSchema } from "@revops/kit";
import { z } from "zod";
import {
  parseSettings,
  SET_HINT,
  type SettingChange,
  SettingsError,
  settingChanges,
  settingsOf,
} from "../../domain/marketing-settings";
import { type MarketingPorts, marketingTool } from "../../ports";
import { infrastructureToolset } from "./toolset";

const input = z
  .object({
    set: z
      .record(z.string().max(60), z.unknown())
      .optional()
      .describe('e.g. {"brand.max_grade":8}; omit to view'),
  })
  .strict();
type Input = z.output<typeof input>;

const Value = z.union([z.number(), z.boolean()]);
const show = (c: SettingChange) => `${c.field} ${c.before} → ${c.after}`;

/** Every asked value checked, then before → after against the settings in force; refused before any plan. */
async function draftOf(i: Input, ctx: ToolContext<MarketingPorts>) {
  if (!i.set || Object.keys(i.set).length === 0)
    throw userError("No setting to change was given.", { fields: ["set"], hint: SET_HINT });
  try {
    const asked = parseSettings(i.set);
    const changes = settingChanges(settingsOf(await ctx.ports.settings.guide()), asked);
    if (changes.length === 0)
      throw userError("The settings already have these values; nothing to change.", {
        fields: ["set"],
        hint: "Call settings_update without set to see the current values.",
      });
    return { changes };
  } catch (err) {
    if (!(err instanceof SettingsError)) throw err;
    throw userError(err.message, { fields: [err.field], hint: err.hint, cause: err });
  }
}

export const settingsUpdate = marketingTool({
  name: "settings_update",
  title: "Marketing settings",
  description: "Brand-check settings this server owns: view, or change once a human approves.",
  toolset: infrastructureToolset.name,
  scopes: ["marketing:write"],
  ports: [],
  annotations: annotations.setting,
  input,
  output: z.object({
    settings: z.record(z.string(), Value).describe("Values in force"),
    stored: z
      .array(z.string())
      .describe("Settings set here (the rest come from BRAND_GUIDE_FILE or defaults)"),
    changes: z.array(z.object({ field: z.string(), before: Value, after: Value })),
    written: WrittenSchema.nullable(),
  }),
  guard: {
    kind: "destructive",
    // a view reads only: no plan, no human
    needed: (i) => Object.keys((i as Input).set ?? {}).length > 0,
    preview: async (i, ctx) => {
      const d = await draftOf(i, ctx);
      return {
        summary: `Change marketing settings: ${d.changes.map(show).join("; ")}`,
        action: "update",
        record_type: "setting",
        records: [{ id: "marketing_settings", name: "marketing settings" }],
        changes: d.changes,
        side_effects: [
          "brand_check, content_brief, social_schedule and brand://guide use the new values at once.",
        ],
      };
    },
  },
  handler: async ({ input: i, ctx }) => {
    let changes: SettingChange[] = [];
    let written: z.infer<typeof WrittenSchema> | null = null;
    if (Object.keys(i.set ?? {}).length > 0) {
      const d = await draftOf(i, ctx);
      // only what changes is stored: an unchanged value keeps following the file
      const values = Object.fromEntries(d.changes.map((c) => [c.field, c.after]));
      await ctx.ports.settings.update(values, d.changes, { principal: ctx.principal.id, ...ctx.write });
      changes = d.changes;
      written = { system: ctx.ports.source === "sandbox" ? "sandbox" : "revops", id: "marketing_settings" };
    }
    const [guide, stored] = await Promise.all([ctx.ports.settings.guide(), ctx.ports.settings.stored()]);
    return { settings: settingsOf(guide), stored: Object.keys(stored), changes, written };
  },
  render: (o) =>
    [
      ...(o.changes.length ? [`Changed: ${o.changes.map(show).join("; ")}`] : []),
      `Settings: ${Object.entries(o.settings)
        .map(([k, v]) => `${k} ${v}${o.stored.includes(k) ? " (set here)" : ""}`)
        .join(", ")}`,
    ].join("\n"),
  example: { set: { "brand.max_grade": 8 } },
});
