import { accessConnectionsClose } from '../commands/access-connections-close.js'
import { accessInit } from '../commands/access-init.js'
import { accessSecretCreate } from '../commands/access-secret-create.js'
import { accessSecretList } from '../commands/access-secret-list.js'
import { accessSecretRetire } from '../commands/access-secret-retire.js'
import { accessSecretRotate } from '../commands/access-secret-rotate.js'
import { accessTokenCreate } from '../commands/access-token-create.js'
import { accessTokenList } from '../commands/access-token-list.js'
import { accessTokenRevoke } from '../commands/access-token-revoke.js'
import { accessTokenShow } from '../commands/access-token-show.js'
import type { Io } from '../io.js'

type Command = (argv: readonly string[], io: Io) => Promise<number>

/** `hivegate access` commands: `init`, then `<object> <verb>`. */
export const ACCESS_COMMANDS: Readonly<Record<string, Command | Readonly<Record<string, Command>>>> = {
  init: accessInit,
  secret: { create: accessSecretCreate, list: accessSecretList, rotate: accessSecretRotate, retire: accessSecretRetire },
  token: { create: accessTokenCreate, list: accessTokenList, show: accessTokenShow, revoke: accessTokenRevoke },
  connections: { close: accessConnectionsClose },
}

/** `hivegate access --help`. */
export const ACCESS_HELP = `Usage: hivegate access <command> --config <hivegate.yml> [options]

The access registry named by the config's "access:" block (the one "hivegate serve" reads).

Commands:
  init                      Operator key, store and first secret, once.
  secret create|list|rotate|retire <kid>
  token create|list|show <id>|revoke <id>
  connections close --sub|--tnd|--jti

Tables for people, --json for scripts. A secret or token is shown once, when it is created.
Run "hivegate access <command> --help" for a command's options.`
