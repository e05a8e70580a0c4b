import { approvalsAdmin, createGuard, guardConfig, guardMigrations, SuppressionList } from "@revops/guards";
import { approvalIdIn, connectGuarded, type GuardedHarness, tokenIn } from "@revops/guards/testing";
import { type KeyValue, migrate, openKv, openSql, type SqlDb } from "@revops/store";
import { tempDataDir } from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SandboxMarketing } from "../src/integrations/sandbox/marketing";
import { createMarketingServer } from "../src/server";

const TOOL = "list_members_update";
const config = guardConfig({
  GUARD_TOKEN_SECRET: "list-members-secret-list-members-secret",
  CONFIRMATION_MODE: "approval",
});

let guardSql: SqlDb;
let kv: KeyValue;
let data: SqlDb;
let plain: GuardedHarness;
let asking: GuardedHarness;
let admin: ReturnType<typeof approvalsAdmin>;
let port: SandboxMarketing;
// ids picked from the generated company once it is loaded
let list: { id: string; name: string };
let dynamicList: string;
let member: string;
let outsiders: { id: string; email: string; name: string }[];
let unsubscribed: string;

const members = (ids: string[]) => port.listMembership(list.id, ids);
const journalled = async () =>
  (await data.query<{ n: number }>("SELECT COUNT(*) AS n FROM sb_changes WHERE entity = 'list_member'"))[0]
    ?.n;
const outsider = (i: number) => outsiders[i] as { id: string; email: string; name: string };

beforeAll(async () => {
  // both clients serve the same sandbox database, as two sessions of one deployment
  const dataDir = tempDataDir("list-members");
  guardSql = await openSql({ dataDir: tempDataDir("list-members-guard") });
  kv = await openKv({});
  await migrate(guardSql, guardMigrations);
  const guard = createGuard({ config, sql: async () => guardSql, kv: async () => kv });
  const env = { REVOPS_DATA_DIR: dataDir, SANDBOX_SCALE: "0.2" };
  plain = await connectGuarded({ modules: [createMarketingServer()], guard, env });
  asking = await connectGuarded({ modules: [createMarketingServer()], guard, env, elicitation: true });
  admin = approvalsAdmin({ sql: async () => guardSql, config });
  // the first call loads the sandbox company
  await plain.call(TOOL, { list_id: "lst_0001", add: ["con_0001"], dry_run: true });
  data = await openSql({ dataDir });
  port = new SandboxMarketing(data);
  const l = await data.one<{ id: string; name: string }>(
    "SELECT id, name FROM sb_lists WHERE kind = 'static' ORDER BY id",
  );
  list = l as { id: string; name: string };
  dynamicList = (await data.one<{ id: string }>("SELECT id FROM sb_lists WHERE kind = 'dynamic' ORDER BY id"))
    ?.id as string;
  member = (
    await data.one<{ contact_id: string }>(
      "SELECT contact_id FROM sb_list_members WHERE list_id = ? ORDER BY contact_id",
      [list.id],
    )
  )?.contact_id as string;
  const outside = "NOT EXISTS (SELECT 1 FROM sb_list_members m WHERE m.list_id = ? AND m.contact_id = c.id)";
  outsiders = await data.query(
    `SELECT c.id, c.email, c.name FROM sb_contacts c WHERE c.unsubscribed = 0 AND ${outside} ORDER BY c.id LIMIT 12`,
    [list.id],
  );
  unsubscribed = (
    await data.one<{ id: string }>(
      `SELECT c.id FROM sb_contacts c WHERE c.unsubscribed = 1 AND ${outside} ORDER BY c.id`,
      [list.id],
    )
  )?.id as string;
}, 120_000);

afterAll(async () => {
  await plain?.close();
  await asking?.close();
  await data?.close();
  await guardSql?.close();
  await kv?.close();
});

describe("list_members_update on the sandbox, through the MCP client", () => {
  it("dry run: the plan shows counts and a sample with names, and changes nothing", async () => {
    const a = outsider(0);
    const r = await plain.call(TOOL, { list_id: list.id, add: [a.id], remove: [member], dry_run: true });
    expect(r.isError, r.text).toBeFalsy(); // a dry run is a normal result: the plan
    expect(r.text).toContain("Dry run, nothing was changed");
    expect(r.text).toContain(list.name);
    expect(r.text).toContain(a.name);
    expect(r.text).toMatch(/added: 1/);
    expect(r.text).toMatch(/removed: 1/);
    expect(r.text).toMatch(/count: 2/);
    expect(await members([a.id, member])).toEqual([member]);
    expect(await journalled()).toBe(0);
  });

  it("elicitation (low risk, one contact): the human types the phrase, exactly that plan runs once", async () => {
    config.CONFIRMATION_MODE = "inband";
    try {
      const a = outsider(0);
      const args = { list_id: list.id, add: [a.email.toUpperCase()] };
      asking.answerWith(() => ({ action: "accept", content: { confirmation: "update 1 list member" } }));
      const r = await asking.call(TOOL, args);
      expect(r.isError, r.text).toBe(false);
      expect(r.data).toMatchObject({
        list: { id: list.id, name: list.name },
        added: 1,
        removed: 0,
        already: 0,
        refused: [],
        written: { system: "sandbox", id: list.id },
      });
      expect(asking.elicited.at(-1)?.message).toContain("update 1 list member");
      expect(asking.elicited.at(-1)?.message).toContain(a.name);
      expect(await members([a.id])).toEqual([a.id]);
      const rows = await data.query<{ plan_hash: string | null }>(
        "SELECT plan_hash FROM sb_changes WHERE entity = 'list_member'",
      );
      expect(rows).toHaveLength(1);
      expect(rows[0]?.plan_hash).toMatch(/^[0-9a-f]{16,}$/);
      // the same call again has nothing left to do
      const again = await asking.call(TOOL, args);
      expect(again.isError).toBe(true);
      expect(again.text).toMatch(/Nothing to change.*1 contact already as asked/);
      // a bulk plan is high risk: never confirmed in the conversation, it waits for the approval queue
      const asked = asking.elicited.length;
      const bulk = await asking.call(TOOL, { list_id: list.id, add: [outsider(1).id, outsider(2).id] });
      expect(bulk.isError).toBe(true);
      expect(bulk.text).toContain("needs a human's approval");
      expect(asking.elicited.length).toBe(asked);
      expect(await journalled()).toBe(1);
    } finally {
      config.CONFIRMATION_MODE = "approval";
    }
  });

  it("approval queue (bulk): runs once with the approval id; changed arguments and reuse are refused", async () => {
    const [b, c] = [outsider(1), outsider(2)];
    const args = { list_id: list.id, add: [b.email.toUpperCase(), c.id], remove: [member] };
    const queued = await plain.call(TOOL, args);
    const id = approvalIdIn(queued.text) as string;
    expect(id, queued.text).toBeDefined();
    expect(queued.text).toMatch(/count: 3/);
    await admin.approve(id, "marketing-lead");
    const changed = await plain.call(TOOL, { ...args, add: [outsider(3).id, c.id], approval_id: id });
    expect(changed.isError).toBe(true);
    expect(changed.text).toContain("other arguments");
    expect(await members([b.id, c.id, outsider(3).id, member])).toEqual([member]);
    const ok = await plain.call(TOOL, { ...args, approval_id: id });
    expect(ok.isError, ok.text).toBe(false);
    expect(ok.data).toMatchObject({ added: 2, removed: 1, written: { system: "sandbox", id: list.id } });
    const reused = await plain.call(TOOL, { ...args, approval_id: id });
    expect(reused.isError).toBe(true);
    expect((await members([b.id, c.id, outsider(3).id, member])).sort()).toEqual([b.id, c.id].sort());
    const hashes = await data.query<{ plan_hash: string }>(
      "SELECT DISTINCT plan_hash FROM sb_changes WHERE entity = 'list_member'",
    );
    expect(hashes).toHaveLength(2);
    expect(await journalled()).toBe(4);
  });

  it("token mode: the sealed token runs exactly the plan it was issued for, once", async () => {
    config.CONFIRMATION_MODE = "token";
    try {
      const args = { list_id: list.id, add: [outsider(4).id] };
      const token = tokenIn((await plain.call(TOOL, args)).text) as string;
      expect(token).toBeDefined();
      const other = await plain.call(TOOL, { ...args, add: [outsider(5).id], confirmation_token: token });
      expect(other.isError).toBe(true);
      const ok = await plain.call(TOOL, { ...args, confirmation_token: token });
      expect(ok.isError, ok.text).toBe(false);
      expect(ok.data).toMatchObject({ added: 1, removed: 0 });
      expect(await members([outsider(4).id, outsider(5).id])).toEqual([outsider(4).id]);
      expect((await plain.call(TOOL, { ...args, confirmation_token: token })).isError).toBe(true);
    } finally {
      config.CONFIRMATION_MODE = "approval";
    }
  });

  it("refuses unsubscribed and suppressed contacts and reports unknown ones, naming each", async () => {
    const supp = outsider(8);
    await new SuppressionList(
      async () => guardSql,
      () => new Date(),
    ).add(supp.email, "test");
    const r = await plain.call(TOOL, {
      list_id: list.id,
      add: [unsubscribed, supp.id, outsider(6).id, "con_999999"],
      dry_run: true,
    });
    expect(r.text).toContain("Dry run");
    expect(r.text).toMatch(/added: 1/);
    expect(r.text).toContain(`${unsubscribed}`);
    expect(r.text).toContain("unsubscribed");
    expect(r.text).toContain("on the suppression list");
    expect(r.text).toContain("con_999999");
    expect(r.text).toContain("no such contact");
    const none = await plain.call(TOOL, { list_id: list.id, add: [unsubscribed] });
    expect(none.isError).toBe(true);
    expect(none.text).toMatch(/Nothing to change.*unsubscribed/);
    expect(await members([unsubscribed, supp.id])).toEqual([]);
  });

  it("refuses a dynamic list with a clear error", async () => {
    const r = await plain.call(TOOL, { list_id: dynamicList, add: [outsider(7).id], dry_run: true });
    expect(r.isError).toBe(true);
    expect(r.text).toMatch(/is dynamic: its filters decide who is in it/);
    expect(r.text).not.toContain("Dry run");
  });

  it("bad input names the field; more than 500 contacts per plan are refused", async () => {
    const noList = await plain.call(TOOL, { add: ["con_0001"] });
    expect(noList.isError).toBe(true);
    expect(noList.text).toContain("list_id");
    const wrongType = await plain.call(TOOL, { list_id: list.id, add: "con_0001" });
    expect(wrongType.text).toContain("add");
    const empty = await plain.call(TOOL, { list_id: list.id });
    expect(empty.text).toMatch(/add: give at least one contact/);
    const both = await plain.call(TOOL, { list_id: list.id, add: ["con_0001"], remove: ["CON_0001"] });
    expect(both.text).toMatch(/remove: .*both added and removed/);
    const ids = Array.from({ length: 501 }, (_, i) => `con_${String(i + 1).padStart(4, "0")}`);
    const tooMany = await plain.call(TOOL, { list_id: list.id, add: ids, dry_run: true });
    expect(tooMany.isError).toBe(true);
    expect(tooMany.text).toMatch(/add: .*500/);
    const split = await plain.call(TOOL, {
      list_id: list.id,
      add: ids.slice(0, 300),
      remove: ids.slice(300),
    });
    expect(split.text).toMatch(/add: at most 500 contacts per call/);
    const unknownList = await plain.call(TOOL, { list_id: "lst_9999", add: ["con_0001"] });
    expect(unknownList.text).toMatch(/There is no list lst_9999/);
  });
});
