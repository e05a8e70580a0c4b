import { defineServer, defineTool } from "@revops/kit";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { guardedModule } from "../test/fixtures";
import { consentTools, describeGuardMatrix } from "./testing";

describeGuardMatrix(guardedModule(), {
  changedArgs: {
    deals_delete: { deal_ids: ["d1"] },
    email_send: { to: [{ email: "bob@example.com" }], subject: "Hello" },
    contacts_tag: { tag: "vip", contact_ids: ["c1"], idempotency_key: "k1" },
  },
  isKnownContact: async () => true,
});

describe("consentTools", () => {
  it("includes destructive tools that forgot their guard, so the matrix fails on them", () => {
    const unguarded = defineTool({
      name: "records_purge",
      title: "Purge",
      description: "Purges.",
      toolset: "t",
      scopes: [],
      annotations: {
        readOnlyHint: false,
        destructiveHint: true,
        idempotentHint: false,
        openWorldHint: false,
      },
      input: z.object({}),
      output: z.object({}),
      handler: () => ({}),
    });
    const m = defineServer({ ...guardedModule(), tools: [unguarded] });
    expect(consentTools(m).map((t) => t.name)).toEqual(["records_purge"]);
  });
});
