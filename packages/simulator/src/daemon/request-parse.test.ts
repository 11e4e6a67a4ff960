import { describe, expect, it } from 'vitest'
import { GoJsonError } from '../go/go-json-decode.js'
import { decodeCancelRequest, decodeQueryRequest, parseSubmitBody } from './request-parse.js'

const body = (s: string) => Buffer.from(s, 'utf8')

function definitions(contentType: string, text: string) {
  const parsed = parseSubmitBody(contentType, body(text))
  if (!parsed.ok) throw new Error(`expected jobs, got ${parsed.error}`)
  return parsed.definitions
}

function failure(contentType: string, text: string): string {
  const parsed = parseSubmitBody(contentType, body(text))
  if (parsed.ok) throw new Error('expected a parse failure')
  return parsed.error
}

const YAML_BATCH = 'jobs:\n  - name: a\n    vm_path: /dc/vm/a\n  - id: b\n    vm_path: /dc/vm/b\n'

describe('parseSubmitBody', () => {
  it('reads one JSON job when it has a vm_path', () => {
    const [def] = definitions(
      'application/json',
      '{"name":"web-01","vm_path":"/dc/vm/web-01","output_path":"/x"}',
    )
    expect(def).toMatchObject({ name: 'web-01', vm_path: '/dc/vm/web-01', output_path: '/x', id: '' })
  })

  it('reads {"jobs": [...]} and a top-level array in JSON', () => {
    expect(definitions('application/json', '{"jobs":[{"vm_path":"/a"},{"vm_path":"/b"}]}')).toHaveLength(2)
    expect(definitions('application/json', '[{"vm_path":"/a"},{"id":"x"}]').map((d) => d.id)).toEqual([
      '',
      'x',
    ])
  })

  it('accepts a null batch element as an empty job, as Go does', () => {
    const defs = definitions('application/json', '[null,{"vm_path":"/a"}]')
    expect(defs.map((d) => d.vm_path)).toEqual(['', '/a'])
  })

  it('rejects a JSON job without vm_path (submit-http-400)', () => {
    expect(failure('application/json', '{"name": "web-01", "output_path": "/exports/web-01"}\n')).toBe(
      'invalid JSON format',
    )
  })

  it('rejects the whole form when one field has the wrong type', () => {
    expect(failure('application/json', '{"vm_path":"/a","options":{"parallel_downloads":"4"}}')).toBe(
      'invalid JSON format',
    )
    expect(failure('application/json', '[{"vm_path":"/a"},{"vm_path":"/b","compress":"yes"}]')).toBe(
      'invalid JSON format',
    )
  })

  it('ignores the top-level password in JSON (json:"-") and reads it from YAML', () => {
    expect(definitions('application/json', '{"vm_path":"/a","password":"s3cret"}')[0]?.password).toBe('')
    expect(definitions('application/x-yaml', 'vm_path: /a\npassword: s3cret\n')[0]?.password).toBe('s3cret')
  })

  it('keeps vcenter.password and the other JobDefinition fields from JSON', () => {
    const [def] = definitions(
      'application/json',
      '{"vm_path":"/a","VCenter":{"server":"vc","username":"u","password":"p"},"options":{"remove_cdrom":true},"metadata":{"k":[1,"x"]},"created_at":"0001-01-01T00:00:00Z"}',
    )
    expect(def?.vcenter).toEqual({ server: 'vc', username: 'u', password: 'p', insecure: false })
    expect(def?.options).toMatchObject({ remove_cdrom: true, parallel_downloads: 0 })
    expect(def?.metadata).toEqual({ k: [1, 'x'] })
  })

  it('rejects a JSON job whose created_at is not RFC 3339', () => {
    expect(failure('application/json', '{"vm_path":"/a","created_at":"yesterday"}')).toBe(
      'invalid JSON format',
    )
  })

  it('reads YAML in all three shapes', () => {
    expect(definitions('application/x-yaml', 'vm_path: /a\nname: one\n')).toHaveLength(1)
    expect(definitions('text/yaml', YAML_BATCH).map((d) => d.id)).toEqual(['', 'b'])
    expect(definitions('application/x-yaml', '- vm_path: /a\n- vm_path: /b\n')).toHaveLength(2)
  })

  it('decodes YAML scalars as yaml.v3 does for each field type', () => {
    const [def] = definitions(
      'application/x-yaml',
      'vm_path: /a\nname: 0x1F\ninsecure: yes\ncompress: "on"\noptions:\n  parallel_downloads: 4.9\n  remove_cdrom: off\n',
    )
    expect(def?.name).toBe('0x1F')
    expect(def?.insecure).toBe(true)
    expect(def?.compress).toBe(true)
    expect(def?.options).toMatchObject({ parallel_downloads: 4, remove_cdrom: false })
  })

  it('drops null elements of a YAML sequence', () => {
    expect(definitions('application/x-yaml', '- ~\n- vm_path: /a\n')).toHaveLength(1)
  })

  it('rejects YAML with duplicate keys', () => {
    expect(failure('application/x-yaml', 'vm_path: /a\nvm_path: /b\n')).toBe('invalid YAML format')
  })

  it('compares the content type as an exact string', () => {
    expect(failure('application/json', YAML_BATCH)).toBe('invalid JSON format')
    expect(definitions('application/json; charset=utf-8', YAML_BATCH)).toHaveLength(2)
    expect(definitions('application/yaml', YAML_BATCH)).toHaveLength(2)
    expect(definitions('', '{"vm_path":"/a"}')).toHaveLength(1)
    expect(definitions('application/x-yaml', '{"vm_path": "/a"}')).toHaveLength(1)
  })

  it('reports the YAML failure when neither parser finds jobs', () => {
    expect(failure('', '{"name":"x"}')).toBe('invalid YAML format')
    expect(failure('text/plain', '')).toBe('invalid YAML format')
    expect(failure('application/x-yaml', 'jobs: []\n')).toBe('invalid YAML format')
  })
})

describe('decodeQueryRequest', () => {
  it('reads the optional fields', () => {
    expect(
      decodeQueryRequest(body('{"job_ids":["a"],"status":["running"],"all":false,"limit":2}'), false),
    ).toEqual({
      job_ids: ['a'],
      status: ['running'],
      all: false,
      limit: 2,
    })
  })

  it('throws EOF for an empty body', () => {
    expect(() => decodeQueryRequest(body(''), false)).toThrow(new GoJsonError('EOF'))
  })

  it('throws the body-limit error when the cut body ends inside the value', () => {
    expect(() => decodeQueryRequest(body(`{"job_ids":["${'a'.repeat(50)}`), true)).toThrow(
      'http: request body too large',
    )
  })
})

describe('decodeCancelRequest', () => {
  it('reads job_ids and treats a missing list as none', () => {
    expect(decodeCancelRequest(body('{"job_ids":["a","b"]}'), false)).toEqual({ job_ids: ['a', 'b'] })
    expect(decodeCancelRequest(body('{}'), false)).toEqual({ job_ids: null })
  })
})
