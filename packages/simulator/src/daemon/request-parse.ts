import { goDecode } from '../go/go-json-decode.js'
import {
  decodeType,
  type Field,
  fieldType,
  fill,
  type GoValue,
  type StructDecl,
  slice,
  struct,
} from './go-struct.js'
import {
  BATCH,
  CANCEL_REQUEST,
  definitionFrom,
  JOB_DEFINITION,
  type JobDefinition,
  QUERY_REQUEST,
} from './job-model.js'
import { yamlDecode } from './yaml-decode.js'

/** hypervisord server.go: how POST /jobs/submit, /jobs/query and /jobs/cancel read their bodies. */

export type SubmitParse = { ok: true; definitions: JobDefinition[] } | { ok: false; error: string }

/** The three shapes a submit body may take, in the order the daemon tries them. */
const FORMS: Field[] = [struct(JOB_DEFINITION), struct(BATCH), slice(JOB_DEFINITION)]

/**
 * `handleSubmitJob`'s parsing: the Content-Type header is compared as an exact string; each parser
 * tries one object (only if it decodes and has a vm_path), then `{"jobs": [...]}` (non-empty), then a
 * top-level array (non-empty).
 */
export function parseSubmitBody(contentType: string, body: Uint8Array): SubmitParse {
  const json = (type: Field) => goDecode(body, fieldType(type), { mode: 'unmarshal' })
  const yaml = (type: Field) => yamlDecode(body, type)
  const isYaml = contentType === 'application/x-yaml' || contentType === 'text/yaml'
  const definitions =
    (isYaml ? undefined : pickForm(json)) ?? (contentType === 'application/json' ? undefined : pickForm(yaml))
  if (definitions) return { ok: true, definitions }
  return {
    ok: false,
    error: contentType === 'application/json' ? 'invalid JSON format' : 'invalid YAML format',
  }
}

function pickForm(decode: (type: Field) => unknown): JobDefinition[] | undefined {
  // a shape that does not decode is as good as an empty one: neither has jobs
  const [single, batch, array] = FORMS.map((type) => {
    try {
      return decode(type)
    } catch {
      return undefined
    }
  })
  const def = definitionFrom(single)
  if (def.vm_path !== '') return [def]
  const jobs = (batch as { jobs?: unknown } | undefined)?.jobs
  if (Array.isArray(jobs) && jobs.length > 0) return jobs.map(definitionFrom)
  if (Array.isArray(array) && array.length > 0) return array.map(definitionFrom)
  return undefined
}

/** `json.NewDecoder(r.Body).Decode(&req)`; throws GoJsonError whose message follows `invalid request: `. */
function decodeRequest<D extends StructDecl>(decl: D, body: Uint8Array, truncated: boolean): GoValue<D> {
  const options = truncated ? { truncatedError: 'http: request body too large' } : {}
  return fill(decl, goDecode(body, decodeType(decl), { mode: 'decoder', ...options }))
}

export const decodeQueryRequest = (body: Uint8Array, truncated: boolean) =>
  decodeRequest(QUERY_REQUEST, body, truncated)

export const decodeCancelRequest = (body: Uint8Array, truncated: boolean) =>
  decodeRequest(CANCEL_REQUEST, body, truncated)
