import type { AuditEntry, SecretRecord, TokenRecord } from '../records.js'

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/** Escapes text for an HTML element or a quoted attribute. */
export function esc(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c]!)
}

const when = (ms: number | undefined): string => (ms === undefined ? '—' : new Date(ms).toISOString().replace('T', ' ').slice(0, 19) + 'Z')

const STYLE = `body{font:15px/1.45 system-ui,sans-serif;margin:0;color:#1d2330;background:#f6f7f9}
header{background:#1d2330;color:#fff;padding:.8rem 1.5rem;display:flex;justify-content:space-between;align-items:center}
header form{margin:0}main{max-width:72rem;margin:1.5rem auto;padding:0 1.5rem}
section{background:#fff;border:1px solid #dde1e8;border-radius:6px;padding:1rem 1.25rem;margin-bottom:1.5rem}
h1{font-size:1.1rem;margin:0}h2{font-size:1.05rem;margin:0 0 .75rem}
table{border-collapse:collapse;width:100%;font-size:.9rem}th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #eceff3;vertical-align:top}
code{font:.85rem ui-monospace,monospace;word-break:break-all}label{display:block;margin:.4rem 0 .15rem;font-weight:600}
input[type=text],input[type=password],textarea,select{width:100%;box-sizing:border-box;padding:.4rem;font:inherit;border:1px solid #c5ccd6;border-radius:4px}
textarea{font-family:ui-monospace,monospace;min-height:3.5rem}.grid{display:grid;grid-template-columns:repeat(3,1fr);gap:0 1rem}
button{font:inherit;padding:.4rem .9rem;border-radius:4px;border:1px solid #2d5bd7;background:#2d5bd7;color:#fff;cursor:pointer;margin-top:.6rem}
button.danger{background:#c62f2f;border-color:#c62f2f}button.plain{background:#fff;color:#2d5bd7}
.error{background:#fdecec;border-color:#f2b8b8}.once{background:#fff8e1;border-color:#f0d48a}.muted{color:#6b7483}
.revoked,.retired{color:#b42318}.retiring{color:#9a6700}.active{color:#1a7f37}a{color:#2d5bd7}`

export interface Frame {
  title: string
  nonce: string
  base: string
  actor?: string
  csrf?: string
}

/** The page around `body`: header (with sign-out when signed in), style under the CSP nonce. */
export function layout(frame: Frame, body: string, script = ''): string {
  const signOut = frame.actor === undefined ? '' : `<form method="post" action="${esc(frame.base)}/logout">
<span class="muted">${esc(frame.actor)}</span> <input type="hidden" name="csrf" value="${esc(frame.csrf)}"><button class="plain" type="submit">Sign out</button></form>`
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(frame.title)} · hivegate access</title><style nonce="${frame.nonce}">${STYLE}</style></head>
<body><header><h1>hivegate · access management</h1>${signOut}</header><main>${body}</main>${script === '' ? '' : `<script nonce="${frame.nonce}">${script}</script>`}</body></html>`
}

export function loginPage(frame: Frame, message?: string): string {
  return layout(frame, `${message === undefined ? '' : `<section class="error" role="alert">${esc(message)}</section>`}
<section><h2>Sign in</h2><p>Paste an admin token: one whose <code>per</code> grants the access objects, e.g. <code>{"hivegate": {"access/*": "CRUD"}}</code>.
Signing in through the site's login works too.</p>
<form method="post" action="${esc(frame.base)}/login"><label for="token">Admin token</label>
<input type="password" id="token" name="token" autocomplete="off" required><button type="submit">Sign in</button></form></section>`)
}

function tokenStatus(token: TokenRecord, now: number): string {
  if (token.revokedAt !== undefined) return `<span class="revoked">revoked ${esc(when(token.revokedAt))} by ${esc(token.revokedBy)}</span>`
  if (token.expiresAt !== undefined && token.expiresAt <= now) return '<span class="revoked">expired</span>'
  return '<span class="active">active</span>'
}

const hidden = (csrf: string | undefined): string => `<input type="hidden" name="csrf" value="${esc(csrf)}">`

export function dashboard(frame: Frame, state: { secrets: readonly SecretRecord[]; tokens: readonly TokenRecord[]; audit: readonly AuditEntry[]; now: number }): string {
  const base = esc(frame.base)
  const tokens = [...state.tokens].reverse().map((t) => `<tr data-token="${esc(t.id)}"><td>${esc(t.name)}</td><td><code>${esc(t.id)}</code></td>
<td>${esc(t.sub ?? '—')}${t.tnd === undefined ? '' : ` <span class="muted">(${esc(t.tnd)})</span>`}</td><td><code>${esc(t.per === undefined ? '—' : JSON.stringify(t.per))}</code></td>
<td>${esc(when(t.createdAt))}<br><span class="muted">${esc(t.createdBy)}</span></td><td>${esc(t.expiresAt === undefined ? 'never' : when(t.expiresAt))}</td>
<td>${esc(when(t.lastUsedAt))}</td><td>${tokenStatus(t, state.now)}</td>
<td>${t.revokedAt === undefined ? `<a href="${base}/tokens/${esc(t.id)}/revoke">Revoke…</a>` : ''}</td></tr>`).join('\n')
  const secrets = state.secrets.map((s) => `<tr data-secret="${esc(s.kid)}"><td><code>${esc(s.kid)}</code></td><td>${esc(s.alg)}</td>
<td class="${esc(s.status)}">${esc(s.status)}</td><td>${esc(when(s.createdAt))}</td><td>${esc(when(s.statusAt))}</td>
<td>${s.status === 'retired' ? '' : `<a href="${base}/secrets/${esc(s.kid)}/retire">Retire…</a>`}</td></tr>`).join('\n')
  const audit = state.audit.map((a) => `<tr><td>${esc(when(a.at))}</td><td>${esc(a.actor)}</td><td>${esc(a.action)}</td><td><code>${esc(a.target)}</code></td><td>${esc(a.detail)}</td></tr>`).join('\n')
  return layout(frame, `<section><h2>Static tokens</h2>
<table><thead><tr><th>Name</th><th>Id (jti)</th><th>Subject</th><th>Permissions</th><th>Created</th><th>Expires</th><th>Last used</th><th>Status</th><th></th></tr></thead>
<tbody>${tokens === '' ? '<tr><td colspan="9" class="muted">No static tokens yet.</td></tr>' : tokens}</tbody></table></section>
<section><h2>Create a static token</h2><form method="post" action="${base}/tokens">${hidden(frame.csrf)}
<div class="grid"><div><label for="name">Name</label><input type="text" id="name" name="name" required maxlength="200"></div>
<div><label for="sub">Subject (sub)</label><input type="text" id="sub" name="sub" maxlength="200"></div>
<div><label for="tnd">Tenant (tnd)</label><input type="text" id="tnd" name="tnd" maxlength="200"></div></div>
<label for="per">Permissions (per), JSON</label><textarea id="per" name="per" placeholder='{"london": {"deliveryRiders/*": "R"}}'></textarea>
<label for="dpv">Data provider (dpv), JSON</label><textarea id="dpv" name="dpv" placeholder='{"london": ["deliveryRiders/*"]}'></textarea>
<label for="expiresIn">Expires in</label><input type="text" id="expiresIn" name="expiresIn" value="never" placeholder="90d, 12h or never">
<button type="submit">Create token</button></form></section>
<section><h2>Secrets</h2><p class="muted">The active secret signs new static tokens; a retiring one still verifies; a retired one is refused.</p>
<table><thead><tr><th>Key id</th><th>Algorithm</th><th>Status</th><th>Created</th><th>Since</th><th></th></tr></thead>
<tbody>${secrets === '' ? '<tr><td colspan="6" class="muted">No secrets yet: create one to mint static tokens.</td></tr>' : secrets}</tbody></table>
<form method="post" action="${base}/secrets">${hidden(frame.csrf)}<button type="submit" class="plain">Create a secret</button></form>
${state.secrets.some((s) => s.status === 'active') ? `<a href="${base}/secrets/rotate">Rotate…</a>` : ''}</section>
<section><h2>Audit trail</h2><table><thead><tr><th>When</th><th>Who</th><th>What</th><th>Target</th><th>Detail</th></tr></thead>
<tbody>${audit === '' ? '<tr><td colspan="5" class="muted">Nothing yet.</td></tr>' : audit}</tbody></table></section>`)
}

/** A value shown once, with a copy button. */
export function shownOnce(frame: Frame, what: string, value: string, note: string): string {
  return layout(frame, `<section class="once"><h2>${esc(what)}</h2><p>${esc(note)} It is shown <strong>once</strong>: copy it now.</p>
<input type="text" id="value" readonly value="${esc(value)}"><button type="button" id="copy">Copy</button> <span id="copied" class="muted" role="status"></span>
<p><a href="${esc(frame.base)}/">Back to the list</a></p></section>`,
  `document.getElementById('copy').addEventListener('click',async()=>{const v=document.getElementById('value');v.select();
try{await navigator.clipboard.writeText(v.value)}catch{document.execCommand('copy')}document.getElementById('copied').textContent='Copied.'})`)
}

export function confirmPage(frame: Frame, question: string, detail: string, action: string, button: string): string {
  return layout(frame, `<section><h2>${esc(question)}</h2><p>${esc(detail)}</p>
<form method="post" action="${esc(action)}">${hidden(frame.csrf)}<button type="submit" class="danger">${esc(button)}</button>
<a href="${esc(frame.base)}/">Cancel</a></form></section>`)
}

export function errorPage(frame: Frame, message: string): string {
  return layout(frame, `<section class="error" role="alert"><h2>Nothing was changed</h2><p>${esc(message)}</p>
<p><a href="${esc(frame.base)}/">Back to the list</a></p></section>`)
}
