import { readFileSync } from "node:fs";
import { ConfigError, loadConfig } from "@revops/kit";
import { z } from "zod";
import { type BrandGuide, BrandGuideSchema, DEFAULT_BRAND_GUIDE } from "../domain/brand-guide";

/** The one variable the brand guide reads: a JSON file whose sections replace the default guide's, field by field. */
export const brandGuideEnv = z.object({ BRAND_GUIDE_FILE: z.string().trim().min(1).optional() });

const problem = (message: string): never => {
  throw new ConfigError(
    `Invalid configuration:\n  BRAND_GUIDE_FILE: ${message} Fix the file or unset BRAND_GUIDE_FILE to use the default guide (see brand://guide).`,
  );
};

type Section = "voice" | "claims" | "reading";

/** The brand guide of this deployment: the default, or the default overlaid with BRAND_GUIDE_FILE. */
export function loadBrandGuide(env: Record<string, string | undefined>): BrandGuide {
  const { BRAND_GUIDE_FILE: file } = loadConfig(brandGuideEnv, { env });
  if (!file) return DEFAULT_BRAND_GUIDE;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    return problem(`cannot read ${file} as JSON (${err instanceof Error ? err.message : String(err)}).`);
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw))
    return problem(`${file} must hold a JSON object.`);
  const given = raw as Record<string, unknown>;
  const section = (k: Section) => ({ ...DEFAULT_BRAND_GUIDE[k], ...(given[k] as object | undefined) });
  const parsed = BrandGuideSchema.safeParse({
    ...DEFAULT_BRAND_GUIDE,
    ...given,
    voice: section("voice"),
    claims: section("claims"),
    reading: section("reading"),
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return problem(`${file}: ${issue?.path.join(".") || "(root)"} ${issue?.message ?? "is invalid"}.`);
  }
  return parsed.data;
}
