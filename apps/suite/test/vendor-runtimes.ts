import { baseConfigSchema, createLogger, KitRuntime } from "@revops/kit";
import { tempDataDir } from "@revops/testing";
import { vi } from "vitest";

/** Runtimes of servers pointed at vendor fakes, built the way the suite builds them, closed together. */
export function vendorRuntimes(name: string) {
  const runtimes: KitRuntime[] = [];
  return {
    /** Ports of one server with the fake's settings (`url` is the fake's address where one serves them all). */
    async portsWith<P>(make: (rt: KitRuntime) => Promise<P>, env: Record<string, string>, url?: string) {
      const settings = {
        ...env,
        ...(url ? { REVOPS_TEST_VENDOR_BASE_URL: url } : {}),
        REVOPS_ALLOW_INSECURE_TEST_VENDOR: "true",
      };
      for (const [k, v] of Object.entries(settings)) vi.stubEnv(k, v);
      const rt = new KitRuntime(
        baseConfigSchema.parse({ REVOPS_DATA_DIR: tempDataDir(name) }),
        createLogger("silent", "test"),
      );
      runtimes.push(rt);
      try {
        return { rt, ports: await make(rt) };
      } finally {
        vi.unstubAllEnvs();
      }
    },
    async closeAll() {
      for (const rt of runtimes) await rt.close(1000);
    },
  };
}
