import { loadEmailSourceConfig, loadMarketingSourceConfig } from "./config";
import { loadWebSourceConfig } from "./web-config";

/** Every marketing integration setting of one environment checked, nothing built: what start-up runs per named connection. */
export function checkMarketingSettings(env: Record<string, string | undefined>): void {
  loadMarketingSourceConfig(env);
  loadEmailSourceConfig(env);
  loadWebSourceConfig(env);
}
