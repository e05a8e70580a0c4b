import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./mcp-client";

/** Debian's nginx; tests skip when it is absent (CI installs it in .ci/run). */
export const NGINX_BIN = "/usr/sbin/nginx";

export const nginxAvailable = (bin = NGINX_BIN): boolean => existsSync(bin);

export interface NginxConfigOptions {
  /** host:port of each stateless replica, in upstream order. */
  upstreams: readonly string[];
  /**
   * host:port of replicas in session mode (MCP_STATELESS=false), for clients that need a protocol session
   * (elicitation over a session), served at /session/mcp; absent → no session pool.
   */
  sessionUpstreams?: readonly string[] | undefined;
  /** What nginx listens on, e.g. "127.0.0.1:8080" or "8080". */
  listen: string;
  /** Directory for the pid file and temp files (must exist). */
  dir: string;
  /** Log destinations; default files in `dir` (a container logs to /dev/stderr and /dev/stdout). */
  errorLog?: string | undefined;
  accessLog?: string | undefined;
  /** Emitted as `user …;` (only meaningful when the master runs as root). */
  user?: string | undefined;
}

const proxyDirectives = (
  upstream: string,
  path: string,
  tries: number,
) => `      proxy_pass http://${upstream}${path};
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      # the replicas check Host against ALLOWED_HOSTS (DNS-rebinding protection): pass the client's
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      # MCP headers pass unchanged (nginx forwards request headers by default; named so nobody drops them)
      proxy_set_header Authorization $http_authorization;
      proxy_set_header Mcp-Session-Id $http_mcp_session_id;
      proxy_set_header Mcp-Protocol-Version $http_mcp_protocol_version;
      # Server-Sent Events: pass each event on as the replica writes it
      proxy_buffering off;
      proxy_cache off;
      proxy_read_timeout 300s;
      proxy_connect_timeout 2s;
      # failover on connection errors; a POST that reached a replica is never sent again (no non_idempotent)
      proxy_next_upstream error timeout http_502 http_503;
      proxy_next_upstream_tries ${Math.max(1, tries)};`;

/**
 * The load balancer in front of the replicas, as the replica test and `deploy/nginx.conf` use it:
 * round-robin (no stickiness: stateless replicas answer any request), no buffering (SSE streams pass through
 * as they are written), HTTP/1.1 to the replicas, and failover only where it cannot run a call twice.
 *
 * Failover: `proxy_next_upstream error timeout http_502 http_503` moves a request to the next replica when the
 * chosen one refused the connection or timed out connecting, and (for GET/HEAD only) when it answered 502/503.
 * nginx never passes a POST to a second replica once the request was sent to the first (since 1.9.13), and
 * `non_idempotent` is deliberately NOT set: a `tools/call` that reached a replica may have executed (a deal
 * updated, an email sent) before that replica died, and sending it again would do it twice. Such a call fails
 * to the client (502), which must treat it as "outcome unknown"; a guarded write is safe to retry with its
 * `approval_id` or `confirmation_token`, which run once. A replica that is shutting down answers 503 +
 * Retry-After before doing anything, so the client may retry that one.
 *
 * Sessions (optional pool): the kit's session ids are random, so nginx cannot tell from an `Mcp-Session-Id`
 * which replica holds the session; open-source nginx pins each client instead (`hash` of its API key and
 * address, consistent), so its initialize and every later request carrying the session id reach one replica.
 */
export function renderNginxConfig(o: NginxConfigOptions): string {
  const d = o.dir;
  const sessions = o.sessionUpstreams ?? [];
  const servers = (list: readonly string[]) =>
    list.map((u) => `    server ${u} max_fails=1 fail_timeout=5s;`).join("\n");
  return `# Rendered by renderNginxConfig (packages/testing/src/nginx.ts); the replica test runs the same config.
${o.user ? `user ${o.user};\n` : ""}worker_processes 1;
pid ${d}/nginx.pid;
error_log ${o.errorLog ?? `${d}/error.log`} warn;
events { worker_connections 1024; }

http {
  client_body_temp_path ${d}/client_body_temp;
  proxy_temp_path ${d}/proxy_temp;
  fastcgi_temp_path ${d}/fastcgi_temp;
  uwsgi_temp_path ${d}/uwsgi_temp;
  scgi_temp_path ${d}/scgi_temp;
  # one line per request: which replica(s) answered; "a, b" in $upstream_addr is a failover
  log_format replicas '$msec $request_method $uri $status "$upstream_addr" "$upstream_status" "$http_mcp_session_id" $request_time';
  access_log ${o.accessLog ?? `${d}/access.log`} replicas;

  # stateless replicas: round-robin, any replica answers any request
  upstream mcp_replicas {
${servers(o.upstreams)}
  }
${
  sessions.length
    ? `
  # session-mode replicas: one client (API key + address) always reaches the same one
  upstream mcp_sessions {
    hash "$http_authorization $remote_addr" consistent;
${servers(sessions)}
  }
`
    : ""
}
  server {
    listen ${o.listen};
    client_max_body_size 2m;

    location / {
${proxyDirectives("mcp_replicas", "", o.upstreams.length)}
    }
${
  sessions.length
    ? `
    # clients that need a protocol session (elicitation over a session) use /session/mcp
    location = /session/mcp {
${proxyDirectives("mcp_sessions", "/mcp", sessions.length)}
    }
`
    : ""
}  }
}
`;
}

export interface NginxProcess {
  /** The MCP endpoint through the load balancer, e.g. http://127.0.0.1:40123/mcp */
  url: string;
  /** host:port nginx listens on (add it to the replicas' ALLOWED_HOSTS). */
  host: string;
  dir: string;
  child: ChildProcess;
  /** The access log, one parsed line per request. */
  accessLog: () => NginxLogLine[];
  errorLog: () => string;
  stop: () => Promise<void>;
}

export interface NginxLogLine {
  method: string;
  uri: string;
  status: number;
  /** Every replica tried, in order; more than one means nginx failed over. */
  upstreams: string[];
  upstreamStatuses: string[];
  /** The request's Mcp-Session-Id header, if any. */
  sessionId?: string | undefined;
}

export interface StartNginxOptions {
  upstreams: readonly string[];
  sessionUpstreams?: readonly string[];
  /** Port to listen on (default: a free one); pick it first when the replicas must know it for ALLOWED_HOSTS. */
  port?: number;
  bin?: string;
}

/** Writes the config to a temp dir and runs nginx in the foreground (no daemon), until stop(). */
export async function startNginx(opts: StartNginxOptions): Promise<NginxProcess> {
  const bin = opts.bin ?? NGINX_BIN;
  const port = opts.port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), "nginx-"));
  const host = `127.0.0.1:${port}`;
  // as root the workers would drop to "nobody", which cannot write the temp dir: keep the current user
  const user = process.getuid?.() === 0 ? "root" : undefined;
  writeFileSync(
    join(dir, "nginx.conf"),
    renderNginxConfig({
      upstreams: opts.upstreams,
      sessionUpstreams: opts.sessionUpstreams,
      listen: host,
      dir,
      user,
    }),
  );
  const child = spawn(
    bin,
    ["-p", dir, "-c", "nginx.conf", "-e", join(dir, "error.log"), "-g", "daemon off;"],
    {
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  const collect = (c: Buffer) => {
    output += c.toString();
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const errorLog = () => {
    const path = join(dir, "error.log");
    return `${output}${existsSync(path) ? readFileSync(path, "utf8") : ""}`;
  };
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nginx exited with ${child.exitCode}: ${errorLog()}`);
    try {
      // any HTTP answer means it listens (a replica may not be up yet: 502 still counts)
      await fetch(`http://${host}/healthz`);
      break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`nginx did not start: ${errorLog()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `http://${host}/mcp`,
    host,
    dir,
    child,
    errorLog,
    accessLog: () => parseAccessLog(readFileSync(join(dir, "access.log"), "utf8")),
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, "exit");
      child.kill("SIGQUIT"); // graceful: finishes in-flight requests
      await exited;
    },
  };
}

/** Lines of the `replicas` log format above. */
export function parseAccessLog(text: string): NginxLogLine[] {
  const out: NginxLogLine[] = [];
  for (const line of text.split("\n")) {
    const m = /^\S+ (\S+) (\S+) (\d+) "([^"]*)" "([^"]*)" "([^"]*)"/.exec(line);
    if (!m) continue;
    // "a, b" = tried a then b; " : " separates internal redirects
    const list = (s: string) => s.split(/\s*[,:]\s+/).filter((x) => x && x !== "-");
    out.push({
      method: m[1] as string,
      uri: m[2] as string,
      status: Number(m[3]),
      upstreams: list(m[4] as string),
      upstreamStatuses: list(m[5] as string),
      sessionId: m[6] === "-" || !m[6] ? undefined : m[6],
    });
  }
  return out;
}
