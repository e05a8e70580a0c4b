const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };

/** Intercom stores reply bodies as sanitised HTML (`<p>…</p>`): the visible text, for comparing with what was sent. */
export function htmlToText(html: string): string {
  return (
    html
      .replace(/<br\s*\/?>|<\/(p|div|li|h\d)>/gi, "\n")
      // only real tags: a plain-text "a < b" keeps its sign
      .replace(/<\/?[a-z!][^>]*>/gi, "")
      .replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (whole, name: string) => {
        if (name[0] !== "#") return ENTITIES[name.toLowerCase()] ?? whole;
        const code =
          name[1]?.toLowerCase() === "x" ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
        return Number.isFinite(code) ? String.fromCodePoint(code) : whole;
      })
      .replace(/\s+/g, " ")
      .trim()
  );
}

/** True when two bodies show the same text, whichever of them is HTML. */
export function sameReplyText(stored: string | null | undefined, sent: string): boolean {
  return htmlToText(stored ?? "") === htmlToText(sent);
}
