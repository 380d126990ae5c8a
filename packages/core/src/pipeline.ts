import { notSynchronous } from './verifier-hooks.js'

/**
 * What a stage answers: `undefined` to go on to the next stage, the index of the stage to go on
 * with (a cache hit skips ahead), or a Promise to wait for before going on with the next one.
 */
export type Step = number | undefined | Promise<unknown>

/** One step of a pipeline, reading and filling the run's state. */
export interface Stage<S> {
  /** What may make this stage wait, as `NotSynchronousError` names it. */
  readonly waits: string
  run(state: S): Step
}

/**
 * Runs `stages` over `state`, synchronously for as long as every stage answers at once: the state
 * itself when none had to wait, else a Promise of it. With `sync`, a stage that would wait throws
 * `NotSynchronousError` instead (its pending answer is dropped quietly). Errors are not mapped here.
 */
export function runStages<S>(stages: readonly Stage<S>[], state: S, sync: boolean, from = 0): S | Promise<S> {
  const count = stages.length
  let i = from
  while (i < count) {
    const stage = stages[i]!
    const step = stage.run(state)
    if (step === undefined) i++
    else if (typeof step === 'number') i = step
    else if (sync) throw notSynchronous(stage.waits, step)
    else return resume(stages, state, step, i + 1)
  }
  return state
}

async function resume<S>(stages: readonly Stage<S>[], state: S, pending: Promise<unknown>, next: number): Promise<S> {
  await pending
  return runStages(stages, state, false, next)
}
