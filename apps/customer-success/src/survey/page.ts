import type { IncomingMessage, ServerResponse } from "node:http";
import { type Node, PAGE_HEADERS, readForm, renderPage } from "@revops/console";
import type { PageRoute, PagesContext } from "@revops/kit";
import { SURVEY_SCALES } from "../integrations/sandbox/messages";
import type { CsPorts } from "../ports";
import type { SurveyClaims } from "./links";
import { COMMENT_MAX, CSS_PATH, formPage, messagePage, SURVEY_BASE, SURVEY_CSS, thanksPage } from "./views";

const TOKEN_PATH = /^\/survey\/([A-Za-z0-9_-]{1,400}\.[A-Za-z0-9_-]{1,100})$/;

const send = (res: ServerResponse, status: number, node: Node) => {
  res.writeHead(status, { ...PAGE_HEADERS, "content-type": "text/html; charset=utf-8" });
  res.end(renderPage(node));
};

/** A score from the form: a whole number on the survey's scale, else the message naming the field. */
function scoreOf(raw: string | null, kind: SurveyClaims["kind"]): number | string {
  const [lo, hi] = SURVEY_SCALES[kind];
  const n = raw !== null && /^\d{1,2}$/.test(raw) ? Number(raw) : Number.NaN;
  if (Number.isInteger(n) && n >= lo && n <= hi) return n;
  return raw
    ? `score: ${raw.slice(0, 8)} is not on the scale; choose a whole number from ${lo} to ${hi}.`
    : `score: choose a whole number from ${lo} to ${hi}.`;
}

/**
 * The survey answer page at /survey/<signed token>: no sign-in (the link is the credential), one answer per
 * recipient and survey, the console's headers and page stack. GET only shows the form (mail scanners open links).
 */
export function surveyPages(ctx: PagesContext<CsPorts>): PageRoute {
  const ports = async () => (await ctx.ports()).messages;

  async function check(res: ServerResponse, token: string) {
    const messages = await ports();
    const links = await messages.surveyLinks();
    const checked = links.verify(token, await messages.now());
    if (checked.ok) return { messages, links, claims: checked.claims };
    if (checked.reason === "expired")
      send(res, 410, messagePage("This survey has closed", "Its link expired; thank you all the same."));
    else
      send(
        res,
        404,
        messagePage("Link not valid", "This survey link is not valid. Check that it was copied whole."),
      );
    return undefined;
  }

  async function answer(req: IncomingMessage, res: ServerResponse, token: string) {
    const form = await readForm(req);
    const ok = await check(res, token);
    if (!ok) return;
    const { messages, links, claims } = ok;
    const who = { principal: `survey:${claims.contact}`, tool: "survey_answer" };
    const args = { survey_id: claims.survey, kind: claims.kind, account_id: claims.account };
    if (!links.formTokenOk(token, form.get("_form")))
      return send(
        res,
        403,
        messagePage("Please try again", "The form is stale; open the link from the email again."),
      );
    const comment = (form.get("comment") ?? "").trim();
    const score = scoreOf(form.get("score"), claims.kind);
    const state = { token, formToken: links.formToken(token), kind: claims.kind, comment };
    if (typeof score === "string")
      return send(res, 400, formPage({ ...state, error: { field: "score", message: score } }));
    if (comment.length > COMMENT_MAX)
      return send(
        res,
        400,
        formPage({
          ...state,
          score,
          error: {
            field: "comment",
            message: `comment: at most ${COMMENT_MAX} characters; yours has ${comment.length}.`,
          },
        }),
      );
    let recorded: Awaited<ReturnType<typeof messages.recordAnswer>>;
    try {
      recorded = await messages.recordAnswer(
        {
          surveyId: claims.survey,
          contactId: claims.contact,
          accountId: claims.account,
          kind: claims.kind,
          score,
          comment: comment || null,
        },
        { principal: who.principal },
      );
    } catch (err) {
      if (!(err instanceof RangeError)) throw err;
      // signed by us but no longer on record (a sandbox reset): nothing to answer
      await ctx.audit({ ...who, outcome: "denied", args, summary: err.message });
      return send(
        res,
        404,
        messagePage("This survey has closed", "We no longer have this survey on record."),
      );
    }
    // the chain keeps ids, the score and the comment's length: never the customer's words
    const audited = { ...args, score, comment_chars: comment.length };
    if (!recorded.recorded) {
      await ctx.audit({ ...who, outcome: "denied", args: audited, summary: "already answered" });
      return send(
        res,
        409,
        messagePage(
          "Already answered",
          `You answered this survey on ${recorded.respondedAt.slice(0, 10)}; your first answer stands.`,
        ),
      );
    }
    await ctx.audit({
      ...who,
      outcome: "ok",
      args: { ...audited, response_id: recorded.id },
      summary: `${claims.kind} ${score}`,
    });
    send(res, 200, thanksPage(score));
  }

  async function handle(req: IncomingMessage, res: ServerResponse, path: string, url: URL) {
    if (req.method === "GET" && path === CSS_PATH) {
      res.writeHead(200, {
        ...PAGE_HEADERS,
        "content-type": "text/css; charset=utf-8",
        "cache-control": "public, max-age=3600",
      });
      return res.end(SURVEY_CSS);
    }
    const token = TOKEN_PATH.exec(path)?.[1];
    if (!token) return send(res, 404, messagePage("Link not valid", "This survey link is not valid."));
    if (req.method === "POST") {
      // no cookie rides along, so a cross-site post gains nothing; refuse it anyway where the browser says so
      if (req.headers["sec-fetch-site"] === "cross-site")
        return send(res, 403, messagePage("Please try again", "Answer on the survey page itself."));
      return answer(req, res, token);
    }
    if (req.method !== "GET") {
      res.setHeader("allow", "GET, POST");
      return send(res, 405, messagePage("Not allowed", "Open the link from the email."));
    }
    const ok = await check(res, token);
    if (!ok) return;
    const asked = url.searchParams.get("score");
    const score = asked === null ? undefined : scoreOf(asked, ok.claims.kind);
    send(
      res,
      200,
      formPage({
        token,
        formToken: ok.links.formToken(token),
        kind: ok.claims.kind,
        score: typeof score === "number" ? score : undefined,
      }),
    );
  }

  return (req, res) => {
    const url = new URL(req.url ?? "/", "http://survey.invalid");
    const path = url.pathname;
    if (path !== SURVEY_BASE && !path.startsWith(`${SURVEY_BASE}/`)) return false;
    handle(req, res, path, url).catch((err: unknown) => {
      const status =
        typeof (err as { status?: unknown }).status === "number" ? (err as { status: number }).status : 500;
      if (status === 500) ctx.runtime.log.error({ err }, "survey page failed");
      if (!res.headersSent)
        send(
          res,
          status,
          messagePage(
            "Something went wrong",
            status === 500 ? "Please try again later." : (err as Error).message,
          ),
        );
    });
    return true;
  };
}
