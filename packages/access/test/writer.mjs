// A second process on the same store: creates tokens in a loop, or revokes one, printing each commit.
import { createAccessRegistry, createSqliteStore } from '@hivegate/access'

const [path, mode, arg] = process.argv.slice(2)
const store = createSqliteStore(path)
const registry = await createAccessRegistry({ store, operatorKey: 'A'.repeat(43), issuer: 'access.test' })
if (mode === 'revoke') {
  await registry.revokeToken(arg, 'writer')
  console.log('revoked')
  await registry.close()
  await store.close()
} else {
  // Until killed: every line on stdout names a token whose commit has returned.
  for (let i = 0; ; i++) {
    const { record } = await registry.createToken({ name: `bulk-${i}` }, 'writer')
    console.log(record.id)
  }
}
