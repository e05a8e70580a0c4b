import { annotations, type ToolContext, userError, WrittenSchema } from "@revops/kit";
import { z } from "zod";
import { actionsIn, subjectOf } from "../../domain/meeting-notes";
import { type SalesPorts, salesTool } from "../../ports";
import { freshDeal, originOf } from "./context";
import { meetingsToolset } from "./toolset";

const input = z
  .object({
    deal_id: z.string().min(1).max(64),
    notes: z.string().trim().min(1).max(10_000),
    next_step: z.string().trim().min(1).max(255).optional(),
  })
  .strict();
type Input = z.output<typeof input>;
const MAX_TASKS = 10;

/** The log the arguments make: explicit next step and tasks win over those read from the notes. */
async function planOf(i: Input, ctx: ToolContext<SalesPorts>) {
  const ports = ctx.ports;
  const deal = await freshDeal(ports, i.deal_id);
  const read = actionsIn(i.notes);
  const tasks = read.tasks;
  if (tasks.length > MAX_TASKS)
    throw userError(`notes: ${tasks.length} action lines; at most ${MAX_TASKS} tasks per log.`, {
      fields: ["notes"],
      hint: "Keep the action lines that matter, or log the rest in a second call.",
    });
  const nextStep = i.next_step ?? read.nextStep;
  const log = {
    dealId: deal.id,
    subject: subjectOf(i.notes),
    notes: i.notes,
    nextStep,
    tasks,
    at: await ports.now(),
  };
  const plan = {
    summary: `Log "${log.subject}" on ${deal.name} with ${tasks.length} task(s)${nextStep ? `; next step → ${nextStep}` : ""}`,
    action: "create",
    record_type: "activity",
    records: [{ id: deal.id, name: deal.name }],
    tasks,
    ...(nextStep && nextStep !== deal.nextStep
      ? { changes: [{ field: "next_step", before: deal.nextStep ?? null, after: nextStep }] }
      : {}),
    system: ports.source,
  };
  return { ports, log, plan };
}

export const meetingLog = salesTool({
  name: "meeting_log",
  title: "Log a meeting",
  description: "Logs meeting notes on a deal: an activity, the next step, a task per action line.",
  toolset: meetingsToolset.name,
  scopes: ["sales:write"],
  ports: ["crm"],
  annotations: annotations.update,
  input,
  output: z.object({
    activity_id: z.string(),
    task_ids: z.array(z.string()),
    next_step: z.string().nullable(),
    written: WrittenSchema,
    note: z.string(),
  }),
  guard: { kind: "destructive", preview: async (i, ctx) => (await planOf(i, ctx)).plan },
  handler: async ({ input: i, ctx }) => {
    const { ports, log } = await planOf(i, ctx);
    const w = await ports.crm.logMeeting(log, originOf(ctx));
    if (!w)
      throw userError(`deal_id: no deal ${i.deal_id}.`, {
        fields: ["deal_id"],
        hint: "Find it with deals_list.",
      });
    return {
      activity_id: w.id,
      task_ids: w.activityIds.slice(1),
      next_step: log.nextStep,
      written: { system: w.system, id: w.id },
      note: w.recovered
        ? "An earlier attempt had logged it: found, not logged again."
        : `Logged in ${w.system}.`,
    };
  },
  render: (o) =>
    `${o.written.system}:${o.activity_id} with ${o.task_ids.length} task(s); next step ${o.next_step ?? "unchanged"}`,
  example: {
    deal_id: "deal_0001",
    notes:
      "Pricing review with the CFO.\nNext step: send the revised quote\n- [ ] Send security questionnaire by 2026-11-27",
  },
});
