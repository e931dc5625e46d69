// The page frame: one stylesheet inline (no build step, no external requests), readable on a laptop
// screen; every value reaches the HTML through JSX, which escapes it.
import type { Child } from 'hono/jsx'

const CSS = `
*{box-sizing:border-box}body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1d2433;background:#f6f7f9}
header{background:#1d2433;color:#fff;padding:10px 24px;display:flex;gap:16px;align-items:center}
header a{color:#fff;text-decoration:none;font-weight:600}header .who{margin-left:auto;opacity:.8}
main{max-width:1280px;margin:0 auto;padding:16px 24px}
h1{font-size:20px;margin:8px 0}h2{font-size:16px;margin:24px 0 8px}
section{background:#fff;border:1px solid #e1e4ea;border-radius:6px;padding:12px 16px;margin-bottom:16px}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #eef0f3;vertical-align:top}
th{font-weight:600;color:#4a5366;font-size:12px;text-transform:uppercase;letter-spacing:.03em}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12.5px}
.muted{color:#6b7385}.bad{color:#b42318;font-weight:600}.good{color:#067647;font-weight:600}
.pill{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;background:#eef0f3}
.pill.open{background:#fee4e2}.pill.expected{background:#e0eaff}.pill.bug{background:#fef0c7}.pill.fixed,.pill.fixed-verified{background:#d1fadf}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(280px,1fr));gap:16px}
form.inline{display:flex;gap:6px;flex-wrap:wrap;align-items:center;margin:4px 0}
input[type=text],input[type=password]{padding:4px 6px;border:1px solid #c5cad3;border-radius:4px;min-width:220px}
button{padding:3px 10px;border:1px solid #9aa3b2;border-radius:4px;background:#fff;cursor:pointer}button:hover{background:#eef0f3}
details summary{cursor:pointer;color:#3538cd}.diff td{font-size:12.5px}.diff .l{background:#fff6f5}.diff .n{background:#f3fbf6}
nav.windows a{margin-right:8px}.nowrap{white-space:nowrap}
`

/** @example c.html(<Layout title="Diff review" who={label}>…</Layout>) */
export function Layout(props: { title: string; who?: string; children?: Child }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{props.title} · org-proxy</title>
        <style>{CSS}</style>
      </head>
      <body>
        <header>
          <a href="/_proxy/">org-proxy diff review</a>
          {props.who ? (
            <span class="who">
              signed in as <b>{props.who}</b>
            </span>
          ) : null}
        </header>
        <main>{props.children}</main>
      </body>
    </html>
  )
}
