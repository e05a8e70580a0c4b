import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { openSql } from "@revops/store";
import { type Connected, connectStdio, tempDataDir } from "@revops/testing";
import { afterAll, describe, expect, it } from "vitest";

const bin = fileURLToPath(new URL("../dist/bin.js", import.meta.url));
const cli = fileURLToPath(new URL("../dist/revops.js", import.meta.url));
const PG_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const LOAD_MS = 2_000;
const WRITERS = 3;
/** Each writer takes every third deal and writes each once: a deal's last write is never overwritten later. */
const WRITES_PER_WRITER = 33;

type Result = { isError?: boolean; content: { text: string }[]; structuredContent?: Record<string, unknown> };
const textOf = (r: Result) => r.content[0]?.text ?? "";
const tokenIn = (text: string) => /confirmation_token: "([^"]+)"/.exec(text)?.[1];

/** Writes (each confirmed by its sealed plan token) and reads as fast as they answer, until the server dies. */
async function load(c: Connected, dealIds: string[]) {
  const acknowledged: { deal: string; step: string }[] = [];
  let calls = 0;
  let stop = false;
  const call = async (name: string, args: Record<string, unknown>) => {
    calls++;
    return (await c.client.callTool({ name, arguments: args })) as Result;
  };
  const writer = async (w: number) => {
    for (let i = 0; !stop && i < WRITES_PER_WRITER; i++) {
      const deal = dealIds[w + WRITERS * i] as string;
      const args = { deal_id: deal, next_step: `crash test w${w} #${i}` };
      const plan = await call("deal_update", args);
      const token = tokenIn(textOf(plan));
      if (!token) throw new Error(`no plan token: ${textOf(plan)}`);
      const done = await call("deal_update", { ...args, confirmation_token: token });
      if (done.isError) throw new Error(textOf(done));
      acknowledged.push({ deal, step: args.next_step });
    }
  };
  const reader = async () => {
    while (!stop) await call("deals_list", { status: "open", limit: 5 });
  };
  // a killed server rejects what is in flight: only answered writes count as acknowledged
  const running = Array.from({ length: WRITERS }, (_, w) => writer(w))
    .concat([reader(), reader()])
    .map((p) => p.catch(() => undefined));
  const started = Date.now();
  await new Promise((r) => setTimeout(r, LOAD_MS));
  process.kill(c.pid as number, "SIGKILL");
  stop = true;
  await Promise.all(running);
  return { acknowledged, callsPerSecond: calls / ((Date.now() - started) / 1000) };
}

function describeCrash(engine: "sqlite" | "postgres") {
  describe(`a server SIGKILLed under load (${engine})`, () => {
    const dataDir = tempDataDir(`crash-${engine}`);
    const schema = `crash_${process.pid}_${Date.now()}`;
    const sep = PG_URL.includes("?") ? "&" : "?";
    const env: Record<string, string> = {
      REVOPS_DATA_DIR: dataDir,
      CONFIRMATION_MODE: "token",
      GUARD_TOKEN_SECRET: "crash-test-secret-0123456789abcdef0123",
      RATE_LIMIT_PER_MINUTE: "0",
      LOG_LEVEL: "silent",
      ...(engine === "postgres" && {
        DATABASE_URL: `${PG_URL}${sep}options=${encodeURIComponent(`-c search_path=${schema}`)}`,
      }),
    };
    let admin: Awaited<ReturnType<typeof openSql>> | undefined;
    afterAll(async () => {
      await admin?.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await admin?.close();
    });

    it("keeps every acknowledged write in the sandbox and in an audit chain that verifies", async () => {
      if (engine === "postgres") {
        admin = await openSql({ databaseUrl: PG_URL, dataDir });
        await admin.exec(`CREATE SCHEMA ${schema}`);
      }
      const first = await connectStdio(bin, ["--toolsets", "all"], env);
      const open = (await first.client.callTool({
        name: "deals_list",
        arguments: { status: "open", limit: 100 },
      })) as Result;
      const dealIds = ((open.structuredContent?.deals ?? []) as { id: string }[]).map((d) => d.id);
      const { acknowledged, callsPerSecond } = await load(first, dealIds);
      await first.close().catch(() => undefined);
      expect(acknowledged.length).toBeGreaterThan(0);
      expect(callsPerSecond).toBeGreaterThan(10);

      // restarted on the same data: every acknowledged write is what the sandbox holds
      const again = await connectStdio(bin, ["--toolsets", "all"], env);
      const db =
        engine === "postgres"
          ? await openSql({ databaseUrl: env.DATABASE_URL as string, dataDir })
          : await openSql({ dataDir });
      for (const { deal, step } of acknowledged) {
        const row = await db.one<{ next_step: string | null }>(
          "SELECT next_step FROM sb_deals WHERE id = ?",
          [deal],
        );
        expect(row?.next_step, deal).toBe(step);
      }
      await db.close();

      // every acknowledged write has its executed audit record, and the chain verifies
      const audited = (await again.client.callTool({
        name: "audit_query",
        arguments: { tool: "deal_update", outcome: "ok", limit: 100 },
      })) as Result;
      const records = audited.structuredContent?.records as { summary?: string }[];
      expect(records.length).toBeGreaterThanOrEqual(Math.min(acknowledged.length, 100));
      for (const { deal } of acknowledged)
        expect(
          records.some((r) => r.summary?.includes(`:${deal}`)),
          deal,
        ).toBe(true);
      await again.close();
      const verified = execFileSync(process.execPath, [cli, "audit", "verify", "--json"], {
        env: { PATH: process.env.PATH ?? "", ...env },
        encoding: "utf8",
      });
      expect(JSON.parse(verified).ok, verified).toBe(true);
    }, 60_000);
  });
}

describeCrash("sqlite");
describeCrash("postgres");
