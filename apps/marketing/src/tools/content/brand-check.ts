import { annotations, untrustedText } from "@revops/kit";
import { z } from "zod";
import { checkBrand, withClaims } from "../../domain/brand-check";
import { marketingTool } from "../../ports";
import { contentToolset } from "./toolset";

export const brandCheck = marketingTool({
  name: "brand_check",
  title: "Check text against the brand guide",
  description:
    "Checks a draft against the brand guide (brand://guide); each finding quotes the text with its fix.",
  toolset: contentToolset.name,
  scopes: ["marketing:read"],
  ports: [],
  annotations: annotations.readLocal,
  input: z.object({ text: z.string().trim().min(1).max(20_000) }).strict(),
  output: z.object({
    passed: z.boolean().describe("No errors (warnings allowed)"),
    errors: z.number(),
    warnings: z.number(),
    findings: z.array(
      z.object({
        rule: z.enum(["banned_word", "claim_needs_proof", "voice", "reading_level"]),
        severity: z.enum(["error", "warning"]),
        match: untrustedText(z.string(), "matched words"),
        quote: untrustedText(z.string(), "sentence quoted"),
        fix: z.string(),
      }),
    ),
    reading: z.object({
      grade: z.number().describe("Flesch-Kincaid grade level"),
      max_grade: z.number(),
      words: z.number(),
      sentences: z.number(),
      syllables: z.number(),
    }),
    guide: z.string(),
  }),
  example: { text: "Our best-in-class platform is the #1 choice! Cut forecast errors by 40%." },
  handler: async ({ input, ctx }) => {
    const guide = await ctx.ports.settings.guide();
    // the approved claims of brand://claims: the guide's plus APPROVED_CLAIMS_FILE's
    const { findings, reading } = checkBrand(input.text, withClaims(guide, ctx.ports.claims));
    const errors = findings.filter((f) => f.severity === "error").length;
    return {
      passed: errors === 0,
      errors,
      warnings: findings.length - errors,
      findings,
      reading: { ...reading, max_grade: guide.reading.max_grade },
      guide: guide.name,
    };
  },
});
