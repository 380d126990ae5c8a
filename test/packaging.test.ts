// What a user installs: each package's manifest, its exports map and the files `npm pack` would publish.
import { expect } from 'chai'
import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const run = promisify(execFile)
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const PACKAGES = ['core', 'express', 'koa', 'fastify', 'ws', 'socket.io', 'oauth', 'access', 'proxy', 'cli'] as const

interface Manifest {
  name: string
  type?: string
  engines?: { node?: string }
  exports?: Record<string, unknown>
  files?: string[]
  main?: string
  types?: string
  bin?: Record<string, string>
  dependencies?: Record<string, string>
  peerDependencies?: Record<string, string>
}

function manifest(name: string): Manifest {
  return JSON.parse(readFileSync(join(ROOT, 'packages', name, 'package.json'), 'utf8')) as Manifest
}

/** Every file an `exports` entry points at, with its condition names in declaration order. */
function exportEntries(exports: Record<string, unknown>): Array<{ subpath: string; conditions: string[]; targets: string[] }> {
  return Object.entries(exports).map(([subpath, value]) =>
    typeof value === 'string'
      ? { subpath, conditions: [], targets: [value] }
      : { subpath, conditions: Object.keys(value as object), targets: Object.values(value as Record<string, string>) },
  )
}

const TEST_FILE = /(^|\/)(test|tests|__tests__)\/|\.(test|spec)\.[cm]?[jt]s$|(^|\/)src\/|\.tsbuildinfo$/

/** Runs `script` as an ES module in a child node at the repository root, as a user's code would run. */
async function inChild(script: string): Promise<string> {
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT })
  return stdout.trim()
}

describe('packaging', function () {
  const packed = new Map<string, string[]>()

  before(async function () {
    this.timeout(120_000)
    // One `npm pack --dry-run` per package (slow), in parallel; stdout is the JSON report.
    await Promise.all(
      PACKAGES.map(async (name) => {
        const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
          cwd: join(ROOT, 'packages', name),
          maxBuffer: 16 * 1024 * 1024,
        })
        const report = JSON.parse(stdout) as Array<{ files: Array<{ path: string }> }>
        packed.set(name, report[0]!.files.map((f) => f.path))
      }),
    )
  })

  for (const name of PACKAGES) {
    describe(`@hivegate/${name}`, function () {
      const pkg = manifest(name)

      it('is named @hivegate/<folder>, ESM, and supports node >=20.19 (so CommonJS users can require it)', function () {
        expect(pkg.name).to.equal(`@hivegate/${name}`)
        expect(pkg.type).to.equal('module')
        expect(pkg.engines?.node).to.equal('>=20.19')
      })

      it('has an exports map with types first in every entry and ./package.json exposed', function () {
        expect(pkg.exports, 'exports').to.be.an('object')
        const entries = exportEntries(pkg.exports!)
        expect(entries.map((e) => e.subpath)).to.include.members(['.', './package.json'])
        for (const entry of entries.filter((e) => e.conditions.length > 0)) {
          expect(entry.conditions[0], `${entry.subpath}: first condition`).to.equal('types')
          expect(entry.conditions, `${entry.subpath}: conditions`).to.include('default')
        }
        expect(pkg.exports!['./package.json']).to.equal('./package.json')
      })

      it('publishes only built files: files names no tests or sources', function () {
        expect(pkg.files, 'files').to.be.an('array').that.includes('dist')
        for (const entry of pkg.files!) expect(entry, 'files entry').not.to.match(/^(\.\/)?(src|test)(\/|$)/)
      })

      it('keeps peer dependencies and @types/* out of dependencies', function () {
        const deps = Object.keys(pkg.dependencies ?? {})
        for (const peer of Object.keys(pkg.peerDependencies ?? {})) expect(deps, `peer ${peer}`).not.to.include(peer)
        expect(deps.filter((d) => d.startsWith('@types/'))).to.deep.equal([])
      })

      it('npm pack lists dist/index.js, dist/index.d.ts, every exports target, and no tests or sources', function () {
        const files = packed.get(name)!
        expect(files).to.include.members(['package.json', 'README.md', 'dist/index.js', 'dist/index.d.ts'])
        for (const { targets } of exportEntries(pkg.exports!)) {
          for (const target of targets) expect(files, 'exports target').to.include(target.replace(/^\.\//, ''))
        }
        for (const field of [pkg.main, pkg.types, ...Object.values(pkg.bin ?? {})]) {
          if (field !== undefined) expect(files, 'main/types/bin').to.include(field.replace(/^\.\//, ''))
        }
        expect(files.filter((f) => TEST_FILE.test(f)), 'test or source files').to.deep.equal([])
      })

      it('resolves its root by name and refuses deep imports', async function () {
        const specifiers = [`@hivegate/${name}`, `@hivegate/${name}/package.json`, `@hivegate/${name}/dist/index.js`, `@hivegate/${name}/src/index.ts`]
        const out = await inChild(`
          const result = {}
          for (const s of ${JSON.stringify(specifiers)}) {
            try { result[s] = import.meta.resolve(s) } catch (e) { result[s] = e.code }
          }
          console.log(JSON.stringify(result))`)
        const result = JSON.parse(out) as Record<string, string>
        expect(result[`@hivegate/${name}`]).to.equal(`file://${ROOT}/packages/${name}/dist/index.js`)
        expect(result[`@hivegate/${name}/package.json`]).to.equal(`file://${ROOT}/packages/${name}/package.json`)
        expect(result[`@hivegate/${name}/dist/index.js`]).to.equal('ERR_PACKAGE_PATH_NOT_EXPORTED')
        expect(result[`@hivegate/${name}/src/index.ts`]).to.equal('ERR_PACKAGE_PATH_NOT_EXPORTED')
      })
    })
  }

  describe('published README', function () {
    it("core's error-code table lists exactly AUTH_ERROR_CODES, each with its status and close code", async function () {
      const { AUTH_ERROR_CODES, AuthError } = await import('@hivegate/core')
      const readme = readFileSync(join(ROOT, 'packages/core/README.md'), 'utf8')
      const section = readme.slice(readme.indexOf('## Error codes'), readme.indexOf('\n## ', readme.indexOf('## Error codes') + 1))
      const rows = [...section.matchAll(/^\| `([a-z_]+)` \| (\d{3}) \| [^|]+ \| (\d{4}) \|/gm)].map((m) => [m[1], Number(m[2]), Number(m[3])])
      const expected = AUTH_ERROR_CODES.map((code) => {
        const err = new AuthError(code)
        return [code, err.status, err.closeCode]
      })
      expect(rows).to.deep.equal(expected)
    })
  })

  describe('documented API', function () {
    it("the core README names every value @hivegate/core exports", async function () {
      const core = await import('@hivegate/core')
      const readme = readFileSync(join(ROOT, 'packages/core/README.md'), 'utf8')
      const undocumented = Object.keys(core).filter((name) => !readme.includes(`\`${name}\``) && !readme.includes(`\`${name}(`))
      expect(undocumented, 'exports missing from packages/core/README.md').to.deep.equal([])
    })
  })

  describe('subpaths', function () {
    it("core's internals are unreachable: @hivegate/core/dist/verifier.js and /src/verifier.ts do not resolve", async function () {
      const out = await inChild(`
        const codes = []
        for (const s of ['@hivegate/core/dist/verifier.js', '@hivegate/core/src/verifier.ts', '@hivegate/core/verifier']) {
          try { import.meta.resolve(s); codes.push('resolved ' + s) } catch (e) { codes.push(e.code) }
        }
        console.log(codes.join(' '))`)
      expect(out).to.equal('ERR_PACKAGE_PATH_NOT_EXPORTED ERR_PACKAGE_PATH_NOT_EXPORTED ERR_PACKAGE_PATH_NOT_EXPORTED')
    })

    it('@hivegate/ws/tcp resolves to the built tcp entry and exports attachTcpAuth', async function () {
      const out = await inChild(`
        const url = import.meta.resolve('@hivegate/ws/tcp')
        const mod = await import('@hivegate/ws/tcp')
        console.log(url + ' ' + typeof mod.attachTcpAuth)`)
      expect(out).to.equal(`file://${ROOT}/packages/ws/dist/tcp.js function`)
    })

    it('a CommonJS program can require every package (node >=20.19 loads ESM through require)', async function () {
      this.timeout(30_000)
      const script = PACKAGES.map((name) => `typeof require('@hivegate/${name}')`).join(', ')
      const { stdout } = await run(process.execPath, ['--no-warnings', '-e', `console.log([${script}].join(' '))`], { cwd: ROOT })
      expect(stdout.trim()).to.equal(PACKAGES.map(() => 'object').join(' '))
    })
  })
})
