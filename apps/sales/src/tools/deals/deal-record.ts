import { notFound } from "@revops/kit";
import type { SalesPorts } from "../../ports";

/** Activities read per deal for qualification and engagement (the newest; older ones are left out and said so). */
export const ACTIVITIES_READ = 200;

interface Ctx {
  ports: SalesPorts;
}

/** The deal's record via the port behind deal_get, a user error naming deal_id when there is none. */
export async function readDealRecord(ctx: Ctx, dealId: string) {
  const ports = ctx.ports;
  const record = await ports.crm.dealRecord(dealId, ACTIVITIES_READ);
  if (!record)
    throw notFound(`deal_id: no deal ${dealId}.`, {
      fields: ["deal_id"],
      hint: "Find the deal with deals_list and pass its id.",
    });
  const read = record.activities.recent;
  const caveats = [
    ...record.caveats,
    ...(record.activities.total > read.length
      ? [`Read the newest ${read.length} of ${record.activities.total} activities.`]
      : []),
  ];
  return { ports, record, read, caveats };
}
