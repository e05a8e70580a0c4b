import { describe, expect, it } from "vitest";
import { htmlToText, sameReplyText } from "../src/intercom/html-text";

describe("Intercom reply bodies: stored HTML against the text we sent", () => {
  it.each([
    ["<p>On it</p>", "On it"],
    ["<p>a &amp; b</p><p>c &lt; d</p>", "a & b c < d"],
    ["<p>Hi<br>there&nbsp;&#33;</p>", "Hi there !"],
    ["x < y and y > z", "x < y and y > z"],
  ])("%s reads as %s", (html, text) => {
    expect(htmlToText(html)).toBe(text);
  });

  it("matches a plain-text body with Intercom's paragraphs, and not a different one", () => {
    expect(sameReplyText("<p>Line one</p><p>Line two</p>", "Line one\nLine two")).toBe(true);
    expect(sameReplyText("<p>Line one</p>", "Line one, edited")).toBe(false);
    expect(sameReplyText(null, "x")).toBe(false);
  });
});
