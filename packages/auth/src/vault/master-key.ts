import { createHmac, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";

/** A key-encryption key and its version: a keyed fingerprint, so versions need no bookkeeping. */
export interface MasterKey {
  readonly version: string;
  readonly key: Buffer;
}

export interface MasterKeyRing {
  current: MasterKey;
  /** Older keys, still readable until `rotateMaster` has rewrapped everything. */
  previous?: readonly MasterKey[];
}

export class MasterKeyError extends Error {
  override name = "MasterKeyError";
}

/** HMAC, not a plain hash: the fingerprint must not help anyone test guesses of the key. */
export function masterKeyFromBytes(key: Uint8Array, source = "master key"): MasterKey {
  if (key.length !== 32) throw new MasterKeyError(`${source} must be exactly 32 bytes, got ${key.length}.`);
  const bytes = Buffer.from(key);
  const version = `kek_${createHmac("sha256", bytes).update("revops-vault/kek-version").digest("hex").slice(0, 16)}`;
  return Object.freeze({ version, key: bytes });
}

/** Decodes base64 (or base64url) text; the error never echoes the value. */
export function parseMasterKey(base64: string, source = "REVOPS_MASTER_KEY"): MasterKey {
  const text = base64.trim();
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) throw new MasterKeyError(`${source} is not base64 text.`);
  return masterKeyFromBytes(Buffer.from(text, "base64"), `${source} (decoded)`);
}

/** A key file holds base64 text or exactly 32 raw bytes. */
export function readMasterKeyFile(path: string): MasterKey {
  let raw: Buffer;
  try {
    raw = readFileSync(path);
  } catch (err) {
    throw new MasterKeyError(
      `Cannot read master key file ${path}: ${(err as NodeJS.ErrnoException).code ?? "error"}`,
    );
  }
  if (raw.length === 32) return masterKeyFromBytes(raw, `master key file ${path}`);
  return parseMasterKey(raw.toString("utf8"), `master key file ${path}`);
}

/** 32 random bytes, base64: what to put in REVOPS_MASTER_KEY. */
export function generateMasterKey(): string {
  return randomBytes(32).toString("base64");
}

/**
 * REVOPS_MASTER_KEY (base64) or REVOPS_MASTER_KEY_FILE, plus REVOPS_MASTER_KEY_PREVIOUS
 * (comma-separated base64) for keys still being rotated away from.
 */
export function loadMasterKeys(env: Record<string, string | undefined> = process.env): MasterKeyRing {
  const inline = env.REVOPS_MASTER_KEY;
  const file = env.REVOPS_MASTER_KEY_FILE;
  if (inline && file) throw new MasterKeyError("Set REVOPS_MASTER_KEY or REVOPS_MASTER_KEY_FILE, not both.");
  const current = inline ? parseMasterKey(inline) : file ? readMasterKeyFile(file) : undefined;
  if (!current) {
    throw new MasterKeyError(
      "No master key: set REVOPS_MASTER_KEY (base64 of 32 random bytes, e.g. `openssl rand -base64 32`) or REVOPS_MASTER_KEY_FILE.",
    );
  }
  const previous = (env.REVOPS_MASTER_KEY_PREVIOUS ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s, i) => parseMasterKey(s, `REVOPS_MASTER_KEY_PREVIOUS[${i}]`));
  return { current, previous };
}
