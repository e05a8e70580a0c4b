import { randomBytes, randomUUID } from "node:crypto";
import {
  type CallToolResult,
  type ClientCapabilities,
  type CreateMessageResult,
  createRequestStateCodec,
  type InputRequiredResult,
  inputRequired,
  MissingRequiredClientCapabilityError,
  ProtocolErrorCode,
  type ReadResourceResult,
  type RequestStateCodec,
  Server,
  type ServerContext,
  UriTemplate,
} from "@modelcontextprotocol/server";
import { z } from "zod";
import { envWithFile } from "./config";
import {
  appOnly,
  guardKindLabel,
  type InputRound,
  type Principal,
  plannedGuard,
  type ServerModule,
  type ToolContext,
  type ViewConfirmation,
} from "./define";
import {
  coreToolNames,
  type DiscoveryMode,
  discoveryModule,
  foundTool,
  TOOLS_SEARCH,
  ToolIndex,
} from "./discovery";
import { EncodedLists } from "./encoded-lists";
import { capEchoes, InputRequired, quoteInput, ToolError, toToolError, withoutEchoes } from "./errors";
import { withGuardInputs } from "./guard-inputs";
import { loadTool } from "./lazy-tools";
import { rateLimit } from "./limit";
import { listedSchemas } from "./listed-schemas";
import { type CallMetrics, noMetrics } from "./metrics";
import { paginate } from "./paginate";
import {
  buildPipeline,
  compose,
  type Middleware,
  type PipelineHooks,
  type ToolCall,
  type ToolOutcome,
} from "./pipeline";
import {
  buildRegistry,
  hasScopes,
  type Registry,
  type Selection,
  selectTools,
  type ToolEntry,
} from "./registry";
import type { KitRuntime } from "./runtime";
import { shapeResult } from "./shape";
import { type CreateTaskResult, TASKS_EXTENSION_ID, type TaskOptions, TaskRunner } from "./tasks/runner";
import { withToolConnections } from "./tool-connections";
import { VIEW_EXTENSION_ID, viewToolMeta } from "./views";

/** A JSON-RPC error with our message as is (McpError would prefix "MCP error -32602:" twice on the client). */
const protocolError = (code: number, message: string) => Object.assign(new Error(message), { code });

type Extra = ServerContext;

/**
 * A resource that does not exist. SDK v2 answers it as -32602 with `data.uri` in every revision (the 2026-07-28
 * code; 2025 clients got -32002 from SDK 1.x): clients recognise it by `data.uri`. A long URI is not echoed.
 */
const resourceNotFound = (uri: string, message: string) =>
  Object.assign(new Error(message), {
    code: ProtocolErrorCode.ResourceNotFound,
    ...(uri.length <= 2048 && { data: { uri } }),
  });

/** The protocol revision without initialize or sessions (per-request `_meta` envelope). */
export const MODERN_PROTOCOL_VERSION = "2026-07-28";

/** Whether a request was sent under 2026-07-28 (or later): no session, no server-to-client requests. */
const isModern = (server: Server): boolean =>
  (server.getNegotiatedProtocolVersion() ?? "") >= MODERN_PROTOCOL_VERSION;

export interface KitOptions {
  modules: ServerModule[];
  /** Prefix tool and prompt names with the module name (the suite). */
  namespace?: boolean;
  /** Name, version and instructions announced at initialize (defaults: the single module's). */
  info?: { name: string; title: string; version: string; instructions: string };
  selection?: Selection;
  hooks?: PipelineHooks;
  metrics?: CallMetrics;
  runtime: KitRuntime;
  /** Page size of tools/list, resources/list and prompts/list. */
  pageSize?: number;
  /**
   * all: tools/list shows every selected tool. search: it shows the core tools plus tools_search, and every
   * selected tool stays callable by name. Defaults to REVOPS_TOOL_DISCOVERY / REVOPS_CORE_TOOLS.
   */
  discovery?: { mode: DiscoveryMode; core?: readonly string[] | undefined };
  /** The tasks extension's timings (served only when some tool declares `task`). */
  tasks?: TaskOptions;
}

/** The served surface of one or more modules: builds a fresh SDK Server per session (or per stateless request). */
export class KitApp {
  readonly registry: Registry;
  /** Every tool that can be called (in search mode, tools_search too); tools/list may show fewer. */
  readonly tools: ToolEntry[];
  readonly discovery: DiscoveryMode;
  /** In search mode: the names tools/list shows (core tools and tools_search); undefined lists every tool. */
  readonly listedNames: ReadonlySet<string> | undefined;
  private toolIndex: ToolIndex | undefined;
  private readonly toolByName: Map<string, ToolEntry>;
  private readonly pipeline: (call: ToolCall) => Promise<import("./pipeline").ToolOutcome>;
  /** Rate limit and audit for resources/read and prompts/get: reading customer data is on the record too. */
  private readonly accessStages: Middleware[];
  private readonly metrics: CallMetrics;
  private readonly info: NonNullable<KitOptions["info"]>;
  private readonly pageSize: number;
  readonly runtime: KitRuntime;
  private readonly requestStateKey: () => Promise<string>;
  private stateCodec: { key: string; codec: RequestStateCodec } | undefined;
  /** The tasks extension, when some served tool opts in with `task`; off otherwise (nothing listed, no tasks/*). */
  private readonly tasks: TaskRunner | undefined;

  constructor(opts: KitOptions) {
    const { modules } = opts;
    const first = modules[0];
    if (!first) throw new Error("KitApp needs at least one module");
    this.runtime = opts.runtime;
    // a tool gets its `connection` argument where a port it declares has named connections
    this.registry = withToolConnections(buildRegistry(modules, opts.namespace ?? false), envWithFile());
    const cfg = opts.runtime.config;
    this.discovery = opts.discovery?.mode ?? cfg.REVOPS_TOOL_DISCOVERY ?? "all";
    const selection = opts.selection ?? {};
    if (this.discovery === "search") {
      // what is searched costs no context: every toolset unless some are named
      const selected = selectTools(this.registry, { ...selection, toolsets: selection.toolsets ?? ["all"] });
      if (this.registry.tools.some((t) => t.name === TOOLS_SEARCH))
        throw new Error(`${TOOLS_SEARCH} is the kit's own tool in search mode; rename the module's tool`);
      const core = coreToolNames(this.registry, selected, opts.discovery?.core ?? cfg.REVOPS_CORE_TOOLS);
      const search = buildRegistry(
        [
          discoveryModule({
            index: () => this.index(),
            found: (t) => foundTool(t, this.listing(t)),
            toolsets: () => [...new Set(selected.map((t) => t.toolset))],
          }),
        ],
        false,
      ).tools;
      this.tools = [...selected, ...search];
      // app-only tools cost the model nothing (hosts hide them) and hosts let views call only listed ones
      this.listedNames = new Set([
        ...core,
        TOOLS_SEARCH,
        ...selected.filter((t) => appOnly(t.def)).map((t) => t.name),
      ]);
    } else {
      this.tools = selectTools(this.registry, selection);
      this.listedNames = undefined;
    }
    this.toolByName = new Map(this.tools.map((t) => [t.name, t]));
    this.tasks = this.tools.some((t) => t.def.task) ? this.taskRunner(opts) : undefined;
    const limit = opts.hooks?.limit ?? rateLimit(opts.runtime.kv, cfg.RATE_LIMIT_PER_MINUTE);
    this.pipeline = buildPipeline(opts.hooks ?? {}, limit);
    this.accessStages = [limit, ...(opts.hooks?.audit ? [opts.hooks.audit] : [])];
    this.metrics = opts.metrics ?? noMetrics;
    const info = opts.info ?? {
      name: first.name,
      title: first.title,
      version: first.version,
      instructions: first.instructions,
    };
    this.info =
      this.discovery === "search"
        ? {
            ...info,
            instructions: `${info.instructions} Only a few tools are listed: call ${TOOLS_SEARCH} to find the others, then call them by name.`,
          }
        : info;
    this.pageSize = opts.pageSize ?? 100;
    const processKey = randomBytes(32).toString("base64url");
    this.requestStateKey = opts.hooks?.requestStateKey ?? (async () => processKey);
  }

  private taskRunner(opts: KitOptions): TaskRunner {
    const runner = new TaskRunner(
      opts.runtime.kv,
      {
        principalOf: (extra) => this.principalOf(extra),
        capabilitiesOf: (server, extra) => this.declaredCapabilities(server, extra),
        enter,
        log: opts.runtime.log,
      },
      opts.tasks,
    );
    opts.runtime.onClose(() => runner.close());
    return runner;
  }

  /** The HMAC codec of 2026-07-28 request state under the current key (rebuilt when the key changes). */
  private async codec(): Promise<RequestStateCodec> {
    const key = await this.requestStateKey();
    if (this.stateCodec?.key !== key)
      this.stateCodec = {
        key,
        codec: createRequestStateCodec({ key, ttlSeconds: REQUEST_STATE_TTL_SECONDS }),
      };
    return this.stateCodec.codec;
  }

  /** What the client declared: in this request's envelope (2026-07-28) or at initialize (2025). */
  private declaredCapabilities(server: Server, extra: Extra): ClientCapabilities {
    const envelope = extra.mcpReq.envelope as Record<string, unknown> | undefined;
    const declared = envelope?.["io.modelcontextprotocol/clientCapabilities"] as
      | ClientCapabilities
      | undefined;
    return declared ?? server.getClientCapabilities() ?? {};
  }

  /** This request's multi-round-trip view (2026-07-28 only): the state arrives verified by the SDK's hook. */
  private inputRound(server: Server, extra: Extra): InputRound {
    return {
      capabilities: this.declaredCapabilities(server, extra),
      responses: extra.mcpReq.inputResponses,
      state: extra.mcpReq.requestState(),
      seal: async (payload) => (await this.codec()).mint(payload),
    };
  }

  /** The search index over every callable tool, built on the first search (start-up stays as fast). */
  private index(): ToolIndex {
    this.toolIndex ??= new ToolIndex(
      this.tools.filter((t) => !appOnly(t.def)),
      (t) => this.listing(t).inputSchema,
    );
    return this.toolIndex;
  }

  private readonly listings = new Map<string, ReturnType<KitApp["listedTool"]>>();
  /**
   * A tool's listing (JSON Schemas included), computed once per process: its schema does not change while the
   * process runs, and stateless HTTP builds a server per request, so converting schemas there cost most of a call.
   * The same frozen object is shared by every server and principal; who sees which tool is decided per request.
   */
  listing(t: ToolEntry): ReturnType<KitApp["listedTool"]> {
    let listing = this.listings.get(t.name);
    if (!listing) {
      // rebuilt by JSON.parse: zod's JSON Schema objects had keys deleted (slow dictionary-mode objects), and
      // JSON.stringify of the whole listing on every tools/list runs about twice as fast over fresh ones; a lazy
      // tool's schemas come from its index's JSON.parse already
      const listed = this.listedTool(t);
      listing = deepFreeze(t.def.lazy ? listed : (JSON.parse(JSON.stringify(listed)) as typeof listed));
      this.listings.set(t.name, listing);
    }
    return listing;
  }

  /** A callable tool by name. */
  tool(name: string): ToolEntry | undefined {
    return this.toolByName.get(name);
  }

  /** The local principal (stdio): from configuration. */
  localPrincipal(): Principal {
    const cfg = this.runtime.config;
    return { id: cfg.REVOPS_PRINCIPAL, scopes: cfg.REVOPS_PRINCIPAL_SCOPES, via: "local" };
  }

  private principalOf(extra: Extra): Principal {
    const fromAuth = extra.http?.authInfo?.extra?.principal as Principal | undefined;
    return fromAuth ?? this.localPrincipal();
  }

  private context(
    server: Server,
    extra: Extra,
    toolName: string,
    module: ServerModule,
    ports: unknown,
  ): ToolContext {
    const progressToken = extra.mcpReq._meta?.progressToken;
    const modern = isModern(server);
    const runtimeLog = this.runtime.log;
    let log: ToolContext["log"] | undefined;
    return {
      principal: this.principalOf(extra),
      ports,
      signal: extra.mcpReq.signal,
      // a child logger costs a bindings object per call; most calls never log, so it is made on first use
      get log() {
        log ??= runtimeLog.child({ tool: toolName, session: extra.sessionId, module: module.name });
        return log;
      },
      toolName,
      sessionId: extra.sessionId,
      requestId: String(extra.mcpReq.id ?? randomUUID()),
      progress: async (progress, total, message) => {
        if (progressToken === undefined) return;
        await extra.mcpReq.notify({
          method: "notifications/progress",
          params: {
            progressToken,
            progress,
            ...(total !== undefined && { total }),
            ...(message && { message }),
          },
        });
      },
      elicit: (params) => extra.mcpReq.elicitInput(params),
      sample: async (params) => (await extra.mcpReq.requestSampling(params)) as CreateMessageResult,
      clientCapabilities: modern
        ? withoutPushRequests(server.getClientCapabilities())
        : server.getClientCapabilities(),
      ...(modern && { inputRound: this.inputRound(server, extra) }),
      // the target's own guard decides; a nested input-required round is answered as the tool error it also is
      callTool: async (name, args, confirmation) =>
        (await this.callTool(server, name, args, extra, confirmation)) as CallToolResult,
      // On the request's own stream (over HTTP the standalone SSE stream may not exist), above the client's level.
      notify: (level, data) => extra.mcpReq.log(level, data, toolName),
    };
  }

  /** Runs one tool call through the pipeline; never throws, always a CallToolResult (or a task, when `asTask`). */
  async callTool(
    server: Server,
    name: string,
    args: unknown,
    extra: Extra,
    confirmation?: ViewConfirmation,
    asTask = false,
  ): Promise<CallToolResult | InputRequiredResult | CreateTaskResult> {
    const found = this.toolByName.get(name);
    const principal = this.principalOf(extra);
    if (!found || !hasScopes(principal, found.def.scopes)) {
      throw protocolError(
        ProtocolErrorCode.InvalidParams,
        this.listedNames
          ? `Unknown tool: ${toolNameForError(name)}. Call ${TOOLS_SEARCH} to find the tools you can use.`
          : `Unknown tool: ${toolNameForError(name)}. Call tools/list to see the tools you can use.`,
      );
    }
    const entry = await this.loaded(found);
    const missing = (entry.def.clientCapabilities ?? []).filter(
      (c) => !this.declaredCapabilities(server, extra)[c],
    );
    if (missing.length > 0)
      throw new MissingRequiredClientCapabilityError(
        { requiredCapabilities: Object.fromEntries(missing.map((c) => [c, {}])) },
        `${name} needs the client's ${missing.join(" and ")} capability, which this client did not declare.`,
      );
    const declared = this.declaredCapabilities(server, extra);
    const task =
      asTask && this.tasks?.wants(entry.def, name, declared, isModern(server)) ? this.tasks : undefined;
    if (this.runtime.closing) {
      return shapeResult(entry.def, {
        ok: false,
        error: new ToolError("retryable", "The server is shutting down."),
      });
    }
    const started = performance.now();
    const run = async (adjust?: (ctx: ToolContext) => void) => {
      let ports: unknown;
      try {
        ports = await this.runtime.ports(entry.module);
      } catch (err) {
        this.runtime.log.error({ err, module: entry.module.name }, "ports failed to start");
        const error = new ToolError(
          "retryable",
          `The ${entry.module.name} data source is not available yet.`,
          {
            hint: "Check the server log (database or vendor connection), then retry.",
          },
        );
        return { ok: false as const, error };
      }
      const ctx = this.context(server, extra, name, entry.module, ports);
      if (confirmation) ctx.confirmation = confirmation;
      adjust?.(ctx);
      return this.pipeline({ entry, args, input: undefined, ctx });
    };
    const settle = (asked: ToolOutcome) => this.settle(server, entry, args, started, asked);
    if (task) return this.runtime.track(task.call({ name, principal, capabilities: declared, run, settle }));
    return settle(await this.runtime.track(run()));
  }

  private readonly loadedTools = new Map<string, Promise<ToolEntry>>();
  /** The entry with its full definition: a lazy tool's module loads on its first call (ADR 0053), once. */
  private loaded(entry: ToolEntry): Promise<ToolEntry> {
    if (!entry.def.lazy) return Promise.resolve(entry);
    let full = this.loadedTools.get(entry.name);
    if (!full) {
      full = loadTool(entry.def).then((def) => ({ ...entry, def: withGuardInputs(def) }));
      this.loadedTools.set(entry.name, full);
      // a failed import is tried again by the next call
      full.catch(() => this.loadedTools.delete(entry.name));
    }
    return full;
  }

  /** A call's outcome as the client gets it: an input-required round, or a shaped result with no long echoes. */
  private settle(
    server: Server,
    entry: ToolEntry,
    args: unknown,
    started: number,
    asked: ToolOutcome,
  ): CallToolResult | InputRequiredResult {
    const name = entry.name;
    if (!asked.ok && asked.error instanceof InputRequired && isModern(server)) {
      this.metrics.record(name, "error", asked.error.kind, (performance.now() - started) / 1000);
      return asInputRequired(asked.error);
    }
    // whatever a handler or a stage wrote, a long input comes back as a prefix and its length
    const outcome = asked.ok ? asked : { ok: false as const, error: withoutEchoes(asked.error, args) };
    if (!outcome.ok && outcome.error.kind === "internal") {
      this.runtime.log.error({ tool: name, err: outcome.error.cause ?? outcome.error }, "tool failed");
    }
    const seconds = (performance.now() - started) / 1000;
    this.metrics.record(
      name,
      outcome.ok ? "ok" : "error",
      outcome.ok ? undefined : outcome.error.kind,
      seconds,
    );
    const result = shapeResult(entry.def, outcome);
    return outcome.ok ? capTextEchoes(result, args) : result;
  }

  /** Tools a principal can see: selection, then scopes. */
  visibleTools(principal: Principal): ToolEntry[] {
    return this.tools.filter((t) => hasScopes(principal, t.def.scopes));
  }

  /** Tools tools/list shows a principal: the visible ones, or in search mode the visible core ones. */
  listedTools(principal: Principal): ToolEntry[] {
    const visible = this.visibleTools(principal);
    const names = this.listedNames;
    return names ? visible.filter((t) => names.has(t.name)) : visible;
  }

  listedTool(t: ToolEntry) {
    const d = t.def;
    return {
      name: t.name,
      title: d.title,
      description: d.description,
      ...listedSchemas(d),
      annotations: { title: d.title, ...d.annotations },
      // Scopes and toolset travel with the tool so clients and generated docs can show them.
      _meta: {
        "revops/toolset": t.toolset,
        "revops/scopes": [...d.scopes],
        ...(plannedGuard(d) && { "revops/guard": guardKindLabel(d) }),
        // MCP Apps: hosts that render views fetch this ui:// resource; the model never sees _meta
        ...(d.view && viewToolMeta(d.view, d.visibility)),
      },
    };
  }

  /** tools/list pages encoded once per process, for servers whose answers the HTTP writer splices. */
  readonly encodedLists = new EncodedLists();

  /**
   * A fresh SDK server wired to this app (the SDK's stateless transport cannot be reused). `encodedLists`: its
   * tools/list answers carry pre-encoded pages, so every answer must go through `encodedLists.splice` (stateless HTTP).
   */
  createServer(opts: { encodedLists?: boolean } = {}): Server {
    const server = new Server(
      { name: this.info.name, title: this.info.title, version: this.info.version },
      {
        capabilities: {
          tools: { listChanged: false },
          resources: {},
          prompts: {},
          logging: {},
          completions: {},
          ...this.extensions(),
        },
        instructions: this.info.instructions,
        // a forged, altered or expired state is refused before any handler runs (-32602)
        requestState: { verify: async (state, ctx) => (await this.codec()).verify(state, ctx) },
      },
    );
    this.registerTools(server, opts.encodedLists === true);
    this.registerResources(server);
    this.registerPrompts(server);
    this.tasks?.register(server);
    answerMalformedParamsAsInvalid(server);
    return server;
  }

  /** The protocol extensions served: MCP Apps views and tasks, each only when some tool uses it. */
  private extensions(): { extensions?: Record<string, Record<string, never>> } {
    const extensions = {
      ...(this.tools.some((t) => t.def.view) && { [VIEW_EXTENSION_ID]: {} }),
      ...(this.tasks && { [TASKS_EXTENSION_ID]: {} }),
    };
    return Object.keys(extensions).length > 0 ? { extensions } : {};
  }

  private registerTools(server: Server, encoded: boolean) {
    server.setRequestHandler("tools/list", async (req, extra) => {
      enter(extra);
      const principal = this.principalOf(extra);
      const cursor = req.params?.cursor;
      const build = () =>
        paginate(
          this.listedTools(principal).map((t) => this.listing(t)),
          cursor,
          this.pageSize,
        );
      // what a principal sees depends on its scopes alone; a cursor that fails to parse never reaches the cache
      const page = encoded
        ? this.encodedLists.page(`${principal.scopes.join(" ")}\n${cursor ?? ""}`, build)
        : build();
      return { tools: page.items, ...(page.nextCursor && { nextCursor: page.nextCursor }) };
    });
    server.setRequestHandler("tools/call", (req, extra) => {
      enter(extra);
      return this.callTool(server, req.params.name, req.params.arguments, extra, undefined, true) as Promise<
        CallToolResult | InputRequiredResult
      >;
    });
  }

  private resourcesFor(extra: Extra) {
    const principal = this.principalOf(extra);
    return this.registry.resources.filter((r) => hasScopes(principal, r.def.scopes));
  }

  private async resourceCtx(server: Server, extra: Extra, name: string, module: ServerModule) {
    return this.context(server, extra, name, module, await this.runtime.ports(module));
  }

  /** Runs a resource read or prompt render behind the rate limit and the audit; the record keeps a count, not the text. */
  private async accessed<T>(
    kind: "resource" | "prompt",
    target: { name: string; module: ServerModule; args: unknown; server: Server; extra: Extra },
    run: (ctx: ToolContext) => Promise<T>,
    count: (value: T) => number,
  ): Promise<T> {
    const ctx = await this.resourceCtx(target.server, target.extra, target.name, target.module);
    const entry = {
      name: `${kind}:${target.name}`,
      toolset: kind,
      module: target.module,
      def: accessDef(kind),
    };
    let value: T | undefined;
    const outcome = await compose(this.accessStages, async () => {
      value = await run(ctx);
      return { ok: true, output: { returned: count(value) } };
    })({ entry, args: target.args, input: target.args, ctx });
    if (!outcome.ok) throw outcome.error;
    return value as T;
  }

  private registerResources(server: Server) {
    server.setRequestHandler("resources/list", async (req, extra) => {
      enter(extra);
      const all: {
        uri: string;
        name: string;
        title?: string;
        description?: string;
        mimeType?: string;
        _meta?: Record<string, unknown>;
      }[] = [];
      for (const { def, module } of this.resourcesFor(extra)) {
        if (def.uri)
          all.push({
            uri: def.uri,
            name: def.name,
            title: def.title,
            description: def.description,
            mimeType: def.mimeType,
            ...(def._meta && { _meta: def._meta }),
          });
        else if (def.list) {
          const ctx = await this.resourceCtx(server, extra, def.name, module);
          for (const r of await def.list(ctx)) all.push({ ...r, mimeType: def.mimeType });
        }
      }
      const page = paginate(all, req.params?.cursor, this.pageSize);
      return { resources: page.items, ...(page.nextCursor && { nextCursor: page.nextCursor }) };
    });
    server.setRequestHandler("resources/templates/list", async (req, extra) => {
      enter(extra);
      const templates = this.resourcesFor(extra)
        .filter((r) => r.def.uriTemplate)
        .map(({ def }) => ({
          uriTemplate: def.uriTemplate as string,
          name: def.name,
          title: def.title,
          description: def.description,
          mimeType: def.mimeType,
        }));
      const page = paginate(templates, req.params?.cursor, this.pageSize);
      return { resourceTemplates: page.items, ...(page.nextCursor && { nextCursor: page.nextCursor }) };
    });
    // Resources do not change under a session yet; subscriptions are accepted and kept so updates can be sent later.
    const subscribed = new Set<string>();
    server.setRequestHandler("resources/subscribe", async (req, extra) => {
      enter(extra);
      subscribed.add(req.params.uri);
      return {};
    });
    server.setRequestHandler("resources/unsubscribe", async (req, extra) => {
      enter(extra);
      subscribed.delete(req.params.uri);
      return {};
    });
    server.setRequestHandler("resources/read", async (req, extra) => {
      enter(extra);
      const uri = req.params.uri;
      for (const { def, module } of this.resourcesFor(extra)) {
        const params =
          def.uri === uri ? {} : def.uriTemplate ? new UriTemplate(def.uriTemplate).match(uri) : null;
        if (!params) continue;
        const flat = Object.fromEntries(
          Object.entries(params).map(([k, v]) => [k, Array.isArray(v) ? v.join(",") : v]),
        );
        try {
          const contents = await this.accessed(
            "resource",
            { name: def.name, module, args: { uri }, server, extra },
            (ctx) => def.read({ uri, params: flat, ctx }),
            (c) => c.length,
          );
          return { contents } as ReadResourceResult;
        } catch (err) {
          const e = withoutEchoes(toToolError(err), { uri, params: flat });
          const message = `${e.message} ${e.hint ?? ""}`.trim();
          if (e.kind === "not_found") throw resourceNotFound(uri, message);
          throw protocolError(
            e.kind === "user" ? ProtocolErrorCode.InvalidParams : ProtocolErrorCode.InternalError,
            message,
          );
        }
      }
      throw resourceNotFound(
        uri,
        `Resource not found: ${quoteInput(uri, 200)}. Call resources/list or resources/templates/list.`,
      );
    });
  }

  private promptsFor(extra: Extra) {
    const principal = this.principalOf(extra);
    return this.registry.prompts.filter((p) => hasScopes(principal, p.def.scopes));
  }

  private registerPrompts(server: Server) {
    server.setRequestHandler("prompts/list", async (req, extra) => {
      enter(extra);
      const prompts = this.promptsFor(extra).map(({ name, def }) => ({
        name,
        title: def.title,
        description: def.description,
        arguments: Object.entries(def.args).map(([argName, a]) => ({
          name: argName,
          description: a.description,
          required: a.required,
        })),
      }));
      const page = paginate(prompts, req.params?.cursor, this.pageSize);
      return { prompts: page.items, ...(page.nextCursor && { nextCursor: page.nextCursor }) };
    });
    server.setRequestHandler("prompts/get", async (req, extra) => {
      enter(extra);
      const entry = this.promptsFor(extra).find((p) => p.name === req.params.name);
      if (!entry)
        throw protocolError(
          ProtocolErrorCode.InvalidParams,
          `Unknown prompt: ${quoteInput(req.params.name)}. Call prompts/list.`,
        );
      const args = req.params.arguments ?? {};
      const missing = Object.entries(entry.def.args)
        .filter(([n, a]) => a.required && !args[n])
        .map(([n]) => n);
      if (missing.length)
        throw protocolError(
          ProtocolErrorCode.InvalidParams,
          `Prompt ${entry.name} needs the argument(s): ${missing.join(", ")}.`,
        );
      try {
        const messages = await this.accessed(
          "prompt",
          { name: entry.name, module: entry.module, args, server, extra },
          async (ctx) => entry.def.render(args, ctx),
          (m) => m.length,
        );
        return { description: entry.def.description, messages };
      } catch (err) {
        if (err instanceof InputRequired && isModern(server)) return asInputRequired(err);
        const e = withoutEchoes(toToolError(err), args);
        throw protocolError(ProtocolErrorCode.InvalidParams, `${e.message} ${e.hint ?? ""}`.trim());
      }
    });
    server.setRequestHandler("completion/complete", async (req, extra) => {
      enter(extra);
      const { ref, argument } = req.params;
      let completer: ((value: string, ctx: ToolContext) => Promise<string[]>) | undefined;
      let module: ServerModule | undefined;
      if (ref.type === "ref/prompt") {
        const p = this.promptsFor(extra).find((x) => x.name === ref.name);
        completer = p?.def.complete?.[argument.name];
        module = p?.module;
      } else {
        const r = this.resourcesFor(extra).find((x) => x.def.uriTemplate === ref.uri);
        completer = r?.def.complete?.[argument.name];
        module = r?.module;
      }
      if (!completer || !module) return { completion: { values: [], hasMore: false } };
      const ctx = await this.resourceCtx(server, extra, "completion", module);
      const values = await completer(argument.value, ctx);
      return {
        completion: { values: values.slice(0, 100), total: values.length, hasMore: values.length > 100 },
      };
    });
  }
}

/** How long sealed request state verifies at most; what it guards may bind a shorter expiry into its payload. */
const REQUEST_STATE_TTL_SECONDS = 3600;

/** The wire answer of a pending round: what the client must answer, and our sealed state. */
const asInputRequired = (e: InputRequired): InputRequiredResult =>
  inputRequired({
    ...(e.inputRequests && { inputRequests: e.inputRequests }),
    ...(e.requestState !== undefined && { requestState: e.requestState }),
  });

/** Freezes a value and everything in it: a listing shared across requests must not be changed by one of them. */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** A tool name as an error repeats it: names are short, so anything long is not one. */
const toolNameForError = (name: unknown): string =>
  typeof name === "string" && name.length <= 64 && /^[\w.-]+$/.test(name) ? name : quoteInput(name);

/** The text of a successful result with no long input repeated (structuredContent is the tool's declared output). */
function capTextEchoes(result: CallToolResult, args: unknown): CallToolResult {
  let changed = false;
  const content = result.content.map((c) => {
    if (c.type !== "text") return c;
    const text = capEchoes(c.text, args);
    if (text === c.text) return c;
    changed = true;
    return { ...c, text };
  });
  return changed ? { ...result, content } : result;
}

type Handler = (request: unknown, ctx: unknown) => Promise<unknown>;

/** The request contexts whose kit handler started: an error before that came from the SDK's params validation. */
const entered = new WeakSet<object>();

/** Marks the request as having reached the kit's handler (see answerMalformedParamsAsInvalid). */
function enter(ctx: Extra): void {
  entered.add(ctx);
}

/**
 * The SDK answers params that fail its schema (`arguments: [1,2]`, `name: 5`) with -32603 or -32602 and a raw
 * validation dump; they are the caller's mistake: -32602 with one line naming the field.
 */
function answerMalformedParamsAsInvalid(server: Server): void {
  const handlers = (server as unknown as { _requestHandlers: Map<string, Handler> })._requestHandlers;
  for (const [method, handle] of handlers) {
    handlers.set(method, async (request, ctx) => {
      try {
        return await handle(request, ctx);
      } catch (err) {
        if (!(err instanceof Error) || entered.has(ctx as object) || isRequestStateRefusal(err)) throw err;
        const code = (err as { code?: unknown }).code;
        if (
          typeof code === "number" &&
          code !== ProtocolErrorCode.InvalidParams &&
          code !== ProtocolErrorCode.InternalError
        )
          throw err;
        throw protocolError(
          ProtocolErrorCode.InvalidParams,
          `Invalid params for ${method}: ${oneLine(err.message)}`.slice(0, 300),
        );
      }
    });
  }
}

/** The SDK's own answer to request state that failed verification: kept as it is (-32602, data.reason). */
const isRequestStateRefusal = (err: Error): boolean =>
  (err as { data?: { reason?: unknown } }).data?.reason === "invalid_request_state";

/** The first issue of a validation message (a JSON dump of issues or "path: message" lines), on one line. */
function oneLine(message: string): string {
  const text = message.replace(/^Invalid [\w/]+ request: /, "");
  try {
    const issues = JSON.parse(text.slice(text.indexOf("["))) as { path?: PropertyKey[]; message?: string }[];
    const first = issues[0];
    if (first?.message) {
      const where = first.path?.length ? first.path.map(String).join(".") : "params";
      return `${where}: ${first.message}`;
    }
  } catch {
    // not a JSON dump
  }
  return text
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean)
    .slice(0, 2)
    .join("; ");
}

/** 2026-07-28 has no server-to-client requests: a tool must not plan on pushing elicitation or sampling. */
function withoutPushRequests(caps: ClientCapabilities | undefined): ClientCapabilities | undefined {
  if (!caps) return caps;
  const { elicitation: _e, sampling: _s, ...rest } = caps;
  return rest;
}

/** What the limit and audit stages read of a resource read or prompt render, as if it were a read-only tool. */
function accessDef(kind: "resource" | "prompt"): ToolEntry["def"] {
  return {
    name: kind,
    title: kind,
    description: "",
    toolset: kind,
    scopes: [],
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    input: z.unknown(),
    output: z.unknown(),
    handler: () => undefined,
  } as unknown as ToolEntry["def"];
}
