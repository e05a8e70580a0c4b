import { isVendorError } from "@revops/resilience";
import type { ResilienceSetup, VaultTokenSetup } from "../connection";
import { createGa4Connector } from "../google/analytics";
import type { DoctorConnection } from "./connections";

type GoogleDoctorConnection = Extract<DoctorConnection, { vendor: "google" }>;

/** The doctor's GA4 check: a one-day, one-metric report of the property (a few of its daily tokens). */
export const GA4_CHECK = "POST /v1beta/properties/{GA4_PROPERTY_ID}:runReport (sessions, today)";

/** Whether the sales server's calendar uses this Google connection (else a GA4-only token is not asked for Calendar). */
export const usesCalendar = (conn: GoogleDoctorConnection) =>
  !conn.ga4PropertyId || conn.usedBy.length === 0 || conn.usedBy.some((u) => u.selector === "SALES_CALENDAR");

/**
 * Reads today's sessions of GA4_PROPERTY_ID. A property the token cannot read, or an id GA4 does not know, is a
 * problem naming the variable and the fix; a refused token is left to the Google messages (thrown).
 */
export async function probeGa4(
  conn: GoogleDoctorConnection & { ga4PropertyId: string },
  accessToken: string,
  setup: ResilienceSetup & VaultTokenSetup,
): Promise<{ problem?: string; note: string }> {
  const c = await createGa4Connector(
    {
      id: conn.id,
      vendor: "google",
      credentials: { accessToken },
      allowInsecureTestBaseUrl: conn.allowInsecureTestBaseUrl ?? false,
      ...(conn.baseUrl ? { baseUrl: conn.baseUrl } : {}),
    },
    setup,
  );
  const day = new Date().toISOString().slice(0, 10);
  const id = conn.ga4PropertyId;
  try {
    await c.runReport(id, {
      dateRanges: [{ startDate: day, endDate: day }],
      metrics: [{ name: "sessions" }],
    });
  } catch (err) {
    const status = isVendorError(err) ? err.status : undefined;
    if (status === 403)
      return {
        problem: `GA4_PROPERTY_ID ${id} cannot be read with this Google sign-in (HTTP 403): check it is the numeric property id (Analytics → Admin → Property details, not the G- measurement id) and give the signed-in user at least Viewer on that property, with the analytics.readonly scope.`,
        note: "",
      };
    if (status === 400 || status === 404)
      return {
        problem: `GA4_PROPERTY_ID ${id} is not a GA4 property GA4 knows (HTTP ${status}): set the numeric property id from Analytics → Admin → Property details.`,
        note: "",
      };
    throw err;
  }
  return { note: `GA4 property ${id} answered a one-day report (a few of its daily tokens)` };
}
