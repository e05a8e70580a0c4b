import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import {
  type ElicitRequest,
  ElicitRequestSchema,
  type ElicitResult,
} from "@modelcontextprotocol/sdk/types.js";
import {
  baseConfigSchema,
  createLogger,
  KitApp,
  KitRuntime,
  type Middleware,
  type ServerModule,
  VIEW_EXTENSION_ID,
  VIEW_MIME_TYPE,
} from "@revops/kit";

export interface GuardedHarnessOptions {
  modules: ServerModule[];
  /** The guard under test (createGuard(...)). */
  guard: Middleware;
  /** Declare the elicitation capability (form; `"url"`: form and URL mode), so the guard asks through the client. */
  elicitation?: boolean | "url";
  /** Declare the MCP Apps extension (the host renders views), so low-risk plans come back on a card. */
  views?: boolean;
  env?: Record<string, string>;
}

export interface CallResult {
  isError: boolean;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read the structured result field by field
  data: Record<string, any> | undefined;
  /** The result's `_meta` (for the client and its views, not the model). */
  meta: Record<string, unknown> | undefined;
}

export type ElicitAnswer = (params: ElicitRequest["params"]) => ElicitResult | Promise<ElicitResult>;

/** A kit server with the guard hook, driven in-process by the official SDK client (optionally able to elicit). */
export async function connectGuarded(opts: GuardedHarnessOptions) {
  const config = baseConfigSchema.parse({
    REVOPS_DATA_DIR: mkdtempSync(join(tmpdir(), "guards-")),
    RATE_LIMIT_PER_MINUTE: "0",
    ...opts.env,
  });
  const runtime = new KitRuntime(config, createLogger("silent", "guards-test"));
  let principal = config.REVOPS_PRINCIPAL;
  let answer: ElicitAnswer = () => ({ action: "cancel" });
  const elicited: ElicitRequest["params"][] = [];
  // Stands in for authentication: every call acts as the principal chosen with `as()`.
  const actAs: Middleware = async (call, next) => {
    call.ctx.principal = { ...call.ctx.principal, id: principal };
    return next();
  };
  const app = new KitApp({
    modules: opts.modules,
    runtime,
    hooks: { authorize: actAs, guard: opts.guard },
    selection: { toolsets: ["all"] },
  });
  const [serverSide, clientSide] = InMemoryTransport.createLinkedPair();
  await app.createServer().connect(serverSide);
  const client = new Client(
    { name: "guards-harness", version: "1" },
    {
      capabilities: {
        ...(opts.elicitation === "url"
          ? { elicitation: { form: {}, url: {} } }
          : opts.elicitation
            ? { elicitation: {} }
            : {}),
        ...(opts.views && { extensions: { [VIEW_EXTENSION_ID]: { mimeTypes: [VIEW_MIME_TYPE] } } }),
      },
    },
  );
  if (opts.elicitation)
    client.setRequestHandler(ElicitRequestSchema, async (req) => {
      elicited.push(req.params);
      return answer(req.params);
    });
  await client.connect(clientSide);

  const call = async (name: string, args: Record<string, unknown> = {}): Promise<CallResult> => {
    const r = await client.callTool({ name, arguments: args });
    const text = (r.content as { text?: string }[]).map((c) => c.text ?? "").join("\n");
    return {
      isError: Boolean(r.isError),
      text,
      data: r.structuredContent as CallResult["data"],
      meta: r._meta as CallResult["meta"],
    };
  };
  return {
    client,
    app,
    runtime,
    call,
    elicited,
    as: (id: string) => {
      principal = id;
    },
    answerWith: (fn: ElicitAnswer) => {
      answer = fn;
    },
    close: async () => {
      await client.close();
      await runtime.close(1000);
    },
  };
}

export type GuardedHarness = Awaited<ReturnType<typeof connectGuarded>>;

/** The approval id a refused call told the model about. */
export const approvalIdIn = (text: string): string | undefined => /\bapr_[A-Za-z0-9_-]+/.exec(text)?.[0];
/** The plan token a refused call handed out. */
export const tokenIn = (text: string): string | undefined => /confirmation_token: "([^"]+)"/.exec(text)?.[1];
