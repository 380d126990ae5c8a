import type { Request, Response } from 'express'
import { hivegate, requireAuthentication } from '@hivegate/express'
import { describeStepUp } from '../../../test/helpers/step-up-suite.js'
import { EXPRESS_HOSTS } from './express-hosts.js'

const ok = (_req: Request, res: Response) => {
  res.json({ ok: true })
}

for (const [name, express] of EXPRESS_HOSTS) {
  describeStepUp(name, (options, requirement) => {
    const app = express()
    app.get('/unguarded', requireAuthentication(requirement), ok)
    app.use(hivegate(options))
    app.get('/step-up', requireAuthentication(requirement), ok)
    return app
  }, requireAuthentication)
}
