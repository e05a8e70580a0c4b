import type { PageRoute, PagesContext } from "@revops/kit";
import type { CsPorts } from "../ports";

/** /survey/…, the page loaded on first use: a stdio server, or one nobody answers, never loads the page stack. */
export function surveyRoute(ctx: PagesContext<CsPorts>): PageRoute {
  let page: Promise<PageRoute> | undefined;
  return (req, res) => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    if (path !== "/survey" && !path.startsWith("/survey/")) return false;
    page ??= import("./page").then((m) => m.surveyPages(ctx));
    page.then(
      (route) => route(req, res),
      (err: unknown) => {
        ctx.runtime.log.error({ err }, "survey page failed to load");
        res.writeHead(500).end();
      },
    );
    return true;
  };
}
