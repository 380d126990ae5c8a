// Drives examples/express: the app factory with supertest, and `node examples/express` as its README runs it.
import { describeApiExample } from '../helpers/http-example-suite.js'

describeApiExample({ folder: 'examples/express', packageName: '@hivegate/example-express', serve: (app) => app })
