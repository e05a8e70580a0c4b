import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { baseConfigSchema, createLogger, HttpTransportServer, KitApp, KitRuntime } from "@revops/kit";
import { type KeyValue, openKv, openSql, type SqlDb } from "@revops/store";
import {
  confirmationPhraseIn,
  connectHttpModern,
  type ModernElicit,
  modernToolCall,
  typeThePhrase,
} from "@revops/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type FakePorts, fakePorts, guardedModule } from "../test/fixtures";
import { approvalsAdmin, createGuard, type GuardDecision, guardConfig, requestStateKey } from "./index";

/**
 * MCP 2026-07-28 confirmation without sessions, end to end over HTTP: two replicas of one guarded server, each
 * with its own Redis connection (same keys) and no GUARD_TOKEN_SECRET, driven by the SDK v2 client and by raw
 * JSON-RPC rounds. Every request names its principal in `x-user`.
 */

const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const prefix = `guards-round:${process.pid}:${Date.now()}:`;
const config = guardConfig({ GUARD_QUIET_HOURS: "off", GUARD_OWN_DOMAINS: ["example.com"] });
const clock = { offsetMs: 0 };
const decisions: GuardDecision[] = [];
let ports: FakePorts;
let sql: SqlDb;
const replicas: { url: string; http: HttpTransportServer; runtime: KitRuntime; kv: KeyValue }[] = [];

async function replica() {
  const kv = await openKv({ redisUrl: REDIS_URL, keyPrefix: prefix });
  const deps = {
    config,
    sql: async () => sql,
    kv: async () => kv,
    now: () => new Date(Date.now() + clock.offsetMs),
    record: async (d: GuardDecision) => {
      decisions.push(d);
    },
  };
  const runtime = new KitRuntime(
    baseConfigSchema.parse({
      REVOPS_DATA_DIR: mkdtempSync(join(tmpdir(), "round-")),
      RATE_LIMIT_PER_MINUTE: "0",
    }),
    createLogger("silent", "round-test"),
  );
  const app = new KitApp({
    modules: [guardedModule(ports)],
    runtime,
    hooks: { guard: createGuard(deps), requestStateKey: requestStateKey(deps) },
    selection: { toolsets: ["all"] },
  });
  const http = new HttpTransportServer(app, {
    host: "127.0.0.1",
    port: 0,
    stateless: true,
    maxBodyBytes: 1_000_000,
    maxSessions: 10,
    maxSessionsPerPrincipal: 10,
    sessionIdleMinutes: 5,
    authenticate: async (req) => ({
      id: String(req.headers["x-user"] ?? "alice"),
      scopes: ["*"],
      via: "test",
    }),
  });
  await http.listen();
  return { url: http.url, http, runtime, kv };
}

beforeAll(async () => {
  ports = fakePorts();
  sql = await openSql({ dataDir: mkdtempSync(join(tmpdir(), "round-sql-")) });
  replicas.push(await replica(), await replica());
});
afterAll(async () => {
  for (const r of replicas) {
    await r.http.stopAccepting();
    await r.runtime.close(100);
    await r.kv.close();
  }
  await sql.close();
});
afterEach(() => {
  config.CONFIRMATION_MODE = "inband";
  delete config.CONSOLE_URL;
  clock.offsetMs = 0;
});

const [A, B] = [0, 1];
const url = (i: number) => replicas[i]?.url as string;
const as = (user: string) => ({ "x-user": user });
const email = (to: string, subject = "Hello") => ({ to: [{ email: to }], subject });
const textOf = (result: Record<string, unknown> | undefined) =>
  ((result?.content as { text: string }[] | undefined) ?? []).map((c) => c.text).join("\n");
const sentTo = (to: string) => ports.outbox.filter((m) => m.to === to).length;

/** Round 1 on one replica: the input-required result, its phrase and state. */
async function ask(i: number, name: string, args: Record<string, unknown>, user = "alice") {
  const r = await modernToolCall(url(i), as(user), { name, arguments: args });
  expect(r.result?.resultType, JSON.stringify(r)).toBe("input_required");
  const requests = r.result?.inputRequests as Record<string, { params: { message: string } }> | undefined;
  const form = requests?.confirm;
  return {
    phrase: confirmationPhraseIn(form?.params.message ?? "") as string,
    state: r.result?.requestState as string,
  };
}

/** The retried request: the user's typed answer and the state, on any replica, as any principal. */
const retry = (
  i: number,
  name: string,
  args: Record<string, unknown>,
  round: { phrase: string; state: string },
  user = "alice",
) =>
  modernToolCall(url(i), as(user), {
    name,
    arguments: args,
    inputResponses: { confirm: { action: "accept", content: { confirmation: round.phrase } } },
    requestState: round.state,
  });

/** The SDK v2 client, its requests spread over both replicas in turn (a round-robin balancer, no stickiness). */
async function roundRobinClient(elicit: ModernElicit, user = "alice") {
  let next = 0;
  const hits: number[] = [];
  const spread: typeof fetch = (_input, init) => {
    const i = next++ % replicas.length;
    if (String(init?.body ?? "").includes('"tools/call"')) hits.push(i);
    return fetch(url(i), init);
  };
  const c = await connectHttpModern(url(A), as(user), { elicit, fetch: spread as typeof fetch });
  return { ...c, hits };
}

describe("in-band confirmation under MCP 2026-07-28 (input required, sealed request state)", () => {
  it("confirms a low-risk write through input-required and runs it once, the retry served by the other replica", async () => {
    const forms: string[] = [];
    const c = await roundRobinClient(async (params) => {
      forms.push(params.message);
      return typeThePhrase(params);
    });
    const r = await c.client.callTool({ name: "deal_update", arguments: { deal_id: "d3", stage: "won" } });
    await c.close();
    expect(r.isError, JSON.stringify(r.content)).toBeFalsy();
    expect(r.structuredContent).toEqual({ id: "d3", stage: "won" });
    expect(ports.deals.get("d3")?.stage).toBe("won");
    // one question, shown with the plan; the first call and its retry on different replicas
    expect(forms).toHaveLength(1);
    expect(forms[0]).toMatch(/Initech pilot[\s\S]*type: update Initech pilot/);
    expect(new Set(c.hits).size).toBe(2);
    expect(decisions.filter((d) => d.tool === "deal_update" && d.outcome === "confirmed")).toHaveLength(1);
  });

  it("verifies state sealed by one replica on the other, and lets exactly one of two concurrent retries run", async () => {
    const args = email("ann@example.com");
    const round = await ask(A, "email_send", args);
    const [a, b] = await Promise.all([
      retry(B, "email_send", args, round),
      retry(A, "email_send", args, round),
    ]);
    const results = [a, b].map((x) => x.result);
    expect(results.filter((x) => !x?.isError)).toHaveLength(1);
    expect(textOf(results.find((x) => x?.isError))).toMatch(/already used; each runs once/);
    expect(sentTo("ann@example.com")).toBe(1);
  });

  it("refuses a replay of the same request state", async () => {
    const args = email("bea@example.com");
    const round = await ask(B, "email_send", args);
    expect((await retry(A, "email_send", args, round)).result?.isError).toBeFalsy();
    const replay = await retry(B, "email_send", args, round);
    expect(replay.result?.isError).toBe(true);
    expect(textOf(replay.result)).toMatch(/already used/);
    expect(sentTo("bea@example.com")).toBe(1);
  });

  it("refuses a retry whose arguments changed, without using the state up", async () => {
    const args = email("cat@example.com");
    const round = await ask(A, "email_send", args);
    const changed = await retry(B, "email_send", email("cat@example.com", "Hello!"), round);
    expect(changed.result?.isError).toBe(true);
    expect(textOf(changed.result)).toMatch(/arguments changed since the user was asked/);
    expect(sentTo("cat@example.com")).toBe(0);
    expect((await retry(B, "email_send", args, round)).result?.isError).toBeFalsy();
    expect(sentTo("cat@example.com")).toBe(1);
  });

  it("refuses the state in another principal's retry", async () => {
    const args = email("dan@example.com");
    const round = await ask(A, "email_send", args, "alice");
    const other = await retry(B, "email_send", args, round, "mallory");
    expect(other.result?.isError).toBe(true);
    expect(textOf(other.result)).toMatch(/issued to another caller/);
    expect(sentTo("dan@example.com")).toBe(0);
  });

  it("refuses expired state, a declined form and a wrong phrase", async () => {
    const args = email("eve@example.com");
    let round = await ask(A, "email_send", args);
    clock.offsetMs = (config.GUARD_TOKEN_TTL_SECONDS + 1) * 1000;
    expect(textOf((await retry(B, "email_send", args, round)).result)).toMatch(/confirmation expired/);
    clock.offsetMs = 0;
    round = await ask(A, "email_send", args);
    const wrong = await retry(B, "email_send", args, { ...round, phrase: "yes" });
    expect(textOf(wrong.result)).toMatch(/did not match "send to 1"/);
    round = await ask(A, "email_send", args);
    const declined = await modernToolCall(url(B), as("alice"), {
      name: "email_send",
      arguments: args,
      inputResponses: { confirm: { action: "decline" } },
      requestState: round.state,
    });
    expect(textOf(declined.result)).toMatch(/user declined/);
    expect(sentTo("eve@example.com")).toBe(0);
  });

  it("asks again, with fresh state, when the retry brings no answer", async () => {
    const args = email("fay@example.com");
    const round = await ask(A, "email_send", args);
    const bare = await modernToolCall(url(B), as("alice"), {
      name: "email_send",
      arguments: args,
      requestState: round.state,
    });
    expect(bare.result?.resultType).toBe("input_required");
    expect(bare.result?.requestState).not.toBe(round.state);
    expect(sentTo("fay@example.com")).toBe(0);
  });

  it("answers altered state with -32602 before any tool runs", async () => {
    const args = email("gus@example.com");
    const round = await ask(A, "email_send", args);
    const tampered = await retry(B, "email_send", args, { ...round, state: `${round.state.slice(0, -2)}AA` });
    expect(tampered.error?.code).toBe(-32602);
    expect(sentTo("gus@example.com")).toBe(0);
  });

  it("never confirms a high-risk plan in-band, even for a client that answers its own form", async () => {
    const forms: string[] = [];
    const c = await roundRobinClient(async (params) => {
      forms.push(params.message);
      return typeThePhrase(params);
    });
    const r = await c.client.callTool({ name: "deals_delete", arguments: { deal_ids: ["d1"] } });
    await c.close();
    expect(r.isError).toBe(true);
    expect((r.content as { text: string }[])[0]?.text).toMatch(/apr_[\w-]+/);
    expect(forms).toEqual([]);
    expect(ports.deals.has("d1")).toBe(true);
    // state sealed for a low-risk call does not carry over to a high-risk one
    const round = await ask(A, "deal_update", { deal_id: "d2", stage: "won" });
    const forged = await retry(B, "deals_delete", { deal_ids: ["d1"] }, round);
    expect(forged.result?.isError).toBe(true);
    expect(ports.deals.has("d1")).toBe(true);
  });

  it("never falls back to in-band confirmation in CONFIRMATION_MODE=approval or deny", async () => {
    const args = { deal_id: "d2", stage: "lost" };
    const round = await ask(A, "deal_update", args);
    for (const mode of ["approval", "deny"] as const) {
      config.CONFIRMATION_MODE = mode;
      const first = await modernToolCall(url(B), as("alice"), { name: "deal_update", arguments: args });
      expect(first.result?.resultType).toBe("complete");
      expect(textOf(first.result)).toMatch(mode === "approval" ? /apr_[\w-]+/ : /CONFIRMATION_MODE=deny/);
      const held = await retry(B, "deal_update", args, round);
      expect(textOf(held.result)).toMatch(new RegExp(`turned off here \\(CONFIRMATION_MODE=${mode}\\)`));
    }
    expect(ports.deals.get("d2")?.stage).toBe("negotiation");
  });
});

describe("the request-state key", () => {
  it("is one random key per key-value store, or derived from GUARD_TOKEN_SECRET", async () => {
    const [a, b] = replicas.map((r) => requestStateKey({ config, kv: async () => r.kv }));
    const shared = await a?.();
    expect(shared?.length).toBeGreaterThanOrEqual(32);
    expect(await b?.()).toBe(shared);
    const secret = guardConfig({ GUARD_TOKEN_SECRET: "s".repeat(32) });
    const derived = await requestStateKey({ config: secret, kv: async () => replicas[0]?.kv as KeyValue })();
    expect(derived).not.toBe(secret.GUARD_TOKEN_SECRET);
    expect(derived).not.toBe(shared);
  });
});

describe("a queued plan's console page by URL elicitation under MCP 2026-07-28", () => {
  const CONSOLE = "https://revops.example.com/console";
  const spend = { campaign_id: "cmp_1", amount: 40 };
  const urlCaps = { elicitation: { form: {}, url: {} } };
  const call = (i: number, round: { state?: string; answer?: unknown } = {}, user = "alice") =>
    modernToolCall(
      url(i),
      as(user),
      {
        name: "ad_budget_increase",
        arguments: spend,
        ...(round.state && { requestState: round.state, inputResponses: { approval_page: round.answer } }),
      },
      urlCaps,
    );

  it("sends the human to the page; the client's own accept runs nothing, the console's approval runs it once", async () => {
    config.CONSOLE_URL = CONSOLE;
    const before = ports.budgets.get("cmp_1") as number;
    const first = await call(A);
    expect(first.result?.resultType, JSON.stringify(first)).toBe("input_required");
    const requests = first.result?.inputRequests as Record<string, { params: Record<string, unknown> }>;
    const page = requests.approval_page;
    expect(page?.params).toMatchObject({ mode: "url" });
    const link = String(page?.params.url);
    const id = /approvals\/(apr_[\w-]+)/.exec(link)?.[1] as string;
    expect(link).toBe(`${CONSOLE}/approvals/${id}`);
    const state = first.result?.requestState as string;
    // the red-team client accepts by itself, on either replica: still pending, nothing ran
    const self = await call(B, { state, answer: { action: "accept" } });
    expect(self.result?.isError, JSON.stringify(self)).toBe(true);
    expect(textOf(self.result)).toContain("still waiting for a human");
    expect(ports.budgets.get("cmp_1")).toBe(before);
    // another principal replaying the state learns nothing and runs nothing
    const other = await call(A, { state, answer: { action: "accept" } }, "mallory");
    expect(textOf(other.result)).toContain(`no approval ${id} for you`);
    await approvalsAdmin({ sql: async () => sql, config, now: () => new Date() }).approve(
      id,
      "Bea (console)",
    );
    const run = await call(B, { state, answer: { action: "accept" } });
    expect(run.result?.isError, textOf(run.result)).toBeFalsy();
    expect(ports.budgets.get("cmp_1")).toBe(before + 40);
    const again = await call(A, { state, answer: { action: "accept" } });
    expect(textOf(again.result)).toContain("Already executed");
    expect(ports.budgets.get("cmp_1")).toBe(before + 40);
  });

  it("keeps the link in the result when the client has no URL mode", async () => {
    config.CONSOLE_URL = CONSOLE;
    const r = await modernToolCall(url(A), as("alice"), { name: "ad_budget_increase", arguments: spend });
    expect(r.result?.resultType).not.toBe("input_required");
    expect(textOf(r.result)).toContain(`${CONSOLE}/approvals/`);
  });
});
