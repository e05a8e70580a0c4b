import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { createFileOnce } from "./files";

export const SIGNING_KEY_FILE = "audit-signing-key.pem";
export const PUBLIC_KEY_FILE = "public-key.pem";

export interface SigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicPem: string;
}

/** Loads the Ed25519 key from keyDir, generating it (mode 0600) on first use. */
export function loadOrCreateSigningKey(keyDir: string): SigningKey {
  mkdirSync(keyDir, { recursive: true, mode: 0o700 });
  const path = join(keyDir, SIGNING_KEY_FILE);
  if (!existsSync(path)) {
    const { privateKey } = generateKeyPairSync("ed25519");
    createFileOnce(path, privateKey.export({ type: "pkcs8", format: "pem" }).toString(), 0o600);
  }
  // a key readable by others is no secret: tighten it rather than sign with it as is
  if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
  return fromPrivatePem(readFileSync(path, "utf8"));
}

/** The key in keyDir, when there is one (verification never creates keys). */
export function readSigningKey(keyDir: string): SigningKey | undefined {
  const path = join(keyDir, SIGNING_KEY_FILE);
  return existsSync(path) ? fromPrivatePem(readFileSync(path, "utf8")) : undefined;
}

function fromPrivatePem(pem: string): SigningKey {
  const privateKey = createPrivateKey(pem);
  if (privateKey.asymmetricKeyType !== "ed25519") throw new Error("audit signing key is not an Ed25519 key");
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, publicPem: publicPemOf(publicKey) };
}

const pems = new WeakMap<KeyObject, string>();

export function publicPemOf(key: KeyObject): string {
  let pem = pems.get(key);
  if (pem === undefined) {
    pem = key.export({ type: "spki", format: "pem" }).toString();
    pems.set(key, pem);
  }
  return pem;
}
