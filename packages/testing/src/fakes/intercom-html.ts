const escapeHtml = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/**
 * What Intercom stores for a reply body (IC4: conversation parts come back as sanitised HTML): plain text becomes
 * escaped `<p>` paragraphs, one per line; HTML loses scripts, styles and event handlers.
 */
export function intercomStoredBody(body: string): string {
  if (/<\/?[a-z][^>]*>/i.test(body)) {
    return body
      .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, "")
      .replace(/\s+on\w+\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)/gi, "");
  }
  const lines = body.split(/\r?\n/).filter((line) => line.trim() !== "");
  return lines.map((line) => `<p>${escapeHtml(line)}</p>`).join("");
}
