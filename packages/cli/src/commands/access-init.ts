import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { AccessError, generateOperatorKey } from '@hivegate/access'
import { parse, required } from '../args.js'
import { ACCESS_OPTIONS, ACCESS_OPTIONS_HELP, cliErrorOf } from '../access/run.js'
import { json, secretRow, SECRET_HEADER, table } from '../access/format.js'
import { loadAccessConfig } from '../config/load-config.js'
import type { Io } from '../io.js'
import { openAccess } from '../open-access.js'

/** `--help` text. */
export const ACCESS_INIT_HELP = `Usage: hivegate access init --config <hivegate.yml> [--kid <id>] [--json]

Sets up the access registry the config's "access:" block names, once:
  - the operator key: with access.operatorKey { file } a new key is written there (mode 0600) when
    the file does not exist; with { env } and the variable unset, a new key is printed on stdout,
    once, for you to store (it seals the secrets in the store; without it they cannot be read);
  - the store: a new SQLite file, or an empty Redis database set up for hivegate;
  - the first signing secret (active), unless the store has one.
Running it again changes nothing that exists.

Options:
  --kid <id>       Key id of the first secret. Default: a random id.
${ACCESS_OPTIONS_HELP}`

/** `hivegate access init`. */
export async function accessInit(argv: readonly string[], io: Io): Promise<number> {
  const { values } = parse(argv, { ...ACCESS_OPTIONS, kid: { type: 'string' } })
  if (values.help) return void io.out(ACCESS_INIT_HELP), 0
  const loaded = loadAccessConfig(required(values.config, 'config'), io.env, io.cwd)
  for (const warning of loaded.warnings) io.err(`hivegate: ${warning}`)
  const config = loaded.config
  const source = config.operatorKey
  let env = io.env
  let keyCreated: 'file' | 'printed' | undefined
  let printedKey: string | undefined
  if ('file' in source) {
    const file = resolve(loaded.baseDir, source.file)
    try {
      mkdirSync(dirname(file), { recursive: true, mode: 0o700 })
      writeFileSync(file, `${generateOperatorKey()}\n`, { mode: 0o600, flag: 'wx' })
      keyCreated = 'file'
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      if (code !== 'EEXIST') throw loaded.errorAt(['access', 'operatorKey', 'file'], `cannot write ${source.file} (${code ?? 'error'})`)
    }
  } else if (env[source.env] === undefined || env[source.env] === '') {
    printedKey = generateOperatorKey()
    env = { ...env, [source.env]: printedKey }
    keyCreated = 'printed'
  }
  const access = await openAccess(loaded, config, { env, once: true, create: true, warn: (text) => io.err(`hivegate: ${loaded.file}: ${text}`) })
  try {
    let secret = access.registry.listSecrets().find((s) => s.status === 'active')
    const secretCreated = secret === undefined
    if (secret === undefined) {
      secret = (await access.registry.createSecret(values.kid === undefined ? {} : { kid: values.kid }, values.actor ?? 'cli:init')).record
    }
    const store = access.store.description
    if (values.json) {
      io.out(json({ store, version: access.registry.version, operatorKey: keyCreated ?? 'existing', ...(printedKey !== undefined && { operatorKeyValue: printedKey }), secret, secretCreated }))
      return 0
    }
    const lines = [`access store: ${store} (version ${access.registry.version})`]
    if (keyCreated === 'file') lines.push(`operator key: written to ${'file' in source ? source.file : ''} (mode 0600); keep a copy: without it the stored secrets cannot be read`)
    else if (keyCreated === undefined) lines.push('operator key: existing')
    lines.push(secretCreated ? 'first secret created:' : 'active secret:', table(SECRET_HEADER, [secretRow(secret)]))
    lines.push('', `next: hivegate access token create --config ${loaded.file} --name <name> [--sub --tnd --per --dpv --expires-in]`)
    if (printedKey !== undefined) {
      io.err(lines.join('\n'))
      io.err(`\noperator key: a new one is printed on stdout below, once. Store it and set ${'env' in source ? source.env : ''} to it wherever hivegate serve or hivegate access runs.`)
      io.out(printedKey)
    } else io.out(lines.join('\n'))
    return 0
  } catch (err) {
    if (err instanceof AccessError) throw cliErrorOf(err)
    throw err
  } finally {
    await access.close()
  }
}
