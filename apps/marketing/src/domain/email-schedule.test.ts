import { describe, expect, it } from "vitest";
import { scheduleWaves } from "./email-schedule";

const m = (id: string, timeZone: string) => ({ id, email: `${id}@example.com`, timeZone });

describe("scheduleWaves", () => {
  it("sends each zone at its first daytime hour after now, zones sharing an hour sharing a wave", () => {
    // 03:10 UTC: 22:10 in New York (quiet), 12:10 in Tokyo, 03:10 in London (quiet)
    const now = new Date("2026-03-10T03:10:00Z");
    const { waves, unschedulable } = scheduleWaves(
      [m("ny", "America/New_York"), m("tk", "Asia/Tokyo"), m("tk2", "Asia/Tokyo"), m("ld", "Europe/London")],
      now,
      "20-8",
      "UTC",
    );
    expect(unschedulable).toEqual([]);
    expect(waves.map((w) => [w.sendAt, w.timeZones, w.members.map((x) => x.id)])).toEqual([
      ["2026-03-10T04:00:00.000Z", ["Asia/Tokyo"], ["tk", "tk2"]],
      ["2026-03-10T08:00:00.000Z", ["Europe/London"], ["ld"]],
      ["2026-03-10T12:00:00.000Z", ["America/New_York"], ["ny"]],
    ]);
  });

  it("puts an unknown zone in the fallback zone's wave and never schedules in the past", () => {
    const now = new Date("2026-03-10T12:00:00Z");
    const { waves } = scheduleWaves([m("x", ""), m("y", "Mars/Olympus")], now, "20-8", "UTC");
    expect(waves).toHaveLength(1);
    expect(waves[0]?.sendAt).toBe("2026-03-10T13:00:00.000Z");
  });
});
