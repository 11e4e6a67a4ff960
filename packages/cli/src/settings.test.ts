import { UsageError } from '@hyperctl-export/core'
import { describe, expect, it } from 'vitest'
import type { OptionValues } from './command-line.js'
import { type CommandName, commandNamed } from './command-table.js'
import { resolveOptions } from './option-sources.js'
import { readSettings } from './settings.js'

function settings(command: CommandName, flags: OptionValues, env: NodeJS.ProcessEnv = {}) {
  return readSettings(command, resolveOptions(commandNamed(command)!, flags, env))
}

describe('readSettings', () => {
  it('types durations, counts, booleans and the method', () => {
    const s = settings('export', {
      timeout: '1h30m',
      'poll-interval': '250ms',
      'max-concurrent': '3',
      'fail-fast': true,
      'export-method': 'govc',
      'parallel-downloads': '8',
      'remove-cdrom': true,
    })
    expect(s.global).toMatchObject({
      timeoutMs: 5_400_000,
      pollIntervalMs: 250,
      maxConcurrent: 3,
      failFast: true,
    })
    expect(s.job).toMatchObject({ exportMethod: 'govc', parallelDownloads: 8, removeCdrom: true })
    expect(s.global.transport).toBe('auto')
  })

  it('takes a flag over HYPERCTL_EXPORT_<FLAG>, and that over the older variable', () => {
    expect(settings('status', {}, { HYPERVISORD_API_KEY: 'old' }).global.apiKey).toBe('old')
    const both = { HYPERVISORD_API_KEY: 'old', HYPERCTL_EXPORT_API_KEY: 'new' }
    expect(settings('status', {}, both).global.apiKey).toBe('new')
    expect(settings('status', { 'api-key': 'flag' }, both).global.apiKey).toBe('flag')
    expect(settings('status', {}, { HYPERVISORD_API_KEY: '' }).global.apiKey).toBeUndefined()
    const s = settings(
      'export',
      { timeout: '5m' },
      { HYPERCTL_EXPORT_TIMEOUT: '2h', HYPERCTL_EXPORT_THIN: 'yes' },
    )
    expect(s.global.timeoutMs).toBe(300_000)
    expect(s.job.thin).toBe(true)
    expect(s.given.sources).toMatchObject({
      timeout: { from: 'flag' },
      thin: { from: 'env', name: 'HYPERCTL_EXPORT_THIN' },
      compress: { from: 'default' },
    })
  })

  it('splits and checks a status list', () => {
    expect(settings('jobs', { status: 'running, failed,running' }).statusFilter).toEqual([
      'running',
      'failed',
    ])
  })

  it.each([
    [{ timeout: '90' }, '--timeout "90" is not a duration: it has no unit'],
    [{ timeout: '0s' }, '--timeout "0s" is out of range'],
    [{ 'max-concurrent': '0' }, '--max-concurrent must be a whole number from 1'],
    [{ 'max-concurrent': '2.5' }, '--max-concurrent must be a whole number'],
    [{ transport: 'ssh' }, '--transport must be auto, cli or api, not "ssh"'],
    [{ transport: 'apu' }, 'not "apu"; did you mean "api"?'],
    [{ 'export-method': 'scp' }, '--export-method must be web, govc, ovftool or ctl, not "scp"'],
    [{ output: ' ' }, '--output is empty'],
  ])('throws UsageError naming the flag for %j', (values, message) => {
    expect(() => settings('export', values)).toThrow(UsageError)
    expect(() => settings('export', values)).toThrow(message)
  })

  it('names the variable when the bad value came from the environment', () => {
    expect(() => settings('jobs', {}, { HYPERCTL_EXPORT_STATUS: 'runing' })).toThrow(
      'HYPERCTL_EXPORT_STATUS must list statuses among pending, running, completed, failed, cancelled, not "runing"; did you mean "running"?',
    )
    expect(() => settings('export', {}, { HYPERCTL_EXPORT_JSON: 'maybe' })).toThrow(
      'HYPERCTL_EXPORT_JSON must be 1 or 0',
    )
  })
})
