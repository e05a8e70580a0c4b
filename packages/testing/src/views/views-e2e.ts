import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Connected, connectStdio, tempDataDir } from "../mcp-client";
import { type ConnectedModern, connectStdioModern } from "../mcp-client-modern";

export const VIEW_MIME_TYPE = "text/html;profile=mcp-app";
export const VIEW_EXTENSION_ID = "io.modelcontextprotocol/ui";
/** The guards' confirmation card (CARD_URI of @revops/guards, which depends on this package). */
export const CARD_URI = "ui://revops/confirm";

interface ListedTool {
  name: string;
  _meta?: Record<string, unknown>;
}
interface ReadContent {
  uri: string;
  mimeType?: string;
  text?: string;
  _meta?: Record<string, unknown>;
}

/** What every served view must be: a self-contained page whose CSP allows no network. */
export function expectSelfContainedView(content: ReadContent, uri: string): void {
  expect(content.uri).toBe(uri);
  expect(content.mimeType).toBe(VIEW_MIME_TYPE);
  const html = content.text ?? "";
  expect(html.startsWith("<!doctype html>")).toBe(true);
  expect(html).toMatch(
    /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'sha256-/,
  );
  expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=|\bsrc="https?:/);
  expect(content._meta).toMatchObject({ ui: { csp: { connectDomains: [], resourceDomains: [] } } });
}

/**
 * Tools with views, end to end through the official clients over stdio in both revisions (1.x client:
 * 2025-11-25; SDK v2 client: 2026-07-28): tools/list names the ui:// resource in `_meta` and
 * resources/read returns its HTML.
 */
export function describeViewsE2E(o: { bin: string; views: { tool: string; uri: string }[] }): void {
  const env = { REVOPS_DATA_DIR: tempDataDir("views") };
  const eras: {
    name: string;
    connect: () => Promise<Connected | ConnectedModern>;
  }[] = [
    { name: "2025-11-25", connect: () => connectStdio(o.bin, ["--toolsets", "all"], env) },
    { name: "2026-07-28", connect: () => connectStdioModern(o.bin, ["--toolsets", "all"], env) },
  ];
  for (const era of eras) {
    describe(`MCP Apps views (${era.name})`, () => {
      let c: Connected | ConnectedModern;
      beforeAll(async () => {
        c = await era.connect();
      });
      afterAll(async () => {
        await c?.close();
      });

      it("lists each view's ui:// resource in the tool's _meta and serves its HTML", async () => {
        const listed: ListedTool[] = [];
        let cursor: string | undefined;
        do {
          const page = await c.client.listTools(cursor ? { cursor } : {});
          listed.push(...(page.tools as ListedTool[]));
          cursor = page.nextCursor;
        } while (cursor);
        const resources = (await c.client.listResources()).resources;
        for (const v of o.views) {
          const tool = listed.find((t) => t.name === v.tool);
          expect(tool?._meta, v.tool).toMatchObject({ ui: { resourceUri: v.uri }, "ui/resourceUri": v.uri });
          expect(resources.filter((r) => r.uri === v.uri).map((r) => r.mimeType)).toEqual([VIEW_MIME_TYPE]);
          const read = await c.client.readResource({ uri: v.uri });
          expectSelfContainedView(read.contents[0] as ReadContent, v.uri);
        }
        const withView = new Set(o.views.map((v) => v.tool));
        const uriOf = (t: ListedTool) => (t._meta?.ui as { resourceUri?: string } | undefined)?.resourceUri;
        const others = listed.filter((t) => uriOf(t) && !withView.has(t.name));
        // every other tool with a view is guarded and shows the confirmation card, or is the card's own tool
        expect(others.filter((t) => uriOf(t) !== CARD_URI).map((t) => t.name)).toEqual([]);
        const guarded = listed.filter((t) => t._meta?.["revops/guard"]);
        expect(guarded.filter((t) => uriOf(t) !== CARD_URI).map((t) => t.name)).toEqual([]);
        if (guarded.length > 0) {
          const approve = listed.find((t) => t.name === "plan_approve");
          expect(approve?._meta?.ui).toEqual({ resourceUri: CARD_URI, visibility: ["app"] });
          expectSelfContainedView(
            (await c.client.readResource({ uri: CARD_URI })).contents[0] as ReadContent,
            CARD_URI,
          );
        }
      });

      it("advertises the MCP Apps extension", () => {
        const caps = c.client.getServerCapabilities() as { extensions?: Record<string, unknown> } | undefined;
        expect(caps?.extensions).toHaveProperty([VIEW_EXTENSION_ID]);
      });
    });
  }
}

/** A view's HTML as a host reads it. */
export async function readViewHtml(
  client: { readResource: (p: { uri: string }) => Promise<{ contents: unknown[] }> },
  uri: string,
): Promise<string> {
  const content = (await client.readResource({ uri })).contents[0] as ReadContent | undefined;
  return content?.text ?? "";
}
