import type { MeetingLog, MeetingLogWrite, WriteOrigin } from "@revops/model";
import type { DealDetail } from "../ports";

/** One vendor's three writes of a meeting log, each once per the key it is given. */
export interface MeetingLogWrites {
  meeting(key: string): Promise<{ id: string; recovered: boolean }>;
  task(t: MeetingLog["tasks"][number], key: string): Promise<string>;
  nextStep(step: string): Promise<void>;
}

/**
 * A meeting log on a vendor CRM: the meeting, then each task, then the next step, each keyed from the plan's key,
 * so a retry after any failure finds what landed and writes only the rest.
 */
export async function logMeetingOnce(
  system: string,
  log: MeetingLog,
  deal: DealDetail,
  origin: WriteOrigin,
  w: MeetingLogWrites,
): Promise<MeetingLogWrite> {
  const key = origin.idempotencyKey;
  if (!key) throw new Error(`A ${system} meeting log needs the confirmed plan's idempotency key.`);
  const meeting = await w.meeting(`${key}:meeting`);
  const taskIds: string[] = [];
  for (const [i, t] of log.tasks.entries()) taskIds.push(await w.task(t, `${key}:task:${i}`));
  if (log.nextStep !== null && log.nextStep !== deal.nextStep) await w.nextStep(log.nextStep);
  return { system, id: meeting.id, activityIds: [meeting.id, ...taskIds], recovered: meeting.recovered };
}
