export { assertAuthentication, compileRequirement } from './requirement.js'
export type { AuthenticationRequirement, CompiledRequirement } from './requirement.js'
export { authenticationGuard } from './guard.js'
