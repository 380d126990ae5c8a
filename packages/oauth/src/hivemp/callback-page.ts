import { escapeHtml, page, type FlowResponse } from '../http.js'

// Lifts `#session=` out of the fragment, removes it from the address bar and history entry, and posts it.
const SCRIPT = `(function () {
  var match = /(?:^#|&)session=([^&]*)/.exec(location.hash);
  history.replaceState(null, '', location.pathname + location.search);
  var session = '';
  try { session = match ? decodeURIComponent(match[1]) : ''; } catch (e) { session = ''; }
  if (!session) { document.getElementById('status').textContent = 'The login did not return a session.'; return; }
  var form = document.getElementById('login');
  form.elements.session.value = session;
  form.submit();
})();`

/**
 * The page at the redirect URI. The fragment never reaches a server, so this page's script reads
 * it and POSTs it to the same path with the login's CSRF value. Strict CSP with a per-response
 * nonce, no caching, no referrer (the URL held the session).
 */
export function callbackPage(action: string, csrf: string, nonce: string): FlowResponse {
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="referrer" content="no-referrer"><title>Signing in…</title></head>
<body><p id="status">Signing in…</p>
<form id="login" method="post" action="${escapeHtml(action)}">
<input type="hidden" name="csrf" value="${escapeHtml(csrf)}"><input type="hidden" name="session" value="">
<noscript><p>JavaScript is needed to finish signing in.</p></noscript>
</form>
<script nonce="${escapeHtml(nonce)}">${SCRIPT}</script>
</body></html>`
  return page(200, html, {
    'Content-Security-Policy': `default-src 'none'; script-src 'nonce-${nonce}'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`,
    'X-Frame-Options': 'DENY',
  })
}
