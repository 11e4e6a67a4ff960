import { UsageError } from '@hyperctl-export/core'
import { describe, expect, it } from 'vitest'
import { readSettings } from './settings.js'

describe('readSettings', () => {
  it('types durations, counts, booleans and the method', () => {
    const s = readSettings(
      'export',
      {
        timeout: '1h30m',
        'poll-interval': '250ms',
        'max-concurrent': '3',
        'fail-fast': true,
        'export-method': 'govc',
        'parallel-downloads': '8',
        'remove-cdrom': true,
      },
      {},
    )
    expect(s.global).toMatchObject({
      timeoutMs: 5_400_000,
      pollIntervalMs: 250,
      maxConcurrent: 3,
      failFast: true,
    })
    expect(s.job).toMatchObject({ exportMethod: 'govc', parallelDownloads: 8, removeCdrom: true })
    expect(s.global.transport).toBe('auto')
    expect(s.warnings).toEqual([])
  })

  it('takes the API key from HYPERVISORD_API_KEY when no flag is given, and the flag over it', () => {
    expect(readSettings('status', {}, { HYPERVISORD_API_KEY: 'env-key' }).global.apiKey).toBe('env-key')
    expect(
      readSettings('status', { 'api-key': 'flag-key' }, { HYPERVISORD_API_KEY: 'env-key' }).global.apiKey,
    ).toBe('flag-key')
    expect(readSettings('status', {}, { HYPERVISORD_API_KEY: '' }).global.apiKey).toBeUndefined()
  })

  it('splits and checks a status list', () => {
    expect(readSettings('jobs', { status: 'running, failed,running' }, {}).statusFilter).toEqual([
      'running',
      'failed',
    ])
  })

  it('warns about options that do nothing for the command', () => {
    const s = readSettings('status', { 'fail-fast': true, 'poll-interval': '1s' }, {})
    expect(s.warnings).toEqual([
      '--poll-interval has no effect on status',
      '--fail-fast has no effect on status',
    ])
  })

  it.each([
    [{ timeout: '90' }, '--timeout "90" is not a duration: it has no unit'],
    [{ timeout: '0s' }, '--timeout "0s" is out of range'],
    [{ 'max-concurrent': '0' }, '--max-concurrent must be a whole number from 1'],
    [{ 'max-concurrent': '2.5' }, '--max-concurrent must be a whole number'],
    [{ transport: 'ssh' }, '--transport must be one of auto, cli, api, not "ssh"'],
    [{ 'export-method': 'scp' }, '--export-method must be one of web, govc, ovftool, ctl'],
    [{ status: 'done' }, '--status must list statuses among pending'],
    [{ output: ' ' }, '--output is empty'],
  ])('throws UsageError naming the flag for %j', (values, message) => {
    expect(() => readSettings('export', values, {})).toThrow(UsageError)
    expect(() => readSettings('export', values, {})).toThrow(message)
  })
})
