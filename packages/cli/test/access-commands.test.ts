import { expect } from 'chai'
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runCli, type CliResult } from './run-cli.js'

describe('hivegate access commands', function () {
  this.timeout(30_000)
  let dir: string
  let config: string
  const run = (...args: string[]): Promise<CliResult> => runCli([...args, '--config', config], { cwd: dir })
  const ok = async (...args: string[]): Promise<string> => {
    const r = await run(...args)
    expect(r.code, r.stderr).to.equal(0)
    return r.stdout
  }
  const yml = (name: string, access: string): string => {
    const file = join(dir, name)
    writeFileSync(file, `upstream: { target: http://127.0.0.1:4000 }\nauth:\n  issuer: cli.test\n${access}`)
    return file
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hivegate-access-cli-'))
    config = yml('hivegate.yml', 'access:\n  store: data/a.db\n  operatorKey: { file: data/op.key }\n')
    const init = await ok('access', 'init', '--kid', 'first')
    expect(init).to.match(/operator key: written to data\/op\.key \(mode 0600\)/)
    expect(init).to.match(/first\s+HS256\s+active/)
  })
  after(() => rmSync(dir, { recursive: true, force: true }))

  it('init a second time changes nothing', async () => {
    const again = JSON.parse(await ok('access', 'init', '--json'))
    expect(again).to.deep.include({ operatorKey: 'existing', secretCreated: false })
    expect(again.secret.kid).to.equal('first')
    expect(statSync(join(dir, 'data/op.key')).mode & 0o777).to.equal(0o600)
  })

  it('init with an { env } key that is unset prints a new key once, on stdout only', async () => {
    const envConfig = yml('env.yml', 'access:\n  store: data/env.db\n  operatorKey: { env: HG_TEST_OPERATOR_KEY }\n')
    const r = await runCli(['access', 'init', '--config', envConfig], { cwd: dir })
    expect(r.code, r.stderr).to.equal(0)
    expect(r.stdout.trim()).to.match(/^[A-Za-z0-9_-]{43}$/)
    expect(r.stderr).to.include('set HG_TEST_OPERATOR_KEY').and.not.include(r.stdout.trim())
    const listed = await runCli(['access', 'secret', 'list', '--config', envConfig], { cwd: dir, env: { HG_TEST_OPERATOR_KEY: r.stdout.trim() } })
    expect(listed.code, listed.stderr).to.equal(0)
    const wrong = await runCli(['access', 'secret', 'list', '--config', envConfig], { cwd: dir, env: { HG_TEST_OPERATOR_KEY: 'A'.repeat(43) } })
    expect(wrong.code).to.equal(1)
    expect(wrong.stderr).to.match(/another operator key|cannot be opened with this operator key/)
  })

  it('shows a secret once: on stdout at creation (or in --out), never in list', async () => {
    const r = await run('access', 'secret', 'create', '--kid', 'second')
    expect(r.code, r.stderr).to.equal(0)
    const value = r.stdout.trim()
    expect(value).to.match(/^[A-Za-z0-9_-]{43}$/)
    expect(r.stderr).to.match(/second\s+HS256\s+active/).and.not.include(value)
    const list = await ok('access', 'secret', 'list')
    expect(list).to.match(/^KID\s+ALG\s+STATUS/).and.include('second').and.not.include(value)
    expect(await ok('access', 'secret', 'list', '--json')).not.to.include(value)
    const out = await ok('access', 'secret', 'rotate', '--kid', 'third', '--out', 'third.secret')
    expect(out).to.include('value written to third.secret (mode 0600)')
    expect(readFileSync(join(dir, 'third.secret'), 'utf8').trim()).to.match(/^[A-Za-z0-9_-]{43}$/)
    expect(statSync(join(dir, 'third.secret')).mode & 0o777).to.equal(0o600)
    const after = JSON.parse(await ok('access', 'secret', 'list', '--json')).secrets
    expect(after.map((s: { kid: string; status: string }) => `${s.kid}:${s.status}`)).to.deep.equal(['first:retiring', 'second:retiring', 'third:active'])
    expect(JSON.parse(await ok('access', 'secret', 'retire', 'first', '--json')).secret.status).to.equal('retired')
  })

  it('tokens: created with claims, listed and shown without the token, revoked once', async () => {
    const created = JSON.parse(await ok('access', 'token', 'create', '--name', 'svc', '--sub', 's', '--tnd', 't', '--per', '{"london":{"*":"R"}}', '--expires-in', '30d', '--json'))
    expect(created.token).to.include({ name: 'svc', sub: 's', tnd: 't', kid: 'third' })
    expect(created.token.expiresAt - created.token.createdAt).to.be.closeTo(30 * 86_400_000, 1000)
    const { value } = created
    for (const text of [await ok('access', 'token', 'list'), await ok('access', 'token', 'show', created.token.id), await ok('access', 'token', 'show', created.token.id, '--json')]) {
      expect(text).to.include(created.token.id).and.not.include(value)
    }
    expect(await ok('access', 'token', 'revoke', created.token.id)).to.match(/token revoked:[\s\S]*revoked/)
    const twice = await run('access', 'token', 'revoke', created.token.id)
    expect(twice.code).to.equal(2)
    expect(twice.stderr).to.include('already revoked')
    expect(await ok('access', 'token', 'list', '--active')).not.to.include(created.token.id)
  })

  it('refuses bad input naming the flag, with exit code 2, and unknown ids with 1', async () => {
    const cases: Array<[string[], number, RegExp]> = [
      [['access', 'token', 'create'], 2, /--name is required/],
      [['access', 'token', 'create', '--name', 'x', '--per', '{bad'], 2, /--per must be JSON/],
      [['access', 'token', 'create', '--name', 'x', '--expires-in', 'soon'], 2, /--expires-in must be a duration/],
      [['access', 'token', 'show', 'not-an-id'], 2, /<id> must be a token id/],
      [['access', 'token', 'show', '00000000-0000-4000-8000-000000000000'], 1, /no token has this id/],
      [['access', 'token', 'revoke'], 2, /exactly one token <id>/],
      [['access', 'secret', 'retire', 'nope'], 2, /--kid names no secret/],
      [['access', 'connections', 'close'], 2, /at least one of --sub, --tnd and --jti/],
      [['access', 'token', 'frobnicate'], 2, /unknown command "access token frobnicate"/],
    ]
    for (const [args, code, message] of cases) {
      const r = await run(...args)
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).to.equal(code)
      expect(r.stderr).to.match(message)
    }
  })

  it('says what is missing: the access block, the operator key file, the store', async () => {
    const none = await runCli(['access', 'token', 'list', '--config', yml('none.yml', '')], { cwd: dir })
    expect(none.code).to.equal(1)
    expect(none.stderr).to.match(/needs an "access" block/)
    const noKey = await runCli(['access', 'token', 'list', '--config', yml('nokey.yml', 'access:\n  operatorKey: { file: missing.key }\n')], { cwd: dir })
    expect(noKey.code).to.equal(1)
    expect(noKey.stderr).to.match(/access\.operatorKey\.file: cannot read missing\.key \(ENOENT; hivegate access init creates it\)/)
    const help = await runCli(['access', '--help'])
    expect(help.stdout).to.include('token create|list|show <id>|revoke <id>')
  })
})
