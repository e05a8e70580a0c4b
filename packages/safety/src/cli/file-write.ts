import { chmod, copyFile, mkdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname } from "node:path";

/** The first free `<file>.bak-<n>`. */
async function backupPath(file: string): Promise<string> {
  for (let n = 1; ; n++) {
    const candidate = `${file}.bak-${n}`;
    try {
      await stat(candidate);
    } catch {
      return candidate;
    }
  }
}

/**
 * Replaces a file whole: the old one copied aside first (`<file>.bak-<n>`), the new one written beside it and
 * renamed into place. A new file is the user's only (0600); `mode` forces one (settings holding secrets).
 */
export async function replaceWithBackup(
  file: string,
  before: string | undefined,
  after: string,
  opts: { mode?: number } = {},
): Promise<{ backup?: string }> {
  await mkdir(dirname(file), { recursive: true });
  let backup: string | undefined;
  let mode = opts.mode ?? 0o600;
  if (before !== undefined) {
    backup = await backupPath(file);
    await copyFile(file, backup);
    const was = (await stat(file)).mode & 0o777;
    if (opts.mode === undefined) mode = was;
    // the backup holds what the file held: never readable by more people than the new file
    await chmod(backup, was & mode);
  }
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    await writeFile(tmp, after, { mode });
    await chmod(tmp, mode);
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  return backup ? { backup } : {};
}
