// Stands in, in the action's bundle only, for modules that @actions/core imports for features this action
// never uses: @actions/http-client (and through it undici, about 460 kB) for getIDToken, and @actions/exec
// (with @actions/io) for platform.getDetails. Loading them on every start cost more than half of the
// action's start-up time. Reached by mistake, each says so instead of failing somewhere obscure.
// See docs/decisions/0003-action-bundle-loads-what-it-uses.md.

function notBundled(what) {
  return new Error(`${what} is not part of the hyperctl-export action's bundle (the action never uses it)`)
}

export class HttpClient {
  constructor() {
    throw notBundled('@actions/http-client (core.getIDToken)')
  }
}

export class BearerCredentialHandler {
  constructor() {
    throw notBundled('@actions/http-client (core.getIDToken)')
  }
}

export async function exec() {
  throw notBundled('@actions/exec (core.platform)')
}

export async function getExecOutput() {
  throw notBundled('@actions/exec (core.platform)')
}
