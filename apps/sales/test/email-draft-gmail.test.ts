import { sandboxDatabase } from "@revops/sandbox";
import { type GoogleState, type RunningFake, startGoogleFake } from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { approvalIdIn, connectSalesWithSafety, type SalesHarness } from "./deal-update-harness";

// email_draft end to end through the MCP client and the safety stack, the mailbox being Gmail (googleapis + fake).

let fake: RunningFake<GoogleState>;
let h: SalesHarness;
let dealId: string;

beforeAll(async () => {
  fake = await startGoogleFake();
  vi.stubEnv("SALES_CALENDAR", "google");
  vi.stubEnv("GOOGLE_ACCESS_TOKEN", "ya29.test");
  vi.stubEnv("REVOPS_TEST_GOOGLE_BASE_URL", fake.url);
  vi.stubEnv("REVOPS_ALLOW_INSECURE_TEST_VENDOR", "true");
  h = await connectSalesWithSafety();
  const db = await sandboxDatabase(h.runtime);
  const row = await db.one<{ id: string }>(
    `SELECT d.id FROM sb_deals d JOIN sb_contacts c ON c.account_id = d.account_id
     WHERE d.stage NOT IN ('closed_won', 'closed_lost') AND c.unsubscribed = 0 ORDER BY d.id LIMIT 1`,
  );
  dealId = String(row?.id);
}, 120_000);
afterAll(async () => {
  vi.unstubAllEnvs();
  await h?.close();
  await fake?.close();
});

describe("email_draft on Gmail", () => {
  it("saves one draft in the connected mailbox once a human approves the plan, and sends nothing", async () => {
    const dry = await h.call("email_draft", { deal_id: dealId, dry_run: true });
    expect(dry.isError, dry.text).toBe(false);
    expect(dry.data.plan).toMatchObject({ action: "create", record_type: "email draft", system: "google" });
    h.mode("approval");
    try {
      const queued = await h.call("email_draft", { deal_id: dealId });
      const id = approvalIdIn(queued.text) as string;
      expect(id, queued.text).toBeTruthy();
      await h.approve(id);
      const r = await h.call("email_draft", { deal_id: dealId, approval_id: id });
      expect(r.isError, r.text).toBe(false);
      expect(r.data.written.system).toBe("gmail");
      expect(fake.state.drafts.map((d) => d.id)).toEqual([r.data.written.id]);
      const headers = fake.state.drafts[0]?.message.payload.headers ?? [];
      const header = (name: string) => headers.find((x) => x.name === name)?.value;
      expect(header("To")).toBe(r.data.to);
      expect(header("Subject")).toBe(r.data.subject);
      expect(header("Message-ID")).toMatch(/^<revops\.[0-9a-f]{32}@/);
      // the approval is spent: a second call under it saves nothing more
      await h.call("email_draft", { deal_id: dealId, approval_id: id });
      expect(fake.state.drafts).toHaveLength(1);
    } finally {
      h.resetMode();
    }
    expect(fake.state.sent).toEqual([]);
    expect(fake.violations).toEqual([]);
  });
});
