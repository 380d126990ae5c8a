import { expect } from 'chai'
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runCli } from './run-cli.js'

describe('hivegate commands (spawned)', function () {
  this.timeout(30_000)
  let dir: string
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'hivegate-cli-'))
  })
  after(() => rmSync(dir, { recursive: true, force: true }))

  it('prints help for every command with exit 0, and usage with exit 2 when no command is given', async () => {
    for (const args of [['--help'], ['secret', 'generate', '--help'], ['keys', 'generate', '--help'], ['token', 'sign', '--help'], ['token', 'verify', '--help'], ['token', 'inspect', '--help'], ['serve', '--help'], ['token', '--help']]) {
      const r = await runCli(args)
      expect(r.code, args.join(' ')).to.equal(0)
      expect(r.stdout, args.join(' ')).to.match(/^Usage: hivegate/)
    }
    const none = await runCli([])
    expect(none.code).to.equal(2)
  })

  it('reports unknown commands and options on stderr with exit 2', async () => {
    const r = await runCli(['token', 'frobnicate'])
    expect(r.code).to.equal(2)
    expect(r.stderr).to.match(/unknown command "token frobnicate"/)
    const o = await runCli(['secret', 'generate', '--bogus'])
    expect(o.code).to.equal(2)
    expect(o.stderr).to.match(/--bogus/)
    expect(o.stdout).to.equal('')
  })

  describe('secret generate', () => {
    it('prints only the secret on stdout and the kid and advice on stderr', async () => {
      const r = await runCli(['secret', 'generate', '--kid', 'k1'])
      expect(r.code).to.equal(0)
      expect(r.stdout).to.match(/^[A-Za-z0-9_-]{43}\n$/)
      expect(r.stderr).to.match(/kid: k1/).and.match(/stdout/)
    })

    it('writes the secret to a 0600 file with --out and does not print it', async () => {
      const file = join(dir, 's1.secret')
      const r = await runCli(['secret', 'generate', '--kid', 'k1', '--out', file])
      expect(r.code).to.equal(0)
      const secret = readFileSync(file, 'utf8').trim()
      expect(secret).to.have.length(43)
      expect(r.stdout + r.stderr).not.to.include(secret)
      expect(statSync(file).mode & 0o777).to.equal(0o600)
      const again = await runCli(['secret', 'generate', '--out', file])
      expect(again.code).to.equal(1)
      expect(again.stderr).to.match(/EEXIST/)
    })
  })

  describe('token sign → verify round trips', () => {
    for (const alg of ['ES256', 'RS256', 'EdDSA']) {
      it(`${alg}: keys generate, sign with the private key, verify with the JWKS and with the key file`, async () => {
        const out = join(dir, alg)
        const keys = await runCli(['keys', 'generate', '--alg', alg, '--kid', `${alg}-k`, '--out', out])
        expect(keys.code).to.equal(0)
        const pem = readFileSync(join(out, `${alg}-k.key.pem`), 'utf8')
        expect(keys.stdout).not.to.include(pem.split('\n')[1])
        const jwks = JSON.parse(readFileSync(join(out, `${alg}-k.jwks.json`), 'utf8'))
        expect(jwks.keys[0]).to.include({ kid: `${alg}-k`, alg, use: 'sig' })
        expect(jwks.keys[0]).not.to.have.property('d')
        const signed = await runCli(['token', 'sign', '--iss', 'cli-test', '--key-file', join(out, `${alg}-k.key.pem`), '--kid', `${alg}-k`, '--sub', 'bob', '--tnd', 't1', '--exp', '30d'])
        expect(signed.code, signed.stderr).to.equal(0)
        const token = signed.stdout.trim()
        const viaJwks = await runCli(['token', 'verify', '--iss', 'cli-test', '--jwks-file', join(out, `${alg}-k.jwks.json`)], { input: token })
        expect(viaJwks.code, viaJwks.stderr).to.equal(0)
        expect(JSON.parse(viaJwks.stdout)).to.include({ sub: 'bob', tnd: 't1', iss: 'cli-test' })
        const viaKey = await runCli(['token', 'verify', token, '--iss', 'cli-test', '--key-file', join(out, `${alg}-k.key.pem`)])
        expect(viaKey.code, viaKey.stderr).to.equal(0)
      })
    }

    it('HS256: a static token (--exp never) with per, dpv and a generated jti', async () => {
      const file = join(dir, 'hs.secret')
      await runCli(['secret', 'generate', '--out', file])
      const per = '{"london":{"deliveryRiders/*":"R"}}'
      const signed = await runCli(['token', 'sign', '--iss', 'cli-test', '--aud', 'api', '--secret-file', file, '--kid', 'hs-1', '--tnd', 't1', '--per', per, '--dpv', '{"london":["deliveryRides/x"]}', '--exp', 'never'])
      expect(signed.code, signed.stderr).to.equal(0)
      const verified = await runCli(['token', 'verify', '--iss', 'cli-test', '--aud', 'api', '--secret-file', file, '--require', 'tnd'], { input: signed.stdout })
      expect(verified.code, verified.stderr).to.equal(0)
      const claims = JSON.parse(verified.stdout)
      expect(claims.per).to.deep.equal(JSON.parse(per))
      expect(claims.dpv).to.deep.equal({ london: ['deliveryRides/x'] })
      expect(claims.jti).to.match(/^[0-9a-f-]{36}$/)
      expect(claims).not.to.have.property('exp')
    })

    it('reads the secret from an environment variable', async () => {
      const env = { HG_TEST_SECRET: 'an-environment-secret-of-32-bytes-or-more' }
      const signed = await runCli(['token', 'sign', '--iss', 'cli-test', '--secret-env', 'HG_TEST_SECRET', '--kid', 'e'], { env })
      const ok = await runCli(['token', 'verify', '--iss', 'cli-test', '--secret-env', 'HG_TEST_SECRET'], { env, input: signed.stdout })
      expect(ok.code, ok.stderr).to.equal(0)
    })
  })

  describe('token verify', () => {
    let file: string
    let token: string
    before(async () => {
      file = join(dir, 'verify.secret')
      await runCli(['secret', 'generate', '--out', file])
      token = (await runCli(['token', 'sign', '--iss', 'cli-test', '--secret-file', file, '--kid', 'v1'])).stdout.trim()
    })

    it('exits 1 with the reason on stderr for a wrong issuer, a wrong key or a tampered token, never echoing it', async () => {
      const other = join(dir, 'other.secret')
      await runCli(['secret', 'generate', '--out', other])
      const tampered = `${token.slice(0, -2)}${token.endsWith('A') ? 'BB' : 'AA'}`
      for (const [args, input] of [
        [['--iss', 'someone-else', '--secret-file', file], token],
        [['--iss', 'cli-test', '--secret-file', other], token],
        [['--iss', 'cli-test', '--secret-file', file], tampered],
        [['--iss', 'cli-test', '--secret-file', file], 'not a token'],
      ] as const) {
        const r = await runCli(['token', 'verify', ...args], { input })
        expect(r.code, args.join(' ')).to.equal(1)
        expect(r.stdout).to.equal('')
        expect(r.stderr).to.match(/^invalid: /)
        expect(r.stderr).not.to.include(token)
      }
    })

    it('is a usage error (exit 2) without --iss or without a key', async () => {
      expect((await runCli(['token', 'verify', '--secret-file', file], { input: token })).code).to.equal(2)
      expect((await runCli(['token', 'verify', '--iss', 'cli-test'], { input: token })).code).to.equal(2)
    })
  })

  describe('token inspect', () => {
    it('decodes without verifying and says so loudly', async () => {
      const file = join(dir, 'inspect.secret')
      writeFileSync(file, 'x'.repeat(40))
      const token = (await runCli(['token', 'sign', '--iss', 'cli-test', '--secret-file', file, '--kid', 'i1', '--sub', 'alice'])).stdout.trim()
      const r = await runCli(['token', 'inspect', token])
      expect(r.code).to.equal(0)
      expect(r.stdout).to.match(/UNVERIFIED/)
      expect(r.stderr).to.match(/UNVERIFIED/)
      const json = JSON.parse(r.stdout.slice(r.stdout.indexOf('{')))
      expect(json.verified).to.equal(false)
      expect(json.header).to.include({ alg: 'HS256', kid: 'i1' })
      expect(json.payload).to.include({ sub: 'alice', iss: 'cli-test' })
    })

    it('exits 1 on something that is not a JWS', async () => {
      const r = await runCli(['token', 'inspect', 'abc'])
      expect(r.code).to.equal(1)
      expect(r.stderr).to.match(/not a compact JWS/)
    })
  })

  it('refuses short secrets and bad --exp with a clear message', async () => {
    const file = join(dir, 'short.secret')
    writeFileSync(file, 'short')
    const short = await runCli(['token', 'sign', '--iss', 'x', '--secret-file', file])
    expect(short.code).to.equal(2)
    expect(short.stderr).to.match(/at least 32 bytes/)
    expect(short.stderr).not.to.include('short\n')
    const exp = await runCli(['token', 'sign', '--iss', 'x', '--secret-env', 'HG_LONG', '--exp', 'soon'], { env: { HG_LONG: 'y'.repeat(40) } })
    expect(exp.code).to.equal(2)
    expect(exp.stderr).to.match(/--exp .*never/)
  })

  it('refuses --per and --dpv of the wrong shape (exit 2) instead of signing a token every verifier refuses', async () => {
    const env = { HG_LONG: 'y'.repeat(40) }
    for (const [flag, value] of [['--per', '{"london":5}'], ['--per', '{"london":{"a":"X"}}'], ['--dpv', '{"london":"x"}'], ['--per', '{bad']]) {
      const r = await runCli(['token', 'sign', '--iss', 'x', '--secret-env', 'HG_LONG', flag!, value!], { env })
      expect(r.code, value).to.equal(2)
      expect(r.stdout, value).to.equal('')
      expect(r.stderr, value).to.match(/per|dpv/)
    }
  })

  it('warns on stderr when --secret-file or --key-file is readable by other users, and not otherwise', async () => {
    const file = join(dir, 'open.secret')
    writeFileSync(file, 'z'.repeat(40), { mode: 0o644 })
    chmodSync(file, 0o644)
    const open = await runCli(['token', 'sign', '--iss', 'x', '--secret-file', file])
    expect(open.code).to.equal(0)
    expect(open.stderr).to.match(/warning: .*open\.secret .*readable by other users \(mode 0644\); run: chmod 600/)
    expect(open.stderr).not.to.include('z'.repeat(40))
    chmodSync(file, 0o600)
    const closed = await runCli(['token', 'sign', '--iss', 'x', '--secret-file', file])
    expect(closed.stderr).to.equal('')
  })
})
