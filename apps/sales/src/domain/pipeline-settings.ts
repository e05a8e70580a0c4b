/** Pipeline settings changes: validation and the before → after of each field. Pure; errors name field and fix. */
import { OPEN_STAGES } from "./pipeline";

export const SIZE_BANDS = ["1-50", "51-200", "201-1000", "1000+"] as const;
export const REGIONS = ["NA", "EMEA", "APAC", "LATAM"] as const;
export const MAX_QUOTA = 1_000_000_000;

export interface IcpValue {
  industries: string[];
  size_bands: string[];
  regions: string[];
}

export interface SettingsNow {
  probabilities: Record<string, number>;
  icp: IcpValue;
  /** `${ownerId}|${quarter}` → amount. */
  quotas: Map<string, number>;
}

export interface SettingsRequest {
  probabilities?: Record<string, number>;
  /** `field` is the argument that asked for it, named in errors. */
  quotas?: { field: string; owner: string; quarter: string; amount: number }[];
  icp?: Partial<IcpValue>;
}

export interface Person {
  id: string;
  name: string;
  email: string;
}

export interface FieldChange {
  field: string;
  before: string | number | null;
  after: string | number | null;
}

/** A refused value: the argument path and how to fix it. */
export class SettingsError extends Error {
  constructor(
    readonly field: string,
    message: string,
    readonly hint: string,
  ) {
    super(`${field}: ${message}`);
  }
}

export interface PlannedSettings {
  changes: FieldChange[];
  probabilities?: Record<string, number>;
  icp?: IcpValue;
  quotas: { ownerId: string; owner: string; quarter: string; amount: number }[];
}

const QUARTER = /^\d{4}-Q[1-4]$/;
const list = (xs: readonly string[]) => xs.join(", ");
const ICP_KEYS = ["industries", "size_bands", "regions"] as const;
export const SET_HINT =
  'Keys: probabilities.<open stage> (0-100), quota.<rep id, name or email>.<YYYY-Qn> (USD), icp.industries|size_bands|regions (a list), e.g. {"quota.usr_02.2026-Q4": 250000}.';

/** `set` ({"probabilities.proposal": 55, "quota.usr_02.2026-Q4": 250000, "icp.regions": ["NA"]}) as a request. */
export function parseSet(set: Readonly<Record<string, unknown>>): SettingsRequest {
  const out: SettingsRequest = {};
  for (const [key, value] of Object.entries(set)) {
    const field = `set.${key}`;
    const number = () => {
      if (typeof value !== "number")
        throw new SettingsError(field, `${JSON.stringify(value)} is not a number.`, SET_HINT);
      return value;
    };
    const [head, ...rest] = key.split(".");
    const quota = /^quotas?\.(.+)\.([^.]+)$/.exec(key);
    if ((head === "probabilities" || head === "probability") && rest.length === 1)
      out.probabilities = { ...out.probabilities, [rest[0] as string]: number() };
    else if (quota)
      out.quotas = [
        ...(out.quotas ?? []),
        { field, owner: quota[1] as string, quarter: quota[2] as string, amount: number() },
      ];
    else if (head === "icp" && (ICP_KEYS as readonly string[]).includes(rest.join("."))) {
      if (!Array.isArray(value) || !value.every((v) => typeof v === "string"))
        throw new SettingsError(
          field,
          "is not a list of names.",
          `Pass a list, e.g. {"icp.regions": ["NA", "EMEA"]}; [] means any.`,
        );
      out.icp = { ...out.icp, [rest.join(".")]: value };
    } else throw new SettingsError(field, "is not a setting.", SET_HINT);
  }
  return out;
}

function checkProbabilities(now: Record<string, number>, asked: Record<string, number>) {
  for (const [stage, p] of Object.entries(asked)) {
    const field = `set.probabilities.${stage}`;
    if (!(OPEN_STAGES as readonly string[]).includes(stage))
      throw new SettingsError(
        field,
        stage === "closed_won" || stage === "closed_lost"
          ? "closed stages are fixed at 100 (won) and 0 (lost)."
          : `unknown stage "${stage}".`,
        `Set open stages only: ${list(OPEN_STAGES)}.`,
      );
    if (!Number.isFinite(p) || p < 0 || p > 100)
      throw new SettingsError(field, `${p} is out of range.`, "Use a percent from 0 to 100, e.g. 55.");
  }
  const merged = Object.fromEntries(OPEN_STAGES.map((s) => [s, asked[s] ?? now[s] ?? 0]));
  OPEN_STAGES.slice(1).forEach((stage, i) => {
    const prev = OPEN_STAGES[i] as string;
    if ((merged[stage] as number) < (merged[prev] as number))
      throw new SettingsError(
        `set.probabilities.${stage}`,
        `${merged[stage]}% is below ${prev}'s ${merged[prev]}%.`,
        `Probabilities must not fall from one open stage to the next (${list(OPEN_STAGES)}): raise ${stage} or lower ${prev}.`,
      );
  });
  return merged;
}

function checkIcp(now: IcpValue, asked: Partial<IcpValue>, industries?: readonly string[]): IcpValue {
  const allowed: Record<keyof IcpValue, readonly string[] | undefined> = {
    industries,
    size_bands: SIZE_BANDS,
    regions: REGIONS,
  };
  const out = { ...now };
  for (const key of Object.keys(asked) as (keyof IcpValue)[]) {
    const values = asked[key] ?? [];
    const known = allowed[key];
    values.forEach((v, i) => {
      const field = `set.icp.${key}[${i}]`;
      if (!v.trim()) throw new SettingsError(field, "is empty.", "Remove it or name a value.");
      const hit = known?.find((k) => k.toLowerCase() === v.trim().toLowerCase());
      if (known && !hit)
        throw new SettingsError(field, `unknown value "${v}".`, `Use any of: ${list(known)}.`);
      if (values.findIndex((w) => w.trim().toLowerCase() === v.trim().toLowerCase()) !== i)
        throw new SettingsError(field, `"${v}" is listed twice.`, "List each value once.");
    });
    out[key] = values.map((v) => known?.find((k) => k.toLowerCase() === v.trim().toLowerCase()) ?? v.trim());
  }
  return out;
}

function checkQuotas(asked: NonNullable<SettingsRequest["quotas"]>, people: readonly Person[]) {
  const seen = new Set<string>();
  return asked.map((q) => {
    const at = q.field;
    const o = q.owner.trim().toLowerCase();
    const person = people.find((p) => [p.id, p.name, p.email].some((v) => v.toLowerCase() === o));
    if (!person)
      throw new SettingsError(
        at,
        `no sales rep "${q.owner}".`,
        "Pass a rep's id, full name or email as listed in the sales://team resource.",
      );
    if (!QUARTER.test(q.quarter))
      throw new SettingsError(at, `"${q.quarter}" is not a quarter.`, "Use YYYY-Qn, e.g. 2026-Q4.");
    if (!Number.isInteger(q.amount) || q.amount <= 0 || q.amount > MAX_QUOTA)
      throw new SettingsError(
        at,
        `${q.amount} is not a positive whole amount.`,
        "Use whole US dollars above 0, e.g. 250000.",
      );
    const key = `${person.id}|${q.quarter}`;
    if (seen.has(key))
      throw new SettingsError(
        at,
        `${person.name} has two quotas for ${q.quarter}.`,
        "Give each rep one per quarter.",
      );
    seen.add(key);
    return { ownerId: person.id, owner: person.name, quarter: q.quarter, amount: q.amount };
  });
}

/** The validated update and each field's before → after; a request that changes nothing has no changes. */
export function planSettings(
  now: SettingsNow,
  asked: SettingsRequest,
  people: readonly Person[],
  industries?: readonly string[],
): PlannedSettings {
  const changes: FieldChange[] = [];
  const out: PlannedSettings = { changes, quotas: [] };
  if (asked.probabilities) {
    const merged = checkProbabilities(now.probabilities, asked.probabilities);
    for (const s of OPEN_STAGES)
      if (merged[s] !== now.probabilities[s])
        changes.push({
          field: `probabilities.${s}`,
          before: now.probabilities[s] ?? null,
          after: merged[s] ?? null,
        });
    out.probabilities = merged;
  }
  if (asked.icp) {
    const icp = checkIcp(now.icp, asked.icp, industries);
    for (const key of Object.keys(asked.icp) as (keyof IcpValue)[]) {
      const [before, after] = [now.icp[key].join(", "), icp[key].join(", ")];
      if (before !== after)
        changes.push({ field: `icp.${key}`, before: before || "(any)", after: after || "(any)" });
    }
    out.icp = icp;
  }
  for (const q of asked.quotas ? checkQuotas(asked.quotas, people) : []) {
    const before = now.quotas.get(`${q.ownerId}|${q.quarter}`) ?? null;
    if (before === q.amount) continue;
    changes.push({ field: `quota.${q.ownerId}.${q.quarter}`, before, after: q.amount });
    out.quotas.push(q);
  }
  return out;
}
