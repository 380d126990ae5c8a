import Fastify from 'fastify'
import { hivegate, requireAuthentication, type HivegateOptions } from '@hivegate/fastify'
import { describeStepUp } from '../../../test/helpers/step-up-suite.js'
import { asListener } from '../../../test/helpers/fastify-app.js'

const ok = async () => ({ ok: true })

describeStepUp('fastify 5', (options, requirement) => {
  const app = Fastify()
  app.get('/unguarded', { config: { hivegate: false }, preHandler: requireAuthentication(requirement) }, ok)
  void app.register(hivegate, options as HivegateOptions)
  app.get('/step-up', { preHandler: requireAuthentication(requirement) }, ok)
  return asListener(app)
}, requireAuthentication)
