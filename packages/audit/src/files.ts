import { randomBytes } from "node:crypto";
import { closeSync, fsyncSync, linkSync, openSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

function tempBeside(path: string): string {
  return join(dirname(path), `.${randomBytes(6).toString("hex")}.tmp`);
}

function writeSynced(path: string, text: string, mode: number): void {
  writeFileSync(path, text, { mode, flag: "wx" });
  const fd = openSync(path, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Readers see the old file or the new one, never half of one (temp file + rename). */
export function writeFileAtomic(path: string, text: string, mode = 0o644): void {
  const temp = tempBeside(path);
  try {
    writeSynced(temp, text, mode);
    renameSync(temp, path);
  } finally {
    rmSync(temp, { force: true });
  }
}

/** Creates `path` with `text` unless it exists (temp + link: racing processes agree on one winner). */
export function createFileOnce(path: string, text: string, mode: number): boolean {
  const temp = tempBeside(path);
  try {
    writeSynced(temp, text, mode);
    linkSync(temp, path);
    return true;
  } catch (err) {
    if ((err as { code?: string }).code === "EEXIST") return false;
    throw err;
  } finally {
    rmSync(temp, { force: true });
  }
}
