import { type CheckpointFile, checkCheckpoints, resolveTrust } from "./checkpoints";
import type { ChainRow, VerifyReport } from "./types";
import { type SealedRow, toSealedRow, toVerifyReport, verifyChain } from "./verify";

export interface VerifyRowsOptions {
  /** Checkpoint files (name and text) to check the rows against. */
  checkpoints?: readonly CheckpointFile[];
  /** public-key.pem found beside the checkpoints. */
  checkpointDirPublicKey?: string;
  /** A public key (PEM) trusted independently of the checkpoint directory. */
  trustedPublicKey?: string;
}

/** Verifies rows held in memory (an export, a copy) with the same core as AuditLog.verify(). */
export async function verifyRows(
  rows: readonly ChainRow[],
  opts: VerifyRowsOptions = {},
): Promise<VerifyReport> {
  const started = performance.now();
  const trust = resolveTrust({ pinnedPem: opts.trustedPublicKey, dirPem: opts.checkpointDirPublicKey });
  const { trusted, problems } = checkCheckpoints(opts.checkpoints ?? [], trust.key);
  problems.unshift(...trust.problems);
  const sealed = rows.map(toSealedRow);
  let bySeq: Map<number, SealedRow> | undefined;
  const rowAt = (seq: number) => {
    bySeq ??= new Map(sealed.map((r) => [r.seq, r]));
    return bySeq.get(seq);
  };
  const chain = await verifyChain({ pages: [sealed], rowAt }, trusted);
  return toVerifyReport(chain, problems, trusted, trust.trust, started);
}
