import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { plannedGuard, type ServerModule, type ToolDefinition, ToolError } from "@revops/kit";
import { type KeyValue, openKv, openSql, type SqlDb } from "@revops/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { approvalsAdmin } from "./admin";
import { APPROVE_TOOL, CARD_META, type CardOffer } from "./card";
import { withConfirmationCard } from "./card-tool";
import { type GuardConfig, guardConfig } from "./config";
import { createGuard } from "./guard";
import { approvalIdIn, connectGuarded, type GuardedHarness, tokenIn } from "./harness";
import { PlanTokens } from "./tokens";

export {
  approvalIdIn,
  connectGuarded,
  type GuardedHarness,
  type GuardedHarnessOptions,
  tokenIn,
} from "./harness";

export interface GuardMatrixOptions {
  /** Valid arguments per tool (default: the tool's `example`). */
  args?: Record<string, Record<string, unknown>>;
  /** Other valid arguments per tool, for the "changed argument" case (default: first string or number changed). */
  changedArgs?: Record<string, Record<string, unknown>>;
  /** Guard settings; the matrix turns quiet hours, frequency and money caps off so only consent decides. */
  config?: Partial<GuardConfig>;
  isKnownContact?: (email: string) => Promise<boolean>;
  env?: Record<string, string>;
}

const SELF_CONSENT = { confirm: true, approved: true, confirmed: true, force: true, yes: true };
const OPEN_RULES: Partial<GuardConfig> = {
  GUARD_QUIET_HOURS: "off",
  GUARD_SEND_MAX_PER_RECIPIENT_PER_DAY: 1_000_000,
  SPEND_CAP_PER_CALL: 1e12,
  SPEND_CAP_PER_CAMPAIGN: 1e12,
  SPEND_CAP_PER_DAY: 1e12,
  SPEND_CAP_PER_MONTH: 1e12,
};

/** Every tool that must not run without a human: guarded, or declared destructive. */
export const consentTools = (module: ServerModule): ToolDefinition[] =>
  module.tools.filter((t) => plannedGuard(t) !== undefined || t.annotations.destructiveHint);

function changeOne(args: Record<string, unknown>): Record<string, unknown> {
  for (const [k, v] of Object.entries(args)) {
    if (typeof v === "string") return { ...args, [k]: `${v}-changed` };
    if (typeof v === "number") return { ...args, [k]: v + 1 };
  }
  return { ...args, __changed: true };
}

/**
 * Proves that no tool of `module` needing consent runs without it: self-set flags, dry runs, declined, cancelled
 * or mistyped elicitation, forged, replayed, expired or mismatched tokens, pending, rejected, expired, foreign
 * or mismatched approvals. A positive control per tool shows the matrix can see an execution at all.
 */
export function describeGuardMatrix(module: ServerModule, opts: GuardMatrixOptions = {}): void {
  const runs = new Map<string, number>();
  const counted: ServerModule = {
    ...module,
    tools: module.tools.map((t) => ({
      ...t,
      // Counted and stopped: the matrix never changes the data it runs against, so every case sees the same plan.
      handler: () => {
        runs.set(t.name, (runs.get(t.name) ?? 0) + 1);
        // a definite refusal: an approval that reached it is spent (an uncertain failure could be resumed)
        throw new ToolError("user", "guard matrix: the handler was reached");
      },
    })),
  };
  const config = guardConfig({
    ...OPEN_RULES,
    GUARD_TOKEN_SECRET: "matrix-secret-matrix-secret-matrix-secret",
    ...opts.config,
  });
  const clock = { ms: Date.now() };
  let sql: SqlDb;
  let kv: KeyValue;
  let plain: GuardedHarness;
  let asking: GuardedHarness;
  /** A host that renders MCP Apps and cannot elicit: low-risk plans come back on a confirmation card. */
  let viewing: GuardedHarness;
  let admin: ReturnType<typeof approvalsAdmin>;

  beforeAll(async () => {
    sql = await openSql({ dataDir: mkdtempSync(join(tmpdir(), "guard-matrix-")) });
    kv = await openKv({});
    const deps = {
      config,
      sql: async () => sql,
      kv: async () => kv,
      now: () => new Date(clock.ms),
      ...(opts.isKnownContact && { isKnownContact: opts.isKnownContact }),
    };
    const guard = createGuard(deps);
    plain = await connectGuarded({ modules: [counted], guard, ...(opts.env && { env: opts.env }) });
    asking = await connectGuarded({
      modules: [counted],
      guard,
      elicitation: true,
      ...(opts.env && { env: opts.env }),
    });
    viewing = await connectGuarded({
      modules: withConfirmationCard([counted]),
      guard,
      views: true,
      ...(opts.env && { env: opts.env }),
    });
    admin = approvalsAdmin({ sql: deps.sql, config, now: deps.now });
  });
  afterAll(async () => {
    await plain?.close();
    await asking?.close();
    await viewing?.close();
    await sql?.close();
    await kv?.close();
  });

  const targets = consentTools(module);
  describe(`guard matrix: ${module.name}`, () => {
    it("finds the tools that need consent", () => {
      expect(targets.length).toBeGreaterThan(0);
    });
    for (const tool of targets) {
      describe(tool.name, () => {
        const args = () => {
          const a = opts.args?.[tool.name] ?? tool.example;
          if (!a)
            throw new Error(
              `Give describeGuardMatrix sample args for ${tool.name} (opts.args or the tool's example).`,
            );
          return a;
        };
        const changed = () => opts.changedArgs?.[tool.name] ?? changeOne(args());
        const ran = () => runs.get(tool.name) ?? 0;
        const mode = (m: GuardConfig["CONFIRMATION_MODE"]) => {
          config.CONFIRMATION_MODE = m;
        };
        const expectNoRun = async (h: GuardedHarness, a: Record<string, unknown>, why: string) => {
          const before = ran();
          const r = await h.call(tool.name, a);
          expect(ran(), `${tool.name} executed with ${why}`).toBe(before);
          expect(r.isError, `${tool.name} reported success with ${why}`).toBe(true);
          return r;
        };
        const queue = async (a = args()) => {
          mode("approval");
          plain.as("alice");
          const r = await expectNoRun(plain, a, "no consent (approval mode)");
          const id = approvalIdIn(r.text);
          expect(id, `${tool.name}: no approval id in "${r.text}"`).toBeDefined();
          return id as string;
        };

        it("is guarded and accepts the guard's arguments", async () => {
          expect(plannedGuard(tool), `${tool.name} is destructive but has no planned guard`).toBeDefined();
          const listed = (await plain.client.listTools()).tools.find((t) => t.name === tool.name);
          expect(Object.keys(listed?.inputSchema.properties ?? {})).toEqual(
            expect.arrayContaining(["dry_run", "approval_id", "confirmation_token"]),
          );
        });

        it("does not run on its own, with self-set consent flags, or as a dry run", async () => {
          for (const m of ["approval", "token", "deny"] as const) {
            mode(m);
            await expectNoRun(plain, args(), `no consent (${m} mode)`);
            await expectNoRun(plain, { ...args(), ...SELF_CONSENT }, `confirm/approved flags (${m} mode)`);
            // a dry run is a normal result: the plan, with nothing executed
            const before = ran();
            const preview = await plain.call(tool.name, { ...args(), dry_run: true });
            expect(ran(), `${tool.name} executed with dry_run (${m} mode)`).toBe(before);
            expect(preview.isError, preview.text).toBeFalsy();
            expect(preview.data).toMatchObject({ dry_run: true, plan_hash: expect.any(String) });
          }
        });

        it("does not run when the human declines, cancels or mistypes", async () => {
          mode("inband");
          for (const answer of [
            { action: "decline" as const },
            { action: "cancel" as const },
            { action: "accept" as const, content: { confirmation: "yes" } },
            { action: "accept" as const, content: { confirmation: "" } },
          ]) {
            asking.answerWith(() => answer);
            await expectNoRun(asking, args(), `elicitation ${JSON.stringify(answer)}`);
            await expectNoRun(asking, { ...args(), ...SELF_CONSENT }, `flags + elicitation ${answer.action}`);
          }
        });

        it("runs a plan the client confirms itself (phrase included) only when the plan is low risk", async () => {
          for (const m of ["inband", "token", "approval", "deny"] as const) {
            mode(m);
            asking.answerWith((p) => ({
              action: "accept",
              content: { confirmation: /type: (.*)$/.exec(p.message)?.[1] ?? "" },
            }));
            const dry = await asking.call(tool.name, { ...args(), dry_run: true });
            // any approval reason (high risk, a stranger among the recipients, a big audience) keeps it out of band
            const high = dry.text.includes("high risk:") || (dry.data?.approval_required?.length ?? 0) > 0;
            const before = ran();
            await asking.call(tool.name, args());
            const inBand = !high && (m === "inband" || m === "token");
            expect(ran(), `${tool.name} (${high ? "high" : "low"} risk, ${m} mode)`).toBe(
              before + (inBand ? 1 : 0),
            );
          }
        });

        it("takes a card's decision only for a low-risk plan in inband/token mode, with its own secret, once", async () => {
          for (const m of ["inband", "token", "approval", "deny"] as const) {
            mode(m);
            viewing.as("alice");
            const dry = await viewing.call(tool.name, { ...args(), dry_run: true });
            const high = dry.text.includes("high risk:") || (dry.data?.approval_required?.length ?? 0) > 0;
            const r = await expectNoRun(viewing, args(), `no consent (card, ${m} mode)`);
            const offer = r.meta?.[CARD_META] as CardOffer | undefined;
            const inBand = !high && (m === "inband" || m === "token");
            expect(Boolean(offer), `${tool.name}: a card (${high ? "high" : "low"} risk, ${m} mode)`).toBe(
              inBand,
            );
            const decide = async (why: string, o: Partial<CardOffer> = {}) => {
              const before = ran();
              await viewing.call(APPROVE_TOOL, {
                tool: tool.name,
                arguments: o.arguments ?? args(),
                secret: o.secret ?? "forged.secret",
                decision: "approve",
              });
              expect(ran(), `${tool.name} executed from a card with ${why} (${m} mode)`).toBe(before);
            };
            await decide("a forged secret");
            if (!offer) continue;
            expect(r.text, "the secret reached the model").not.toContain(offer.secret);
            viewing.as("mallory");
            await decide("another principal's secret", offer);
            viewing.as("alice");
            await decide("other arguments", { ...offer, arguments: changed() });
            const before = ran();
            const { arguments: a, secret } = offer;
            await viewing.call(APPROVE_TOOL, { tool: tool.name, arguments: a, secret, decision: "approve" });
            expect(ran(), "positive control: the card's Approve runs the plan once").toBe(before + 1);
            await decide("a replayed secret", offer);
          }
        });

        it("refuses forged, foreign, mismatched, expired and replayed tokens", async () => {
          mode("token");
          plain.as("alice");
          await expectNoRun(plain, { ...args(), confirmation_token: "forged.token" }, "a forged token");
          const other = new PlanTokens(
            async () => kv,
            "another-secret-another-secret-another",
            () => 300,
            () => new Date(clock.ms),
          );
          const issued = await other.issue({
            principal: "alice",
            tool: tool.name,
            args: "{}",
            planHash: "x",
          });
          await expectNoRun(
            plain,
            { ...args(), confirmation_token: issued.token },
            "a token signed with another key",
          );
          const first = await expectNoRun(plain, args(), "no consent (token mode)");
          const token = tokenIn(first.text);
          if (!token) return; // this plan always needs the approval queue: no token is handed out
          await expectNoRun(
            plain,
            { ...changed(), confirmation_token: token },
            "a token for other arguments",
          );
          plain.as("mallory");
          await expectNoRun(plain, { ...args(), confirmation_token: token }, "another principal's token");
          plain.as("alice");
          clock.ms += (config.GUARD_TOKEN_TTL_SECONDS + 1) * 1000;
          await expectNoRun(plain, { ...args(), confirmation_token: token }, "an expired token");
          const fresh = tokenIn((await expectNoRun(plain, args(), "no consent")).text) as string;
          const before = ran();
          await plain.call(tool.name, { ...args(), confirmation_token: fresh });
          expect(ran(), "positive control: a valid token runs the tool once").toBe(before + 1);
          await expectNoRun(plain, { ...args(), confirmation_token: fresh }, "a replayed token");
        });

        it("refuses pending, foreign, rejected, expired, mismatched and used approvals", async () => {
          const pending = await queue();
          await expectNoRun(plain, { ...args(), approval_id: pending }, "a pending approval");
          await expectNoRun(plain, { ...args(), approval_id: "apr_madeup" }, "an unknown approval id");

          const rejected = await queue();
          await admin.reject(rejected, "matrix-human");
          await expectNoRun(plain, { ...args(), approval_id: rejected }, "a rejected approval");

          const expired = await queue();
          await admin.approve(expired, "matrix-human");
          clock.ms += (config.GUARD_APPROVAL_TTL_MINUTES + 1) * 60_000;
          await expectNoRun(plain, { ...args(), approval_id: expired }, "an expired approval");

          const approved = await queue();
          await admin.approve(approved, "matrix-human");
          plain.as("mallory");
          await expectNoRun(plain, { ...args(), approval_id: approved }, "another principal's approval");
          plain.as("alice");
          await expectNoRun(plain, { ...changed(), approval_id: approved }, "a changed argument");
          config.CONFIRMATION_MODE = "token";
          await expectNoRun(plain, { ...args(), confirmation_token: approved }, "an approval id as a token");
          mode("approval");
          const before = ran();
          await plain.call(tool.name, { ...args(), approval_id: approved });
          expect(ran(), "positive control: an approved plan runs once").toBe(before + 1);
          await expectNoRun(plain, { ...args(), approval_id: approved }, "a spent approval");
        });
      });
    }
  });
}
