// The Express versions every test runs against: the same suite, Express 5 and Express 4.
import express5 from 'express'
// @ts-ignore -- the npm alias `express4` has no type declarations of its own; its API is express's
import express4Untyped from 'express4'

export const express4 = express4Untyped as typeof express5

export const EXPRESS_HOSTS: ReadonlyArray<readonly [name: string, express: typeof express5]> = [
  ['express 5', express5],
  ['express 4', express4],
]
