import { readFileSync } from "node:fs";
import { ConfigError } from "@revops/kit";
import type { z } from "zod";

/** A configuration error naming the variable, what is wrong and the fix. */
export const fileProblem = (variable: string, message: string, fix: string): never => {
  throw new ConfigError(`Invalid configuration:\n  ${variable}: ${message} ${fix}`);
};

/** The JSON a variable's file holds; an unreadable file stops start-up naming the variable. */
export function readJsonFile(variable: string, file: string, fix: string): unknown {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    return fileProblem(
      variable,
      `cannot read ${file} as JSON (${err instanceof Error ? err.message : String(err)}).`,
      fix,
    );
  }
}

/** Parses a file's content with the schema; the first issue names the variable, the file and the field. */
export function parseFile<S extends z.ZodType>(
  variable: string,
  file: string,
  schema: S,
  raw: unknown,
  fix: string,
): z.output<S> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  return fileProblem(
    variable,
    `${file}: ${issue?.path.join(".") || "(root)"} ${issue?.message ?? "is invalid"}.`,
    fix,
  );
}
