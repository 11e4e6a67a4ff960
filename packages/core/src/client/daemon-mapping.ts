import type { DaemonStatus } from '../types.js'
import { assign } from './job-mapping.js'
import {
  asRecord,
  readBoolean,
  readNumber,
  readOptionalNumber,
  readOptionalString,
  readString,
} from './json-shape.js'

export interface CapabilityInfo {
  available: boolean
  version?: string
  /** Where the daemon found the tool (govc, ovftool, hyperctl); absent for the built-in web exporter. */
  path?: string
  /** Higher wins when a job names no method. */
  priority?: number
}

/** GET /capabilities: what the daemon can export with, detected once at its start. */
export interface Capabilities {
  /** The method a job without export_method gets; `ctl` is broken (docs/hyperctl.md#defect-ctl). */
  defaultMethod: string
  methods: Record<string, CapabilityInfo>
}

export function toHealth(value: unknown): { status: string; timestamp: string } {
  const reply = asRecord(value, 'health reply')
  return {
    status: readString(reply, 'status', 'health reply'),
    timestamp: readString(reply, 'timestamp', 'health reply'),
  }
}

/** GET /status (docs/hyperctl.md#daemon-status). */
export function toDaemonStatus(value: unknown, url: string): DaemonStatus {
  const path = 'status reply'
  const reply = asRecord(value, path)
  const status: DaemonStatus = {
    version: readString(reply, 'version', path),
    uptime: readString(reply, 'uptime', path),
    url,
    totalJobs: readNumber(reply, 'total_jobs', path),
    runningJobs: readNumber(reply, 'running_jobs', path),
    completedJobs: readNumber(reply, 'completed_jobs', path),
    failedJobs: readNumber(reply, 'failed_jobs', path),
  }
  assign(status, { cancelledJobs: readOptionalNumber(reply, 'cancelled_jobs', path) })
  return status
}

export function toCapabilities(value: unknown): Capabilities {
  const path = 'capabilities reply'
  const reply = asRecord(value, path)
  const listed = asRecord(reply.capabilities ?? {}, `${path}.capabilities`)
  const methods: Record<string, CapabilityInfo> = {}
  for (const [name, raw] of Object.entries(listed)) {
    const at = `${path}.capabilities.${name}`
    const entry = asRecord(raw, at)
    const info: CapabilityInfo = { available: readBoolean(entry, 'available', at) }
    assign(info, {
      version: readOptionalString(entry, 'version', at),
      path: readOptionalString(entry, 'path', at),
      priority: readOptionalNumber(entry, 'priority', at),
    })
    methods[name] = info
  }
  return { defaultMethod: readString(reply, 'default_method', path), methods }
}
