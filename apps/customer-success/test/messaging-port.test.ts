import { baseConfigSchema, createLogger, KitRuntime } from "@revops/kit";
import type { SqlDb } from "@revops/store";
import {
  type IntercomState,
  type RunningFake,
  type SendGridState,
  startIntercomFake,
  startSendGridFake,
  tempDataDir,
} from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { MessageChannel, MessagingPort, OutboundMessage } from "../src/ports";
import { createCustomerSuccessServer } from "../src/server";

// Contacts come from the sandbox's account book on every deployment (scale 0.05, deterministic): these two are
// current customers' contacts, the third an address SendGrid's fake holds as unsubscribed.
const JONAS = { contactId: "con_0005", email: "jonas.nakamura@cedarlinesolutions.de" };
const MEI = { contactId: "con_0004", email: "mei.brooks@cedarlinesolutions.de" };
const GONE = "erik.andersson@cedarlinesolutions.de";
const AT = "2026-12-03T15:00:00.000Z";

/** What a provider delivers through, and how many deliveries its system has recorded so far. */
interface Provider {
  port: MessagingPort;
  channel: MessageChannel;
  system: string;
  /** The account book the contacts come from (our database). */
  db: SqlDb;
  deliveries(): Promise<number> | number;
  /** Of JONAS, MEI and GONE, those this system itself refuses. */
  refused: string[];
  close(): Promise<void>;
}

/** Sends, suppressions and contacts message_send and survey_send stand on: the same assertions on every provider. */
function describeMessagingContract(name: string, setup: () => Promise<Provider>) {
  describe(`MessagingPort send, suppressed and contacts contract: ${name}`, () => {
    let p: Provider;
    let keys = 0;
    const key = () => `msg-contract-${name.length}-${++keys}`;
    const message = (to = [JONAS, MEI]): OutboundMessage => ({
      kind: "message",
      channel: p.channel,
      subject: "Your renewal",
      body: "Hi,\nshall we talk about your renewal & next steps?",
      recipients: to.map((r) => ({ ...r, sendAt: AT })),
    });
    beforeAll(async () => {
      p = await setup();
    }, 120_000);
    afterAll(async () => p?.close());

    it("names the system the channel delivers through", () => {
      expect(p.port.systemOf(p.channel)).toBe(p.system);
    });

    it("finds contacts by email in any case as the book holds them, and an account's customer contacts", async () => {
      const [c] = await p.db.query<{ id: string; email: string; account_id: string }>(
        "SELECT id, lower(email) AS email, account_id FROM sb_contacts WHERE id = ?",
        [JONAS.contactId],
      );
      const found = await p.port.contactsByEmail([JONAS.email.toUpperCase(), "nobody@nowhere.example.com"]);
      expect(found.map((f) => [f.id, f.email.toLowerCase(), f.accountId])).toEqual([
        [c?.id, c?.email, c?.account_id],
      ]);
      const book = await p.db.query<{ id: string; unsubscribed: number }>(
        `SELECT c.id, c.unsubscribed FROM sb_contacts c JOIN sb_accounts a ON a.id = c.account_id
         WHERE c.account_id = ? AND a.lifecycle = 'customer' AND c.email IS NOT NULL AND c.email <> '' ORDER BY c.id`,
        [c?.account_id],
      );
      const contacts = await p.port.customerContacts({ accountIds: [String(c?.account_id)] });
      expect(contacts.map((x) => [x.id, x.unsubscribed])).toEqual(
        book.map((r) => [r.id, Number(r.unsubscribed) === 1]),
      );
    });

    it("reads the addresses the delivering system itself refuses, and only those", async () => {
      expect(await p.port.suppressed(p.channel, [JONAS.email, MEI.email, GONE])).toEqual(p.refused);
    });

    it("delivers once per idempotency key, under the id the key gives; a retry sends nothing", async () => {
      const k = key();
      const before = await p.deliveries();
      const first = await p.port.send(message(), {
        principal: "contract",
        planHash: "plan-m",
        idempotencyKey: k,
      });
      expect(first).toMatchObject({ system: p.system, created: true, recipients: 2 });
      const delivered = await p.deliveries();
      expect(delivered).toBeGreaterThan(before);
      const again = await p.port.send(message(), {
        principal: "contract",
        planHash: "plan-m",
        idempotencyKey: k,
      });
      expect(again).toEqual({ ...first, created: false });
      expect(await p.deliveries()).toBe(delivered);
      const logged = await p.db.one<{ recipients: number; system: string }>(
        "SELECT recipients, system FROM sb_cs_messages WHERE id = ?",
        [p.port.idOf(k)],
      );
      expect(logged).toMatchObject({ recipients: 2, system: p.system });
    });
  });
}

/** The customer-success messaging port as the server builds it from this environment, clock at AT. */
async function portWith(env: Record<string, string>) {
  for (const [k, v] of Object.entries(env)) vi.stubEnv(k, v);
  const rt = new KitRuntime(
    baseConfigSchema.parse({ REVOPS_DATA_DIR: tempDataDir("messaging-port"), SANDBOX_SCALE: "0.05" }),
    createLogger("silent", "test"),
  );
  try {
    const ports = await createCustomerSuccessServer({ now: () => new Date(AT) }).ports(rt);
    await ports.messages.contactsByEmail([JONAS.email]); // loads the company
    return { rt, port: ports.messages, db: await rt.sql() };
  } finally {
    vi.unstubAllEnvs();
  }
}

describeMessagingContract("sandbox (recorded, nothing delivered)", async () => {
  const { rt, port, db } = await portWith({});
  // the sandbox delivers nothing: its deliveries are the rows of its send log
  const deliveries = async () =>
    Number((await db.one<{ n: number }>("SELECT COUNT(*) AS n FROM sb_cs_messages"))?.n);
  return {
    port,
    channel: "email",
    system: "sandbox",
    db,
    deliveries,
    refused: [],
    close: () => rt.close(1000),
  };
});

const VENDOR = { REVOPS_ALLOW_INSECURE_TEST_VENDOR: "true" };

describeMessagingContract("SendGrid (@sendgrid/mail) over its fake", async () => {
  const sendgrid: RunningFake<SendGridState> = await startSendGridFake({ unsubscribes: [GONE] });
  const { rt, port, db } = await portWith({
    ...VENDOR,
    CS_EMAIL: "sendgrid",
    SENDGRID_API_KEY: "SG.test",
    SENDGRID_FROM_EMAIL: "cs@northwind-analytics.com",
    REVOPS_TEST_VENDOR_BASE_URL: `sendgrid=${sendgrid.url}`,
  });
  return {
    port,
    channel: "email",
    system: "sendgrid",
    db,
    deliveries: () => sendgrid.state.messages.length,
    refused: [GONE],
    close: async () => {
      expect(sendgrid.violations).toEqual([]);
      await rt.close(1000);
      await sendgrid.close();
    },
  };
});

describeMessagingContract("Intercom (intercom-client) over its fake", async () => {
  const intercom: RunningFake<IntercomState> = await startIntercomFake({
    contacts: [
      { name: "Jonas Nakamura", email: JONAS.email },
      { name: "Mei Brooks", email: MEI.email },
    ],
  });
  const { rt, port, db } = await portWith({
    ...VENDOR,
    CS_CONVERSATIONS: "intercom",
    INTERCOM_ACCESS_TOKEN: "ic-test",
    INTERCOM_ADMIN_ID: "991",
    REVOPS_TEST_VENDOR_BASE_URL: `intercom=${intercom.url}`,
  });
  return {
    port,
    channel: "intercom",
    system: "intercom",
    db,
    deliveries: () => intercom.state.messages.length,
    // Intercom keeps no suppression list we read: a contact's own unsubscribe is the book's
    refused: [],
    close: async () => {
      expect(intercom.violations).toEqual([]);
      await rt.close(1000);
      await intercom.close();
    },
  };
});
