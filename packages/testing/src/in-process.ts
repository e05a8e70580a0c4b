import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import {
  baseConfigSchema,
  createLogger,
  KitApp,
  KitRuntime,
  type PipelineHooks,
  type ServerModule,
} from "@revops/kit";
import { tempDataDir } from "./mcp-client";

/** A server module served in this process to the official client over an in-memory transport (fast, and measured by coverage). */
export async function connectInProcess(
  modules: ServerModule[],
  opts: {
    namespace?: boolean;
    env?: Record<string, string>;
    /** The safety stack (audit, guards) as the bins run it, e.g. `safetyHooks` from @revops/safety. */
    hooks?: (rt: KitRuntime) => Promise<PipelineHooks> | PipelineHooks;
    /** Configuration schema of those hooks (default: the kit's). */
    schema?: typeof baseConfigSchema;
  } = {},
) {
  const config = (opts.schema ?? baseConfigSchema).parse({
    REVOPS_DATA_DIR: tempDataDir("inproc"),
    RATE_LIMIT_PER_MINUTE: "0",
    ...opts.env,
  });
  const runtime = new KitRuntime(config, createLogger("silent", "test"));
  const app = new KitApp({
    modules,
    namespace: opts.namespace,
    runtime,
    hooks: opts.hooks ? await opts.hooks(runtime) : {},
    selection: { toolsets: ["all"] },
  });
  const [a, b] = InMemoryTransport.createLinkedPair();
  await app.createServer().connect(a);
  const client = new Client({ name: "in-process", version: "1" });
  await client.connect(b);
  const call = async (name: string, args: Record<string, unknown> = {}) => {
    const r = await client.callTool({ name, arguments: args });
    const text = (r.content as { text: string }[])[0]?.text ?? "";
    return {
      isError: Boolean(r.isError),
      text,
      // biome-ignore lint/suspicious/noExplicitAny: tests read the structured result field by field
      data: r.structuredContent as Record<string, any>,
      meta: r._meta as Record<string, unknown> | undefined,
    };
  };
  return {
    client,
    app,
    call,
    close: async () => {
      await client.close();
      await runtime.close(1000);
    },
  };
}
