import { annotations, userError, WrittenSchema } from "@revops/kit";
import { fromVendor } from "@revops/safety/vendor-errors";
import { z } from "zod";
import { bandMoves, COMPONENT_NAMES, checkWeights } from "../../domain/health-model";
import { activeHealthWeights } from "../../health-weights";
import { type CsPorts, csTool } from "../../ports";
import { segmentsToolset } from "./toolset";

const input = z
  .object({
    weights: z.record(z.string().max(20), z.number()).describe("Shares, e.g. {usage:0.4,nps:0.15}"),
    note: z.string().max(200).optional(),
  })
  .strict();
type Input = z.output<typeof input>;

/** The change as the plan states it: before → after per component and the accounts that change band. */
async function draftOf(ports: CsPorts, a: Input, refuseSame = true) {
  const current = await activeHealthWeights(ports);
  let checked: ReturnType<typeof checkWeights>;
  try {
    checked = checkWeights(a.weights, current.weights);
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    throw userError(err.message, {
      fields: ["weights"],
      hint: `Components: ${COMPONENT_NAMES.join(", ")}; shares ≥ 0 that sum to 1, e.g. {usage:0.4,support:0.2}.`,
      cause: err,
    });
  }
  const [today, signals] = await Promise.all([
    ports.today(),
    fromVendor(() => ports.support.accountSignals()),
  ]);
  const changes = Object.fromEntries(
    COMPONENT_NAMES.filter((c) => current.weights[c] !== checked.weights[c]).map((c) => [
      c,
      { before: current.weights[c], after: checked.weights[c] },
    ]),
  );
  // a retry of a change that landed finds the weights already active: the store returns the saved version
  if (refuseSame && Object.keys(changes).length === 0)
    throw userError(`weights: already the active ones (version ${current.version}).`, {
      fields: ["weights"],
    });
  return { current, checked, changes, moves: bandMoves(signals, today, current.weights, checked.weights) };
}

export const healthModelUpdate = csTool({
  name: "health_model_update",
  title: "Change the health weights",
  description: "Sets new health score weights as a version; the plan counts accounts changing band.",
  toolset: segmentsToolset.name,
  scopes: ["cs:write"],
  ports: ["support"],
  annotations: annotations.setting,
  input,
  output: z.object({
    version: z.number(),
    weights: z.record(z.string(), z.number()),
    normalised: z.string().nullable(),
    accounts_changing_band: z.number(),
    recovered: z.boolean(),
    written: WrittenSchema,
  }),
  guard: {
    kind: "destructive",
    preview: async (a, ctx) => {
      const d = await draftOf(ctx.ports, a);
      return {
        summary: `Health weights v${d.current.version} → v${d.current.version + 1}: ${Object.entries(
          d.changes,
        )
          .map(([c, v]) => `${c} ${v.before} → ${v.after}`)
          .join(", ")}; ${d.moves.changed} of ${d.moves.accounts} customers change band`,
        action: "update",
        record_type: "health model",
        records: [{ id: "health_model", name: `health weights v${d.current.version + 1}` }],
        changes: d.changes,
        ...(d.checked.normalised && { normalised: d.checked.normalised }),
        band_changes: d.moves,
        from_version: d.current.version,
      };
    },
  },
  example: { weights: { usage: 0.4, support: 0.2 }, note: "Usage predicts churn best" },
  handler: async ({ input: a, ctx }) => {
    const d = await draftOf(ctx.ports, a, false);
    let saved: { version: number; recovered: boolean };
    try {
      saved = await ctx.ports.healthModel.save(d.checked.weights, a.note ?? null, d.current.version, {
        principal: ctx.principal.id,
        ...(ctx.write && { planHash: ctx.write.planHash }),
        idempotencyKey:
          ctx.write?.idempotencyKey ?? `health_model_update:${JSON.stringify(d.checked.weights)}`,
      });
    } catch (err) {
      if (err instanceof RangeError) throw userError(err.message, { cause: err });
      throw err;
    }
    return {
      version: saved.version,
      weights: d.checked.weights,
      normalised: d.checked.normalised,
      accounts_changing_band: d.moves.changed,
      recovered: saved.recovered,
      written: { system: "sandbox", id: `health_model:v${saved.version}` },
    };
  },
  render: (o) =>
    `Health weights v${o.version} active: ${JSON.stringify(o.weights)}${o.normalised ? ` (${o.normalised})` : ""}; ${o.accounts_changing_band} customers changed band.`,
});
