import { EventEmitter } from "node:events";
import type { Readable } from "node:stream";
import type { JSONRPCMessage } from "@modelcontextprotocol/server";
import { type StdioServerHandle, StdioServerTransport, serveStdio } from "@modelcontextprotocol/server/stdio";
import type { z } from "zod";
import { type BaseConfig, baseConfigSchema, ConfigError, envWithFile, loadConfig } from "./config";
import type { ServerModule } from "./define";
import { type HttpAuth, HttpTransportServer } from "./http";
import { eagerWhereConnected } from "./lazy-tools";
import { createLogger, type Logger } from "./logger";
import { KitApp } from "./mcp-server";
import type { CallMetrics } from "./metrics";
import type { PipelineHooks } from "./pipeline";
import { KitRuntime } from "./runtime";

export interface RunOptions {
  modules: ServerModule[];
  namespace?: boolean;
  info?: { name: string; title: string; version: string; instructions: string };
  /** Port used by --http when neither --port nor PORT is given. */
  defaultPort: number;
  argv?: readonly string[];
  env?: Record<string, string | undefined>;
  /** Filled by the safety packages: audit, guards, auth. */
  hooks?: (rt: KitRuntime) => PipelineHooks | Promise<PipelineHooks>;
  /** Who may call over HTTP (filled by the auth package), plus public routes such as OAuth metadata. */
  httpAuth?: (
    rt: KitRuntime,
    where: { port: number },
  ) => HttpAuth | undefined | Promise<HttpAuth | undefined>;
  /** Printed to stderr once the HTTP server listens (e.g. how to connect a client). */
  onListening?: (url: string, log: Logger, rt: KitRuntime) => void | Promise<void>;
  extraFlags?: readonly string[];
  /** Over stdio, how long ports wait for the first `tools/list` answer before opening anyway (default 500 ms). */
  stdioPortsDelayMs?: number;
}

export interface RunningServer {
  app: KitApp;
  config: BaseConfig;
  url?: string;
  stop: (reason: string) => Promise<void>;
  /** Settles once every module's ports are made at start; rejects with the error when one could not be. */
  portsReady: Promise<void>;
}

const HELP = `Options (each also an environment variable, see .env.example):
  --http                 serve Streamable HTTP instead of stdio (MCP_TRANSPORT=http)
  --port N, --host H     HTTP address (PORT, HOST; default 127.0.0.1)
  --stateless            HTTP without sessions (MCP_STATELESS)
  --toolsets a,b|all     toolsets to enable (REVOPS_TOOLSETS)
  --tools x,y            extra tools to enable by name (REVOPS_TOOLS)
  --exclude-tools x,y    tools to hide (REVOPS_EXCLUDE_TOOLS)
  --read-only            hide every tool that writes (REVOPS_READ_ONLY)
  --discovery all|search search: list a few core tools plus tools_search (REVOPS_TOOL_DISCOVERY)
  --core-tools x,y       tools listed up front in search mode (REVOPS_CORE_TOOLS)
  --data-dir DIR         where the embedded database lives (REVOPS_DATA_DIR)
  --log-level L          fatal|error|warn|info|debug|trace|silent (LOG_LEVEL)
`;

/** How long a stopping HTTP server keeps answering 503 so clients move their keep-alive sockets elsewhere. */
const HTTP_DRAIN_MS = 1000;
/** ...and how long nothing may arrive before it stops listening. */
const HTTP_QUIET_MS = 250;

/** Parses configuration, starts stdio or HTTP, and shuts down gracefully. The only entry point of every bin. */

export async function runServer(
  opts: RunOptions,
  schema: z.ZodObject = baseConfigSchema,
): Promise<RunningServer> {
  const argv = opts.argv ?? process.argv.slice(2);
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stderr.write(HELP);
    process.exit(0);
  }
  const config = loadConfig(schema, { argv, env: opts.env, extraFlags: opts.extraFlags }) as BaseConfig;
  const log = createLogger(config.LOG_LEVEL, opts.info?.name ?? opts.modules[0]?.name ?? "revops");
  const runtime = new KitRuntime(config, log, envWithFile(opts.env ?? process.env));
  const isHttp = config.MCP_TRANSPORT === "http";
  let metrics: (CallMetrics & { registry: { metrics(): Promise<string> } }) | undefined;
  if (isHttp) metrics = (await import("./prom-metrics")).createPromMetrics();
  const app = new KitApp({
    modules: await eagerWhereConnected(opts.modules, envWithFile()),
    namespace: opts.namespace,
    info: opts.info,
    runtime,
    metrics,
    hooks: opts.hooks ? await opts.hooks(runtime) : {},
    selection: {
      toolsets: config.REVOPS_TOOLSETS,
      tools: config.REVOPS_TOOLS,
      excludeTools: config.REVOPS_EXCLUDE_TOOLS,
      readOnly: config.REVOPS_READ_ONLY,
    },
  });

  let stopping: Promise<void> | undefined;
  const pendingSends = new Set<Promise<void>>();
  let http: HttpTransportServer | undefined;
  let stdioServer: StdioServerHandle | undefined;
  // released by the first tool listing over stdio, or by a stop (which then skips the ports)
  let releasePorts = () => {};
  const portsReleased = new Promise<void>((r) => {
    releasePorts = r;
  });
  const stop = (reason: string) => {
    stopping ??= (async () => {
      log.info({ reason }, "shutting down");
      // HTTP keeps listening while in-flight calls finish: new requests get 503 + Retry-After, not a reset socket
      runtime.closing = true;
      releasePorts();
      await http?.drain({
        minMs: Math.min(HTTP_DRAIN_MS, config.SHUTDOWN_TIMEOUT_MS),
        quietMs: HTTP_QUIET_MS,
        maxMs: config.SHUTDOWN_TIMEOUT_MS,
      });
      await runtime.close(config.SHUTDOWN_TIMEOUT_MS);
      await http?.stopAccepting();
      // the SDK sends an answer a turn after its handler resolves: let those turns run, then wait for the writes
      for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
      await Promise.allSettled([...pendingSends]);
      await http?.closeSessions();
      await stdioServer?.close();
      log.info("stopped");
    })();
    return stopping;
  };

  if (isHttp) {
    const port = config.PORT ?? opts.defaultPort;
    const { authenticate, routes, insufficientScope } = (await opts.httpAuth?.(runtime, { port })) ?? {};
    if (!authenticate)
      log.warn("HTTP has no authentication configured: every caller acts as the local principal");
    http = new HttpTransportServer(app, {
      host: config.HOST,
      port,
      stateless: config.MCP_STATELESS,
      allowedHosts: config.ALLOWED_HOSTS,
      allowedOrigins: config.ALLOWED_ORIGINS,
      maxBodyBytes: config.MAX_BODY_BYTES,
      maxSessions: config.MAX_SESSIONS,
      maxSessionsPerPrincipal: config.MAX_SESSIONS_PER_PRINCIPAL,
      sessionIdleMinutes: config.SESSION_IDLE_MINUTES,
      authenticate,
      routes,
      insufficientScope,
      metricsText: metrics ? () => metrics.registry.metrics() : undefined,
      metricsToken: config.METRICS_TOKEN,
    });
    await http.listen();
    runtime.httpUrl = http.url;
    log.info({ url: http.url, tools: app.tools.length, stateless: config.MCP_STATELESS }, "listening");
    await opts.onListening?.(http.url, log, runtime);
  } else {
    // The SDK's transport aborts in-flight calls when stdin ends; ours finish and answer first (stop() closes it).
    const input = stdinWithoutEnd();
    // biome-ignore lint/plugin: the transport is what writes the protocol to stdout
    const transport = new StdioServerTransport(input, process.stdout);
    // answers still being written when we stop: every call that ran gets its whole answer before exit
    const send = transport.send.bind(transport);
    transport.send = (message) => {
      if (isToolListing(message)) releasePorts();
      const sent = send(message);
      pendingSends.add(sent);
      void sent.finally(() => pendingSends.delete(sent));
      return sent;
    };
    // One factory for both revisions: a 2025 client opens with initialize, a 2026-07-28 one with server/discover.
    stdioServer = serveStdio(() => app.createServer(), {
      transport,
      onerror: (err) => log.debug({ err }, "stdio protocol error"),
    });
    // The client closing our stdin is the normal way a stdio server is told to stop.
    process.stdin.once("end", () => void stop("stdin closed").then(() => exitWhenFlushed(0)));
    log.info({ tools: app.tools.length }, "serving on stdio");
  }
  // the sandbox company (and each vendor's settings) load before the first call needs them, with progress on stderr;
  // over stdio only once the client has its tool list (or soon anyway), so they do not slow the handshake
  const portsOpen = isHttp
    ? Promise.resolve()
    : Promise.race([portsReleased, delay(opts.stdioPortsDelayMs ?? STDIO_PORTS_DELAY_MS)]);
  const portsReady = runtime
    .track(
      portsOpen.then(() => (runtime.closing ? [] : Promise.all(opts.modules.map((m) => runtime.ports(m))))),
    )
    .then(() => {});
  void portsReady
    .then(() => afterHandshake())
    .then(() => warmModules(opts.modules, runtime, log))
    .catch((err: unknown) => log.warn({ err }, "ports not ready at start; the first tool call tries again"));
  return { app, config, url: http?.url, stop, portsReady };
}

/** Over stdio the ports open after the first `tools/list` answer, or after this long if the client lists later. */
const STDIO_PORTS_DELAY_MS = 500;
const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());
const isToolListing = (message: JSONRPCMessage) =>
  "result" in message &&
  typeof message.result === "object" &&
  message.result !== null &&
  "tools" in message.result;

/**
 * Warm-ups wait this long after the ports are ready: a client's handshake and `tools/list` then get the core first
 * (they would otherwise queue behind a forecast's whole-history read), and idle memory is the server's own.
 */
const WARM_DELAY_MS = 1000;
const afterHandshake = () => delay(WARM_DELAY_MS);

/**
 * Each module's warm-up, one after another so calls arriving meanwhile still get a core. Not tracked as a call:
 * shutdown does not wait for it, and what it read is only a head start (a failure just leaves the first call cold).
 */
async function warmModules(modules: ServerModule[], runtime: KitRuntime, log: Logger): Promise<void> {
  for (const m of modules) {
    if (!m.warm || runtime.closing) continue;
    const t0 = performance.now();
    try {
      await m.warm(await runtime.ports(m));
      log.info({ module: m.name, ms: Math.round(performance.now() - t0) }, "warmed");
    } catch (err) {
      if (!runtime.closing)
        log.debug({ err, module: m.name }, "warm-up failed; the first call reads instead");
    }
  }
}

/** For bins: run, exit 2 with a clear message on bad configuration, stop cleanly on signals. */
export async function main(opts: RunOptions, schema?: z.ZodObject): Promise<void> {
  try {
    const running = await runServer(opts, schema);
    for (const sig of ["SIGTERM", "SIGINT"] as const) {
      process.once(sig, () => void running.stop(sig).then(() => exitWhenFlushed(0)));
    }
    // a bad or half-set vendor setting stops the server now, naming the variable, instead of failing every call
    running.portsReady.catch((err: unknown) => {
      if (!(err instanceof ConfigError)) return;
      process.stderr.write(`${err.message}\n`);
      void running.stop("bad configuration").then(() => exitWhenFlushed(2));
    });
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    if (err instanceof Error && "code" in err && err.code === "EADDRINUSE") {
      process.stderr.write(`Port already in use: ${err.message}. Pass --port N or set PORT.\n`);
      process.exit(2);
    }
    throw err;
  }
}

/** Exits once everything written to stdout has reached the pipe: process.exit alone can cut the last answer. */
function exitWhenFlushed(code: number): void {
  // biome-ignore lint/plugin: an empty write adds nothing to the protocol stream; its callback means "flushed"
  process.stdout.write("", () => process.exit(code));
}

/**
 * What the SDK's stdio transport reads: stdin's data and errors, but never its end (the transport would abort
 * in-flight calls; stop() closes it once they answered). A plain emitter, not a PassThrough: no second stream
 * buffering every request on its way in.
 */
function stdinWithoutEnd(): Readable {
  const input = new EventEmitter() as EventEmitter & {
    pause(): void;
    readableEnded: boolean;
    destroyed: boolean;
  };
  input.readableEnded = false;
  input.destroyed = false;
  input.pause = () => {
    process.stdin.pause();
  };
  // stdin is read from the moment the transport listens: until then its bytes wait in the pipe, none is dropped
  input.on("newListener", (event: string) => {
    if (event !== "data" || input.listenerCount("data") > 0) return;
    if (process.stdin.listenerCount("data") === 0) {
      process.stdin.on("data", (chunk: Buffer) => input.emit("data", chunk));
      process.stdin.on("error", (err: Error) => input.emit("error", err));
    }
    process.stdin.resume();
  });
  return input as unknown as Readable;
}
