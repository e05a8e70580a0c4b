import { baseConfigSchema, createLogger, KitRuntime } from "@revops/kit";
import { type HubSpotState, type RunningFake, tempDataDir } from "@revops/testing";
import { vi } from "vitest";
import { createMarketingServer } from "../src/server";

/** The marketing ports over a running HubSpot fake, as a deployment with MARKETING_SOURCE=hubspot builds them. */
export async function hubspotPorts(fake: RunningFake<HubSpotState>) {
  vi.stubEnv("MARKETING_SOURCE", "hubspot");
  vi.stubEnv("HUBSPOT_ACCESS_TOKEN", "pat-test");
  vi.stubEnv("REVOPS_TEST_VENDOR_BASE_URL", fake.url);
  vi.stubEnv("REVOPS_ALLOW_INSECURE_TEST_VENDOR", "true");
  const rt = new KitRuntime(
    baseConfigSchema.parse({ REVOPS_DATA_DIR: tempDataDir("hs-handoff") }),
    createLogger("silent", "test"),
  );
  const ports = await createMarketingServer().ports(rt);
  vi.unstubAllEnvs();
  return { ports, rt };
}
