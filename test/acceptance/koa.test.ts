// Drives examples/koa: the app factory with supertest, and `node examples/koa` as its README runs it.
import { describeApiExample } from '../helpers/http-example-suite.js'

describeApiExample({ folder: 'examples/koa', packageName: '@hivegate/example-koa', serve: (app) => app.callback() })
