export { GoJsonError } from '../go/go-json-decode.js'
export {
  durationSeconds,
  formatGoDuration,
  formatRfc3339,
  formatRfc3339Nano,
  GO_ZERO_TIME_NS,
  parseGoDuration,
  parseRfc3339,
} from '../go/go-time.js'
export { type AdvanceableClock, clockNowNs, ManualClock, msToNs, realClock, type SimClock } from './clock.js'
export { DAEMON_VERSION } from './daemon-routes.js'
export { SIM_EXPORT_DAMAGES, type SimExportDamage, sha256File } from './export-damage.js'
export {
  type ExportLayout,
  ovfDescriptor,
  sparseVmdkLayout,
  type WrittenExport,
  writeExport,
} from './export-files.js'
export {
  type GoDownOptions,
  type HypervisordSim,
  type HypervisordSimOptions,
  type RecordedRequest,
  type RequestMatch,
  type SimControl,
  startHypervisordSim,
} from './hypervisord-sim.js'
export {
  EXPORT_METHODS,
  type ExportMethod,
  type ExportOptions,
  type JobStatus,
  type VCenterConfig,
  type WireJob,
  type WireJobDefinition,
  type WireJobProgress,
  type WireJobResult,
} from './job-model.js'
