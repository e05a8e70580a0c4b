import { loadConfig } from "@revops/kit";
import { z } from "zod";
import type { BrandGuide } from "../domain/brand-guide";
import {
  type ApprovedClaim,
  ApprovedClaimSchema,
  DEFAULT_PERSONAS,
  type Persona,
  PersonaSchema,
  SANDBOX_CLAIMS,
} from "../domain/personas";
import { parseFile, readJsonFile } from "./json-file";

/** The files that change personas (brand://personas) and add approved claims (brand://claims). */
export const contentEnv = z.object({
  PERSONAS_FILE: z.string().trim().min(1).optional(),
  APPROVED_CLAIMS_FILE: z.string().trim().min(1).optional(),
});

/** The default personas, each replaced by the file's persona of the same id; the file's other personas added. */
export function loadPersonas(env: Record<string, string | undefined>): Persona[] {
  const { PERSONAS_FILE: file } = loadConfig(contentEnv, { env });
  if (!file) return DEFAULT_PERSONAS;
  const fix = "Fix the file or unset PERSONAS_FILE to use the default personas (see brand://personas).";
  const raw = readJsonFile("PERSONAS_FILE", file, fix);
  const given = parseFile("PERSONAS_FILE", file, z.array(PersonaSchema).min(1).max(50), raw, fix);
  const ids = new Set(given.map((p) => p.id));
  return [...DEFAULT_PERSONAS.filter((p) => !ids.has(p.id)), ...given];
}

/**
 * The brand guide's approved claims plus APPROVED_CLAIMS_FILE's; with neither, the sandbox's example claims on the
 * sandbox and none beside a vendor.
 */
export function loadApprovedClaims(
  env: Record<string, string | undefined>,
  guide: BrandGuide,
  sandbox: boolean,
): ApprovedClaim[] {
  const { APPROVED_CLAIMS_FILE: file } = loadConfig(contentEnv, { env });
  const fix = "Fix the file or unset APPROVED_CLAIMS_FILE (see brand://claims).";
  const extra = file
    ? parseFile(
        "APPROVED_CLAIMS_FILE",
        file,
        z.array(ApprovedClaimSchema).max(200),
        readJsonFile("APPROVED_CLAIMS_FILE", file, fix),
        fix,
      )
    : [];
  const claims = [...guide.claims.approved, ...extra];
  return claims.length === 0 && sandbox ? SANDBOX_CLAIMS : claims;
}
