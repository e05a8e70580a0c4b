import { writeFileSync } from "node:fs";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { IdHints } from "./arbitraries";
import { KNOWN_DEFECTS } from "./known";
import {
  type FuzzFailure,
  type FuzzReport,
  formatReport,
  fuzzProtocol,
  fuzzServer,
  summarizeFailures,
} from "./run";

/** A server started in this process for fuzzing, with a way to read its write journal. */
export interface FuzzTarget {
  client: Client;
  /** A snapshot of everything writes leave behind (e.g. row counts of sb_changes): must not change. */
  journal: () => Promise<unknown>;
  close: () => Promise<void>;
}

/** A defect found by fuzzing that is not the kit's to fix: reported on every run, not failed on. */
export interface KnownDefect {
  tool: string | RegExp;
  problem: RegExp;
  /** Where it lives and who fixes it. */
  why: string;
}

const isKnown = (f: FuzzFailure, known: readonly KnownDefect[]) =>
  f.problems.every((p) =>
    known.some(
      (k) => (typeof k.tool === "string" ? k.tool === f.tool : k.tool.test(f.tool)) && k.problem.test(p),
    ),
  );

/** Id fields of the sandbox company's records, so valid-looking cases reach the tools' real work. */
export const SANDBOX_IDS: IdHints = {
  deal_id: "deal_####",
  account_id: "acc_####",
  ticket_id: "tkt_####",
  list_id: "lst_####",
  campaign_ids: "cmp_####",
  add: "con_####",
  remove: "con_####",
  owner: "usr_##",
  assignee_id: "usr_##",
};

/** The default seed, so CI runs the same cases every time; FUZZ_SEED picks another. */
export const DEFAULT_FUZZ_SEED = 20_261_202;

/**
 * Fuzzes every listed tool of a server: FUZZ_CASES per tool (default 300), seed FUZZ_SEED. With FUZZ_REPORT set,
 * writes the counts as JSON there (`pnpm fuzz` prints them). A failure prints the seed and the arguments.
 */
export function describeServerFuzz(
  server: string,
  connect: () => Promise<FuzzTarget>,
  opts: { known?: readonly KnownDefect[]; ids?: IdHints } = {},
): void {
  const known = opts.known ?? KNOWN_DEFECTS;
  const seed = Number(process.env.FUZZ_SEED ?? DEFAULT_FUZZ_SEED);
  const cases = Number(process.env.FUZZ_CASES ?? 300);
  describe(`${server}: fuzzing every tool`, () => {
    let target: FuzzTarget;
    let before: unknown;
    let report: FuzzReport;
    beforeAll(async () => {
      target = await connect();
      before = await target.journal();
    }, 120_000);
    afterAll(async () => target?.close());

    it(`${cases} generated argument sets per tool: no crash, no internals, no echo, errors name the field`, async () => {
      report = await fuzzServer(target.client, { seed, cases, ids: opts.ids ?? SANDBOX_IDS });
      const text = formatReport(server, report);
      if (process.env.FUZZ_REPORT)
        writeFileSync(process.env.FUZZ_REPORT, JSON.stringify({ server, text, ...report }, null, 1));
      else console.log(text);
      const open = report.failures.filter((f) => !isKnown(f, known));
      const tolerated = report.failures.filter((f) => isKnown(f, known));
      if (tolerated.length)
        console.warn(
          `${server}: ${tolerated.length} known defect(s), not the kit's:\n${summarizeFailures(tolerated)}`,
        );
      expect(open.length, `seed ${seed} (FUZZ_SEED=${seed} reproduces)\n${summarizeFailures(open)}`).toBe(0);
      expect(Object.keys(report.perTool).length).toBeGreaterThan(0);
    }, 3_600_000);

    it("malformed protocol params are the caller's error (-32602), never -32603", async () => {
      const first = Object.keys(report?.perTool ?? {})[0] ?? "unknown";
      const failures = await fuzzProtocol(target.client, first);
      expect(failures, summarizeFailures(failures)).toEqual([]);
    }, 120_000);

    it("still answers afterwards, and no guarded write executed", async () => {
      await expect(target.client.ping()).resolves.toBeDefined();
      expect((await target.client.listTools()).tools.length).toBeGreaterThan(0);
      expect(await target.journal()).toEqual(before);
    });
  });
}
