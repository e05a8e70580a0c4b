import type {
  CsmLoad,
  NewOnboardingPlan,
  OnboardingPlan,
  OnboardingPort,
  OnboardingSegment,
  WonDeal,
  WriteOrigin,
} from "@revops/model";
import { csmLoads, journalChanges, sandboxNow, segmentOf } from "@revops/sandbox";
import type { SqlDb } from "@revops/store";

/** A refused onboarding write: the deal already has a plan (named), or the owner is unknown. */
export class OnboardingWriteError extends Error {
  constructor(
    readonly code: "exists" | "invalid",
    message: string,
    readonly planId?: string,
  ) {
    super(message);
    this.name = "OnboardingWriteError";
  }
}

const planId = (dealId: string) => `onb_${dealId}`;

/** Onboarding plans in our database beside the sandbox company (their system of record on every deployment). */
export class SandboxOnboarding implements OnboardingPort {
  constructor(private readonly db: SqlDb) {}

  async wonDeal(dealId: string): Promise<WonDeal | undefined> {
    const r = await this.db.one<Record<string, string | null>>(
      `SELECT d.id, d.name, d.stage, d.type, d.close_date, a.id AS account_id, a.name AS account_name, a.size_band,
              (SELECT s.plan FROM sb_subscriptions s WHERE s.account_id = a.id ORDER BY s.start_date DESC, s.id LIMIT 1) AS plan
         FROM sb_deals d JOIN sb_accounts a ON a.id = d.account_id WHERE d.id = ?`,
      [dealId],
    );
    if (!r) return undefined;
    return {
      dealId: String(r.id),
      dealName: String(r.name),
      stage: String(r.stage),
      type: String(r.type),
      closeDate: String(r.close_date),
      accountId: String(r.account_id),
      accountName: String(r.account_name),
      segment: segmentOf(String(r.size_band)),
      plan: r.plan ?? null,
    };
  }

  async plansOfDeals(dealIds: readonly string[]): Promise<Map<string, OnboardingPlan>> {
    if (dealIds.length === 0) return new Map();
    const plans = await this.read(`p.deal_id IN (${dealIds.map(() => "?").join(", ")})`, [...dealIds]);
    return new Map(plans.map((p) => [p.dealId, p]));
  }

  csmLoads(): Promise<CsmLoad[]> {
    return csmLoads(this.db);
  }

  plans(): Promise<OnboardingPlan[]> {
    return this.read("1 = 1", []);
  }

  async createPlan(
    p: NewOnboardingPlan,
    origin: WriteOrigin,
  ): Promise<{ plan: OnboardingPlan; recovered: boolean }> {
    const id = planId(p.deal.dealId);
    const recovered = await this.db.transaction(async (tx) => {
      const had = await tx.one<{ id: string; idempotency_key: string | null }>(
        "SELECT id, idempotency_key FROM sb_onboarding_plans WHERE deal_id = ?",
        [p.deal.dealId],
      );
      if (had && origin.idempotencyKey && had.idempotency_key === origin.idempotencyKey) return true;
      if (had)
        throw new OnboardingWriteError(
          "exists",
          `Deal ${p.deal.dealId} already has onboarding plan ${had.id}.`,
          had.id,
        );
      const owner = await tx.one("SELECT id FROM sb_cs_managers WHERE id = ?", [p.ownerId]);
      if (!owner) throw new OnboardingWriteError("invalid", `No customer-success manager ${p.ownerId}.`);
      await tx.run(
        "INSERT INTO sb_onboarding_plans (id, deal_id, account_id, segment, plan, owner_id, start_date, created_at, principal, plan_hash, idempotency_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
          id,
          p.deal.dealId,
          p.deal.accountId,
          p.deal.segment,
          p.deal.plan,
          p.ownerId,
          p.deal.closeDate,
          await sandboxNow(tx),
          origin.principal,
          origin.planHash ?? null,
          origin.idempotencyKey ?? null,
        ],
      );
      await tx.insertMany(
        "sb_onboarding_milestones",
        ["plan_id", "seq", "name", "due_date", "done_date", "is_value"],
        p.milestones.map((m) => [id, m.seq, m.name, m.dueDate, null, m.value ? 1 : 0]),
      );
      await journalChanges(
        tx,
        [
          { entity: "onboarding_plan", recordId: id, field: "deal_id", before: null, after: p.deal.dealId },
          { entity: "onboarding_plan", recordId: id, field: "owner_id", before: null, after: p.ownerId },
          {
            entity: "onboarding_plan",
            recordId: id,
            field: "milestones",
            before: null,
            after: p.milestones.map((m) => `${m.name} @ ${m.dueDate}`),
          },
        ],
        origin,
      );
      return false;
    });
    const [plan] = await this.read("p.id = ?", [id]);
    if (!plan) throw new Error(`Onboarding plan ${id} vanished after it was written.`);
    return { plan, recovered };
  }

  private async read(where: string, params: unknown[]): Promise<OnboardingPlan[]> {
    const rows = await this.db.query<Record<string, string | number | null>>(
      `SELECT p.id, p.deal_id, p.account_id, a.name AS account_name, p.segment, p.owner_id, m.name AS owner_name,
              p.start_date, x.seq, x.name AS milestone, x.due_date, x.done_date, x.is_value
         FROM sb_onboarding_plans p
         JOIN sb_onboarding_milestones x ON x.plan_id = p.id
         LEFT JOIN sb_accounts a ON a.id = p.account_id
         LEFT JOIN sb_cs_managers m ON m.id = p.owner_id
        WHERE ${where} ORDER BY p.start_date, p.id, x.seq`,
      params,
    );
    const out = new Map<string, OnboardingPlan>();
    for (const r of rows) {
      const id = String(r.id);
      let plan = out.get(id);
      if (!plan) {
        plan = {
          id,
          dealId: String(r.deal_id),
          accountId: String(r.account_id),
          accountName: String(r.account_name ?? r.account_id),
          segment: String(r.segment) as OnboardingSegment,
          ownerId: String(r.owner_id),
          ownerName: String(r.owner_name ?? r.owner_id),
          startDate: String(r.start_date),
          milestones: [],
        };
        out.set(id, plan);
      }
      plan.milestones.push({
        seq: Number(r.seq),
        name: String(r.milestone),
        dueDate: String(r.due_date),
        doneDate: r.done_date === null ? null : String(r.done_date),
        value: Number(r.is_value) === 1,
      });
    }
    return [...out.values()];
  }
}
