import { describe, expect, it } from 'vitest'
import { defaultHyperctlPath, hyperctlEnv } from './hyperctl-env.js'

describe('hyperctlEnv', () => {
  it('turns colour off and fixes the locale while keeping the other variables', () => {
    const env = hyperctlEnv({
      PATH: '/usr/bin',
      NO_COLOR: '',
      LANG: 'ja_JP.UTF-8',
      LC_ALL: 'zh_CN.UTF-8',
      HOME: '/h',
    })
    expect(env).toEqual({
      PATH: '/usr/bin',
      HOME: '/h',
      NO_COLOR: '1',
      LANG: 'C.UTF-8',
      LC_ALL: 'C.UTF-8',
      RUNEWIDTH_EASTASIAN: '0',
    })
  })
})

describe('hyperctlEnv secrets', () => {
  it('leaves out action inputs and the secret variables hyperctl never reads', () => {
    const env = hyperctlEnv({
      PATH: '/usr/bin',
      'INPUT_VCENTER-PASSWORD': 'pw',
      'INPUT_API-KEY': 'k',
      HYPERVISORD_API_KEY: 'k',
      HYPERCTL_EXPORT_VCENTER_PASSWORD: 'pw',
    })
    expect(Object.keys(env).sort()).toEqual(['LANG', 'LC_ALL', 'NO_COLOR', 'PATH', 'RUNEWIDTH_EASTASIAN'])
  })
})

describe('defaultHyperctlPath', () => {
  it('uses HYPERCTL_PATH when it is set', () => {
    expect(defaultHyperctlPath({ HYPERCTL_PATH: '/opt/hyperctl' })).toBe('/opt/hyperctl')
  })

  it('falls back to hyperctl on PATH when HYPERCTL_PATH is empty or unset', () => {
    expect(defaultHyperctlPath({ HYPERCTL_PATH: ' ' })).toBe('hyperctl')
    expect(defaultHyperctlPath({})).toBe('hyperctl')
  })
})
