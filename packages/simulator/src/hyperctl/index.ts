export { byteLength, bytePrefix, byteSuffix, decodeBytes, encodeText } from '../go/go-bytes.js'
export { goFormatFixed, goFormatFloat1, goQuote } from '../go/go-format.js'
export { goJsonString } from '../go/go-json-encode.js'
export { parseStrictRFC3339, type WallClock } from '../go/go-time.js'
export { displayWidth, runeWidth } from './display-width.js'
export { type Garbling, garbleBytes, insertStrayBytes, parseGarbling } from './garble.js'
export type { PrefixKind } from './pterm.js'
export {
  type CancelReplyView,
  cutJobId,
  cutVmPath,
  type DaemonStatusView,
  type QueryJobView,
  type RenderOptions,
  renderBoxedTable,
  renderCancelResult,
  renderPrefixLine,
  renderQueryOutput,
  renderQueryTable,
  renderSection,
  renderSpinnerFinal,
  renderSpinnerFrame,
  renderStatus,
  renderSubmitResult,
  SPINNER_SEQUENCE,
  type SubmitReplyView,
} from './render.js'
export {
  CANCEL_RESPONSE,
  DAEMON_STATUS,
  type DecodeOutcome,
  decodeGoJson,
  QUERY_RESPONSE,
  SUBMIT_RESPONSE,
} from './replies.js'
export { type ByteSink, type HyperctlSimIO, runHyperctlSim, SIM_FAILURE_EXIT_CODE } from './run.js'
export type { FetchLike } from './transport.js'
