import { randomBytes } from "node:crypto";

/** One served page of a list: its items as the handler returns them, and the cursor of the next page. */
export interface ListPage<T> {
  items: T[];
  nextCursor: string | undefined;
}

/** Pages kept per process at most: beyond that a principal's page is served, just not pre-encoded. */
const MAX_PAGES = 32;

/**
 * tools/list pages serialised once per process instead of on every request (a 60 KB page was a third of a stateless
 * request's CPU). The handler returns a stand-in array: the same items, whose JSON is a marker; the SDK builds the
 * answer around it as usual (id, `_meta`, cache hints; an SDK codec that rewrites the items makes a plain array,
 * which serialises normally), and the HTTP writer puts the page's bytes where the marker is. So a stand-in may only
 * reach responses that go through `splice`: the stateless HTTP paths. The marker carries a random nonce of this
 * process, so no input can forge one.
 */
export class EncodedLists {
  /** The marker's opening, as it appears in JSON: `"revops-encoded-list:<nonce>:` then the page number and `"`. */
  private readonly opening: Buffer;
  private readonly prefix: string;
  private readonly bytes: Buffer[] = [];
  private readonly pages = new Map<string, ListPage<unknown>>();

  constructor() {
    this.prefix = `revops-encoded-list:${randomBytes(12).toString("hex")}:`;
    this.opening = Buffer.from(JSON.stringify(this.prefix).slice(0, -1));
  }

  /**
   * The page for `key` (whatever decides its content, e.g. the principal's scopes and the cursor), built by `build`
   * on first use. Its items are a stand-in that serialises as the marker; past MAX_PAGES, the plain page.
   */
  page<T>(key: string, build: () => ListPage<T>): ListPage<T> {
    const kept = this.pages.get(key) as ListPage<T> | undefined;
    if (kept) return kept;
    const page = build();
    if (this.pages.size >= MAX_PAGES) return page;
    const n = this.bytes.length;
    this.bytes.push(Buffer.from(JSON.stringify(page.items)));
    const marker = `${this.prefix}${n}`;
    // frozen like the listings in it: every request of that key shares it
    const items = Object.freeze(
      Object.defineProperty([...page.items], "toJSON", { value: () => marker }),
    ) as T[];
    const encoded = Object.freeze({ items, nextCursor: page.nextCursor });
    this.pages.set(key, encoded);
    return encoded;
  }

  /** The body with an encoded page in place of its marker (a body carries at most one), or undefined when it has none. */
  splice(body: Uint8Array): Buffer | undefined {
    const buf = Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    const at = buf.indexOf(this.opening);
    if (at < 0) return undefined;
    const from = at + this.opening.length;
    const close = buf.indexOf(0x22, from); // the marker's closing quote
    const page = close > from ? this.bytes[Number(buf.subarray(from, close).toString("latin1"))] : undefined;
    if (!page) return undefined;
    return Buffer.concat([buf.subarray(0, at), page, buf.subarray(close + 1)]);
  }
}
