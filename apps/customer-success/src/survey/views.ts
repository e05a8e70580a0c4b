import { html, type Node, STYLESHEET } from "@revops/console";
import type { SurveyType } from "@revops/model";
import { SURVEY_SCALES } from "../integrations/sandbox/messages";

export const SURVEY_BASE = "/survey";
export const CSS_PATH = `${SURVEY_BASE}/static/survey.css`;
/** The console's stylesheet plus a row of score buttons (CSP: style-src 'self', so it is served, never inline). */
export const SURVEY_CSS = `${STYLESHEET}
.scale { display: flex; flex-wrap: wrap; gap: .5rem; margin: .5rem 0; }
.scale label { display: flex; flex-direction: column; align-items: center; font-weight: 400; min-width: 2.5rem; }
.scale input { min-width: 0; margin: 0; width: 1.25rem; height: 1.25rem; }
.ends { display: flex; flex-wrap: wrap; gap: .5rem 2rem; color: var(--muted); }
`;
export const COMMENT_MAX = 1000;

/** The question per survey kind and what its scale's ends mean (the email asks the same). */
export const QUESTIONS: Record<SurveyType, { question: string; low: string; high: string }> = {
  nps: {
    question: "How likely are you to recommend us to a friend or colleague?",
    low: "0: not at all likely",
    high: "10: extremely likely",
  },
  csat: {
    question: "How satisfied are you with our service?",
    low: "1: very dissatisfied",
    high: "5: very satisfied",
  },
};

function layout(title: string, body: Node): Node {
  return html`<html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <meta name="robots" content="noindex" />
      <title>${title}</title>
      <link rel="stylesheet" href=${CSS_PATH} />
    </head>
    <body>
      <main id="main">
        <h1>${title}</h1>
        ${body}
      </main>
    </body>
  </html>`;
}

export interface FormState {
  token: string;
  formToken: string;
  kind: SurveyType;
  score?: number | undefined;
  comment?: string | undefined;
  /** The field that was wrong and why. */
  error?: { field: "score" | "comment"; message: string } | undefined;
}

/** The answer form: a radio per score in a fieldset whose legend is the question, an optional comment, one button. */
export function formPage(s: FormState): Node {
  const q = QUESTIONS[s.kind];
  const [lo, hi] = SURVEY_SCALES[s.kind];
  const scores = Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
  const bad = (f: string) => s.error?.field === f;
  return layout(
    "Your feedback",
    html`${s.error && html`<div class="notice bad" role="alert" id="error">${s.error.message}</div>`}
      <form method="post" action=${`${SURVEY_BASE}/${s.token}`} class="stack">
        <input type="hidden" name="_form" value=${s.formToken} />
        <fieldset aria-describedby=${bad("score") ? "error" : "ends"}>
          <legend>${q.question}</legend>
          <div class="scale">
            ${scores.map(
              (n) =>
                html`<label
                  >${n}<input type="radio" name="score" value=${String(n)} checked=${s.score === n} required
                /></label>`,
            )}
          </div>
          <div class="ends" id="ends"><span>${q.low}</span><span>${q.high}</span></div>
        </fieldset>
        <label for="comment">Anything you would like to add? (optional)</label>
        <textarea
          id="comment"
          name="comment"
          maxlength=${COMMENT_MAX}
          aria-invalid=${bad("comment") ? "true" : undefined}
          aria-describedby=${bad("comment") ? "error" : undefined}
        >${s.comment ?? ""}</textarea>
        <button type="submit">Send my answer</button>
      </form>`,
  );
}

export const thanksPage = (score: number) =>
  layout(
    "Thank you",
    html`<p role="status">We recorded your answer (${score}). You can close this page.</p>`,
  );

/** A refusal the person can act on: what happened, without telling a forger more than "not valid". */
export const messagePage = (title: string, text: string) => layout(title, html`<p role="status">${text}</p>`);
