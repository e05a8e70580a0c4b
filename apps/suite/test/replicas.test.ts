import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ApiKeyStore, authMigrations } from "@revops/auth";
import { buildCli } from "@revops/safety";
import { migrate, openSql, type SqlDb } from "@revops/store";
import {
  freePort,
  type HttpServerProcess,
  type NginxLogLine,
  type NginxProcess,
  nginxAvailable,
  renderNginxConfig,
  startHttpServer,
  startNginx,
  tempDataDir,
} from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// Issue #9 item 4: three replicas of the suite behind nginx (round-robin, no stickiness), sharing PostgreSQL and
// Redis, driven with the official SDK client. Today the replicas run stateless 2025-11-25; to cover another
// protocol revision, add its client to `connect` (the phases only need `call`).

const bin = fileURLToPath(new URL("../dist/bin.js", import.meta.url));
const cli = fileURLToPath(new URL("../dist/revops.js", import.meta.url));
const PG_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const REPLICAS = 3;
/** RATE_LIMIT_PER_MINUTE on every replica: per principal and tool, counted in Redis. */
const LIMIT = 30;
const OVER = 5;
const WRITERS = 4;
const WRITES_PER_WRITER = 8;
/** How long a SIGKILLed replica's claim on an approval holds it before a retry resumes it. */
const LEASE_SECONDS = 5;

const pgUp = await openSql({ databaseUrl: PG_URL, dataDir: tempDataDir("replicas-probe") }).then(
  async (db) => {
    await db.close();
    return true;
  },
  () => false,
);
const missing = [
  !nginxAvailable() && "nginx (/usr/sbin/nginx; apt-get install nginx)",
  !pgUp && `PostgreSQL (${PG_URL})`,
].filter(Boolean);
if (missing.length) console.warn(`replicas.test.ts skipped: ${missing.join(" and ")} not available`);

type Result = {
  isError?: boolean;
  content: { type: string; text?: string }[];
  structuredContent?: { deals?: Deal[] };
};
type Deal = { id: string; stage: string };
const textOf = (r: Result) => r.content.map((c) => c.text ?? "").join("\n");
const approvalIn = (text: string) => /approval_id: "(apr_[^"]+)"/.exec(text)?.[1];

/** One SDK client (2025-11-25, Streamable HTTP) per batch of calls; stateless, so each call is one POST. */
async function connect(url: string, key: string) {
  const client = new Client({ name: "replica-test", version: "1.0.0" });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(url), {
      requestInit: { headers: { authorization: `Bearer ${key}` } },
    }),
  );
  return {
    call: async (name: string, args: Record<string, unknown>) =>
      (await client.callTool({ name, arguments: args })) as Result,
    close: () => client.close().catch(() => undefined),
  };
}

/** Tool calls one replica answered, from its own /metrics. */
async function toolCallsOf(replica: HttpServerProcess): Promise<number> {
  const text = await (await fetch(replica.url.replace(/\/mcp$/, "/metrics"))).text();
  let sum = 0;
  for (const m of text.matchAll(/^mcp_tool_calls_total\{[^}]*\} (\d+)/gm)) sum += Number(m[1]);
  return sum;
}

describe.skipIf(missing.length > 0)("three suite replicas behind nginx (PostgreSQL + Redis)", () => {
  const started = Date.now();
  const schema = `replicas_${process.pid}_${Date.now()}`;
  const sep = PG_URL.includes("?") ? "&" : "?";
  const databaseUrl = `${PG_URL}${sep}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  // one data dir for all replicas, like a shared volume: the audit signing key and checkpoints live there
  const dataDir = tempDataDir("replicas");
  const env: Record<string, string> = {
    DATABASE_URL: databaseUrl,
    REDIS_URL,
    REVOPS_DATA_DIR: dataDir,
    SANDBOX_SCALE: "0.1",
    CONFIRMATION_MODE: "approval",
    GUARD_EXECUTION_LEASE_SECONDS: String(LEASE_SECONDS),
    RATE_LIMIT_PER_MINUTE: String(LIMIT),
    LOG_LEVEL: "warn",
  };
  const keys: Record<string, { key: string; principal: string }> = {};
  const replicas: HttpServerProcess[] = [];
  const sessionReplicas: HttpServerProcess[] = [];
  let lb: NginxProcess;
  let admin: SqlDb | undefined;
  let db: SqlDb;
  const figures: Record<string, unknown> = {};

  /** `revops approvals approve <id>` in this process, against the shared database (recorded in the audit log). */
  const approve = async (id: string) => {
    const out: string[] = [];
    await buildCli({ env: { PATH: process.env.PATH ?? "", ...env }, print: (l) => out.push(l) }).parseAsync(
      ["approvals", "approve", id, "--as", "replica-test human"],
      { from: "user" },
    );
    return out.join("\n");
  };

  beforeAll(async () => {
    if (!existsSync(bin)) execFileSync("pnpm", ["--filter", "@revops/suite", "build"], { stdio: "inherit" });
    admin = await openSql({ databaseUrl: PG_URL, dataDir });
    await admin.exec(`CREATE SCHEMA ${schema}`);
    db = await openSql({ databaseUrl, dataDir });
    // API keys, created once in the shared database: every replica accepts them
    await migrate(db, authMigrations);
    const store = new ApiKeyStore(db);
    const writers = Array.from({ length: WRITERS }, (_, w) => `writer${w}`);
    for (const name of ["main", "limits", "probe", "s0", "s1", "s2", ...writers]) {
      const created = await store.create({ name: `replicas-${name}`, role: "admin" });
      keys[name] = { key: created.key, principal: `api-key:${created.id}` };
    }
    const lbPort = await freePort();
    env.ALLOWED_HOSTS = `127.0.0.1:${lbPort},localhost:${lbPort}`;
    // all start together: migrations and the sandbox load must be safe to race
    const servers = await Promise.all([
      ...Array.from({ length: REPLICAS }, () =>
        startHttpServer(bin, ["--stateless", "--toolsets", "all"], env),
      ),
      // the session pool for clients that need a protocol session (2025-11-25 with Mcp-Session-Id)
      ...Array.from({ length: 2 }, () => startHttpServer(bin, ["--toolsets", "all"], env)),
    ]);
    replicas.push(...servers.slice(0, REPLICAS));
    sessionReplicas.push(...servers.slice(REPLICAS));
    const hostOf = (r: HttpServerProcess) => new URL(r.url).host;
    lb = await startNginx({
      upstreams: replicas.map(hostOf),
      sessionUpstreams: sessionReplicas.map(hostOf),
      port: lbPort,
    });
  }, 60_000);

  afterAll(async () => {
    await lb?.stop();
    // the SIGKILLed one is gone already
    await Promise.all(
      [...replicas, ...sessionReplicas].filter((r) => r.child.signalCode === null).map((r) => r.stop()),
    );
    await db?.close();
    await admin?.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin?.close();
    if (Object.keys(figures).length) {
      const s = `${((Date.now() - started) / 1000).toFixed(1)}s`;
      console.log(`replicas: ${JSON.stringify({ ...figures, seconds: s })}`);
    }
  }, 60_000);

  const log = (): NginxLogLine[] => lb.accessLog().filter((l) => l.method === "POST" && l.uri === "/mcp");
  const byReplica = (lines: NginxLogLine[]) =>
    replicas.map((r) => lines.filter((l) => l.upstreams.at(-1) === new URL(r.url).host).length);

  it("spreads requests over every replica, round-robin", async () => {
    const before = await Promise.all(replicas.map(toolCallsOf));
    const c = await connect(lb.url, keys.main?.key as string);
    for (let i = 0; i < 9; i++) {
      const r = await c.call("sales_deals_list", { status: "open", limit: 5 });
      expect(r.isError, textOf(r)).toBeFalsy();
    }
    await c.close();
    const served = (await Promise.all(replicas.map(toolCallsOf))).map((n, i) => n - (before[i] as number));
    expect(served.reduce((a, b) => a + b, 0)).toBe(9);
    for (const n of served) expect(n).toBeGreaterThan(0);
    const perReplica = byReplica(log());
    for (const n of perReplica) expect(n).toBeGreaterThan(0);
    figures.spread = { toolCalls: served };
  }, 60_000);

  it("completes on one replica a confirmation started on another, exactly once", async () => {
    const [a, b, c] = await Promise.all(replicas.map((r) => connect(r.url, keys.main?.key as string)));
    if (!a || !b || !c) throw new Error("no clients");
    const deals = (await a.call("sales_deals_list", { status: "open", limit: 5 })).structuredContent?.deals;
    const deal = deals?.[0] as Deal;
    const stage = deal.stage === "proposal" ? "negotiation" : "proposal";
    const args = { deal_id: deal.id, stage };

    const queued = await a.call("sales_deal_update", args);
    const id = approvalIn(textOf(queued));
    expect(id, textOf(queued)).toBeDefined();
    expect(await approve(id as string)).toMatch(/approved/i);

    const done = await b.call("sales_deal_update", { ...args, approval_id: id });
    expect(done.isError, textOf(done)).toBeFalsy();
    // replayed on the third replica, and through nginx: refused, the approval runs once
    const again = await c.call("sales_deal_update", { ...args, approval_id: id });
    // (an executed approval is refused before its plan is recomputed, wherever the replay lands)
    const notAgain = /Already executed: approval/;
    expect(again.isError).toBe(true);
    expect(textOf(again)).toMatch(notAgain);
    const viaLb = await connect(lb.url, keys.main?.key as string);
    expect(textOf(await viaLb.call("sales_deal_update", { ...args, approval_id: id }))).toMatch(notAgain);
    await Promise.all([a, b, c, viaLb].map((x) => x.close()));

    const journal = await db.query<{ after_value: string }>(
      "SELECT after_value FROM sb_changes WHERE record_id = ? AND field = 'stage'",
      [deal.id],
    );
    expect(journal.map((j) => JSON.parse(j.after_value))).toEqual([stage]);
  }, 60_000);

  it("holds the rate limit globally and keeps one audit chain under concurrent appends from all three", async () => {
    // a fixed one-minute window: start where N+k calls cannot straddle its end
    const intoMinute = Date.now() % 60_000;
    if (intoMinute > 50_000) await new Promise((r) => setTimeout(r, 60_500 - intoMinute));
    const from = log().length;
    const clients = await Promise.all(
      Array.from({ length: 5 }, () => connect(lb.url, keys.limits?.key as string)),
    );
    const results: Result[] = [];
    let next = 0;
    await Promise.all(
      clients.map(async (c) => {
        while (next < LIMIT + OVER) {
          next++;
          results.push(await c.call("sales_deals_list", { status: "open", limit: 1 }));
        }
      }),
    );
    await Promise.all(clients.map((c) => c.close()));
    const refused = results.filter((r) => r.isError && /Rate limit of \d+ calls/.test(textOf(r)));
    expect(results).toHaveLength(LIMIT + OVER);
    expect(refused).toHaveLength(OVER);
    expect(results.filter((r) => !r.isError)).toHaveLength(LIMIT);
    const lines = log().slice(from);
    for (const n of byReplica(lines)) expect(n).toBeGreaterThan(0);

    // every admitted call has its record (refusals come before the audit stage); reads are group-committed
    // a few ms after they answer, so wait for them rather than for a fixed time
    const principal = keys.limits?.principal as string;
    const count = async () =>
      Number(
        (
          await db.one<{ n: string | number }>("SELECT COUNT(*) AS n FROM audit_log WHERE principal = ?", [
            principal,
          ])
        )?.n,
      );
    for (let i = 0; i < 200 && (await count()) < LIMIT; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await count()).toBe(LIMIT);
    figures.rateLimit = { limit: LIMIT, calls: LIMIT + OVER, refused: refused.length, audited: LIMIT };
  }, 60_000);

  it("pins each session client to one session-mode replica (/session/mcp)", async () => {
    const url = lb.url.replace(/\/mcp$/, "/session/mcp");
    const from = lb.accessLog().length;
    for (const name of ["s0", "s1", "s2"]) {
      const c = await connect(url, keys[name]?.key as string);
      for (let i = 0; i < 3; i++) {
        const r = await c.call("sales_deals_list", { status: "open", limit: 1 });
        expect(r.isError, textOf(r)).toBeFalsy();
      }
      await c.close();
    }
    const lines = lb
      .accessLog()
      .slice(from)
      .filter((l) => l.uri === "/session/mcp" && l.sessionId);
    const bySession = new Map<string, Set<string>>();
    for (const l of lines) {
      const set = bySession.get(l.sessionId as string) ?? new Set<string>();
      set.add(l.upstreams.at(-1) as string);
      bySession.set(l.sessionId as string, set);
    }
    expect(bySession.size).toBe(3);
    for (const hosts of bySession.values()) expect(hosts.size).toBe(1);
    // a GET is the session's notification stream: refused (405) or closed by the client when it leaves (499)
    const bad = lines.filter(
      (l) => !(l.status < 400 || (l.method === "GET" && [405, 499].includes(l.status))),
    );
    expect(bad, JSON.stringify(bad)).toEqual([]);
    figures.sessions = { sessions: bySession.size, requests: lines.length };
  }, 60_000);

  it("loses no acknowledged write when a replica is SIGKILLed under load, and duplicates none", async () => {
    const c0 = await connect(lb.url, keys.main?.key as string);
    const open =
      (await c0.call("sales_deals_list", { status: "open", limit: 100 })).structuredContent?.deals ?? [];
    await c0.close();
    // each writer owns its deals and writes them one after another, so every plan sees the latest value
    const dealIds = open.slice(1).map((d) => d.id);
    expect(dealIds.length).toBeGreaterThanOrEqual(WRITERS);
    const tag = `r${process.pid}${Date.now()}`;
    const total = WRITERS * WRITES_PER_WRITER;
    const from = log().length;
    const victim = replicas[REPLICAS - 1] as HttpServerProcess;
    const acked: { writer: number; deal: string; step: string }[] = [];
    const ambiguous: { writer: number; deal: string; step: string; retry: string }[] = [];
    let planFailures = 0;
    let killed = false;

    const writer = async (w: number) => {
      const c = await connect(lb.url, keys[`writer${w}`]?.key as string);
      for (let i = 0; i < WRITES_PER_WRITER; i++) {
        const deal = dealIds[(w + WRITERS * i) % dealIds.length] as string;
        const step = `${tag} w${w} #${i}`;
        const args = { deal_id: deal, next_step: step };
        let id: string | undefined;
        try {
          id = approvalIn(textOf(await c.call("sales_deal_update", args)));
        } catch {
          planFailures++; // nothing ran: a plan only queues an approval
          continue;
        }
        if (!id) throw new Error("no approval queued");
        await approve(id);
        if (!killed && acked.length >= total / 2) {
          killed = true;
          victim.child.kill("SIGKILL");
        }
        try {
          const r = await c.call("sales_deal_update", { ...args, approval_id: id });
          if (r.isError) throw new Error(`write refused: ${textOf(r)}`);
          acked.push({ writer: w, deal, step });
        } catch (err) {
          if (String(err).includes("write refused")) throw err;
          // outcome unknown (the replica died with the call): the approval makes a retry safe, it runs once
          const retryOnce = async () => {
            const r = await c
              .call("sales_deal_update", { ...args, approval_id: id })
              .catch((e: unknown) => new Error(String(e)));
            return r instanceof Error ? r.message : r.isError ? textOf(r) : "executed";
          };
          let retry = await retryOnce();
          // the dead replica's lease holds the approval until it lapses; then a retry resumes it with the same
          // key: the write runs if it never committed, and is found (not repeated) if it did
          for (let n = 0; /being executed/.test(retry) && n < 3; n++) {
            await new Promise((res) => setTimeout(res, (LEASE_SECONDS + 1) * 1000));
            retry = await retryOnce();
          }
          if (retry === "executed") acked.push({ writer: w, deal, step });
          const outcome = /Already executed/.test(retry) ? "ran before" : retry.slice(0, 80);
          ambiguous.push({ writer: w, deal, step, retry: outcome });
        }
      }
      await c.close();
    };
    await Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w)));
    expect(killed).toBe(true);

    // every acknowledged write is in the sandbox's journal exactly once; no write of this run appears twice
    const journal = await db.query<{ principal: string; record_id: string; after_value: string }>(
      "SELECT principal, record_id, after_value FROM sb_changes WHERE field = 'next_step' AND after_value LIKE ?",
      [`%${tag}%`],
    );
    const steps = journal.map((j) => JSON.parse(j.after_value) as string);
    const lost = acked.filter((a) => !steps.includes(a.step));
    const duplicated = steps.filter((s, i) => steps.indexOf(s) !== i);
    expect(lost).toEqual([]);
    expect(duplicated).toEqual([]);
    for (const a of ambiguous) {
      const times = steps.filter((s) => s === a.step).length;
      // a call that died with its replica ran exactly once after its retry: never lost, never twice
      if (a.retry === "executed" || a.retry === "ran before") expect(times, JSON.stringify(a)).toBe(1);
      else expect(times, JSON.stringify(a)).toBeLessThanOrEqual(1);
    }
    expect(ambiguous.filter((a) => /being executed/.test(a.retry))).toEqual([]);

    // ...and in the audit chain: each writer's executed writes have their "ok" records
    for (let w = 0; w < WRITERS; w++) {
      const principal = keys[`writer${w}`]?.principal as string;
      const ok = await db.query<{ body: string }>(
        "SELECT body FROM audit_log WHERE principal = ? AND outcome = 'ok' AND tool = 'sales_deal_update'",
        [principal],
      );
      const mine = acked.filter((a) => a.writer === w);
      expect(ok.length).toBeGreaterThanOrEqual(mine.length);
      expect(ok.length).toBeLessThanOrEqual(journal.filter((j) => j.principal === principal).length);
    }
    // the dead replica's turn comes round again once nginx stops resting it: a connection refused is not a
    // request sent, so nginx passes the POST to the next replica and the client never notices
    // (its own key, and fewer calls than the rate limit)
    const probe = await connect(lb.url, keys.probe?.key as string);
    const failoversBefore = log().filter((l) => l.upstreams.length > 1).length;
    for (
      let i = 0;
      i < LIMIT - 2 && log().filter((l) => l.upstreams.length > 1).length === failoversBefore;
      i++
    ) {
      const r = await probe.call("sales_deals_list", { status: "open", limit: 1 });
      expect(r.isError, textOf(r)).toBeFalsy();
      await new Promise((res) => setTimeout(res, 250));
    }
    await probe.close();
    const victimHost = new URL(victim.url).host;
    const failedOver = log().filter((l) => l.upstreams.length > 1);
    expect(failedOver.length).toBeGreaterThan(failoversBefore);
    for (const l of failedOver) {
      expect(l.upstreams[0]).toBe(victimHost);
      expect(l.status).toBe(200);
    }

    const verified = execFileSync(process.execPath, [cli, "audit", "verify", "--json"], {
      env: { PATH: process.env.PATH ?? "", ...env },
      encoding: "utf8",
    });
    const report = JSON.parse(verified);
    expect(report.ok, verified).toBe(true);

    const lines = log();
    const load = lines.slice(from);
    figures.requests = lines.length;
    figures.perReplica = byReplica(lines);
    figures.failovers = failedOver.length;
    figures.bad_gateway = load.filter((l) => l.status === 502).length;
    figures.writes = {
      planned: total,
      acknowledged: acked.length,
      ambiguous: ambiguous.map((a) => a.retry),
      planFailures,
      journal: steps.length,
      lost: lost.length,
      duplicated: duplicated.length,
    };
    figures.auditRecords = report.records ?? report.count;
  }, 60_000);
});

describe("deploy/nginx.conf", () => {
  it("is the config the replica test runs, with the compose file's hosts", () => {
    const file = fileURLToPath(new URL("../../../deploy/nginx.conf", import.meta.url));
    const want = renderNginxConfig({
      upstreams: ["suite-1:3100", "suite-2:3100", "suite-3:3100"],
      sessionUpstreams: ["suite-session-1:3100", "suite-session-2:3100"],
      listen: "8080",
      dir: "/tmp",
      errorLog: "/dev/stderr",
      accessLog: "/dev/stdout",
      user: "nginx",
    });
    if (process.env.UPDATE_DEPLOY === "1") writeFileSync(file, want);
    expect(readFileSync(file, "utf8"), "run with UPDATE_DEPLOY=1 to regenerate").toBe(want);
  });
});
