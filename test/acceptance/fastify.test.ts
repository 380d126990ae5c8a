// Drives examples/fastify: the app factory with supertest, and `node examples/fastify` as its README runs it.
import { asListener } from '../helpers/fastify-app.js'
import { describeApiExample } from '../helpers/http-example-suite.js'

describeApiExample({ folder: 'examples/fastify', packageName: '@hivegate/example-fastify', serve: (app) => asListener(app) })
