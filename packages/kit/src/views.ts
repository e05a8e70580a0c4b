import {
  EXTENSION_ID,
  RESOURCE_MIME_TYPE,
  RESOURCE_URI_META_KEY,
} from "@modelcontextprotocol/ext-apps/server";
import type { ResourceDefinition, ViewDefinition } from "./define";

export { EXTENSION_ID as VIEW_EXTENSION_ID, RESOURCE_MIME_TYPE as VIEW_MIME_TYPE };

/**
 * What an MCP Apps host reads of a tool that has a view: the nested key of ext-apps 1.x/2.x and the flat key
 * older hosts look for (the extension's own registerAppTool sets both).
 */
export const viewToolMeta = (
  view: ViewDefinition,
  visibility?: readonly ("model" | "app")[],
): Record<string, unknown> => ({
  ui: { resourceUri: view.uri, ...(visibility && { visibility: [...visibility] }) },
  [RESOURCE_URI_META_KEY]: view.uri,
});

/** A view's HTML asks for nothing outside itself: hosts build the iframe's CSP from these empty lists. */
const VIEW_RESOURCE_META = { ui: { csp: { connectDomains: [], resourceDomains: [] }, prefersBorder: true } };

/** The `ui://` resource serving a view's bundled HTML, readable by whoever may call the tool. */
export function viewResource(view: ViewDefinition, scopes: readonly string[]): ResourceDefinition {
  if (!view.uri.startsWith("ui://")) throw new Error(`View ${view.uri} must have a ui:// URI`);
  return {
    name: view.uri.slice("ui://".length).replace(/\W+/g, "_"),
    title: view.title,
    description: view.description,
    mimeType: RESOURCE_MIME_TYPE,
    scopes,
    uri: view.uri,
    _meta: VIEW_RESOURCE_META,
    read: async ({ uri }) => [
      { uri, mimeType: RESOURCE_MIME_TYPE, text: await view.html(), _meta: VIEW_RESOURCE_META },
    ],
  };
}

/** Whether the client declared the MCP Apps extension (either revision: initialize, or the request's envelope). */
export function rendersViews(ctx: {
  clientCapabilities?: unknown;
  inputRound?: { capabilities: unknown } | undefined;
}): boolean {
  const declared = (caps: unknown) =>
    Boolean((caps as { extensions?: Record<string, unknown> } | undefined)?.extensions?.[EXTENSION_ID]);
  return declared(ctx.clientCapabilities) || declared(ctx.inputRound?.capabilities);
}
