#!/usr/bin/env node
// A committed entry point, so npm can link the command before dist/ is built.
import "../dist/bin.js"
