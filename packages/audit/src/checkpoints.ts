import { createPublicKey, type KeyObject, sign, verify } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createFileOnce, writeFileAtomic } from "./files";
import { PUBLIC_KEY_FILE, publicPemOf, type SigningKey } from "./keys";
import { canonicalJson } from "./record";
import type { Checkpoint, VerifyProblem, VerifyReport } from "./types";

const FILE_PATTERN = /^checkpoint-(\d+)\.json$/;

export interface CheckpointFile {
  name: string;
  text: string;
}

export interface TrustedCheckpoint extends Checkpoint {
  file: string;
}

export function checkpointFileName(seq: number): string {
  return `checkpoint-${String(seq).padStart(12, "0")}.json`;
}

/** The file text: the checkpoint plus an Ed25519 signature over its canonical JSON. */
export function signCheckpoint(checkpoint: Checkpoint, privateKey: KeyObject): string {
  const payload = canonicalJson(checkpoint);
  const sig = sign(null, Buffer.from(payload, "utf8"), privateKey).toString("base64");
  return `${JSON.stringify({ ...checkpoint, sig })}\n`;
}

/** Writes one checkpoint file atomically, and the public key beside it the first time. */
export function writeCheckpoint(dir: string, key: SigningKey, checkpoint: Checkpoint): string {
  mkdirSync(dir, { recursive: true });
  const keyPath = join(dir, PUBLIC_KEY_FILE);
  if (!createFileOnce(keyPath, key.publicPem, 0o644) && readFileSync(keyPath, "utf8") !== key.publicPem) {
    throw new Error(
      `${keyPath} holds another public key than the audit signing key: refusing to write checkpoints that could not be verified (use a separate checkpoint directory per key)`,
    );
  }
  const name = checkpointFileName(checkpoint.seq);
  writeFileAtomic(join(dir, name), signCheckpoint(checkpoint, key.privateKey));
  return name;
}

/** Highest checkpointed seq, from file names only (cheap). */
export function latestCheckpointSeq(dir: string): number {
  if (!existsSync(dir)) return 0;
  let latest = 0;
  for (const name of readdirSync(dir)) {
    const m = FILE_PATTERN.exec(name);
    if (m) latest = Math.max(latest, Number(m[1]));
  }
  return latest;
}

export function readCheckpointFiles(dir: string): { files: CheckpointFile[]; publicPem?: string } {
  if (!existsSync(dir)) return { files: [] };
  const names = readdirSync(dir)
    .filter((n) => FILE_PATTERN.test(n))
    .sort();
  const files = names.map((name) => ({ name, text: readFileSync(join(dir, name), "utf8") }));
  const keyPath = join(dir, PUBLIC_KEY_FILE);
  return existsSync(keyPath) ? { files, publicPem: readFileSync(keyPath, "utf8") } : { files };
}

export interface TrustInput {
  /** A public key the verifier was configured with (strongest). */
  pinnedPem?: string;
  /** Derived from the signing key in keyDir. */
  keyDirPem?: string;
  /** public-key.pem beside the checkpoints (weakest: whoever rewrites checkpoints can rewrite it). */
  dirPem?: string;
}

export interface Trust {
  key?: KeyObject;
  trust: VerifyReport["trust"];
  problems: VerifyProblem[];
}

/** Picks the key that checks signatures; a replaced public key beside the checkpoints is a forgery. */
export function resolveTrust(input: TrustInput): Trust {
  const anchor = input.pinnedPem
    ? { pem: input.pinnedPem, trust: "pinned" as const }
    : input.keyDirPem
      ? { pem: input.keyDirPem, trust: "key-dir" as const }
      : undefined;
  if (!anchor) {
    if (!input.dirPem) return { trust: "none", problems: [] };
    return { key: parseKey(input.dirPem), trust: "checkpoint-dir", problems: [] };
  }
  const key = parseKey(anchor.pem);
  const problems: VerifyProblem[] = [];
  if (input.dirPem !== undefined && !samePublicKey(input.dirPem, key)) {
    problems.push({
      kind: "checkpoint_signature",
      seq: 0,
      checkpoint: PUBLIC_KEY_FILE,
      message: `${PUBLIC_KEY_FILE} beside the checkpoints is not the audit signing key: it was replaced`,
    });
  }
  return { key, trust: anchor.trust, problems };
}

const parsedKeys = new Map<string, KeyObject | undefined>();

function parseKey(pem: string): KeyObject | undefined {
  if (parsedKeys.has(pem)) return parsedKeys.get(pem);
  let key: KeyObject | undefined;
  try {
    key = createPublicKey(pem);
    if (key.asymmetricKeyType !== "ed25519") key = undefined;
  } catch {
    key = undefined;
  }
  if (parsedKeys.size > 100) parsedKeys.clear();
  parsedKeys.set(pem, key);
  return key;
}

function samePublicKey(pem: string, key: KeyObject | undefined): boolean {
  const other = parseKey(pem);
  return !!other && !!key && publicPemOf(other) === publicPemOf(key);
}

/** Keeps checkpoints whose signature holds; every other one is a problem. */
export function checkCheckpoints(
  files: readonly CheckpointFile[],
  key: KeyObject | undefined,
): { trusted: TrustedCheckpoint[]; problems: VerifyProblem[] } {
  const trusted: TrustedCheckpoint[] = [];
  const problems: VerifyProblem[] = [];
  for (const file of files) {
    const parsed = parseCheckpoint(file.text);
    const seq = parsed?.checkpoint.seq ?? Number(FILE_PATTERN.exec(file.name)?.[1] ?? 0);
    const bad = (message: string) =>
      problems.push({ kind: "checkpoint_signature", seq, checkpoint: file.name, message });
    if (!parsed) bad(`${file.name} is not a valid checkpoint file`);
    else if (!key) bad(`${file.name} cannot be checked: no audit public key is available`);
    else if (!verifySignature(parsed.checkpoint, parsed.sig, key)) {
      bad(`${file.name} has an invalid signature: the checkpoint was forged or altered`);
    } else trusted.push({ ...parsed.checkpoint, file: file.name });
  }
  return { trusted, problems };
}

function parseCheckpoint(text: string): { checkpoint: Checkpoint; sig: string } | undefined {
  try {
    const raw = JSON.parse(text) as Record<string, unknown>;
    const { v, seq, head, at, sig } = raw;
    const fields = Object.keys(raw).sort().join(",");
    if (fields !== "at,head,seq,sig,v" || v !== 1 || typeof sig !== "string") return undefined;
    if (!Number.isSafeInteger(seq) || typeof head !== "string" || typeof at !== "string") return undefined;
    return { checkpoint: { v, seq: seq as number, head, at }, sig };
  } catch {
    return undefined;
  }
}

/** Signatures already found valid (Ed25519 verify costs ~0.2 ms; logs are re-verified often). */
const validSignatures = new Set<string>();
const MAX_REMEMBERED = 50_000;

function verifySignature(checkpoint: Checkpoint, sig: string, key: KeyObject): boolean {
  const payload = canonicalJson(checkpoint);
  const memo = `${publicPemOf(key)}|${payload}|${sig}`;
  if (validSignatures.has(memo)) return true;
  let valid = false;
  try {
    valid = verify(null, Buffer.from(payload, "utf8"), key, Buffer.from(sig, "base64"));
  } catch {
    valid = false;
  }
  if (valid) {
    if (validSignatures.size >= MAX_REMEMBERED) validSignatures.clear();
    validSignatures.add(memo);
  }
  return valid;
}
