/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// The browser side of an MCP Apps view: receives the tool's result from the host and draws it.
import { App } from "@modelcontextprotocol/ext-apps";
import { html } from "./charts";

export * from "./charts";
/** For views that do more than draw a result (the confirmation card calls a tool). */
export { App };

/**
 * Connects to the host (ext-apps App over postMessage) and renders each tool result's structuredContent into
 * the page; an error result or one without structured content shows its text instead.
 */
export function showView<T>(name: string, render: (data: T) => Node[]): App {
  const root = document.getElementById("view") ?? document.body;
  const app = new App({ name, version: "1.0.0" });
  app.ontoolresult = (result) => {
    const text = result.content?.flatMap((c) => (c.type === "text" ? [c.text] : [])).join("\n") ?? "";
    if (result.isError || !result.structuredContent) {
      root.replaceChildren(html("p", result.isError ? "error" : "muted", text || "No data to chart."));
      return;
    }
    try {
      root.replaceChildren(...render(result.structuredContent as T));
    } catch (err) {
      root.replaceChildren(html("p", "error", `This result cannot be charted: ${String(err)}`));
    }
  };
  void app.connect();
  return app;
}
