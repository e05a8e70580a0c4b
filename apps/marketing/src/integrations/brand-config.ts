import { loadConfig } from "@revops/kit";
import { z } from "zod";
import { type BrandGuide, BrandGuideSchema, DEFAULT_BRAND_GUIDE } from "../domain/brand-guide";
import { fileProblem, parseFile, readJsonFile } from "./json-file";

/** The one variable the brand guide reads: a JSON file whose sections replace the default guide's, field by field. */
export const brandGuideEnv = z.object({ BRAND_GUIDE_FILE: z.string().trim().min(1).optional() });

const FIX = "Fix the file or unset BRAND_GUIDE_FILE to use the default guide (see brand://guide).";

type Section = "voice" | "claims" | "reading";

/** The brand guide of this deployment: the default, or the default overlaid with BRAND_GUIDE_FILE. */
export function loadBrandGuide(env: Record<string, string | undefined>): BrandGuide {
  const { BRAND_GUIDE_FILE: file } = loadConfig(brandGuideEnv, { env });
  if (!file) return DEFAULT_BRAND_GUIDE;
  const raw = readJsonFile("BRAND_GUIDE_FILE", file, FIX);
  if (typeof raw !== "object" || raw === null || Array.isArray(raw))
    return fileProblem("BRAND_GUIDE_FILE", `${file} must hold a JSON object.`, FIX);
  const given = raw as Record<string, unknown>;
  const section = (k: Section) => ({ ...DEFAULT_BRAND_GUIDE[k], ...(given[k] as object | undefined) });
  const merged = {
    ...DEFAULT_BRAND_GUIDE,
    ...given,
    voice: section("voice"),
    claims: section("claims"),
    reading: section("reading"),
  };
  return parseFile("BRAND_GUIDE_FILE", file, BrandGuideSchema, merged, FIX);
}
