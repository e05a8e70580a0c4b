/** A non-2xx HTTP answer, thrown by `throwIfNotOk` so the classifier sees status, headers and body. */
export class HttpError extends Error {
  readonly status: number;
  readonly headers: Headers;
  readonly body: string;

  constructor(status: number, headers: Headers, body: string) {
    super(`HTTP ${status}${body ? `: ${body.slice(0, 200)}` : ""}`);
    this.name = "HttpError";
    this.status = status;
    this.headers = headers;
    this.body = body;
  }
}

/** Body kept on errors: enough for vendor error codes, small enough to never flood logs. */
const MAX_ERROR_BODY = 2048;

/** Returns the response when 2xx; otherwise drains (bounded) and throws an HttpError. */
export async function throwIfNotOk(res: Response): Promise<Response> {
  if (res.ok) return res;
  const body = await res.text().catch(() => "");
  throw new HttpError(res.status, res.headers, body.slice(0, MAX_ERROR_BODY));
}
