import { randomUUID } from "node:crypto";
import {
  type CallToolResult,
  type ClientCapabilities,
  type CreateMessageResult,
  type ElicitResult,
  type InputRequiredResult,
  MissingRequiredClientCapabilityError,
  ProtocolErrorCode,
  type Server,
  type ServerContext,
} from "@modelcontextprotocol/server";
import { z } from "zod";
import type { Principal, ToolContext, ToolDefinition } from "../define";
import { InputRequired, quoteInput, ToolError } from "../errors";
import type { Logger } from "../logger";
import type { ToolOutcome } from "../pipeline";
import {
  type EndState,
  type InputRequestEntry,
  type LiveTask,
  TaskStore,
  type TaskStoreOptions,
} from "./store";

/**
 * The MCP tasks extension (`io.modelcontextprotocol/tasks`, SEP-2663, protocol 2026-07-28) for tools that opt in
 * with `task: "optional" | "required"`. Task creation is the server's: such a tool runs as usual and, when it has not
 * answered within a short window (or starts asking the client something), its call becomes a task. The client then
 * polls tasks/get, answers the task's input requests with tasks/update and may tasks/cancel it, on any replica: the
 * state lives in the key-value store (store.ts); only the running handler lives in the process that took the call.
 */

export const TASKS_EXTENSION_ID = "io.modelcontextprotocol/tasks";

/** optional: a task when the client declared the extension, else an ordinary call. required: never without one. */
export type TaskSupport = NonNullable<ToolDefinition["task"]>;

/** What the kit's server lends the extension: who is calling and what the request declares. */
export interface TaskHost {
  principalOf: (extra: ServerContext) => Principal;
  capabilitiesOf: (server: Server, extra: ServerContext) => ClientCapabilities;
  /** Marks the request as having reached a kit handler (its errors are ours, not params validation's). */
  enter: (extra: ServerContext) => void;
  log: Logger;
}

export interface TaskOptions extends TaskStoreOptions {
  /** A call that answers within this window is answered directly (the immediate-result shortcut). */
  syncWindowMs?: number;
  /** How long a task stays readable from its creation. */
  ttlMs?: number;
  /** The polling interval suggested to clients. */
  pollIntervalMs?: number;
  /** How often the runner looks for a cancel or an answer made on another replica. */
  watchMs?: number;
}

/** One call that may become a task: how to run it through the pipeline and how to shape its outcome. */
export interface TaskCall {
  name: string;
  principal: Principal;
  capabilities: ClientCapabilities;
  /** Runs the pipeline; `adjust` rewires the tool's context before the handler sees it. */
  run: (adjust: (ctx: ToolContext) => void) => Promise<ToolOutcome>;
  /** The pipeline's outcome as the client gets it (metrics, echo caps, input-required rounds). */
  settle: (outcome: ToolOutcome) => CallToolResult | InputRequiredResult;
}

/** The flat `Result & Task` a tools/call answers with when the call became a task. */
export interface CreateTaskResult {
  resultType: "task";
  taskId: string;
  status: "working";
  createdAt: string;
  lastUpdatedAt: string;
  ttlMs: number;
  pollIntervalMs: number;
  [key: string]: unknown;
}

/** A task this process runs: its handler's abort, its open input requests, and who to wake on an answer. */
interface Running {
  task: LiveTask;
  control: AbortController;
  open: Map<string, InputRequestEntry>;
  asked: number;
  writes: Promise<void>;
  waiters: Set<() => void>;
  stop: () => void;
}

const protocolError = (code: number, message: string) => Object.assign(new Error(message), { code });

const missingExtension = (what: string) =>
  new MissingRequiredClientCapabilityError(
    { requiredCapabilities: { extensions: { [TASKS_EXTENSION_ID]: {} } } as ClientCapabilities },
    `${what} needs the ${TASKS_EXTENSION_ID} extension in the request's client capabilities.`,
  );

const TaskId = z.string().min(1).max(200);
const GetParams = z.looseObject({ taskId: TaskId });
/** The answers of tasks/update: the SDK lifts `inputResponses` into the request context, as for a retried call. */
const InputResponses = z.record(z.string(), z.record(z.string(), z.unknown()));

export class TaskRunner {
  readonly store: TaskStore;
  private readonly running = new Map<string, Running>();
  private readonly syncWindowMs: number;
  private readonly ttlMs: number;
  private readonly pollIntervalMs: number;
  private readonly watchMs: number;

  constructor(
    kv: ConstructorParameters<typeof TaskStore>[0],
    private readonly host: TaskHost,
    opts: TaskOptions = {},
  ) {
    this.store = new TaskStore(kv, opts);
    this.syncWindowMs = opts.syncWindowMs ?? 250;
    this.ttlMs = opts.ttlMs ?? 3_600_000;
    this.pollIntervalMs = opts.pollIntervalMs ?? 500;
    this.watchMs = opts.watchMs ?? 250;
  }

  /** Whether the request declared the extension (per request: 2026-07-28 has no sessions). */
  declares(caps: ClientCapabilities): boolean {
    return (caps as { extensions?: Record<string, unknown> }).extensions?.[TASKS_EXTENSION_ID] !== undefined;
  }

  /**
   * Whether this call may become a task. A tool that must run as a task, toward a client that cannot take one, is
   * refused with -32021 before anything runs.
   */
  wants(def: ToolDefinition, name: string, caps: ClientCapabilities, modern: boolean): boolean {
    if (!def.task) return false;
    if (modern && this.declares(caps)) return true;
    if (def.task === "required") throw missingExtension(`${name} runs as a task and`);
    return false;
  }

  /** Runs the call; answers directly when it finishes within the window, else with a CreateTaskResult. */
  async call(c: TaskCall): Promise<CallToolResult | InputRequiredResult | CreateTaskResult> {
    const control = new AbortController();
    let attached = true;
    let escalate = () => {};
    const escalated = new Promise<void>((resolve) => {
      escalate = resolve;
    });
    let onCreated: (r: Running) => void = () => {};
    let onFailed: (err: unknown) => void = () => {};
    const created = new Promise<Running>((resolve, reject) => {
      onCreated = resolve;
      onFailed = reject;
    });
    created.catch(() => undefined);
    const ask = async (
      method: string,
      params: Record<string, unknown>,
      needs: "elicitation" | "sampling",
    ) => {
      if (!c.capabilities[needs])
        throw new ToolError(
          "denied",
          `${c.name} needs to ask the client (${needs}), which it did not declare.`,
        );
      escalate();
      return this.ask(await created, method, params);
    };
    const outcome = c.run((ctx) => {
      const { progress, notify, signal } = ctx;
      // the client going away cancels the call while it is one; a task is stopped only by tasks/cancel
      signal.addEventListener(
        "abort",
        () => {
          if (attached) control.abort(signal.reason);
        },
        { once: true },
      );
      ctx.signal = control.signal;
      // a task's progress and log messages have nowhere to go once its request was answered
      ctx.progress = (...a) => (attached ? progress(...a) : Promise.resolve());
      ctx.notify = (...a) => (attached ? notify(...a) : Promise.resolve());
      ctx.elicit = async (params) =>
        (await ask("elicitation/create", params as Record<string, unknown>, "elicitation")) as ElicitResult;
      ctx.sample = async (params) =>
        (await ask(
          "sampling/createMessage",
          params as Record<string, unknown>,
          "sampling",
        )) as CreateMessageResult;
    });
    let timer: NodeJS.Timeout | undefined;
    const window = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.syncWindowMs);
    });
    const first = await Promise.race([outcome.then((o) => ({ o })), escalated, window]);
    clearTimeout(timer);
    if (first) return c.settle(first.o);
    attached = false;
    const now = this.store.nowIso();
    const task: LiveTask = {
      taskId: randomUUID(),
      owner: c.principal.id,
      tool: c.name,
      createdAt: now,
      lastUpdatedAt: now,
      ttlMs: this.ttlMs,
      pollIntervalMs: this.pollIntervalMs,
      status: "working",
    };
    try {
      await this.store.create(task);
    } catch (err) {
      control.abort(err);
      onFailed(err);
      throw err;
    }
    const running = this.watch(task, control);
    onCreated(running);
    void this.follow(running, outcome, c.settle);
    const { owner: _o, tool: _t, status, ...seed } = task;
    return { resultType: "task", ...seed, status: "working" } as CreateTaskResult;
  }

  /** Waits for the call's outcome and records it: failed for a crash, completed otherwise (tool errors included). */
  private async follow(r: Running, outcome: Promise<ToolOutcome>, settle: TaskCall["settle"]) {
    let end: Omit<EndState, "at">;
    try {
      let o = await outcome;
      if (!o.ok && o.error instanceof InputRequired)
        o = {
          ok: false,
          error: new ToolError(
            "denied",
            `${r.task.tool} asked for input a task cannot take: ${o.error.message}`,
            {
              hint: "Call the tool again.",
            },
          ),
        };
      if (!o.ok && o.error.kind === "internal") {
        settle(o);
        end = {
          status: "failed",
          statusMessage: o.error.message,
          error: { code: ProtocolErrorCode.InternalError, message: o.error.message },
        };
      } else {
        const { resultType: _r, ...result } = settle(o) as CallToolResult & { resultType?: string };
        end = { status: "completed", result };
      }
    } catch (err) {
      this.host.log.error({ err, task: r.task.taskId }, "task failed");
      end = {
        status: "failed",
        error: {
          code: ProtocolErrorCode.InternalError,
          message: "The server failed while running this task.",
        },
      };
    }
    await r.writes;
    await this.store
      .end(r.task, { ...end, at: this.store.nowIso() })
      .catch((err: unknown) => this.host.log.error({ err, task: r.task.taskId }, "task end not recorded"));
    r.stop();
  }

  /**
   * Tracks a task this process runs: a cancel or expiry stops its handler, its heartbeat says the process lives.
   * A cancel made on another replica is seen within `watchMs`.
   */
  private watch(task: LiveTask, control: AbortController): Running {
    const beatEvery = Math.max(1, Math.floor(this.store.heartbeatMs / 3 / this.watchMs));
    let ticks = 0;
    const tick = async () => {
      if (await this.store.ended(task.taskId))
        control.abort(new ToolError("retryable", "The task was cancelled."));
      if (++ticks % beatEvery === 0) await this.store.beat(task);
      for (const wake of r.waiters) wake();
    };
    const interval = setInterval(() => {
      tick().catch((err: unknown) => this.host.log.debug({ err, task: task.taskId }, "task watch failed"));
    }, this.watchMs);
    const expiry = setTimeout(() => {
      void this.stopWith(r, "The task ran past its time-to-live.");
    }, task.ttlMs);
    interval.unref();
    expiry.unref();
    const r: Running = {
      task: { ...task },
      control,
      open: new Map(),
      asked: 0,
      writes: Promise.resolve(),
      waiters: new Set(),
      stop: () => {
        clearInterval(interval);
        clearTimeout(expiry);
        this.running.delete(task.taskId);
      },
    };
    this.running.set(task.taskId, r);
    return r;
  }

  /** Ends a running task as failed (expiry, shutdown) and stops its handler. */
  private async stopWith(r: Running, message: string) {
    await this.store
      .end(r.task, {
        status: "failed",
        at: this.store.nowIso(),
        statusMessage: message,
        error: { code: ProtocolErrorCode.InternalError, message: `${message} Call the tool again.` },
      })
      .catch((err: unknown) => this.host.log.error({ err, task: r.task.taskId }, "task end not recorded"));
    r.control.abort(new ToolError("retryable", message));
  }

  /** Publishes the task's open input requests (writes in call order: the last one is the current state). */
  private publish(r: Running): Promise<void> {
    const open = Object.fromEntries(r.open);
    r.task = {
      ...r.task,
      status: r.open.size > 0 ? "input_required" : "working",
      lastUpdatedAt: this.store.nowIso(),
      ...(r.open.size > 0 ? { inputRequests: open } : { inputRequests: {} }),
    };
    const snapshot = r.task;
    r.writes = r.writes
      .then(() => this.store.update(snapshot))
      .catch((err: unknown) => {
        this.host.log.error({ err, task: snapshot.taskId }, "task state not recorded");
      });
    return r.writes;
  }

  /** Asks the client through the task (input_required) and waits for the answer tasks/update brings. */
  private async ask(r: Running, method: string, params: Record<string, unknown>): Promise<unknown> {
    const key = `input-${++r.asked}`;
    r.open.set(key, { method, params });
    await this.publish(r);
    const signal = r.control.signal;
    try {
      for (;;) {
        signal.throwIfAborted();
        const answer = await this.store.answerOf(r.task.taskId, key);
        if (answer !== undefined) return answer;
        await new Promise<void>((resolve) => {
          const wake = () => {
            r.waiters.delete(wake);
            signal.removeEventListener("abort", wake);
            resolve();
          };
          r.waiters.add(wake);
          signal.addEventListener("abort", wake, { once: true });
        });
      }
    } finally {
      r.open.delete(key);
      await this.publish(r);
    }
  }

  /** The task a request names, when its principal owns it and its TTL has not passed; else -32602. */
  private async owned(
    taskId: string,
    server: Server,
    extra: ServerContext,
    method: string,
  ): Promise<LiveTask> {
    this.host.enter(extra);
    if (!this.declares(this.host.capabilitiesOf(server, extra))) throw missingExtension(method);
    const task = await this.store.read(taskId, this.host.principalOf(extra).id);
    if (task === "unknown")
      throw protocolError(
        ProtocolErrorCode.InvalidParams,
        `Unknown task ${quoteInput(taskId)}: no task of yours has this id (check the taskId the tool call returned).`,
      );
    if (task === "expired")
      throw protocolError(
        ProtocolErrorCode.InvalidParams,
        `Task ${quoteInput(taskId)} has expired (its ttlMs passed); call the tool again.`,
      );
    return task;
  }

  /** tasks/get, tasks/update and tasks/cancel on a server; a task result leaves tools/call without SDK padding. */
  register(server: Server): void {
    server.setRequestHandler("tasks/get", { params: GetParams }, async (params, extra) => {
      const task = await this.owned(params.taskId, server, extra, "tasks/get");
      return { ...(await this.store.detail(task)) };
    });
    server.setRequestHandler("tasks/update", { params: GetParams }, async (params, extra) => {
      const task = await this.owned(params.taskId, server, extra, "tasks/update");
      const answers = InputResponses.safeParse(params.inputResponses ?? extra.mcpReq.inputResponses);
      if (!answers.success)
        throw protocolError(
          ProtocolErrorCode.InvalidParams,
          "tasks/update needs inputResponses: an object of answers keyed by the task's inputRequests keys.",
        );
      // answers to keys that are not open (never asked, answered, or the task ended) are ignored
      for (const [key, response] of Object.entries(answers.data))
        if (task.inputRequests?.[key]) await this.store.answer(task, key, response);
      for (const wake of this.running.get(task.taskId)?.waiters ?? []) wake();
      return {};
    });
    server.setRequestHandler("tasks/cancel", { params: GetParams }, async (params, extra) => {
      const task = await this.owned(params.taskId, server, extra, "tasks/cancel");
      const cancelled = await this.store.end(task, {
        status: "cancelled",
        at: this.store.nowIso(),
        statusMessage: "Cancelled by the client.",
      });
      if (cancelled)
        this.running.get(task.taskId)?.control.abort(new ToolError("retryable", "The task was cancelled."));
      return {};
    });
    withoutContentOnTaskResults(server);
  }

  /** At shutdown: every task this process runs ends failed (the client calls again), and its handler stops. */
  async close(): Promise<void> {
    await Promise.all(
      [...this.running.values()].map((r) => this.stopWith(r, "The server stopped while this task ran.")),
    );
  }
}

type Handler = (request: unknown, ctx: unknown) => Promise<unknown>;

/** The SDK pads a tools/call result without `content` with `content: []`; a CreateTaskResult has none. */
function withoutContentOnTaskResults(server: Server): void {
  const handlers = (server as unknown as { _requestHandlers: Map<string, Handler> })._requestHandlers;
  const handle = handlers.get("tools/call");
  if (!handle) return;
  handlers.set("tools/call", async (request, ctx) => {
    const result = (await handle(request, ctx)) as Record<string, unknown>;
    if (result?.resultType !== "task") return result;
    const { content: _c, ...task } = result;
    return task;
  });
}
