import type { Socket } from 'node:net'

/** Counts reads of `socket.remoteAddress` from here on (an own getter shadowing net.Socket's). */
export function countPeerReads(socket: Socket, counter: { reads: number }): void {
  const address = socket.remoteAddress
  Object.defineProperty(socket, 'remoteAddress', {
    configurable: true,
    get() {
      counter.reads++
      return address
    },
  })
}
