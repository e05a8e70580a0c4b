/** The console's only stylesheet, served from /console/static/console.css (CSP: style-src 'self'). */
export const STYLESHEET = `
:root { color-scheme: light dark; --fg: #1b1f24; --bg: #fff; --muted: #57606a; --line: #d0d7de;
  --accent: #0b5cad; --ok: #1a7f37; --bad: #b42318; --panel: #f6f8fa; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --bg: #0d1117; --muted: #9da7b3; --line: #30363d;
  --accent: #6cb6ff; --ok: #56d364; --bad: #ff7b72; --panel: #161b22; } }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, sans-serif; color: var(--fg); background: var(--bg); }
a { color: var(--accent); }
:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
.skip { position: absolute; left: -999px; } .skip:focus { left: 1rem; top: 1rem; background: var(--bg); padding: .5rem; }
header { display: flex; flex-wrap: wrap; gap: 1rem; align-items: center; padding: .75rem 1.5rem;
  border-bottom: 1px solid var(--line); background: var(--panel); }
header nav ul { display: flex; gap: 1rem; list-style: none; margin: 0; padding: 0; }
header nav a[aria-current="page"] { font-weight: 700; }
header .who { margin-left: auto; display: flex; gap: .75rem; align-items: center; color: var(--muted); }
main { padding: 1rem 1.5rem 3rem; max-width: 72rem; }
table { border-collapse: collapse; width: 100%; margin: 1rem 0; }
th, td { text-align: left; padding: .4rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
caption { text-align: left; font-weight: 600; padding: .25rem 0; }
pre { background: var(--panel); border: 1px solid var(--line); padding: .75rem; overflow: auto; white-space: pre-wrap; }
form.inline { display: inline; }
fieldset { border: 1px solid var(--line); padding: .75rem 1rem; margin: 1rem 0; }
.filters { display: flex; flex-wrap: wrap; gap: .75rem 1rem; align-items: end; }
label { display: block; font-weight: 600; }
input, select, textarea, button { font: inherit; color: inherit; }
input, select, textarea { display: block; margin-top: .25rem; padding: .35rem .5rem; border: 1px solid var(--muted);
  border-radius: 4px; background: var(--bg); min-width: 12rem; }
textarea { width: 100%; max-width: 40rem; min-height: 5rem; }
button { padding: .4rem 1rem; border-radius: 4px; border: 1px solid var(--accent); background: var(--accent);
  color: var(--bg); cursor: pointer; }
a.button { display: inline-block; padding: .5rem 1.25rem; border-radius: 4px; background: var(--accent);
  color: var(--bg); text-decoration: none; font-weight: 600; }
button.secondary { background: transparent; color: var(--accent); }
button.danger { border-color: var(--bad); background: var(--bad); }
.notice { border-left: 4px solid var(--accent); background: var(--panel); padding: .75rem 1rem; margin: 1rem 0; }
.notice.ok { border-color: var(--ok); } .notice.bad { border-color: var(--bad); }
.stack > * + * { margin-top: .75rem; }
code.secret { display: block; font-size: 1.05rem; padding: .5rem; background: var(--panel); word-break: break-all; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; }
dt { font-weight: 600; } dd { margin: 0; }
svg.chart { width: 100%; max-width: 45rem; height: auto; } svg.chart rect { fill: var(--accent); }
svg.chart line { stroke: var(--line); } svg.chart text { fill: var(--muted); font-size: 12px; }
figure { margin: 1rem 0; }
`;
