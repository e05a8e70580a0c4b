// biome-ignore-all lint/suspicious/noExplicitAny: tools of every input/output type share one list, so the defaults are erased to any
/// <reference path="./view-module.d.ts" />

import type { z } from "zod";
import type { Logger } from "./logger";
import type { PortVariables } from "./tool-connections";

/** Who is calling and what they may do. */
export interface Principal {
  id: string;
  name?: string;
  /** Granted scopes; "*" grants every scope. */
  scopes: readonly string[];
  /** How the principal was established ("stdio-local", "api-key", "oauth", ...). */
  via: string;
}

export interface ToolAnnotations {
  readOnlyHint: boolean;
  destructiveHint: boolean;
  idempotentHint: boolean;
  openWorldHint: boolean;
}

/** Plan shown to a human before a write runs (filled in by packages/guards). */
export type GuardKind = "destructive" | "outbound" | "spend";

export interface PlannedGuard<I, P> {
  /** Fixed, or decided by the arguments (a ticket update is outbound only when it carries a public reply). */
  kind: GuardKind | ((input: I) => GuardKind);
  preview: (input: I, ctx: ToolContext<P>) => Promise<unknown> | unknown;
  /** Whether this call needs a human at all (a credit spend under the configured size does not); absent: always. */
  needed?: (input: I, ctx: ToolContext<P>) => Promise<boolean> | boolean;
}

/** A tool that changes something declares a planned guard, or says in `none` why it needs no human. */
export type GuardSpec<I, P> = PlannedGuard<I, P> | { none: string };

/** The guard's kind as listed for clients: "outbound|destructive" style when the arguments decide. */
export const guardKindLabel = (def: { guard?: GuardSpec<any, any> }): string | undefined => {
  const g = plannedGuard(def);
  return g && (typeof g.kind === "function" ? "by-arguments" : g.kind);
};

/** The planned guard of a tool, if it has one (`guard: { none }` has none). */
export const plannedGuard = <I, P>(def: { guard?: GuardSpec<I, P> }): PlannedGuard<I, P> | undefined =>
  def.guard && "kind" in def.guard ? def.guard : undefined;

export interface ToolContext<P = unknown> {
  principal: Principal;
  /** The app's ports (sandbox or vendor adapters), created once per process on first use. */
  ports: P;
  signal: AbortSignal;
  log: Logger;
  /** Sends notifications/progress when the client asked for it; otherwise a no-op. */
  progress: (done: number, total?: number, message?: string) => Promise<void>;
  /** Sends an MCP log message to the client (respects logging/setLevel). */
  notify: (level: "debug" | "info" | "warning" | "error", data: unknown) => Promise<void>;
  /** Public name of the tool being called (namespaced in the suite). */
  toolName: string;
  sessionId: string | undefined;
  /** Asks the human through the client (elicitation); needs a client that supports it and, over HTTP, a session. */
  elicit: (params: ElicitParams) => Promise<import("@modelcontextprotocol/server").ElicitResult>;
  /** Asks the client's model (sampling). */
  sample: (
    params: import("@modelcontextprotocol/server").CreateMessageRequest["params"],
  ) => Promise<import("@modelcontextprotocol/server").CreateMessageResult>;
  /** What the client declared it can do at initialize (2026-07-28: without elicitation and sampling, see inputRound). */
  clientCapabilities: import("@modelcontextprotocol/server").ClientCapabilities | undefined;
  /** MCP 2026-07-28 requests only: asking the client through an input-required result (throw `InputRequired`). */
  inputRound?: InputRound;
  requestId: string;
  /**
   * Runs another served tool for the same caller through the whole pipeline (rate limit, audit, scopes, guard) and
   * returns its result as the client would get it. `confirmation` travels beside the arguments, never in them: a
   * view's confirmation that only the guard reads.
   */
  callTool?: (
    name: string,
    args: unknown,
    confirmation?: ViewConfirmation,
  ) => Promise<import("@modelcontextprotocol/server").CallToolResult>;
  /** Set only on a call made by callTool with a confirmation (the confirmation card's approve tool). */
  confirmation?: ViewConfirmation;
  /** Set by the guard while a confirmed plan executes: its hash, and the key that makes its vendor write happen once. */
  write?: {
    planHash: string;
    idempotencyKey: string;
    /** An earlier execution under this same key may have landed (it crashed or timed out): look before writing. */
    resumed?: boolean;
  };
}

/**
 * One round of a 2026-07-28 multi-round-trip request: what the client can be asked, and what a retried request
 * brought back. The state was sealed by `seal` on some replica and verified before the handler runs (a forged or
 * expired one never gets here); the answers are the client's, untrusted.
 */
export interface InputRound {
  /** The capabilities this request's envelope declares (elicitation, sampling, roots). */
  capabilities: import("@modelcontextprotocol/server").ClientCapabilities;
  /** The client's answers by the keys of our input requests; undefined on a first request. */
  responses: Record<string, unknown> | undefined;
  /** The payload a previous round sealed; undefined when none came back. */
  state: unknown;
  /** Signs a JSON payload into request state that any replica of this deployment can verify. */
  seal: (payload: unknown) => Promise<string>;
}

/** A confirmation a view passed on (MCP Apps): the single-use secret it received in a result's `_meta`. */
export interface ViewConfirmation {
  kind: "card";
  secret: string;
  /** The human's decision in the view. */
  decision: "approve" | "cancel";
}

/** A form to fill in the client, or (mode "url") a page of ours for the human to open in a browser. */
export type ElicitParams = import("@modelcontextprotocol/server").ElicitRequest["params"];
/** The form branch of an elicitation. */
export type ElicitFormParams = Extract<ElicitParams, { requestedSchema: unknown }>;

export interface ToolDefinition<I = any, O = any, P = any> {
  /** snake_case noun_verb, unique within the server. */
  name: string;
  title: string;
  /** One or two tight sentences: it is sent to the model on every turn. */
  description: string;
  toolset: string;
  scopes: readonly string[];
  annotations: ToolAnnotations;
  input: z.ZodType<I>;
  output: z.ZodType<O>;
  guard?: GuardSpec<I, P>;
  /**
   * The app ports it reads or writes (declared in the module's `connections`): where one has named connections,
   * the kit adds a `connection` argument and hands the handler that connection's ports.
   */
  ports?: readonly (keyof P & string)[];
  handler: (args: { input: I; ctx: ToolContext<P> }) => Promise<O> | O;
  /** The handler returns a complete CallToolResult (images, audio, resources); only protocol fixtures need this. */
  raw?: boolean;
  /**
   * The input schema listed verbatim instead of the one derived from `input` (which still validates every call):
   * for a schema zod cannot spell ($anchor, if/then/else); only protocol fixtures need this.
   */
  listedInputSchema?: { type: "object" } & Record<string, unknown>;
  /**
   * Client capabilities the tool cannot run without (it samples, say): a client that did not declare one gets
   * MissingRequiredClientCapability (-32021) before anything runs, instead of a failure half-way.
   */
  clientCapabilities?: readonly ("sampling" | "elicitation" | "roots")[];
  /** Compact text for clients that show text only; a generic rendering is used otherwise. */
  render?: (output: O) => string;
  /** An example call shown in docs/tools (run against the sandbox when docs are generated). */
  example?: Record<string, unknown>;
  /** A chart of the result that MCP Apps hosts render beside it; other clients get the same text and structuredContent. */
  view?: ViewDefinition;
  /**
   * MCP Apps: who may call it (default both). ["app"]: only views; hosts keep it from the model, so it costs no
   * context, and it is served exactly when some other served tool shows the same view.
   */
  visibility?: readonly ("model" | "app")[];
  /**
   * MCP tasks extension (2026-07-28): a call that has not answered within a moment becomes a task the client polls
   * (tasks/*.ts). "optional": only for clients that declared the extension; "required": others are refused (-32021).
   */
  task?: "optional" | "required";
  /**
   * Set on a tool known by its server's generated tool index until it is called (`lazyTools`, ADR 0053): the
   * schemas it is listed with, and the loader of its module's definition. Never written by hand.
   */
  lazy?: {
    inputSchema: { type: "object" } & Record<string, unknown>;
    outputSchema?: { type: "object" } & Record<string, unknown>;
    load: () => Promise<ToolDefinition>;
  };
}

/** Whether only views may call the tool (MCP Apps visibility ["app"]): never listed to the model. */
export const appOnly = (def: { visibility?: readonly string[] | undefined }): boolean =>
  def.visibility !== undefined && !def.visibility.includes("model");

/** An MCP Apps view: one self-contained HTML page (inline script, no network) served as a `ui://` resource. */
export interface ViewDefinition {
  /** `ui://<server>/<view>`, unique in the served process. */
  uri: string;
  title: string;
  description: string;
  /** The HTML bundled at build time: `async () => (await import("./x.view.ts?view")).default`. */
  html: () => Promise<string>;
}

export interface ResourceContent {
  uri: string;
  mimeType?: string;
  text?: string;
  blob?: string;
  _meta?: Record<string, unknown>;
}

export interface ResourceDefinition<P = any> {
  name: string;
  title: string;
  description: string;
  mimeType: string;
  scopes: readonly string[];
  /** A fixed URI, or an RFC 6570 template such as "sales://accounts/{account_id}". */
  uri?: string;
  uriTemplate?: string;
  /** Listed with the resource (an MCP Apps view's CSP and border preference). */
  _meta?: Record<string, unknown>;
  read: (args: {
    uri: string;
    params: Record<string, string>;
    ctx: ToolContext<P>;
  }) => Promise<ResourceContent[]>;
  /** Concrete resources a template expands to (shown in resources/list). */
  list?: (ctx: ToolContext<P>) => Promise<{ uri: string; name: string; title?: string }[]>;
  /** Completion of template variables. */
  complete?: Record<string, (value: string, ctx: ToolContext<P>) => Promise<string[]>>;
}

export type PromptMessage = import("@modelcontextprotocol/server").PromptMessage;

export interface PromptDefinition<P = any> {
  name: string;
  title: string;
  description: string;
  scopes: readonly string[];
  /** Arguments are strings on the wire; describe each one. */
  args: Record<string, { description: string; required: boolean }>;
  complete?: Record<string, (value: string, ctx: ToolContext<P>) => Promise<string[]>>;
  render: (args: Record<string, string>, ctx: ToolContext<P>) => Promise<PromptMessage[]> | PromptMessage[];
}

export interface ToolsetDefinition {
  name: string;
  description: string;
  /** On when the user names no toolsets. */
  default: boolean;
}

/** Shared process state the kit hands to an app's ports factory. */
export interface Runtime {
  config: import("./config").BaseConfig;
  log: Logger;
  /** Embedded SQLite or PostgreSQL, opened and migrated on first use. */
  sql: () => Promise<import("@revops/store").SqlDb>;
  /** In-process or Redis key-value store, opened on first use. */
  kv: () => Promise<import("@revops/store").KeyValue>;
  /** Memoises a process-wide value under a key (e.g. the sandbox load shared by the suite's servers). */
  shared: <T>(key: string, create: () => Promise<T>) => Promise<T>;
  /** Runs at shutdown after in-flight calls finish and before the stores close (e.g. sealing the audit log). */
  onClose: (fn: () => Promise<void>) => void;
  /** A module's ports, made once per runtime (the suite's modules ask each other's). */
  ports: <P>(module: ServerModule<P>) => Promise<P>;
  /** The variables the server was started with, `.env` included: what every module's settings are read from. */
  environment: Readonly<Record<string, string | undefined>>;
  /** The bound address of /mcp once HTTP listens (undefined on stdio): where the module's pages are served. */
  httpUrl?: string | undefined;
}

/** One record of what a public page did, for the audit chain (no personal text: ids, counts, outcomes). */
export interface PageAuditRecord {
  principal: string;
  tool: string;
  outcome: "ok" | "denied" | "error";
  args?: Record<string, unknown>;
  summary?: string;
}

/** What a module's public pages get: its ports, the runtime and an audit trail (filled by the safety package). */
export interface PagesContext<P = any> {
  runtime: Runtime;
  ports: () => Promise<P>;
  audit: (r: PageAuditRecord) => Promise<void>;
  /** Server name for audit records ("customer-success", or the suite's). */
  server: string;
}

/** A public HTTP route beside /mcp: true when it answered the request (asynchronously, as the console does). */
export type PageRoute = (
  req: import("node:http").IncomingMessage,
  res: import("node:http").ServerResponse,
) => boolean;

/** One server: everything the kit needs to serve it. Apps export one of these from createXServer(). */
export interface ServerModule<P = any> {
  name: string;
  /** Cross-cutting tools (e.g. audit_query) keep their own names in the suite instead of `<module>_` prefixes. */
  shared?: boolean;
  title: string;
  version: string;
  instructions: string;
  toolsets: ToolsetDefinition[];
  tools: ToolDefinition<any, any, P>[];
  resources: ResourceDefinition<P>[];
  prompts: PromptDefinition<P>[];
  ports: (rt: Runtime) => Promise<P>;
  /** Per port, the settings it reads: how the kit knows which ports a named connection (`X__EU`) configures. */
  connections?: PortVariables;
  /**
   * What the first calls would otherwise pay for (whole-history reads, model training), computed in the background
   * once the ports are ready. It decides itself whether to run: a vendor is never called unasked.
   */
  warm?: (ports: P) => Promise<unknown>;
  /** Public pages this module serves over HTTP beside /mcp, without MCP credentials (the survey answer page). */
  pages?: (ctx: PagesContext<P>) => PageRoute;
}

export const defineView = (def: ViewDefinition): ViewDefinition => def;
export const defineTool = <I, O, P = any>(def: ToolDefinition<I, O, P>): ToolDefinition<I, O, P> => def;
export const defineResource = <P = any>(def: ResourceDefinition<P>): ResourceDefinition<P> => def;
export const definePrompt = <P = any>(def: PromptDefinition<P>): PromptDefinition<P> => def;
export const defineServer = <P>(def: ServerModule<P>): ServerModule<P> => def;

/** defineTool with the app's ports type fixed, so handlers see typed ports: `const tool = toolsFor<SalesPorts>()`. */
export const toolsFor =
  <P>() =>
  <I, O>(def: ToolDefinition<I, O, P>): ToolDefinition<I, O, P> =>
    def;
