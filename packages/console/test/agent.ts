/** A fetch client that keeps cookies and reads CSRF tokens, as a browser would. */
export class Agent {
  readonly cookies = new Map<string, string>();
  lastSetCookie: string[] = [];

  constructor(readonly base: string) {}

  private cookieHeader(): Record<string, string> {
    if (this.cookies.size === 0) return {};
    return { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ") };
  }

  private keep(r: Response): Response {
    this.lastSetCookie = r.headers.getSetCookie();
    for (const c of this.lastSetCookie) {
      const pair = c.split(";")[0] ?? "";
      const i = pair.indexOf("=");
      const [name, value] = [pair.slice(0, i), pair.slice(i + 1)];
      if (value === "" || /max-age=0\b/i.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return r;
  }

  async get(path: string, headers: Record<string, string> = {}): Promise<Response> {
    return this.keep(
      await fetch(this.base + path, { redirect: "manual", headers: { ...this.cookieHeader(), ...headers } }),
    );
  }

  async post(
    path: string,
    fields: Record<string, string>,
    headers: Record<string, string> = {},
  ): Promise<Response> {
    return this.keep(
      await fetch(this.base + path, {
        method: "POST",
        redirect: "manual",
        headers: { "content-type": "application/x-www-form-urlencoded", ...this.cookieHeader(), ...headers },
        body: new URLSearchParams(fields).toString(),
      }),
    );
  }

  /** The CSRF token of the page at path. */
  async csrf(path = "/console/approvals"): Promise<string> {
    const html = await (await this.get(path)).text();
    const m = /name="_csrf" value="([^"]+)"/.exec(html);
    if (!m?.[1]) throw new Error(`no CSRF token on ${path}:\n${html.slice(0, 500)}`);
    return m[1];
  }

  async signIn(email: string, password: string): Promise<Response> {
    const _csrf = await this.csrf("/console/signin");
    return this.post("/console/signin", { _csrf, email, password });
  }
}
