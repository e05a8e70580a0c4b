import type { CsPorts } from "@revops/cs-mcp";
import { untrustedName } from "@revops/kit";
import { z } from "zod";
import type { StoredLink } from "../identity/store";

/** customer_360's `usage_group`: the linked Mixpanel group's own properties, each as the group profile holds it. */
export const UsageGroupSchema = z
  .object({
    group: z.string(),
    name: untrustedName(z.string(), "Mixpanel group name"),
    properties: z.array(
      z.object({ name: z.string(), value: untrustedName(z.string(), "Mixpanel group property", 80) }),
    ),
    source: z.string(),
  })
  .nullable()
  .describe(
    "the linked Mixpanel group's profile properties (MIXPANEL_GROUP_FACT_PROPERTIES); links used only",
  );

/**
 * The facts of the group `usageLink` links for sure (auto or confirmed; the caller passes none otherwise), or null
 * when the usage system keeps no group profiles or has none with that key.
 */
export async function usageGroupOf(
  cs: CsPorts,
  usageLink: StoredLink | undefined,
): Promise<z.infer<typeof UsageGroupSchema>> {
  if (usageLink?.system !== "mixpanel" || !cs.support.usageGroupFacts) return null;
  const facts = await cs.support.usageGroupFacts(usageLink.externalId);
  if (!facts) return null;
  return {
    group: facts.key,
    name: facts.name,
    properties: Object.entries(facts.properties).map(([name, v]) => ({ name, value: String(v) })),
    source: `mixpanel (group ${facts.key})`,
  };
}
