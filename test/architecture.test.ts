// The package graph of DESIGN.md, checked by reading every import in packages/*/src.
import { expect } from 'chai'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const PACKAGES = join(ROOT, 'packages')

/** Which @hivegate packages each package may import (DESIGN.md "Dependency graph"). */
const LAYERS: Readonly<Record<string, readonly string[]>> = {
  core: [],
  express: ['core'],
  koa: ['core'],
  fastify: ['core'],
  ws: ['core'],
  'socket.io': ['core'],
  oauth: ['core'],
  access: ['core'],
  proxy: ['core', 'ws'],
  cli: ['core', 'access', 'proxy'],
}

/** Host frameworks: type-only imports everywhere, value imports only where listed. */
const FRAMEWORK_VALUE_IMPORTS: Readonly<Record<string, readonly string[]>> = {
  express: [],
  koa: [],
  fastify: [],
  'fastify-plugin': ['fastify'],
  ws: ['ws', 'proxy'],
  'socket.io': ['socket.io'],
  'http-proxy-middleware': ['proxy', 'cli'],
}

interface ImportSite {
  file: string
  specifier: string
  typeOnly: boolean
}

function sourceFiles(dir: string): string[] {
  let files: string[] = []
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry)
    if (statSync(path).isDirectory()) files = files.concat(sourceFiles(path))
    else if (/\.(c|m)?tsx?$/.test(entry) && !entry.endsWith('.d.ts')) files.push(path)
  }
  return files
}

/** Every import, re-export, dynamic import() and require() of a file; comments are not code. */
function importsOf(file: string): ImportSite[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true)
  const sites: ImportSite[] = []
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      sites.push({ file, specifier: node.moduleSpecifier.text, typeOnly: node.importClause?.isTypeOnly === true })
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier !== undefined && ts.isStringLiteral(node.moduleSpecifier)) {
      sites.push({ file, specifier: node.moduleSpecifier.text, typeOnly: node.isTypeOnly })
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      const ref = node.moduleReference.expression
      if (ts.isStringLiteral(ref)) sites.push({ file, specifier: ref.text, typeOnly: node.isTypeOnly })
    } else if (ts.isCallExpression(node) && node.arguments.length > 0) {
      const [arg] = node.arguments
      const isImport = node.expression.kind === ts.SyntaxKind.ImportKeyword
      const isRequire = ts.isIdentifier(node.expression) && node.expression.text === 'require'
      if ((isImport || isRequire) && arg !== undefined) {
        sites.push({ file, specifier: ts.isStringLiteralLike(arg) ? arg.text : '<computed>', typeOnly: false })
      }
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      sites.push({ file, specifier: node.argument.literal.text, typeOnly: true })
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  return sites
}

/** `@scope/name/deep` → `@scope/name`; `name/deep` → `name`. */
function packageName(specifier: string): string {
  const parts = specifier.split('/')
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!
}

const isBuiltin = (specifier: string): boolean => specifier.startsWith('node:') || builtinModules.includes(specifier)
const where = (site: ImportSite): string => `${relative(ROOT, site.file)} imports '${site.specifier}'`

const packages = readdirSync(PACKAGES).filter((name) => statSync(join(PACKAGES, name, 'src'), { throwIfNoEntry: false })?.isDirectory())
const importsByPackage = new Map(packages.map((name) => [name, sourceFiles(join(PACKAGES, name, 'src')).flatMap(importsOf)]))

describe('architecture', () => {
  it('finds the packages and their imports', () => {
    expect(packages).to.include('core')
    expect(importsByPackage.get('core')!.length).to.be.greaterThan(0)
  })

  it('core imports only node:*, jose, cookie and its own files', () => {
    const bad = importsByPackage.get('core')!.filter((site) => {
      const s = site.specifier
      return !s.startsWith('.') && !isBuiltin(s) && s !== 'jose' && s !== 'cookie'
    })
    expect(bad.map(where)).to.deep.equal([])
  })

  it('core imports built-ins with the node: prefix', () => {
    const bare = importsByPackage.get('core')!.filter((site) => !site.specifier.startsWith('node:') && isBuiltin(site.specifier))
    expect(bare.map(where)).to.deep.equal([])
  })

  it('relative imports stay inside their package’s src', () => {
    const bad: string[] = []
    for (const [name, sites] of importsByPackage) {
      const src = join(PACKAGES, name, 'src') + sep
      for (const site of sites) {
        if (site.specifier.startsWith('.') && !resolve(dirname(site.file), site.specifier).startsWith(src)) bad.push(where(site))
      }
    }
    expect(bad).to.deep.equal([])
  })

  it('packages import each other by name only, never a deep path (but core\'s documented `internal` subpath)', () => {
    const bad = [...importsByPackage.values()].flat().filter((site) => site.specifier.startsWith('@hivegate/') && site.specifier.split('/').length > 2 && site.specifier !== '@hivegate/core/internal')
    expect(bad.map(where)).to.deep.equal([])
  })

  it('packages depend on each other only in the direction of DESIGN.md', () => {
    const bad: string[] = []
    for (const [name, sites] of importsByPackage) {
      const allowed = LAYERS[name]
      for (const site of sites) {
        if (!site.specifier.startsWith('@hivegate/')) continue
        const target = packageName(site.specifier).slice('@hivegate/'.length)
        if (allowed === undefined || !allowed.includes(target)) bad.push(where(site))
      }
    }
    expect(bad).to.deep.equal([])
  })

  it('host frameworks are imported for their values only by the packages built on them', () => {
    const bad: string[] = []
    for (const [name, sites] of importsByPackage) {
      for (const site of sites) {
        const allowed = FRAMEWORK_VALUE_IMPORTS[packageName(site.specifier)]
        if (allowed !== undefined && !site.typeOnly && !allowed.includes(name)) bad.push(where(site))
      }
    }
    expect(bad).to.deep.equal([])
  })

  it('every package a src file imports is declared in its package.json', () => {
    const bad: string[] = []
    for (const [name, sites] of importsByPackage) {
      const manifest = JSON.parse(readFileSync(join(PACKAGES, name, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>
      const declared = new Set([...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.peerDependencies ?? {})])
      for (const site of sites) {
        const s = site.specifier
        if (s.startsWith('.') || isBuiltin(s) || site.typeOnly) continue
        if (!declared.has(packageName(s))) bad.push(`${where(site)} without declaring it`)
      }
    }
    expect(bad).to.deep.equal([])
  })

  it('no src file imports a dynamic, computed specifier', () => {
    const bad = [...importsByPackage.values()].flat().filter((site) => site.specifier === '<computed>')
    expect(bad.map((site) => relative(ROOT, site.file))).to.deep.equal([])
  })
})
