import type { CredentialEnv } from "./formats";
import { testBaseUrls } from "./formats";

/** A setting to fix: the variable, and what is wrong with it and how to fix it ("is required when …: …"). */
export interface CredentialProblem {
  variable: string;
  message: string;
}

/** Every problem of a vendor's settings, or its credentials when there is none. */
export type Checked<T> = { ok: true; value: T; problems: [] } | { ok: false; problems: CredentialProblem[] };

export type Report = (variable: string, message: string) => void;

/** Runs a check that reports problems as it goes; its value counts only when nothing was reported. */
export function collect<T>(check: (report: Report) => T): Checked<T> {
  const problems: CredentialProblem[] = [];
  const value = check((variable, message) => void problems.push({ variable, message }));
  return problems.length ? { ok: false, problems } : { ok: true, value, problems: [] };
}

/** A server's loader: the first problem stops start-up through its own `problem` (which throws). */
export function valueOrThrow<T>(
  checked: Checked<T>,
  problem: (variable: string, message: string) => never,
): T {
  if (checked.ok) return checked.value;
  const [first] = checked.problems as [CredentialProblem];
  return problem(first.variable, first.message);
}

/** "is required when SALES_CRM=hubspot: " or, set without a selector, "is required: ". */
export const required = (selector: string | undefined, fix: string) =>
  `is required${selector ? ` when ${selector}` : ""}: ${fix}`;

/** The test-only fake of one vendor, as every server and the doctor take it. */
export interface TestFake {
  baseUrl?: string;
  /** The fake's CA (https fakes), only with a base URL. */
  testCa?: string;
}

/** The variable that carries a vendor's fake: Google and Apollo have their own, the others share one. */
export function testFakeVariable(vendor: string): keyof CredentialEnv {
  if (vendor === "google") return "REVOPS_TEST_GOOGLE_BASE_URL";
  if (vendor === "apollo") return "REVOPS_TEST_ENRICHMENT_BASE_URL";
  return "REVOPS_TEST_VENDOR_BASE_URL";
}

/** The fake's address for a vendor, refused without REVOPS_ALLOW_INSECURE_TEST_VENDOR=true (tests only). */
export function testFake(e: CredentialEnv, vendor: string, report: Report): TestFake {
  const variable = testFakeVariable(vendor);
  const raw = e[variable] as string | undefined;
  if (!raw) return {};
  if (!e.REVOPS_ALLOW_INSECURE_TEST_VENDOR) {
    report(
      variable,
      "is for the test fakes only and is refused unless REVOPS_ALLOW_INSECURE_TEST_VENDOR=true; unset it to reach the real vendor.",
    );
    return {};
  }
  const urls = variable === "REVOPS_TEST_VENDOR_BASE_URL" ? (testBaseUrls(raw) ?? {}) : { "*": raw };
  const baseUrl = urls[vendor] ?? urls["*"];
  if (!baseUrl) return {};
  return { baseUrl, ...(e.REVOPS_TEST_VENDOR_CA ? { testCa: e.REVOPS_TEST_VENDOR_CA } : {}) };
}
