import { annotations, notFound, type ToolContext, userError } from "@revops/kit";
import { z } from "zod";
import { playsFor, SAVE_PLAYS_VERSION } from "../../domain/save-plays";
import { type CsPorts, csTool } from "../../ports";
import { AccountIdSchema, AccountNameSchema } from "../schemas";
import { type Assessment, assessAccounts, plusDays } from "./assess";
import { playsToolset } from "./toolset";

/** Accounts per call at most: a bigger at-risk book is worked in batches (raise min_probability). */
const MAX_ACCOUNTS = 50;
/** Where the tasks live: the CS server has no CRM port, so our database holds them. */
export const TASKS_HOME =
  "Tasks and touchpoints are kept in the RevOps database (this server has no CRM connection); in the suite, handoff_churn_risk puts a task in the CRM.";
const SOURCE = "save_play:";

const input = z
  .object({
    account_id: AccountIdSchema.optional(),
    min_probability: z.number().min(0).max(1).optional().describe("bulk: churn probability at least"),
  })
  .strict();
type Input = z.output<typeof input>;

const TaskSchema = z.object({
  account_id: z.string(),
  account_name: AccountNameSchema,
  play: z.string(),
  subject: AccountNameSchema,
  owner_id: z.string(),
  due_date: z.string(),
  touchpoint: z.string().describe("planned channel"),
  because: z.string(),
});
type TaskDraft = z.output<typeof TaskSchema>;

async function selection(ports: CsPorts, a: Input): Promise<Assessment> {
  if ((a.account_id === undefined) === (a.min_probability === undefined))
    throw userError(
      "Pass exactly one of account_id (one account) or min_probability (every account above it).",
      {
        fields: ["account_id", "min_probability"],
        hint: "e.g. {account_id: 'acc_0064'} or {min_probability: 0.5}.",
      },
    );
  const all = await assessAccounts(ports, {
    dropDays: 30,
    ...(a.account_id && { accountIds: [a.account_id] }),
  });
  if (a.account_id && all.rows.length === 0)
    throw notFound(`No customer account ${a.account_id}.`, {
      fields: ["account_id"],
      hint: "Take an id from churn_risk or health_scores.",
    });
  const min = a.min_probability;
  const rows = min === undefined ? all.rows : all.rows.filter((r) => (r.probability ?? -1) >= min);
  if (rows.length === 0)
    throw userError(`No account has a churn probability of at least ${min}.`, {
      fields: ["min_probability"],
      hint: "Lower min_probability; churn_risk lists the probabilities.",
    });
  if (rows.length > MAX_ACCOUNTS)
    throw userError(`min_probability: ${rows.length} accounts qualify; at most ${MAX_ACCOUNTS} per call.`, {
      fields: ["min_probability"],
      hint: "Raise min_probability and run the rest in a later batch.",
    });
  return { ...all, rows };
}

/** Each account's plays, minus those it already has an open task for (a re-run adds nothing). */
async function draftsOf(ports: CsPorts, a: Input) {
  const sel = await selection(ports, a);
  const open = await ports.tasks.openTasks({
    accountIds: sel.rows.map((r) => r.accountId),
    sourcePrefix: SOURCE,
  });
  const has = new Set(open.map((t) => `${t.accountId}:${t.source}`));
  const drafts: TaskDraft[] = [];
  const notes: string[] = [];
  for (const r of sel.rows) {
    if (!r.ownerId) {
      notes.push(`${r.accountName}: no account owner in the book, no task created.`);
      continue;
    }
    for (const { play, because } of playsFor(r)) {
      if (has.has(`${r.accountId}:${SOURCE}${play.id}`)) continue;
      drafts.push({
        account_id: r.accountId,
        account_name: r.accountName,
        play: play.id,
        subject: `${play.subject}: ${r.accountName}`,
        owner_id: r.ownerId,
        due_date: plusDays(sel.today, play.dueDays),
        touchpoint: play.channel,
        because,
      });
    }
  }
  if (drafts.length === 0)
    throw userError("Nothing to do: every play for these accounts already has an open task.", {
      fields: a.account_id ? ["account_id"] : ["min_probability"],
      hint: "Close the open tasks first, or pick other accounts.",
    });
  return { sel, drafts, notes };
}

const countBy = (xs: string[]) =>
  Object.fromEntries([...new Set(xs)].sort().map((k) => [k, xs.filter((x) => x === k).length]));

export const savePlay = csTool({
  name: "save_play",
  title: "Start save plays for at-risk accounts",
  description:
    "Creates a task and planned touchpoint per churn-risk driver for one account or all above a probability.",
  toolset: playsToolset.name,
  scopes: ["cs:write"],
  ports: ["support"],
  annotations: annotations.update,
  input,
  output: z.object({
    created: z.number().int(),
    recovered: z.number().int(),
    tasks: z.array(TaskSchema.extend({ task_id: z.string(), touchpoint_id: z.string() })),
    notes: z.array(z.string()),
  }),
  guard: {
    kind: "destructive",
    preview: async (a, ctx) => {
      const { sel, drafts, notes } = await draftsOf(ctx.ports, a);
      const accounts = [...new Map(drafts.map((d) => [d.account_id, d.account_name]))];
      const only = accounts.length === 1 ? accounts[0] : undefined;
      return {
        summary: only
          ? `Save play for ${only[1]}: ${drafts.map((d) => d.play).join(", ")} (${drafts.length} tasks, ${drafts.length} planned touchpoints)`
          : `Save plays for ${accounts.length} accounts: ${drafts.length} tasks and ${drafts.length} planned touchpoints`,
        action: "create",
        record_type: "save play",
        // one record per account: more than one account is a bulk change (approval queue)
        ...(only ? { records: [{ id: only[0], name: only[1] }] } : { count: accounts.length }),
        by_play: countBy(drafts.map((d) => d.play)),
        tasks: drafts,
        method: `${SAVE_PLAYS_VERSION}: one play per churn driver (top 3, +0.1 log-odds) or weak health component; churn ${sel.model?.version ?? "no model"}`,
        side_effects: [TASKS_HOME, ...notes],
      };
    },
  },
  example: { account_id: "acc_0064" },
  handler: async ({ input: a, ctx }) => run(a, ctx),
  render: (o) =>
    [
      `${o.created} save-play tasks created${o.recovered ? `, ${o.recovered} found from an interrupted attempt` : ""}:`,
      ...o.tasks.map((t) => `- ${t.due_date} ${t.subject} (owner ${t.owner_id}; ${t.because})`),
      ...o.notes,
    ].join("\n"),
});

async function run(a: Input, ctx: ToolContext<CsPorts>) {
  const { drafts, notes, sel } = await draftsOf(ctx.ports, a);
  const base = ctx.write?.idempotencyKey ?? `save_play:${sel.today}`;
  const origin = { principal: ctx.principal.id, ...(ctx.write && { planHash: ctx.write.planHash }) };
  const tasks = [];
  let recovered = 0;
  for (const d of drafts) {
    // one key per account and play, so a retried call recovers what an interrupted one wrote
    const key = `${base}:${d.account_id}:${d.play}`;
    const t = await ctx.ports.tasks.createTask(
      {
        ownerId: d.owner_id,
        accountId: d.account_id,
        subject: d.subject,
        dueDate: d.due_date,
        source: `${SOURCE}${d.play}`,
      },
      { ...origin, idempotencyKey: key },
    );
    const tp = await ctx.ports.tasks.logTouchpoint(
      {
        accountId: d.account_id,
        channel: d.touchpoint as "call" | "meeting",
        status: "planned",
        day: d.due_date,
        subject: d.subject,
        source: `${SOURCE}${d.play}`,
      },
      { ...origin, idempotencyKey: `${key}:touchpoint` },
    );
    if (t.recovered) recovered++;
    tasks.push({ ...d, task_id: t.task.id, touchpoint_id: tp.touchpoint.id });
  }
  return { created: tasks.length - recovered, recovered, tasks, notes: [TASKS_HOME, ...notes] };
}
