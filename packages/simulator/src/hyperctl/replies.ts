import { JOB_JSON_TYPE } from '../daemon/job-model.js'
import { GoJsonError, goDecode, type WireType } from '../go/go-json-decode.js'

/**
 * hypersdk daemon/models replies as Go types, so decoding reproduces Go's type errors field for field. The
 * Job inside a query reply is the daemon's own declaration of it, as both tools share hypersdk's models.
 */

const str: WireType = { kind: 'string', name: 'string' }
const int: WireType = { kind: 'int' }
const time: WireType = { kind: 'time' }
const strings: WireType = { kind: 'slice', elem: str }

const model = (name: string, spec: Record<string, WireType>): WireType => ({
  kind: 'struct',
  name: `models.${name}`,
  fields: Object.entries(spec).map(([field, type]) => ({ name: field, type })),
})

export const QUERY_RESPONSE = model('QueryResponse', {
  jobs: { kind: 'slice', elem: { kind: 'ptr', elem: JOB_JSON_TYPE } },
  total: int,
  timestamp: time,
})

export const SUBMIT_RESPONSE = model('SubmitResponse', {
  job_ids: strings,
  accepted: int,
  rejected: int,
  errors: strings,
  timestamp: time,
})

export const CANCEL_RESPONSE = model('CancelResponse', {
  cancelled: strings,
  failed: strings,
  errors: { kind: 'map', elem: str },
  timestamp: time,
})

export const DAEMON_STATUS = model('DaemonStatus', {
  version: str,
  uptime: str,
  total_jobs: int,
  running_jobs: int,
  completed_jobs: int,
  failed_jobs: int,
  cancelled_jobs: int,
  timestamp: time,
})

export type DecodeOutcome = { ok: true; value: unknown } | { ok: false; error: string }

/**
 * json.NewDecoder(body).Decode(&v) as hyperctl runs it (ints as bigints, times as their wall clock). `readError`
 * is the Go text of an error that ended the body early (a timeout while reading).
 */
export function decodeGoJson(body: Uint8Array, type: WireType, readError?: string): DecodeOutcome {
  try {
    return {
      ok: true,
      value: goDecode(body, type, { mode: 'decoder', truncatedError: readError, values: 'printed' }),
    }
  } catch (error) {
    if (error instanceof GoJsonError) return { ok: false, error: error.message }
    throw error
  }
}
