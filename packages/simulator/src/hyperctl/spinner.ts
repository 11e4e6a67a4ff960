import { roundToSeconds } from '../go/go-format.js'
import type { Paint } from './pterm.js'
import { spinnerFinalText, spinnerFrameText } from './render.js'

/**
 * pterm's spinner on stderr: a frame every 200 ms until Success/Fail. pterm draws from a goroutine that
 * first runs when hyperctl blocks on the daemon, so a command failing before any I/O shows no frame
 * (hyperctl-real/submit-missing-args): the first frame waits for `waiting()`.
 */
export class Spinner {
  private timer: ReturnType<typeof setInterval> | undefined
  private frames = 0
  private startedAt = 0

  constructor(
    private readonly write: (text: string) => void,
    private readonly paint: Paint,
    private readonly text: string,
    private readonly width: number,
    /** Emit exactly this many frames (as the real timing would space them) instead of live ones. */
    private readonly pinnedFrames?: number,
  ) {}

  start(): void {
    if (this.pinnedFrames !== undefined) {
      for (let k = 0; k < this.pinnedFrames; k++) this.frame(k * 200)
      return
    }
    this.startedAt = performance.now()
  }

  /** The command now waits on the daemon: live frames start. */
  waiting(): void {
    if (this.pinnedFrames !== undefined || this.timer) return
    this.frame(performance.now() - this.startedAt)
    this.timer = setInterval(() => this.frame(performance.now() - this.startedAt), 200)
  }

  private frame(elapsedMs: number): void {
    this.write(spinnerFrameText(this.paint, this.frames, this.text, roundToSeconds(elapsedMs)))
    this.frames++
  }

  /** pterm's Success or Fail: the line cleared, the final prefix line, the spinner stopped. */
  finish(kind: 'success' | 'error', message: string): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = undefined
    this.write(spinnerFinalText(this.paint, kind, message, this.width))
  }
}
