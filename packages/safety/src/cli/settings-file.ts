import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseEnv } from "node:util";
import { profileSettingsFile } from "@revops/kit";
import { replaceWithBackup } from "./file-write";

type Env = Record<string, string | undefined>;

/** The settings file `revops setup` and `revops connections` change, and what the servers will read. */
export interface SettingsTarget {
  /** `.env` (REVOPS_ENV_FILE), or the REVOPS_ENV profile's `.env.<profile>`; absolute. */
  file: string;
  /** The base settings file (REVOPS_ENV_FILE or `.env`), absolute: the profile's file is beside it. */
  base: string;
  /** The file's own text, undefined when it does not exist yet. */
  text: string | undefined;
  /** What the servers read: the base file, the profile's file over it, the process environment over both. */
  env: Env;
}

export function settingsTarget(env: Env, cwd = process.cwd()): SettingsTarget {
  const base = resolve(cwd, env.REVOPS_ENV_FILE ?? ".env");
  const file = resolve(cwd, profileSettingsFile(env));
  const text = existsSync(file) ? readFileSync(file, "utf8") : undefined;
  const own = text === undefined ? {} : parseEnv(text);
  const inherited = file === base || !existsSync(base) ? {} : parseEnv(readFileSync(base, "utf8"));
  return { file, base, text, env: { ...inherited, ...own, ...env } };
}

const KEY = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=/;

/** `.env` quoting: plain when safe, else double quotes with escapes node's parser reads back. */
const quoted = (v: string) =>
  /^[\w@./:+,-]*$/.test(v) ? v : `"${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;

/**
 * The file's text with `changes` applied: a set variable replaces its line in place (comments and other lines
 * kept), a new one is appended, an undefined one is removed.
 */
export function applySettings(text: string | undefined, changes: Env): string {
  const left = new Map(Object.entries(changes));
  const lines: string[] = [];
  for (const line of (text ?? "").split("\n")) {
    const name = KEY.exec(line)?.[1];
    if (name === undefined || !left.has(name)) {
      lines.push(line);
      continue;
    }
    const value = left.get(name);
    if (value !== undefined && !lines.some((l) => KEY.exec(l)?.[1] === name))
      lines.push(`${name}=${quoted(value)}`);
  }
  while (lines.length && lines.at(-1) === "") lines.pop();
  for (const [name, value] of left) {
    const present = lines.some((l) => KEY.exec(l)?.[1] === name);
    if (!present && value !== undefined) lines.push(`${name}=${quoted(value)}`);
  }
  return `${lines.join("\n")}\n`;
}

/** Writes the changes; the old file is kept as `<file>.bak-<n>` and the new one is the user's only (0600). */
export async function writeSettings(target: SettingsTarget, changes: Env): Promise<{ backup?: string }> {
  const after = applySettings(target.text, changes);
  if (after === target.text) return {};
  return replaceWithBackup(target.file, target.text, after, { mode: 0o600 });
}
