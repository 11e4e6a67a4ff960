import { type GoType, goDecode } from '../go/go-json-decode.js'
import {
  BATCH_JSON_TYPE,
  CANCEL_REQUEST_TYPE,
  definitionFromRecord,
  JOB_DEFINITION_JSON_TYPE,
  JOB_DEFINITION_YAML_TYPE,
  type JobDefinition,
  QUERY_REQUEST_TYPE,
} from './job-model.js'
import { yamlDecode } from './yaml-decode.js'

/** hypervisord server.go: how POST /jobs/submit, /jobs/query and /jobs/cancel read their bodies. */

export type SubmitParse = { ok: true; definitions: JobDefinition[] } | { ok: false; error: string }

/**
 * `handleSubmitJob`'s parsing: the Content-Type header is compared as an exact string; each parser
 * tries one object (only if it decodes and has a vm_path), then `{"jobs": [...]}` (non-empty), then a
 * top-level array (non-empty).
 */
export function parseSubmitBody(contentType: string, body: Uint8Array): SubmitParse {
  if (contentType === 'application/json') return asResult(parseJsonJobs(body), 'invalid JSON format')
  if (contentType === 'application/x-yaml' || contentType === 'text/yaml') {
    return asResult(parseYamlJobs(body), 'invalid YAML format')
  }
  const json = parseJsonJobs(body)
  if (json) return { ok: true, definitions: json }
  return asResult(parseYamlJobs(body), 'invalid YAML format')
}

function asResult(definitions: JobDefinition[] | undefined, failure: string): SubmitParse {
  return definitions ? { ok: true, definitions } : { ok: false, error: failure }
}

function attempt(decode: () => unknown): { ok: boolean; value: unknown } {
  try {
    return { ok: true, value: decode() }
  } catch {
    return { ok: false, value: undefined }
  }
}

function parseJsonJobs(body: Uint8Array): JobDefinition[] | undefined {
  const unmarshal = (type: GoType) => () => goDecode(body, type, { mode: 'unmarshal' })
  return pickForm(
    attempt(unmarshal(JOB_DEFINITION_JSON_TYPE)),
    attempt(unmarshal(BATCH_JSON_TYPE)),
    attempt(unmarshal({ kind: 'slice', elem: JOB_DEFINITION_JSON_TYPE })),
  )
}

function parseYamlJobs(body: Uint8Array): JobDefinition[] | undefined {
  const batchType: GoType = {
    kind: 'struct',
    name: 'models.BatchJobDefinition',
    fields: [{ name: 'jobs', type: { kind: 'slice', elem: JOB_DEFINITION_YAML_TYPE } }],
  }
  return pickForm(
    attempt(() => yamlDecode(body, JOB_DEFINITION_YAML_TYPE)),
    attempt(() => yamlDecode(body, batchType)),
    attempt(() => yamlDecode(body, { kind: 'slice', elem: JOB_DEFINITION_YAML_TYPE })),
  )
}

function pickForm(
  single: { ok: boolean; value: unknown },
  batch: { ok: boolean; value: unknown },
  array: { ok: boolean; value: unknown },
): JobDefinition[] | undefined {
  if (single.ok) {
    const def = definitionFromRecord(single.value as Record<string, unknown> | undefined)
    if (def.vm_path !== '') return [def]
  }
  if (batch.ok) {
    const jobs = (batch.value as { jobs?: unknown } | undefined)?.jobs
    if (Array.isArray(jobs) && jobs.length > 0)
      return jobs.map((j) => definitionFromRecord(j as Record<string, unknown>))
  }
  if (array.ok && Array.isArray(array.value) && array.value.length > 0) {
    return array.value.map((j) => definitionFromRecord(j as Record<string, unknown>))
  }
  return undefined
}

export interface QueryRequest {
  job_ids: string[] | null
  status: string[] | null
  all: boolean
  limit: number
}

/** `json.NewDecoder(r.Body).Decode(&req)`; throws GoJsonError whose message follows `invalid request: `. */
export function decodeQueryRequest(body: Uint8Array, truncated: boolean): QueryRequest {
  const raw = goDecode(body, QUERY_REQUEST_TYPE, decoderOptions(truncated)) as
    | Partial<QueryRequest>
    | undefined
  return {
    job_ids: raw?.job_ids ?? null,
    status: raw?.status ?? null,
    all: raw?.all ?? false,
    limit: raw?.limit ?? 0,
  }
}

export function decodeCancelRequest(body: Uint8Array, truncated: boolean): { job_ids: string[] | null } {
  const raw = goDecode(body, CANCEL_REQUEST_TYPE, decoderOptions(truncated)) as
    | { job_ids?: string[] | null }
    | undefined
  return { job_ids: raw?.job_ids ?? null }
}

function decoderOptions(truncated: boolean) {
  return truncated
    ? { mode: 'decoder' as const, truncatedError: 'http: request body too large' }
    : { mode: 'decoder' as const }
}
