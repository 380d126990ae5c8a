import type { Algorithm } from './algorithms.js'
import type { VerificationKey } from './options.js'
import { intersect } from './algorithms.js'

type KeyList = readonly VerificationKey[]
const EMPTY: KeyList = Object.freeze([])

/**
 * Keys indexed once by (kid, alg) and by alg alone, so that a lookup on the request path is two
 * `Map.get`s returning a prebuilt frozen array. Maps, never objects: a kid such as `__proto__`
 * or `constructor` must not reach a prototype.
 */
export class KeyTable {
  readonly size: number
  private readonly byKid = new Map<string, Map<Algorithm, KeyList>>()
  private readonly byAlg: Map<Algorithm, KeyList>
  /** Algorithms some key of the table may verify. */
  readonly algorithms: ReadonlySet<Algorithm>

  /** Each key's algorithms are narrowed to `allowed`; keys left with none are dropped. */
  constructor(keys: readonly VerificationKey[], allowed: ReadonlySet<Algorithm>) {
    const byKid = new Map<string, Map<Algorithm, VerificationKey[]>>()
    const byAlg = new Map<Algorithm, VerificationKey[]>()
    let size = 0
    for (const given of keys) {
      const algorithms = intersect(given.algorithms, allowed)
      if (algorithms.length === 0) continue
      const key: VerificationKey =
        algorithms === given.algorithms ? given : Object.freeze({ ...given, algorithms: Object.freeze(algorithms) })
      size++
      for (const alg of algorithms) {
        push(byAlg, alg, key)
        if (key.kid === undefined) continue
        let perAlg = byKid.get(key.kid)
        if (perAlg === undefined) byKid.set(key.kid, (perAlg = new Map()))
        push(perAlg, alg, key)
      }
    }
    for (const [kid, perAlg] of byKid) this.byKid.set(kid, freezeValues(perAlg))
    this.byAlg = freezeValues(byAlg)
    this.size = size
    this.algorithms = new Set(this.byAlg.keys())
  }

  hasKid(kid: string): boolean {
    return this.byKid.has(kid)
  }

  /** Keys with this kid bound to `alg`: undefined when the kid is unknown, empty when it is not bound to `alg`. */
  forKid(kid: string, alg: Algorithm): KeyList | undefined {
    const perAlg = this.byKid.get(kid)
    if (perAlg === undefined) return undefined
    return perAlg.get(alg) ?? EMPTY
  }

  /** Every key bound to `alg`, with or without a kid. */
  forAlg(alg: Algorithm): KeyList {
    return this.byAlg.get(alg) ?? EMPTY
  }
}

function push<K>(map: Map<K, VerificationKey[]>, k: K, key: VerificationKey): void {
  const list = map.get(k)
  if (list === undefined) map.set(k, [key])
  else list.push(key)
}

function freezeValues<K>(map: Map<K, VerificationKey[]>): Map<K, KeyList> {
  const out = new Map<K, KeyList>()
  for (const [k, list] of map) out.set(k, Object.freeze(list))
  return out
}
