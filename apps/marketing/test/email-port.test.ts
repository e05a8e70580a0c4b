import { baseConfigSchema, createLogger, KitRuntime } from "@revops/kit";
import { ensureSandboxLoaded, sandboxNow } from "@revops/sandbox";
import { openSql } from "@revops/store";
import { type RunningFake, type SendGridState, startSendGridFake, tempDataDir } from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { emailContentHash } from "../src/domain/email-content";
import { SandboxEmail } from "../src/integrations/sandbox/email";
import type { EmailDraft, EmailPort } from "../src/ports";
import { createMarketingServer } from "../src/server";

/** What the contract needs of a provider: a port, a list on it and one missing id. */
interface Fixture {
  port: EmailPort;
  listId: string;
  missingList: string;
  /** Members of the list that may not be mailed (unsubscribed or suppressed). */
  blocked: string[];
  close(): Promise<void>;
}

const origin = (key: string) => ({ principal: "contract", planHash: "plan-hash-1", idempotencyKey: key });

function draftOf(kind: "test" | "campaign", listId: string, emails: string[], sendAt: string): EmailDraft {
  const subject = "Contract subject";
  const body = "<p>Contract body</p>";
  return {
    kind,
    listId,
    subject,
    body,
    contentHash: emailContentHash(subject, body),
    batchSize: 500,
    total: emails.length,
    waves: [{ sendAt, recipients: emails.map((email) => ({ id: email, email })) }],
  };
}

function describeEmailPortContract(name: string, make: () => Promise<Fixture>) {
  describe(`email port contract: ${name}`, () => {
    let f: Fixture;
    beforeAll(async () => {
      f = await make();
    }, 120_000);
    afterAll(async () => f?.close());

    it("reads a list's audience with who may not be mailed, and nothing for an unknown list", async () => {
      const a = await f.port.audience(f.listId);
      expect(a?.listName.length).toBeGreaterThan(0);
      expect(a?.size).toBeGreaterThan(0);
      const blocked = a?.members.filter((m) => m.unsubscribed).map((m) => m.email.toLowerCase());
      for (const b of f.blocked) expect(blocked).toContain(b.toLowerCase());
      expect(await f.port.audience(f.missingList)).toBeUndefined();
    });

    it("a test send vouches for its content; a campaign sends once per key and is counted by stats", async () => {
      const a = await f.port.audience(f.listId);
      const sendable = (a?.members ?? []).filter((m) => !m.unsubscribed).map((m) => m.email);
      // a vendor showing a sample sends to its whole list less what it suppresses itself
      const expected = a?.sampled ? (a.size ?? 0) - f.blocked.length : sendable.length;
      const at = new Date(Date.parse(await f.port.now()) + 3_600_000).toISOString();
      const test = draftOf("test", f.listId, ["me@example.com"], at);
      expect(await f.port.testSendOf(test.contentHash)).toBeUndefined();
      await f.port.send(test, origin("test-key"));
      expect((await f.port.testSendOf(test.contentHash))?.kind).toBe("test");
      const campaign = draftOf("campaign", f.listId, sendable, at);
      const first = await f.port.send(campaign, origin("campaign-key"));
      const again = await f.port.send(campaign, origin("campaign-key"));
      expect([first.created, again.created]).toEqual([true, false]);
      expect(again.send.id).toBe(first.send.id);
      const [stats] = await f.port.stats([first.send.id]);
      expect(stats?.requests).toBe(expected);
      expect((stats?.delivered ?? 0) + (stats?.bounces ?? 0)).toBe(expected);
    });

    it("drafts once per key, reads the draft back, and sends it once: then it is no longer a draft", async () => {
      const c = draftOf("campaign", f.listId, [], "");
      const made = await f.port.createDraft(c, origin("draft-key"));
      const again = await f.port.createDraft(c, origin("draft-key"));
      expect([made.created, again.created]).toEqual([true, false]);
      expect(again.draft.id).toBe(made.draft.id);
      expect(await f.port.draft(made.draft.id)).toMatchObject({
        listId: f.listId,
        subject: c.subject,
        body: c.body,
        contentHash: c.contentHash,
        status: "draft",
      });
      const at = new Date(Date.parse(await f.port.now()) + 3_600_000).toISOString();
      const a = await f.port.audience(f.listId);
      const emails = (a?.members ?? []).filter((m) => !m.unsubscribed).map((m) => m.email);
      const send = { ...draftOf("campaign", f.listId, emails, at), draftId: made.draft.id };
      const first = await f.port.send(send, origin("draft-send-key"));
      const retry = await f.port.send(send, origin("draft-send-key"));
      expect([first.created, retry.created]).toEqual([true, false]);
      expect((await f.port.draft(made.draft.id))?.status).not.toBe("draft");
    });
  });
}

describeEmailPortContract("sandbox", async () => {
  const db = await openSql({ dataDir: tempDataDir("email-port") });
  await ensureSandboxLoaded(db, { scale: 0.2 });
  const list = await db.one<{ id: string }>("SELECT id FROM sb_lists WHERE name = 'Newsletter'");
  const member = await db.one<{ email: string }>(
    "SELECT c.email FROM sb_list_members m JOIN sb_contacts c ON c.id = m.contact_id WHERE m.list_id = ? ORDER BY c.id",
    [list?.id],
  );
  await db.run("UPDATE sb_contacts SET unsubscribed = 1 WHERE email = ?", [member?.email]);
  return {
    port: new SandboxEmail(db, () => sandboxNow(db)),
    listId: list?.id as string,
    missingList: "lst_9999",
    blocked: [member?.email as string],
    close: () => db.close(),
  };
});

let fake: RunningFake<SendGridState>;
describeEmailPortContract("SendGrid (fake)", async () => {
  const listId = "11111111-1111-4111-8111-111111111111";
  fake = await startSendGridFake({
    unsubscribes: ["gone@example.com"],
    lists: [
      { id: listId, name: "Newsletter", emails: ["gone@example.com", "ann@example.com", "bo@example.com"] },
    ],
  });
  vi.stubEnv("MARKETING_SOURCE", "sandbox");
  vi.stubEnv("SENDGRID_API_KEY", "SG.test");
  vi.stubEnv("SENDGRID_FROM_EMAIL", "marketing@example.com");
  vi.stubEnv("REVOPS_TEST_VENDOR_BASE_URL", fake.url);
  vi.stubEnv("REVOPS_ALLOW_INSECURE_TEST_VENDOR", "true");
  const rt = new KitRuntime(
    baseConfigSchema.parse({ REVOPS_DATA_DIR: tempDataDir("sg-email"), SANDBOX_SCALE: "0.2" }),
    createLogger("silent", "test"),
  );
  const { email } = await createMarketingServer().ports(rt);
  vi.unstubAllEnvs();
  return {
    port: email,
    listId,
    missingList: "22222222-2222-4222-8222-222222222222",
    blocked: ["gone@example.com"],
    close: async () => {
      expect(fake.violations.map((v) => `${v.operationId}: ${v.errors.join("; ")}`)).toEqual([]);
      await fake.close();
    },
  };
});
