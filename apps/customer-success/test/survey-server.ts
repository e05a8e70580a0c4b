import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { approvalsAdmin, type GuardConfig } from "@revops/guards";
import { approvalIdIn } from "@revops/guards/testing";
import type { RunningServer } from "@revops/kit";
import { runSafeServer } from "@revops/safety";
import type { SqlDb } from "@revops/store";
import { freePort } from "@revops/testing";
import { createCustomerSuccessServer } from "../src/server";

// biome-ignore lint/suspicious/noExplicitAny: tests read the structured result field by field
type Data = any;

export interface SurveyServer {
  /** http://127.0.0.1:<port> */
  origin: string;
  db: SqlDb;
  client: Client;
  call(name: string, args: Record<string, unknown>): Promise<{ isError: boolean; text: string; data: Data }>;
  /** survey_send to these accounts, approved by a human in the queue: its result. */
  sendSurvey(kind: "nps" | "csat", accountIds: string[]): Promise<Data>;
  stop(): Promise<void>;
}

/** The customer-success server as its bin runs it (safety, audit, guards) over HTTP on a small sandbox company. */
export async function startSurveyServer(): Promise<SurveyServer> {
  const dataDir = mkdtempSync(join(tmpdir(), "cs-survey-"));
  const server: RunningServer = await runSafeServer({
    modules: [createCustomerSuccessServer()],
    defaultPort: await freePort(),
    argv: ["--http", "--toolsets", "all"],
    env: {
      REVOPS_DATA_DIR: dataDir,
      LOG_LEVEL: "silent",
      AUTH_DISABLED_FOR_LOOPBACK: "true",
      CONFIRMATION_MODE: "approval",
      GUARD_QUIET_HOURS: "off",
      SANDBOX_SCALE: "0.05",
    },
  });
  await server.portsReady;
  const url = server.url as string;
  const client = new Client({ name: "survey-test", version: "1" });
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  const call = async (name: string, args: Record<string, unknown>) => {
    const r = (await client.callTool({ name, arguments: args })) as {
      isError?: boolean;
      content: { type: string; text?: string }[];
      structuredContent?: unknown;
    };
    const text = r.content.map((c) => c.text ?? "").join("\n");
    return { isError: Boolean(r.isError), text, data: r.structuredContent as Data };
  };
  const rt = server.app.runtime;
  const admin = approvalsAdmin({ sql: rt.sql, config: server.config as unknown as GuardConfig });
  return {
    origin: new URL(url).origin,
    db: await rt.sql(),
    client,
    call,
    async sendSurvey(kind, accountIds) {
      const args = { kind, account_ids: accountIds };
      const queued = await call("survey_send", args);
      const id = approvalIdIn(queued.text);
      if (!id) throw new Error(`not queued: ${queued.text}`);
      await admin.approve(id, "carol");
      const sent = await call("survey_send", { ...args, approval_id: id });
      if (sent.isError) throw new Error(sent.text);
      return sent.data;
    },
    stop: async () => {
      await client.close();
      await server.stop("test");
    },
  };
}

/** The answer form's hidden field, read from the page as a browser would. */
export const formTokenIn = (html: string) => /name="_form" value="([^"]+)"/.exec(html)?.[1] ?? "";

/** Posts the answer form as a browser would. */
export const postAnswer = (link: string, fields: Record<string, string>) =>
  fetch(link.split("?")[0] as string, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields).toString(),
  });
