import { inQuietHours, localHour } from "@revops/guards";

export interface ScheduledMember {
  id: string;
  email: string;
  timeZone: string;
}

export interface Wave<M extends ScheduledMember> {
  sendAt: string;
  timeZones: string[];
  members: M[];
}

const HOUR_MS = 3_600_000;
/** How far ahead a wave may be scheduled (SendGrid schedules at most 72 hours ahead). */
export const SCHEDULE_HORIZON_HOURS = 72;

/**
 * Waves by recipients' time zones: each zone is sent at the first whole hour after `now` that is outside quiet
 * hours there, and zones sharing that hour share a wave. Zones with no such hour within the horizon are returned
 * as unschedulable (only possible with unusual quiet hours).
 */
export function scheduleWaves<M extends ScheduledMember>(
  members: M[],
  now: Date,
  quietHours: string,
  fallbackZone: string,
): { waves: Wave<M>[]; unschedulable: string[] } {
  const start = Math.floor(now.getTime() / HOUR_MS) * HOUR_MS + HOUR_MS;
  const byZone = new Map<string, M[]>();
  for (const m of members) byZone.set(m.timeZone, [...(byZone.get(m.timeZone) ?? []), m]);
  const waves = new Map<number, Wave<M>>();
  const unschedulable: string[] = [];
  for (const [zone, zoneMembers] of [...byZone].sort(([a], [b]) => a.localeCompare(b))) {
    let at: number | undefined;
    for (let h = 0; h < SCHEDULE_HORIZON_HOURS && at === undefined; h++) {
      const t = start + h * HOUR_MS;
      if (!inQuietHours(localHour(new Date(t), zone, fallbackZone), quietHours)) at = t;
    }
    if (at === undefined) {
      unschedulable.push(zone);
      continue;
    }
    const wave = waves.get(at) ?? { sendAt: new Date(at).toISOString(), timeZones: [], members: [] };
    wave.timeZones.push(zone);
    wave.members.push(...zoneMembers);
    waves.set(at, wave);
  }
  return { waves: [...waves.values()].sort((a, b) => a.sendAt.localeCompare(b.sendAt)), unschedulable };
}
