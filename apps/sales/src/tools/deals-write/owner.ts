import { userError } from "@revops/kit";
import type { CrmPort } from "../../ports";

/** Owner id, name or email → the CRM's user; unknown → an error naming the field. */
export async function resolveOwner(crm: CrmPort, owner: string) {
  const o = owner.trim().toLowerCase();
  const owners = await crm.listOwners();
  const hit = owners.find((u) => [u.id, u.name, u.email].some((v) => v.toLowerCase() === o));
  if (!hit)
    throw userError(`owner: no sales rep "${owner}".`, {
      fields: ["owner"],
      hint: "Pass a rep's id, full name or email as listed in the sales://team resource.",
    });
  return hit;
}

/** "Name (id)" unless the name is the id. */
export const ownerLabel = (name: string, id: string) => (name && name !== id ? `${name} (${id})` : id);
