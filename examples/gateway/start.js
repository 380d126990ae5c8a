// `npm start`: the demo gateway in front of a demo upstream, with a token and commands to try.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../../', import.meta.url))

// A fresh clone has no dist/ yet: build the packages the demo runs on.
if (!existsSync(new URL('../../packages/cli/dist/index.js', import.meta.url))) {
  console.log('Building the hivegate packages (first run)...')
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
  const built = spawnSync(process.execPath, [tsc, '-b', 'packages/cli'], { cwd: root, stdio: 'inherit' })
  if (built.status !== 0) {
    console.error('hivegate demo: the build failed; run "npm run build" to see why.')
    process.exit(1)
  }
}

const { startDemo, demoCommands, DEFAULT_PORT } = await import('./demo.js')

function portFromEnv() {
  const text = process.env.PORT
  if (text === undefined || text === '') return DEFAULT_PORT
  const port = Number(text)
  if (!/^\d{1,5}$/.test(text) || port > 65535) {
    console.error(`hivegate demo: PORT must be a number from 0 to 65535, got "${text}"`)
    process.exit(1)
  }
  return port
}

let demo
try {
  demo = await startDemo({ port: portFromEnv() })
} catch (err) {
  console.error(`hivegate demo: ${err.message}`)
  process.exit(1)
}

const lines = [
  '',
  `hivegate demo ready: gateway ${demo.url} -> demo upstream ${demo.upstreamUrl}`,
  '',
  'Demo token (HS256, signed with a demo secret generated for this run only; valid 1 hour):',
  demo.token,
  '',
  'Try these (from any directory):',
]
const adminLines = [
  '',
  `Access admin page: ${demo.adminUrl}`,
  'Sign in with this admin token (grants hivegate access/*; valid 1 hour):',
  demo.adminToken,
  `Static tokens made there are kept in ${demo.dataDir} (delete it to start over).`,
]
for (const [what, command] of demoCommands(demo)) lines.push('', `# ${what}`, command)
lines.push(...adminLines, '', 'Press Ctrl-C to stop.', '')
console.log(lines.join('\n'))

let stopping = false
async function stop() {
  if (stopping) return
  stopping = true
  await demo.close()
  console.log('hivegate demo stopped')
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
