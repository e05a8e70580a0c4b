import { AnalyticsMetaSchema, annotations, userError } from "@revops/kit";
import { z } from "zod";
import { analyseExperiment } from "../../domain/experiment";
import { marketingTool } from "../../ports";
import { analyticsToolset } from "./toolset";

const ArmSchema = z
  .object({
    visitors: z.number().int().min(1).max(1e9),
    conversions: z.number().int().min(0).max(1e9),
  })
  .strict();

const r6 = (x: number) => Math.round(x * 1e6) / 1e6;
const r4 = (x: number) => Math.round(x * 1e4) / 1e4;
const nr = (x: number | null, f: (x: number) => number) => (x === null ? null : f(x));

export const experimentSignificance = marketingTool({
  name: "experiment_significance",
  title: "A/B test significance",
  description:
    "A/B test: z-test p-value and interval, Bayesian chance the variant wins, sample size and power.",
  toolset: analyticsToolset.name,
  scopes: ["marketing:read"],
  ports: [],
  annotations: annotations.readLocal,
  input: z
    .object({
      control: ArmSchema,
      variant: ArmSchema,
      confidence: z.number().min(0.8).max(0.999).default(0.95).describe("Default 0.95"),
      min_detectable_lift: z
        .number()
        .gt(-1)
        .max(10)
        .optional()
        .describe("Relative lift to size for, e.g. 0.1; default observed"),
    })
    .strict(),
  output: z.object({
    control_rate: z.number(),
    variant_rate: z.number(),
    difference: z.number().describe("Variant rate minus control rate"),
    relative_lift: z.number().nullable(),
    z: z.number().nullable(),
    p_value: z.number().nullable().describe("Two-sided"),
    ci_low: z.number().describe("Interval of the difference at the confidence level"),
    ci_high: z.number(),
    significant: z.boolean(),
    prob_variant_beats_control: z.number(),
    target_rate: z.number().nullable().describe("Variant rate the sample size is for"),
    sample_size_per_arm: z.number().nullable().describe("Visitors per arm for 80% power"),
    achieved_power: z.number().nullable().describe("Power for the observed difference at these sizes"),
    meta: AnalyticsMetaSchema,
  }),
  example: {
    control: { visitors: 1000, conversions: 200 },
    variant: { visitors: 1000, conversions: 250 },
  },
  handler: async ({ input }) => {
    for (const arm of ["control", "variant"] as const) {
      if (input[arm].conversions > input[arm].visitors) {
        throw userError(`${arm} has more conversions than visitors.`, {
          fields: [`${arm}.conversions`],
          hint: "Pass conversions ≤ visitors for each arm.",
        });
      }
    }
    const { control, variant, confidence } = input;
    const r = analyseExperiment(control, variant, confidence, input.min_detectable_lift);
    const small = [control, variant].some((a) => a.conversions < 5 || a.visitors - a.conversions < 5);
    return {
      control_rate: r6(r.controlRate),
      variant_rate: r6(r.variantRate),
      difference: r6(r.difference),
      relative_lift: nr(r.relativeLift, r4),
      z: nr(r.z, r4),
      p_value: nr(r.pValue, r6),
      ci_low: r6(r.ci[0]),
      ci_high: r6(r.ci[1]),
      significant: r.pValue !== null && r.pValue < 1 - confidence,
      prob_variant_beats_control: r4(r.probVariantBeats),
      target_rate: nr(r.targetRate, r6),
      sample_size_per_arm: r.sampleSizePerArm,
      achieved_power: nr(r.achievedPower, r4),
      meta: {
        method:
          "ab-test-v1: two-proportion z-test (pooled SE; Wald interval of the difference), Beta(1,1) posteriors, two-sided sample size at 80% power",
        as_of: "inputs",
        source: "inputs",
        inputs: {
          control: `${control.conversions}/${control.visitors}`,
          variant: `${variant.conversions}/${variant.visitors}`,
          confidence,
          ...(input.min_detectable_lift !== undefined && { min_detectable_lift: input.min_detectable_lift }),
        },
        caveats: [
          ...(small
            ? [
                "Fewer than 5 conversions or non-conversions in an arm: the normal approximation is unreliable.",
              ]
            : []),
          ...(r.exactBayes
            ? []
            : ["Huge counts: the Bayesian probability uses the normal approximation of the posteriors."]),
          ...(r.targetRate === null
            ? ["The target rate is outside 0–1 or equals control: no sample size."]
            : []),
          "Achieved power is for the observed difference, so it adds nothing beyond the p-value; plan with sample_size_per_arm.",
          "Stopping a test when it first looks significant inflates false positives: fix the sample size first.",
        ],
      },
    };
  },
});
