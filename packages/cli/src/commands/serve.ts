import { parse, required } from '../args.js'
import { loadConfig } from '../config/load-config.js'
import { CliError, USAGE, type Io } from '../io.js'
import { startGateway } from '../start-gateway.js'

/** `--help` text. */
export const SERVE_HELP = `Usage: hivegate serve --config <hivegate.yml> [--host <host>] [--port <port>]

Runs the authenticating gateway described by the config file: every HTTP request and WebSocket is
authenticated (cookie, Bearer header or auth message) and checked against the routes before it
reaches the upstream. With an "access:" block it opens the access registry first (static tokens,
revocations, the admin page and a health endpoint); with its store on Redis, the failure throttle
and the DPoP replay check are shared by every gateway on it. Stops on Ctrl-C (SIGINT) or SIGTERM.

Options:
  --config <file>  YAML config (see the @hivegate/cli README). Required.
  --host <host>    Listen address, overriding listen.host.
  --port <port>    Listen port, overriding listen.port (0 picks a free one).
  -h, --help       Show this help.`

/** Resolves when the gateway has stopped after a signal. */
export async function serve(argv: readonly string[], io: Io): Promise<number> {
  const { values } = parse(argv, { config: { type: 'string', short: 'c' }, host: { type: 'string' }, port: { type: 'string' } })
  if (values.help) return void io.out(SERVE_HELP), 0
  const loaded = loadConfig(required(values.config, 'config'), io.env, io.cwd)
  for (const warning of loaded.warnings) io.err(`hivegate: ${warning}`)
  let port: number | undefined
  if (values.port !== undefined) {
    port = Number(values.port)
    if (!/^\d{1,5}$/.test(values.port) || port > 65535) throw new CliError('--port must be a number from 0 to 65535', USAGE)
  }
  const running = await startGateway(loaded, {
    ...(values.host !== undefined && { host: values.host }),
    ...(port !== undefined && { port }),
    env: io.env,
    warn: (text) => io.err(`hivegate: ${loaded.file}: ${text}`),
    onAccessEvent: (event) => {
      if (event.type === 'access_refresh_failed') io.err(`hivegate: access store unreadable, serving the last state: ${event.reason}`)
      else if (event.type === 'access_store_regressed') io.err(`hivegate: access store shows version ${event.found}, older than the served ${event.served}: refused, serving the last state`)
      else if (event.type === 'access_usage_write_failed') io.err(`hivegate: access last-used times not written: ${event.reason}`)
    },
  })
  // Listen for the stop signals before announcing the address: a supervisor may send one at once.
  const stopped = new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
      resolve()
    }
    process.on('SIGINT', stop)
    process.on('SIGTERM', stop)
  })
  const { url } = running
  io.out(`hivegate gateway listening on ${url.origin} -> ${loaded.config.gateway.target}`)
  const access = loaded.config.access
  if (access !== undefined) {
    const where = access.store.kind === 'sqlite' ? access.store.path : running.access!.health().storeConnected ? 'redis' : 'redis (not connected)'
    io.out(`hivegate access registry: ${where}, version ${running.access!.version}${running.access!.health().loaded ? '' : ' (loading: static tokens refused until it is)'}`)
    if (access.admin !== false) io.out(`hivegate access admin: ${url.origin}${access.admin.path}/`)
    if (access.health !== false) io.out(`hivegate health: ${url.origin}${access.health}`)
  }
  await stopped
  await running.close()
  io.out('hivegate gateway stopped')
  return 0
}
