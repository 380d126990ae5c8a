// One more gateway instance's registry for the access part: prints "<jti> <epoch ms>" when a
// revocation reaches it, so the parent can time propagation across processes.
import { performance } from 'node:perf_hooks'
import { createAccessRegistry, createRedisStore, createSqliteStore } from '@hivegate/access'

const [kind, where] = process.argv.slice(2)
const store = kind === 'redis' ? createRedisStore(where) : createSqliteStore(where)
const registry = await createAccessRegistry({ store, operatorKey: 'A'.repeat(43), issuer: 'platform.example' })
registry.revocations.onRevoke((jti) => process.stdout.write(`${jti} ${performance.timeOrigin + performance.now()}\n`))
process.stdout.write('ready\n')
process.stdin.on('end', async () => {
  await registry.close()
  await store.close()
  process.exit(0)
})
process.stdin.resume()
