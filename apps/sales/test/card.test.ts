import { fileURLToPath } from "node:url";
import {
  type Connected,
  type ConnectedModern,
  connectStdio,
  connectStdioModern,
  tempDataDir,
} from "@revops/testing";
import { VIEW_EXTENSION_ID, VIEW_MIME_TYPE } from "@revops/testing/views";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * The confirmation card end to end: the built bin over stdio, a client that renders MCP Apps and cannot elicit
 * (Claude Desktop's position), in both revisions with the official clients. The low-risk deal_update comes back on
 * a card; the secret is only in `_meta`; the card's Approve (plan_approve with it) runs the plan once.
 */
const bin = fileURLToPath(new URL("../dist/bin.js", import.meta.url));
const views = { extensions: { [VIEW_EXTENSION_ID]: { mimeTypes: [VIEW_MIME_TYPE] } } };
const text = (r: unknown) =>
  (((r as { content?: unknown }).content ?? []) as { text?: string }[]).map((c) => c.text).join("\n");

const eras = [
  {
    name: "2025-11-25",
    connect: (env: Record<string, string>) => connectStdio(bin, [], env, views),
  },
  {
    name: "2026-07-28",
    connect: (env: Record<string, string>) => connectStdioModern(bin, [], env, { capabilities: views }),
  },
];

for (const era of eras) {
  describe(`confirmation card over stdio (${era.name})`, () => {
    let c: Connected | ConnectedModern;
    beforeAll(async () => {
      c = await era.connect({ REVOPS_DATA_DIR: tempDataDir(`card-${era.name}`) });
    });
    afterAll(async () => c?.close());

    it("shows deal_update's plan on a card; only the card's secret runs it, once", async () => {
      const step = `Card ${era.name}`;
      const args = { deal_id: "deal_0001", next_step: step };
      const first = await c.client.callTool({ name: "deal_update", arguments: args });
      expect(first.isError, text(first)).toBe(true);
      const offer = (first._meta as Record<string, { secret: string; plan: unknown }> | undefined)?.[
        "revops/confirm"
      ];
      expect(offer?.plan, text(first)).toMatchObject({ records: [{ id: "deal_0001" }] });
      const secret = offer?.secret as string;
      expect(text(first)).not.toContain(secret);
      expect(JSON.stringify(first.structuredContent ?? {})).not.toContain(secret);
      const approve = (s: string) =>
        c.client.callTool({
          name: "plan_approve",
          arguments: { tool: "deal_update", arguments: args, secret: s, decision: "approve" },
        });
      // the model's try without the secret: nothing ran
      expect((await approve("forged.secret")).isError).toBe(true);
      const run = await approve(secret);
      expect(run.isError, text(run)).toBeFalsy();
      const replay = await approve(secret);
      expect(replay.isError).toBe(true);
      // the write landed: the same change is now nothing to do
      const after = await c.client.callTool({ name: "deal_update", arguments: { ...args, dry_run: true } });
      expect(text(after)).toContain("already has these values");
    });
  });
}
