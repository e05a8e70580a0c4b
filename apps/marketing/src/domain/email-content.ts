import { createHash } from "node:crypto";

/** sha256 of the content a recipient reads, so a test send vouches for exactly that content (every provider). */
export const emailContentHash = (subject: string, body: string): string =>
  createHash("sha256")
    .update(JSON.stringify([subject, body]))
    .digest("hex");
