import type { BrandGuide } from "./brand-guide";

/** The settings the marketing server owns (stored over BRAND_GUIDE_FILE), each checked before any plan. */
export type SettingValue = number | boolean;

interface SettingDef {
  /** What the setting does, and its range: the fix an error names. */
  hint: string;
  valid: (v: unknown) => v is SettingValue;
  read: (g: BrandGuide) => SettingValue;
  write: (g: BrandGuide, v: SettingValue) => BrandGuide;
}

const intIn =
  (lo: number, hi: number) =>
  (v: unknown): v is number =>
    typeof v === "number" && Number.isInteger(v) && v >= lo && v <= hi;
const numIn =
  (lo: number, hi: number) =>
  (v: unknown): v is number =>
    typeof v === "number" && Number.isFinite(v) && v >= lo && v <= hi;
const bool = (v: unknown): v is boolean => typeof v === "boolean";

export const SETTINGS: Record<string, SettingDef> = {
  "brand.max_grade": {
    hint: "Highest Flesch-Kincaid grade brand_check allows: a number from 1 to 20, e.g. 9.",
    valid: numIn(1, 20),
    read: (g) => g.reading.max_grade,
    write: (g, v) => ({ ...g, reading: { ...g.reading, max_grade: v as number } }),
  },
  "brand.max_sentence_words": {
    hint: "Longest sentence in words before brand_check flags it: a whole number from 5 to 100, e.g. 25.",
    valid: intIn(5, 100),
    read: (g) => g.reading.max_sentence_words,
    write: (g, v) => ({ ...g, reading: { ...g.reading, max_sentence_words: v as number } }),
  },
  "brand.max_exclamations": {
    hint: "Exclamation marks allowed in one text: a whole number from 0 to 20, e.g. 1.",
    valid: intIn(0, 20),
    read: (g) => g.voice.max_exclamations,
    write: (g, v) => ({ ...g, voice: { ...g.voice, max_exclamations: v as number } }),
  },
  "brand.numbers_need_proof": {
    hint: 'Whether percentages and multipliers ("40%", "3x") need proof: true or false.',
    valid: bool,
    read: (g) => g.claims.numbers_need_proof,
    write: (g, v) => ({ ...g, claims: { ...g.claims, numbers_need_proof: v as boolean } }),
  },
};
export const SETTING_NAMES = Object.keys(SETTINGS);

export const SET_HINT = `Pass set with one or more of ${SETTING_NAMES.join(", ")}, e.g. {"brand.max_grade":8}.`;

/** A refused value: the `set.<name>` argument and how to fix it. */
export class SettingsError extends Error {
  constructor(
    message: string,
    readonly field: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

/** Checks every asked value; the first wrong one throws naming `set.<name>` and its range. */
export function parseSettings(set: Record<string, unknown>): Record<string, SettingValue> {
  const out: Record<string, SettingValue> = {};
  for (const [name, value] of Object.entries(set)) {
    const def = SETTINGS[name];
    if (!def) throw new SettingsError(`set.${name}: not a marketing setting.`, `set.${name}`, SET_HINT);
    if (!def.valid(value))
      throw new SettingsError(
        `set.${name}: ${JSON.stringify(value)} is not allowed.`,
        `set.${name}`,
        def.hint,
      );
    out[name] = value;
  }
  return out;
}

/** The guide with the stored values over it; a stored value that no longer validates is ignored. */
export function applySettings(guide: BrandGuide, stored: Record<string, unknown>): BrandGuide {
  let g = guide;
  for (const [name, value] of Object.entries(stored)) {
    const def = SETTINGS[name];
    if (def?.valid(value)) g = def.write(g, value);
  }
  return g;
}

/** Every setting's value in the guide, by name. */
export const settingsOf = (g: BrandGuide): Record<string, SettingValue> =>
  Object.fromEntries(SETTING_NAMES.map((n) => [n, (SETTINGS[n] as SettingDef).read(g)]));

export interface SettingChange {
  field: string;
  before: SettingValue;
  after: SettingValue;
}

/** before → after for each asked value that differs from the current one. */
export function settingChanges(
  current: Record<string, SettingValue>,
  asked: Record<string, SettingValue>,
): SettingChange[] {
  return Object.entries(asked)
    .filter(([n, v]) => current[n] !== v)
    .map(([field, after]) => ({ field, before: current[field] as SettingValue, after }));
}
