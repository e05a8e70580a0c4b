import type { KeyValue } from "@revops/store";

/**
 * Task state of the MCP tasks extension (`io.modelcontextprotocol/tasks`, SEP-2663) in the kit's key-value store
 * (Redis when REDIS_URL is set), so any replica answers tasks/get, tasks/update and tasks/cancel for a task another
 * replica runs. One writer per key kind keeps it consistent without compare-and-set:
 * - `tasks:<id>`: the live state (working or input_required, its open input requests), written only by the runner;
 * - `tasks:<id>:end`: the terminal state, written once (SET NX): a cancel and a finish race, the first one wins;
 * - `tasks:<id>:answer:<key>`: a client's answer to one input request, written once by tasks/update;
 * - `tasks:<id>:alive`: refreshed by the runner; gone means the process running the task stopped.
 */

export type LiveStatus = "working" | "input_required";
export type EndStatus = "completed" | "failed" | "cancelled";
export type TaskStatus = LiveStatus | EndStatus;

/** A request the task waits on, as the client sees it in `inputRequests` (elicitation/create, sampling/createMessage). */
export interface InputRequestEntry {
  method: string;
  params: Record<string, unknown>;
}

export interface LiveTask {
  taskId: string;
  /** The principal that created the task: the only one that may see, answer or cancel it. */
  owner: string;
  tool: string;
  createdAt: string;
  lastUpdatedAt: string;
  ttlMs: number;
  pollIntervalMs: number;
  status: LiveStatus;
  statusMessage?: string;
  inputRequests?: Record<string, InputRequestEntry>;
}

export interface EndState {
  status: EndStatus;
  at: string;
  statusMessage?: string;
  /** completed: the tool's CallToolResult (an isError result included). */
  result?: Record<string, unknown>;
  /** failed: the JSON-RPC error the call ended with. */
  error?: { code: number; message: string; data?: unknown };
}

/** What tasks/get answers (before the SDK stamps `resultType: "complete"`). */
export interface DetailedTask {
  taskId: string;
  status: TaskStatus;
  statusMessage?: string;
  createdAt: string;
  lastUpdatedAt: string;
  ttlMs: number;
  pollIntervalMs: number;
  inputRequests?: Record<string, InputRequestEntry>;
  result?: Record<string, unknown>;
  error?: { code: number; message: string; data?: unknown };
}

/** Why a task cannot be read: absent, another principal's (told apart from absent to nobody), or past its TTL. */
export type Unreadable = "unknown" | "expired";

/** A task is kept this long past its TTL so a late tasks/get hears "expired", not "unknown". */
const GRACE_MS = 60_000;

export const KEY_PREFIX = "tasks:";

export interface TaskStoreOptions {
  /** Milliseconds since the epoch; injectable so expiry can be tested without waiting. */
  now?: () => number;
  /** How long the runner's heartbeat stays valid; a task whose heartbeat lapsed is reported failed. */
  heartbeatMs?: number;
}

export class TaskStore {
  private readonly now: () => number;
  readonly heartbeatMs: number;

  constructor(
    private readonly kv: () => Promise<KeyValue>,
    opts: TaskStoreOptions = {},
  ) {
    this.now = opts.now ?? Date.now;
    this.heartbeatMs = opts.heartbeatMs ?? 15_000;
  }

  private key(taskId: string, part?: string) {
    return `${KEY_PREFIX}${taskId}${part ? `:${part}` : ""}`;
  }

  /** Milliseconds the task's keys live from now: its TTL from creation, plus the grace. */
  private keep(task: Pick<LiveTask, "createdAt" | "ttlMs">): number {
    return Math.max(1, Date.parse(task.createdAt) + task.ttlMs + GRACE_MS - this.now());
  }

  nowIso(): string {
    return new Date(this.now()).toISOString();
  }

  /** Writes the task before its CreateTaskResult leaves (a tasks/get right after it must find it). */
  async create(task: LiveTask): Promise<void> {
    const kv = await this.kv();
    await kv.set(this.key(task.taskId), JSON.stringify(task), { ttlMs: this.keep(task) });
    await this.beat(task);
  }

  /** The runner's own update of the live state (status, input requests). */
  async update(task: LiveTask): Promise<void> {
    const kv = await this.kv();
    await kv.set(this.key(task.taskId), JSON.stringify(task), { ttlMs: this.keep(task) });
  }

  /** Refreshes the heartbeat: the task's runner is alive. */
  async beat(task: Pick<LiveTask, "taskId">): Promise<void> {
    const kv = await this.kv();
    await kv.set(this.key(task.taskId, "alive"), "1", { ttlMs: this.heartbeatMs });
  }

  /** Records the terminal state unless one exists; true when this one won. */
  async end(task: Pick<LiveTask, "taskId" | "createdAt" | "ttlMs">, end: EndState): Promise<boolean> {
    const kv = await this.kv();
    return kv.setIfAbsent(this.key(task.taskId, "end"), JSON.stringify(end), { ttlMs: this.keep(task) });
  }

  async ended(taskId: string): Promise<EndState | undefined> {
    const kv = await this.kv();
    return parse<EndState>(await kv.get(this.key(taskId, "end")));
  }

  /** The live state of a task the principal owns and whose TTL has not passed. */
  async read(taskId: string, principalId: string): Promise<LiveTask | Unreadable> {
    const kv = await this.kv();
    const task = parse<LiveTask>(await kv.get(this.key(taskId)));
    if (!task || task.owner !== principalId) return "unknown";
    if (this.now() >= Date.parse(task.createdAt) + task.ttlMs) return "expired";
    return task;
  }

  /** Stores a client's answer to an open input request; the first answer to a key counts, later ones are ignored. */
  async answer(task: LiveTask, key: string, response: unknown): Promise<void> {
    const kv = await this.kv();
    await kv.setIfAbsent(this.key(task.taskId, `answer:${key}`), JSON.stringify(response), {
      ttlMs: this.keep(task),
    });
  }

  async answerOf(taskId: string, key: string): Promise<unknown> {
    const kv = await this.kv();
    return parse(await kv.get(this.key(taskId, `answer:${key}`)));
  }

  /**
   * What tasks/get shows: the terminal state when there is one; else the live state without the input requests
   * already answered (the runner may not have taken them yet); a task whose runner stopped is failed, for good.
   */
  async detail(task: LiveTask): Promise<DetailedTask> {
    const base = {
      taskId: task.taskId,
      createdAt: task.createdAt,
      ttlMs: task.ttlMs,
      pollIntervalMs: task.pollIntervalMs,
    };
    let end = await this.ended(task.taskId);
    if (!end && !(await this.alive(task.taskId))) {
      const stopped: EndState = {
        status: "failed",
        at: this.nowIso(),
        statusMessage: "The server running this task stopped before it finished.",
        error: { code: -32603, message: "The server running this task stopped; call the tool again." },
      };
      await this.end(task, stopped);
      end = (await this.ended(task.taskId)) ?? stopped;
    }
    if (end) {
      const { at, ...rest } = end;
      return { ...base, ...rest, lastUpdatedAt: at };
    }
    const open: Record<string, InputRequestEntry> = {};
    for (const [key, request] of Object.entries(task.inputRequests ?? {}))
      if ((await this.answerOf(task.taskId, key)) === undefined) open[key] = request;
    const waiting = task.status === "input_required" && Object.keys(open).length > 0;
    return {
      ...base,
      status: waiting ? "input_required" : "working",
      lastUpdatedAt: task.lastUpdatedAt,
      ...(task.statusMessage && { statusMessage: task.statusMessage }),
      ...(waiting && { inputRequests: open }),
    };
  }

  private async alive(taskId: string): Promise<boolean> {
    const kv = await this.kv();
    return (await kv.get(this.key(taskId, "alive"))) !== undefined;
  }
}

function parse<T>(raw: string | undefined): T | undefined {
  return raw === undefined ? undefined : (JSON.parse(raw) as T);
}
