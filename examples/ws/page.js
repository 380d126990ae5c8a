// The demo page: log in for a cookie, then connect with it, or connect bare and send an auth message.
export const PAGE = `<!doctype html>
<html lang="en">
<meta charset="utf-8">
<title>hivegate WebSocket example</title>
<style>body{font:15px system-ui;margin:2rem;max-width:48rem}button{margin:.2rem}pre{background:#f4f4f4;padding:1rem;min-height:8rem;white-space:pre-wrap}</style>
<h1>hivegate WebSocket example</h1>
<p>
  <button id="login">Log in (sets the cookie)</button>
  <button id="logout">Log out</button>
</p>
<p>
  <button id="cookie">Connect with the cookie</button>
  <button id="message">Connect, then send an auth message</button>
  <button id="bad">Connect, then send a bad token</button>
</p>
<p><input id="text" value="hello" /> <button id="send">Send</button> <button id="close">Close</button></p>
<pre id="log"></pre>
<script type="module">
const log = (line) => { document.getElementById('log').textContent += line + '\\n' }
const url = location.origin.replace(/^http/, 'ws') + '/live'
let ws
function open(first) {
  if (ws) ws.close()
  ws = new WebSocket(url)
  ws.onopen = () => { log('open'); if (first) { ws.send(first); log('> ' + first.slice(0, 20) + '…') } }
  ws.onmessage = (event) => log('< ' + event.data)
  ws.onclose = (event) => log('closed ' + event.code + ' ' + event.reason)
}
const post = (path) => fetch(path, { method: 'POST' })
document.getElementById('login').onclick = async () => { await post('/login'); log('logged in: cookie set') }
document.getElementById('logout').onclick = async () => { await post('/logout'); log('logged out') }
document.getElementById('cookie').onclick = () => open()
document.getElementById('message').onclick = async () => {
  const { token } = await (await post('/token')).json()
  open('Bearer ' + token)
}
document.getElementById('bad').onclick = () => open('Bearer not.a.token')
document.getElementById('send').onclick = () => { ws?.send(document.getElementById('text').value) }
document.getElementById('close').onclick = () => ws?.close()
</script>
</html>
`
