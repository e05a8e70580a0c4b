import { resetSandbox } from "@revops/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SandboxMessages } from "../src/integrations/sandbox/messages";
import { SurveyLinks } from "../src/survey/links";
import { formTokenIn, postAnswer, type SurveyServer, startSurveyServer } from "./survey-server";

// The survey answer page over HTTP, on the server as its bin runs it: links from real survey_send results.
let s: SurveyServer;
let nps: { survey_id: string; sample_link: string; answer_page: string };
/** Customer accounts with a contact that may be surveyed, in id order. */
let accounts: string[];

const CONSOLE_CSP =
  "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
const npsCount = async () =>
  Number((await s.db.one<{ n: number }>("SELECT COUNT(*) AS n FROM sb_nps_responses"))?.n);

beforeAll(async () => {
  s = await startSurveyServer();
  const rows = await s.db.query<{ id: string }>(
    `SELECT DISTINCT a.id FROM sb_accounts a JOIN sb_contacts c ON c.account_id = a.id
     WHERE a.lifecycle = 'customer' AND c.unsubscribed = 0 AND c.email <> '' ORDER BY a.id LIMIT 3`,
  );
  accounts = rows.map((r) => r.id);
  nps = await s.sendSurvey("nps", [accounts[0] as string]);
}, 120_000);
afterAll(async () => s?.stop());

describe("survey_send with the page served", () => {
  it("links to this server's /survey page and shows a sandbox link to try", async () => {
    expect(nps.answer_page).toBe(`this server's survey page: ${s.origin}/survey/…`);
    expect(nps.sample_link).toMatch(new RegExp(`^${s.origin}/survey/[\\w-]+\\.[\\w-]+$`));
    const body = await s.db.one<{ body: string }>("SELECT body FROM sb_cs_messages WHERE id = ?", [
      nps.survey_id,
    ]);
    // one link per score, the token filled per recipient
    expect(body?.body).toContain(`${s.origin}/survey/{{survey_token}}?score=10`);
  });
});

describe("the answer page", () => {
  it("shows the form with the console's headers; GET records nothing (mail scanners open links)", async () => {
    const before = await npsCount();
    const r = await fetch(`${nps.sample_link}?score=9`);
    expect(r.status).toBe(200);
    expect(r.headers.get("content-security-policy")).toBe(CONSOLE_CSP);
    expect(r.headers.get("x-frame-options")).toBe("DENY");
    expect(r.headers.get("cache-control")).toBe("no-store");
    const html = await r.text();
    expect(html).toContain("How likely are you to recommend us");
    expect(html).toMatch(/value="9"[^>]*checked|checked[^>]*value="9"/);
    expect(await npsCount()).toBe(before);
    const css = await fetch(`${s.origin}/survey/static/survey.css`);
    expect(css.headers.get("content-type")).toMatch(/text\/css/);
  });

  it("names the field of a bad score or comment, and records nothing", async () => {
    const form = formTokenIn(await (await fetch(nps.sample_link)).text());
    const before = await npsCount();
    for (const score of ["11", "-1", "7.5", ""]) {
      const r = await postAnswer(nps.sample_link, { _form: form, score });
      expect(r.status).toBe(400);
      expect(await r.text()).toMatch(/score: .*from 0 to 10/);
    }
    const long = await postAnswer(nps.sample_link, { _form: form, score: "8", comment: "x".repeat(1001) });
    expect(long.status).toBe(400);
    expect(await long.text()).toContain("comment: at most 1000 characters; yours has 1001.");
    const noForm = await postAnswer(nps.sample_link, { score: "8" });
    expect(noForm.status).toBe(403);
    expect(await npsCount()).toBe(before);
  });

  it("records a valid answer once: in nps_summary, journalled, audited without the comment", async () => {
    const form = formTokenIn(await (await fetch(nps.sample_link)).text());
    const before = await s.call("nps_summary", {});
    const comment = "Setup took far too long for our team";
    const r = await postAnswer(nps.sample_link, { _form: form, score: "2", comment });
    expect(r.status, await r.clone().text()).toBe(200);
    expect(await r.text()).toContain("We recorded your answer (2)");
    const after = await s.call("nps_summary", {});
    // recomputed from raw rows
    const raw = await s.db.query<{ score: number }>("SELECT score FROM sb_nps_responses");
    expect(after.data.responses).toBe(raw.length);
    expect(after.data.responses).toBe(before.data.responses + 1);
    expect(after.data.detractors).toBe(raw.filter((x) => Number(x.score) <= 6).length);
    expect(after.text).toContain(comment);
    const journal = await s.db.query<{ field: string }>(
      "SELECT field FROM sb_changes WHERE entity = 'nps_response' ORDER BY field",
    );
    expect(journal.map((j) => j.field)).toEqual(["score", "survey"]);
    const audit = await s.db.query<Record<string, unknown>>(
      "SELECT * FROM audit_log WHERE tool = 'survey_answer'",
    );
    expect(audit.length).toBe(1);
    expect(JSON.stringify(audit)).not.toContain("far too long");
    expect(JSON.stringify(audit[0])).toContain("comment_chars");

    const again = await postAnswer(nps.sample_link, { _form: form, score: "10" });
    expect(again.status).toBe(409);
    expect(await again.text()).toContain("your first answer stands");
    expect((await s.call("nps_summary", {})).data.responses).toBe(after.data.responses);
    const denied = await s.db.query(
      "SELECT * FROM audit_log WHERE tool = 'survey_answer' AND outcome = 'denied'",
    );
    expect(denied.length).toBe(1);
  });

  it("refuses a tampered or forged link", async () => {
    const token = nps.sample_link.split("/survey/")[1] as string;
    const [body, mac] = token.split(".") as [string, string];
    const flipped = `${body.slice(0, 5)}${body[5] === "A" ? "B" : "A"}${body.slice(6)}.${mac}`;
    const other = new SurveyLinks("someone-else's-secret-0123456789abcdef").sign({
      survey: nps.survey_id,
      contact: "con_0001",
      account: accounts[0] as string,
      kind: "nps",
      expires: "2099-01-01T00:00:00.000Z",
    });
    for (const t of [flipped, other, "not-a-token", `${token}x`]) {
      const r = await fetch(`${s.origin}/survey/${t}`);
      expect(r.status, t).toBe(404);
      expect(await r.text()).toContain("not valid");
      const p = await postAnswer(`${s.origin}/survey/${t}`, { _form: "x", score: "9" });
      expect(p.status).toBe(404);
    }
  });

  it("refuses an expired link (on the sandbox's clock)", async () => {
    const links = new SurveyLinks(await new SandboxMessages(s.db).surveyKey());
    const now = String(
      (await s.db.one<{ now: string }>("SELECT MAX(sent_at) AS now FROM sb_cs_messages"))?.now,
    );
    const [recipient] = await s.db.query<{ contact_id: string }>(
      "SELECT contact_id FROM sb_cs_message_recipients WHERE message_id = ? ORDER BY contact_id DESC",
      [nps.survey_id],
    );
    const claims = {
      survey: nps.survey_id,
      contact: String(recipient?.contact_id),
      account: accounts[0] as string,
    };
    const expired = links.sign({
      ...claims,
      kind: "nps",
      expires: new Date(Date.parse(now) - 1000).toISOString(),
    });
    const r = await fetch(`${s.origin}/survey/${expired}`);
    expect(r.status).toBe(410);
    const form = links.formToken(expired);
    expect((await postAnswer(`${s.origin}/survey/${expired}`, { _form: form, score: "9" })).status).toBe(410);
    // the same claims, still valid, would be accepted: the expiry alone refused it
    const valid = links.sign({ ...claims, kind: "nps", expires: "2099-01-01T00:00:00.000Z" });
    expect((await fetch(`${s.origin}/survey/${valid}`)).status).toBe(200);
  });
});

describe("a CSAT survey", () => {
  it("records a 1-5 answer that ticket_trends reports", async () => {
    const csat = await s.sendSurvey("csat", [accounts[1] as string]);
    const html = await (await fetch(csat.sample_link)).text();
    expect(html).toContain("How satisfied are you");
    const bad = await postAnswer(csat.sample_link, { _form: formTokenIn(html), score: "0" });
    expect(await bad.text()).toMatch(/score: .*from 1 to 5/);
    const r = await postAnswer(csat.sample_link, { _form: formTokenIn(html), score: "4", comment: "Quick" });
    expect(r.status).toBe(200);
    const trends = await s.call("ticket_trends", {});
    const raw = await s.db.query<{ score: number }>("SELECT score FROM sb_csat_responses");
    expect(raw.length).toBe(1);
    expect(trends.data.survey_csat).toEqual({ responses: 1, average: 4, satisfied: 1 });
    expect(trends.data.meta.inputs.csat_survey_answers).toBe(1);
  });
});

describe("revops sandbox reset", () => {
  it("removes the answers with the rest of the written data; the signing key stays", async () => {
    expect(await npsCount()).toBeGreaterThan(0);
    await resetSandbox(s.db);
    const n = async (t: string) =>
      Number((await s.db.one<{ n: number }>(`SELECT COUNT(*) AS n FROM ${t}`))?.n);
    expect(await n("sb_csat_responses")).toBe(0);
    expect(await n("sb_nps_responses")).toBe(0);
    expect(await n("sb_changes")).toBe(0);
    expect(await n("sb_survey_keys")).toBe(1);
  });
});
