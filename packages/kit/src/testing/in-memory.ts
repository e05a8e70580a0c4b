import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { baseConfigSchema } from "../config";
import { createLogger } from "../logger";
import { KitApp, type KitOptions } from "../mcp-server";
import { KitRuntime } from "../runtime";

const open: (() => Promise<void>)[] = [];

/** A client of a fresh app over these options, connected in memory; `closeInMemoryClients` (in afterEach) closes it. */
export async function inMemoryClient(
  opts: Omit<KitOptions, "runtime">,
  env: Record<string, unknown> = {},
): Promise<Client> {
  const runtime = new KitRuntime(baseConfigSchema.parse(env), createLogger("silent", "test"));
  const app = new KitApp({ ...opts, runtime });
  const [a, b] = InMemoryTransport.createLinkedPair();
  await app.createServer().connect(a);
  const client = new Client({ name: "t", version: "1" });
  await client.connect(b);
  open.push(async () => {
    await client.close();
    await runtime.close(100);
  });
  return client;
}

/** Closes every client `inMemoryClient` opened, and its runtime. */
export async function closeInMemoryClients(): Promise<void> {
  while (open.length) await open.pop()?.();
}
