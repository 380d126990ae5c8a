import { expect } from 'chai'
import { compileRoutes, fillParams, matchRoute, pathSegments } from '../src/routes.js'

function errorOf(fn: () => unknown): any {
  try {
    fn()
  } catch (err) {
    return err
  }
  throw new Error('expected a throw')
}

describe('routes', () => {
  const routes = compileRoutes([
    { path: '/health', public: true },
    { path: '/public/*', public: true },
    { path: '/realms/:realm/rides/:id', methods: ['put', 'PATCH'], permission: [':realm', 'deliveryRides/:id', 'U'] },
    { path: '/realms/:realm/*', permission: [':realm', '*', 'R'] },
    { path: '/a/*/c', dataProvider: ['x', 'y'] },
  ])

  it('matches literals exactly (and a trailing slash), case-insensitively', () => {
    expect(matchRoute(routes, 'GET', '/health').rule?.path).to.equal('/health')
    expect(matchRoute(routes, 'GET', '/health/').rule?.path).to.equal('/health')
    expect(matchRoute(routes, 'GET', '/HEALTH?x=1').rule?.path).to.equal('/health')
    expect(matchRoute(routes, 'GET', '/health/more').rule).to.equal(undefined)
    expect(matchRoute(routes, 'GET', '/healthz').rule).to.equal(undefined)
  })

  it('lets a trailing * match any number of segments, including none', () => {
    for (const url of ['/public', '/public/', '/public/a', '/public/a/b/c']) expect(matchRoute(routes, 'GET', url).rule?.path, url).to.equal('/public/*')
  })

  it('lets an inner * match exactly one segment', () => {
    expect(matchRoute(routes, 'GET', '/a/b/c').rule?.path).to.equal('/a/*/c')
    expect(matchRoute(routes, 'GET', '/a/c').rule).to.equal(undefined)
    expect(matchRoute(routes, 'GET', '/a/b/b/c').rule).to.equal(undefined)
  })

  it('captures :params (decoded, case kept) and honours methods, first match winning', () => {
    const put = matchRoute(routes, 'PUT', '/realms/London/rides/r%201')
    expect(put.rule?.path).to.equal('/realms/:realm/rides/:id')
    expect(put.params).to.deep.equal({ realm: 'London', id: 'r 1' })
    const get = matchRoute(routes, 'GET', '/realms/london/rides/r1')
    expect(get.rule?.path).to.equal('/realms/:realm/*')
    expect(get.params).to.deep.equal({ realm: 'london' })
  })

  it('fills :params inside values', () => {
    expect(fillParams('deliveryRides/:id', { id: 'x-1' })).to.equal('deliveryRides/x-1')
    expect(fillParams(':realm', { realm: 'london' })).to.equal('london')
    expect(fillParams('plain', {})).to.equal('plain')
  })

  it('refuses ambiguous paths with invalid_request', () => {
    for (const url of ['/a/../b', '/a/./b', '/a/%2e%2e/b', '/a%2Fb', '/a%5Cb', '//a', '/a//b', '/%zz', 'relative', '/a%00', '/a;x/b', '/a/..;/b', '/a/b;jsessionid=1']) {
      expect(errorOf(() => pathSegments(url)).code, url).to.equal('invalid_request')
    }
    expect(pathSegments('/a/b/?q=/../')).to.deep.equal(['a', 'b', ''])
  })

  it('validates rules at construction, naming the rule', () => {
    expect(() => compileRoutes([{ path: 'x' }])).to.throw(TypeError, '"routes[0].path"')
    expect(() => compileRoutes([{ path: '/a/:b/:b' }])).to.throw(TypeError, 'twice')
    expect(() => compileRoutes([{ path: '/a/b*' }])).to.throw(TypeError, 'invalid segment')
    expect(() => compileRoutes([{ path: '/a', public: true, permission: ['a', 'b', 'R'] }])).to.throw(TypeError, 'public')
    expect(() => compileRoutes([{ path: '/a', permission: ['a', 'b'] as never }])).to.throw(TypeError, '"routes[0].permission"')
    expect(() => compileRoutes([{ path: '/a', permission: ['a', 'b', 'X'] }])).to.throw(TypeError, 'C, R, U, D')
    expect(() => compileRoutes([{ path: '/a', dataProvider: [':nope', 'b'] }])).to.throw(TypeError, ':nope')
    expect(() => compileRoutes([{ path: '/a', methods: [] }])).to.throw(TypeError, '"routes[0].methods"')
    expect(() => compileRoutes({} as never)).to.throw(TypeError, '"routes"')
  })
})
