import { guardConfigSchema } from "@revops/guards";
import { baseConfigSchema, envBool } from "@revops/kit";
import { z } from "zod";
import { checkConsoleConfig, consoleConfigShape } from "./console-config";

/** The kit's variables plus those of audit, guards, auth and the console; documented one by one in .env.example. */
export const safetyConfigSchema = baseConfigSchema
  .extend({
    ...guardConfigSchema.shape,
    ...consoleConfigShape,
    /** Development only: HTTP without authentication, refused unless bound to loopback. */
    AUTH_DISABLED_FOR_LOOPBACK: envBool,
    /** The canonical public URL of /mcp: the audience OAuth tokens must carry (RFC 8707). */
    PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
    OAUTH_ISSUER: z.url({ protocol: /^https?$/ }).optional(),
    OAUTH_JWKS_URI: z.url({ protocol: /^https?$/ }).optional(),
    OAUTH_ROLE_CLAIM: z.string().min(1).optional(),
    REVOPS_ROLES_FILE: z.string().min(1).optional(),
    /** Signed audit checkpoints, outside the database (default <data dir>/audit/checkpoints). */
    AUDIT_CHECKPOINT_DIR: z.string().min(1).optional(),
    /** The audit signing key; keep it away from the database role (default <data dir>/audit/keys). */
    AUDIT_KEY_DIR: z.string().min(1).optional(),
    AUDIT_CHECKPOINT_EVERY_RECORDS: z.coerce.number().int().min(1).default(1000),
    AUDIT_CHECKPOINT_EVERY_MINUTES: z.coerce.number().min(0.1).max(1).default(1),
  })
  .superRefine(checkConsoleConfig);

export type SafetyConfig = z.output<typeof safetyConfigSchema>;
