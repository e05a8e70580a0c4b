import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import {
  type ElicitRequest,
  ElicitRequestSchema,
  type ElicitResult,
} from "@modelcontextprotocol/sdk/types.js";
import { approvalsAdmin, type GuardConfig } from "@revops/guards";
import { createLogger, KitApp, KitRuntime } from "@revops/kit";
import { type SafetyConfig, safetyConfigSchema, safetyHooks } from "@revops/safety";
import { safetyModules } from "@revops/safety/serve";
import { tempDataDir } from "@revops/testing";
import { createSalesServer } from "../src/server";

export interface Call {
  isError: boolean;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read the structured result field by field
  data: Record<string, any>;
}

/**
 * The sales server as the bin runs it (audit + guards), served twice in one process to the official client: one
 * client that can answer elicitations (the human types the phrase) and one that cannot (approval queue, tokens).
 */
export async function connectSalesWithSafety(env: Record<string, string> = {}) {
  const config = safetyConfigSchema.parse({
    REVOPS_DATA_DIR: tempDataDir("deal-update"),
    RATE_LIMIT_PER_MINUTE: "0",
    GUARD_TOKEN_SECRET: "deal-update-secret-deal-update-secret",
    SANDBOX_SCALE: "0.1",
    ...env,
  });
  const runtime = new KitRuntime(config, createLogger("silent", "test"));
  const app = new KitApp({
    modules: [createSalesServer(), ...safetyModules],
    runtime,
    hooks: await safetyHooks("sales")(runtime),
    selection: { toolsets: ["all"] },
  });
  let answer: (p: ElicitRequest["params"]) => ElicitResult = () => ({ action: "cancel" });
  const elicited: ElicitRequest["params"][] = [];
  const connect = async (elicitation: boolean) => {
    const [a, b] = InMemoryTransport.createLinkedPair();
    await app.createServer().connect(a);
    const client = new Client(
      { name: "deal-update-test", version: "1" },
      { capabilities: elicitation ? { elicitation: {} } : {} },
    );
    if (elicitation)
      client.setRequestHandler(ElicitRequestSchema, async (req) => {
        elicited.push(req.params);
        return answer(req.params);
      });
    await client.connect(b);
    return client;
  };
  const plain = await connect(false);
  const asking = await connect(true);
  const callWith =
    (client: Client) =>
    async (name: string, args: Record<string, unknown> = {}): Promise<Call> => {
      const r = await client.callTool({ name, arguments: args });
      const text = (r.content as { text?: string }[]).map((c) => c.text ?? "").join("\n");
      return { isError: Boolean(r.isError), text, data: r.structuredContent as Call["data"] };
    };
  const cfg = runtime.config as SafetyConfig;
  const initialMode = cfg.CONFIRMATION_MODE;
  const admin = approvalsAdmin({ sql: () => runtime.sql(), config: cfg as GuardConfig });
  return {
    runtime,
    call: callWith(plain),
    list: () => plain.listTools(),
    callAsking: callWith(asking),
    elicited,
    answerWith: (fn: typeof answer) => {
      answer = fn;
    },
    mode: (m: GuardConfig["CONFIRMATION_MODE"]) => {
      cfg.CONFIRMATION_MODE = m;
    },
    /** Back to the configured mode (in-band confirmation where the client can elicit). */
    resetMode: () => {
      cfg.CONFIRMATION_MODE = initialMode;
    },
    approve: (id: string) => admin.approve(id, "dana"),
    close: async () => {
      await plain.close();
      await asking.close();
      await runtime.close(1000);
    },
  };
}

export type SalesHarness = Awaited<ReturnType<typeof connectSalesWithSafety>>;

export const approvalIdIn = (text: string) => /\bapr_[A-Za-z0-9_-]+/.exec(text)?.[0];
export const tokenIn = (text: string) => /confirmation_token: "([^"]+)"/.exec(text)?.[1];
export const phraseIn = (message: string) => /To run exactly this plan, type: (.+)$/m.exec(message)?.[1];

/**
 * Every confirmation path against one harness: dry run, elicitation, approval queue, token. `read` returns the
 * deal's current values from the system of record; `before` is what the first change starts from.
 */
export async function confirmOnEveryPath(h: SalesHarness, dealId: string) {
  const results: Record<string, Call> = {};
  h.resetMode();
  h.answerWith((p) => ({ action: "accept", content: { confirmation: phraseIn(p.message) ?? "" } }));
  results.elicitation = await h.callAsking("deal_update", { deal_id: dealId, next_step: "Elicited step" });

  h.mode("approval");
  const queued = await h.call("deal_update", { deal_id: dealId, next_step: "Approved step" });
  const id = approvalIdIn(queued.text) as string;
  await h.approve(id);
  results.changedAfterApproval = await h.call("deal_update", {
    deal_id: dealId,
    next_step: "Sneaky step",
    approval_id: id,
  });
  results.approval = await h.call("deal_update", {
    deal_id: dealId,
    next_step: "Approved step",
    approval_id: id,
  });
  results.replayedApproval = await h.call("deal_update", {
    deal_id: dealId,
    next_step: "Approved step",
    approval_id: id,
  });

  h.mode("token");
  const issued = await h.call("deal_update", { deal_id: dealId, next_step: "Token step" });
  const token = tokenIn(issued.text) as string;
  results.token = await h.call("deal_update", {
    deal_id: dealId,
    next_step: "Token step",
    confirmation_token: token,
  });
  h.resetMode();
  return results;
}
