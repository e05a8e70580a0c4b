import { annotations, ToolError, userError, WrittenSchema } from "@revops/kit";
import { isVendorError } from "@revops/resilience";
import { z } from "zod";
import type { ContactDetail, ContactFields, CrmPort } from "../../ports";
import { salesTool } from "../../ports";
import { leadsWriteToolset } from "./toolset";

const FIELDS = ["name", "title", "phone", "account_id"] as const;
type Field = (typeof FIELDS)[number];
const KEY: Record<Field, keyof ContactFields> = {
  name: "name",
  title: "title",
  phone: "phone",
  account_id: "accountId",
};

const input = z
  .object({
    // checked here, not as a schema pattern (a regular expression costs tokens on every turn)
    email: z
      .string()
      .trim()
      .refine((v) => /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(v), "email: a whole address, e.g. ana@acme.com"),
    name: z.string().trim().min(1).optional(),
    title: z.string().trim().optional(),
    phone: z.string().trim().optional(),
    account_id: z.string().min(1).optional(),
  })
  .strict();
type Input = z.output<typeof input>;

const ChangeSchema = z.object({ field: z.enum(FIELDS), before: z.string().nullable(), after: z.string() });

/** The contact fresh from its system; an outage refuses the plan instead of guessing create vs update. */
async function freshContact(crm: CrmPort, email: string, source: string): Promise<ContactDetail | undefined> {
  try {
    return await crm.contactByEmail(email);
  } catch (err) {
    throw new ToolError(
      "retryable",
      `Could not look ${email} up in ${source} just now, so no plan was made.${isVendorError(err) ? ` ${err.message}` : ""}`,
      { hint: "Nothing was written. Retry in a minute.", cause: err },
    );
  }
}

/** Create or update, the field changes (before → after) and the "before" the write must still find. */
async function planOf(crm: CrmPort, a: Input, source: string) {
  const cur = await freshContact(crm, a.email, source);
  const wanted: ContactFields = {};
  for (const f of FIELDS) if (a[f] !== undefined) wanted[KEY[f]] = a[f];
  if (!cur) {
    const missing = (["name", "account_id"] as const).filter((f) => !a[f]);
    if (missing.length)
      throw userError(`No contact has ${a.email}; creating one needs ${missing.join(" and ")}.`, {
        fields: [...missing],
        hint: "Pass name and account_id (from accounts_search) to create the contact.",
      });
  }
  const changes = FIELDS.filter((f) => a[f] !== undefined && (!cur || cur[KEY[f]] !== a[f])).map((f) => ({
    field: f,
    before: cur ? (cur[KEY[f]] as string) : null,
    after: a[f] as string,
  }));
  const expected: ContactFields | null = cur
    ? Object.fromEntries(changes.map((c) => [KEY[c.field], cur[KEY[c.field]]]))
    : null;
  return { cur, changes, wanted, expected };
}

/** An adapter's RangeError "field: what is wrong" → a user error naming that field. */
function refusal(err: unknown): unknown {
  if (!(err instanceof RangeError)) return err;
  if (err.message.startsWith("conflict:"))
    return userError(`Not executed: ${err.message.slice(9).trim()} Nothing was written.`, {
      hint: "Call contact_upsert with dry_run: true to see the current plan, then get it confirmed again.",
      cause: err,
    });
  const field = FIELDS.find((f) => err.message.startsWith(`${f}:`));
  return userError(err.message, { ...(field && { fields: [field] }), cause: err });
}

export const contactUpsert = salesTool({
  name: "contact_upsert",
  title: "Create or update a contact",
  description: "Updates the contact with this email, or creates it; a human confirms.",
  toolset: leadsWriteToolset.name,
  scopes: ["sales:write"],
  ports: ["crm"],
  annotations: annotations.update,
  input,
  output: z.object({
    contact: z.object({
      id: z.string(),
      name: z.string(),
      title: z.string(),
      email: z.string(),
      phone: z.string(),
      account_id: z.string(),
      account: z.string(),
    }),
    action: z.enum(["create", "update"]),
    changes: z.array(ChangeSchema),
    written: WrittenSchema,
    note: z.string(),
  }),
  guard: {
    kind: "destructive",
    preview: async (a, ctx) => {
      const { cur, changes } = await planOf(ctx.ports.crm, a, ctx.ports.source);
      if (cur && changes.length === 0)
        throw userError(`Contact ${cur.id} (${a.email}) already has these values; nothing to change.`, {
          fields: FIELDS.filter((f) => a[f] !== undefined),
          hint: "Pass only the fields whose values should change.",
        });
      const diff = changes.map((c) => `${c.field} ${c.before ?? "(none)"} → ${c.after}`).join("; ");
      return {
        summary: cur
          ? `Update contact ${cur.name} <${a.email}>: ${diff}`
          : `Create contact <${a.email}>: ${diff}`,
        action: cur ? "update" : "create",
        record_type: "contact",
        records: [{ id: cur?.id ?? "(new)", name: cur?.name ?? a.name ?? a.email }],
        changes,
        system: ctx.ports.source,
      };
    },
  },
  handler: async ({ input: a, ctx }) => {
    const { crm, source } = ctx.ports;
    const { cur, changes, wanted, expected } = await planOf(crm, a, source);
    const origin = { principal: ctx.principal.id, ...ctx.write };
    let w: Awaited<ReturnType<CrmPort["upsertContact"]>>;
    try {
      w = await crm.upsertContact(a.email, wanted, origin, expected);
    } catch (err) {
      throw refusal(err);
    }
    const c = w.contact;
    return {
      contact: {
        id: c.id,
        name: c.name,
        title: c.title,
        email: c.email,
        phone: c.phone,
        account_id: c.accountId,
        account: c.accountName,
      },
      action: cur ? ("update" as const) : ("create" as const),
      changes,
      written: { system: w.system, id: w.id },
      note: w.recovered
        ? "The contact already held these values (an earlier attempt landed); nothing was written again."
        : `${w.created ? "Created" : "Updated"} in ${w.system}.`,
    };
  },
  render: (o) =>
    `${o.action === "create" ? "Created" : "Updated"} ${o.contact.name} <${o.contact.email}> (${o.written.system}:${o.written.id}).`,
  example: {
    email: "new.buyer@birchwise.com",
    name: "Ana Lopez",
    title: "VP of Sales",
    account_id: "acc_0001",
  },
});
