// why: what a step needs once its inputs are valid (the REST client, the hyperctl runner, the YAML and XML
// parsers) is imported from here with import(), so the bundle puts it in a chunk of its own and a step that
// fails on its inputs ends without loading it (bench/run.mjs: the action's start-up ratio)
export { createBackend, describeTransportEvent, exportVms, readJobFile } from '@hyperctl-export/core'
