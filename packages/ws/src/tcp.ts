export { attachTcpAuth, TcpConnection, DEFAULT_MAX_LINE_LENGTH, DEFAULT_CLOSE_TIMEOUT } from './tcp-auth.js'
export type { TcpAuth, TcpAuthOptions } from './tcp-auth.js'
