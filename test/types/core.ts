// Compile-only checks of core's public types: this file is type-checked by `npm run test:types`.
import { AuthError, type AuthErrorCode } from '@hivegate/core'

const code: AuthErrorCode = new AuthError('invalid_token').code
// @ts-expect-error: codes are a closed union
const wrong: AuthErrorCode = 'no_such_code'
void code
void wrong
