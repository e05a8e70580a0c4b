import type { ChurnFeature } from "./churn";
import { HEALTH_COMPONENTS, type HealthComponent } from "./health";

/** Save-play catalogue version: results name it, docs/tools/plays.md documents each play. */
export const SAVE_PLAYS_VERSION = "save-plays-v1";

export interface SavePlay {
  id: "adoption" | "support" | "sentiment" | "renewal";
  /** The task's subject (the account's name follows). */
  subject: string;
  /** The planned touchpoint's channel. */
  channel: "call" | "meeting";
  /** Days from today to the task's due date. */
  dueDays: number;
  /** Churn-model features and health components this play answers. */
  features: readonly ChurnFeature[];
  components: readonly HealthComponent[];
}

/** One play per risk driver, in priority order; `renewal` when no driver is actionable. */
export const SAVE_PLAYS: readonly SavePlay[] = [
  {
    id: "support",
    subject: "Support escalation review",
    channel: "call",
    dueDays: 3,
    features: ["tickets_30d", "urgent_high_30d", "bad_csat_30d", "escalations_30d"],
    components: ["support"],
  },
  {
    id: "sentiment",
    subject: "Executive sponsor call",
    channel: "call",
    dueDays: 5,
    features: ["nps_avg", "nps_detractors"],
    components: ["nps"],
  },
  {
    id: "adoption",
    subject: "Adoption workshop",
    channel: "meeting",
    dueDays: 7,
    features: ["mau_per_seat", "mau_trend"],
    components: ["usage", "adoption"],
  },
  {
    id: "renewal",
    subject: "Renewal risk review",
    channel: "meeting",
    dueDays: 5,
    features: [],
    components: [],
  },
];

/** A churn driver counts when it is among the top 3 and adds at least this much log-odds. */
const MIN_LOG_ODDS = 0.1;
/** A health component counts when it lost at least this share of its points. */
const MIN_LOST_SHARE = 0.4;

export interface PlayInputs {
  /** Churn-model drivers, largest magnitude first (none without an upcoming renewal). */
  drivers: readonly { feature: ChurnFeature; logOdds: number }[];
  /** Points each health component gave. */
  components: Record<HealthComponent, number>;
  /** Points each component could give (the active weights'); default the standard ones. */
  componentMax?: Record<HealthComponent, number>;
}

/** The plays for one account, each with the driver that called for it. Pure and deterministic. */
export function playsFor(a: PlayInputs): { play: SavePlay; because: string }[] {
  const out: { play: SavePlay; because: string }[] = [];
  for (const play of SAVE_PLAYS) {
    const driver = a.drivers
      .slice(0, 3)
      .find((d) => d.logOdds >= MIN_LOG_ODDS && play.features.includes(d.feature));
    const max = a.componentMax ?? HEALTH_COMPONENTS;
    // a component weighted 0 gives no points to lose
    const weak = play.components.find(
      (c) => max[c] > 0 && max[c] - a.components[c] >= MIN_LOST_SHARE * max[c],
    );
    if (driver)
      out.push({ play, because: `churn driver ${driver.feature} (+${driver.logOdds.toFixed(2)} log-odds)` });
    else if (weak)
      out.push({
        play,
        because: `health ${weak} ${Math.round(a.components[weak])}/${max[weak]} points`,
      });
  }
  const fallback = SAVE_PLAYS.find((p) => p.id === "renewal") as SavePlay;
  return out.length > 0 ? out : [{ play: fallback, because: "no single driver stands out" }];
}
