/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// Runs in Chromium as the MCP Apps host: the extension's own AppBridge talks to the view in a sandboxed iframe.
import { AppBridge, PostMessageTransport } from "@modelcontextprotocol/ext-apps/app-bridge";

interface ToolResult {
  content: { type: string; text?: string }[];
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
}

/** Loads the view's HTML the way hosts do (sandboxed, no same origin) and hands it the tool's input and result. */
async function showView(
  html: string,
  args: Record<string, unknown>,
  result: ToolResult,
  forwardCalls = false,
): Promise<void> {
  const iframe = document.createElement("iframe");
  iframe.setAttribute("sandbox", "allow-scripts");
  iframe.style.width = "600px";
  iframe.style.height = "700px";
  document.body.append(iframe);
  const view = iframe.contentWindow as Window;
  const bridge = new AppBridge(
    null,
    { name: "revops-test-host", version: "1.0.0" },
    forwardCalls ? { serverTools: {} } : {},
  );
  // the view's tools/call goes to the test's MCP client (exposed by Playwright), as a host forwards it to the server
  if (forwardCalls)
    bridge.oncalltool = async (params) =>
      (globalThis as unknown as { hostCallTool: (p: unknown) => Promise<ToolResult> }).hostCallTool(
        params,
      ) as never;
  const delivered = new Promise<void>((resolve, reject) => {
    bridge.oninitialized = () => {
      bridge
        .sendToolInput({ arguments: args })
        .then(() => bridge.sendToolResult(result as Parameters<AppBridge["sendToolResult"]>[0]))
        .then(resolve, reject);
    };
  });
  await bridge.connect(new PostMessageTransport(view, view));
  iframe.srcdoc = html;
  await delivered;
}

(globalThis as unknown as { showView: typeof showView }).showView = showView;
