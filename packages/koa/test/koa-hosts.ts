// The Koa versions every test runs against: the same suite, Koa 3 and Koa 2.
import Koa3 from 'koa'
// @ts-ignore -- the npm alias `koa2` has no type declarations of its own; its API is koa's
import Koa2Untyped from 'koa2'

export const Koa2 = Koa2Untyped as typeof Koa3

export const KOA_HOSTS: ReadonlyArray<readonly [name: string, Koa: typeof Koa3]> = [
  ['koa 3', Koa3],
  ['koa 2', Koa2],
]
