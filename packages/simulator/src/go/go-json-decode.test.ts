import { fc, test as fcTest } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import { JOB_DEFINITION_JSON_TYPE, QUERY_REQUEST_TYPE } from '../daemon/job-model.js'
import { GoJsonError, goDecode, goFoldName, goParse, quoteChar } from './go-json-decode.js'

const bytes = (s: string) => Buffer.from(s, 'latin1')
const utf8 = (s: string) => Buffer.from(s, 'utf8')

function decoderError(input: Buffer | string, type = QUERY_REQUEST_TYPE): string {
  try {
    goDecode(typeof input === 'string' ? utf8(input) : input, type, { mode: 'decoder' })
  } catch (error) {
    if (error instanceof GoJsonError) return error.message
    throw error
  }
  throw new Error('expected a decoding error')
}

describe('goDecode', () => {
  const syntaxCases: Array<[string, string]> = [
    ['', 'EOF'],
    ['  \n', 'EOF'],
    ['{', 'unexpected EOF'],
    ['{"all":tru', 'unexpected EOF'],
    ['x', "invalid character 'x' looking for beginning of value"],
    ['{"all":true,}', "invalid character '}' looking for beginning of object key string"],
    ['{"a" 1}', "invalid character '1' after object key"],
    ['{"a":1 "b":2}', `invalid character '"' after object key:value pair`],
    ['[1 2]', "invalid character '2' after array element"],
    ['[1,]', "invalid character ']' looking for beginning of value"],
    ['{"all":tx}', "invalid character 'x' in literal true (expecting 'r')"],
    ['{"all":nul}', "invalid character '}' in literal null (expecting 'l')"],
    ['"a\u0001"', "invalid character '\\x01' in string literal"],
    ['-x', "invalid character 'x' in numeric literal"],
    ['1.x', "invalid character 'x' after decimal point in numeric literal"],
    ['1ex', "invalid character 'x' in exponent of numeric literal"],
    ['"\\q"', "invalid character 'q' in string escape code"],
    ['"\\u12g4"', "invalid character 'g' in \\u hexadecimal character escape"],
    ["'x'", "invalid character '\\'' looking for beginning of value"],
  ]
  for (const [input, message] of syntaxCases) {
    it(`reports ${JSON.stringify(message)} when a Decoder reads ${JSON.stringify(input)}`, () => {
      expect(decoderError(input)).toBe(message)
    })
  }

  it('shows a stray UTF-8 lead byte as its Latin-1 rune, as Go does', () => {
    expect(decoderError(bytes('\xc3\xa9'))).toBe("invalid character 'Ã' looking for beginning of value")
    expect(decoderError(bytes('\xa0'))).toBe("invalid character '\\u00a0' looking for beginning of value")
  })

  it('ignores what follows the first value when it runs as a Decoder', () => {
    expect(goDecode(utf8('{"all":true}garbage'), QUERY_REQUEST_TYPE, { mode: 'decoder' })).toEqual({
      all: true,
    })
  })

  it('rejects what follows the value when it runs as Unmarshal', () => {
    expect(() => goDecode(utf8('{}x'), QUERY_REQUEST_TYPE, { mode: 'unmarshal' })).toThrow(
      "invalid character 'x' after top-level value",
    )
    expect(() => goDecode(utf8(''), QUERY_REQUEST_TYPE, { mode: 'unmarshal' })).toThrow(
      'unexpected end of JSON input',
    )
  })

  it('reports the body limit instead of EOF when the input was cut', () => {
    expect(() =>
      goDecode(utf8('{"job_ids":["a"'), QUERY_REQUEST_TYPE, {
        mode: 'decoder',
        truncatedError: 'http: request body too large',
      }),
    ).toThrow('http: request body too large')
  })

  const typeCases: Array<[string, string]> = [
    ['{"all":"yes"}', 'json: cannot unmarshal string into Go struct field QueryRequest.all of type bool'],
    [
      '{"limit":1.5}',
      'json: cannot unmarshal number 1.5 into Go struct field QueryRequest.limit of type int',
    ],
    [
      '{"limit":9223372036854775808}',
      'json: cannot unmarshal number 9223372036854775808 into Go struct field QueryRequest.limit of type int',
    ],
    [
      '{"job_ids":"a"}',
      'json: cannot unmarshal string into Go struct field QueryRequest.job_ids of type []string',
    ],
    [
      '{"job_ids":[1]}',
      'json: cannot unmarshal number into Go struct field QueryRequest.job_ids of type string',
    ],
    [
      '{"status":[true]}',
      'json: cannot unmarshal bool into Go struct field QueryRequest.status of type models.JobStatus',
    ],
    ['[]', 'json: cannot unmarshal array into Go value of type models.QueryRequest'],
    [
      '{"all":"x","limit":"y"}',
      'json: cannot unmarshal string into Go struct field QueryRequest.all of type bool',
    ],
  ]
  for (const [input, message] of typeCases) {
    it(`reports ${JSON.stringify(message)} when the value is ${input}`, () => {
      expect(decoderError(input)).toBe(message)
    })
  }

  it('names the innermost struct and the full field path for nested type errors', () => {
    expect(decoderError('{"vcenter":{"server":1}}', JOB_DEFINITION_JSON_TYPE)).toBe(
      'json: cannot unmarshal number into Go struct field VCenterConfig.vcenter.server of type string',
    )
  })

  it('matches keys case-insensitively and ignores unknown ones', () => {
    expect(
      goDecode(utf8('{"ALL":true,"Job_IDs":["a"],"x":{}}'), QUERY_REQUEST_TYPE, { mode: 'decoder' }),
    ).toEqual({
      all: true,
      job_ids: ['a'],
    })
  })

  it('treats null as "leave it" for plain fields and as nil for slices', () => {
    expect(goDecode(utf8('{"all":null,"job_ids":null}'), QUERY_REQUEST_TYPE, { mode: 'decoder' })).toEqual({
      all: undefined,
      job_ids: null,
    })
  })

  it('rejects a non-string created_at the way time.Time does', () => {
    expect(() =>
      goDecode(utf8('{"vm_path":"/a","created_at":5}'), JOB_DEFINITION_JSON_TYPE, { mode: 'unmarshal' }),
    ).toThrow('Time.UnmarshalJSON: input is not a JSON string')
  })
})

describe('goFoldName', () => {
  it('folds one rune to one rune, as unicode.ToUpper(unicode.ToLower(r)) does', () => {
    expect(goFoldName('job_ids')).toBe('JOB_IDS')
    // İ lowers to i (JS adds a combining dot), ſ and the Kelvin sign fold onto ASCII letters
    expect(goFoldName('İd')).toBe('ID')
    expect(goFoldName('ſtatus')).toBe('STATUS')
    expect(goFoldName('\u212a')).toBe('K')
    expect(goFoldName('ß')).toBe('ß')
  })
})

describe('goParse', () => {
  const str = (b: Buffer) => {
    const v = goParse(b, { mode: 'unmarshal' }).value
    return v.kind === 'string' ? v.value : undefined
  }

  it('replaces each invalid UTF-8 byte with U+FFFD, as Go does', () => {
    expect(str(bytes('"a\xffb"'))).toBe('a\uFFFDb')
    expect(str(bytes('"\xe2\x82a"'))).toBe('\uFFFD\uFFFDa')
  })

  it('pairs surrogate escapes and replaces lone ones', () => {
    expect(str(utf8('"\\ud83d\\ude00"'))).toBe('😀')
    expect(str(utf8('"\\ud83dx"'))).toBe('\uFFFDx')
    expect(str(utf8('"\\ude00\\ud83d"'))).toBe('\uFFFD\uFFFD')
  })

  it('stops at the maximum depth without exhausting the stack', () => {
    expect(() => goParse(utf8('['.repeat(20_000)), { mode: 'decoder' })).toThrow(
      "invalid character '[' exceeded max depth",
    )
  })

  fcTest.prop([fc.jsonValue()])('reads back whatever JSON.stringify writes', (value) => {
    const parsed = goParse(utf8(JSON.stringify(value)), { mode: 'unmarshal' }).value
    expect(parsed.kind).toBe(
      value === null
        ? 'null'
        : Array.isArray(value)
          ? 'array'
          : typeof value === 'object'
            ? 'object'
            : typeof value === 'boolean'
              ? 'bool'
              : typeof value,
    )
  })

  fcTest.prop([fc.string()])('either parses or throws GoJsonError', (s) => {
    try {
      goParse(utf8(s), { mode: 'decoder' })
    } catch (error) {
      expect(error).toBeInstanceOf(GoJsonError)
    }
  })
})

describe('quoteChar', () => {
  it("quotes like Go's strconv.Quote in single quotes", () => {
    expect(quoteChar(0x0a)).toBe("'\\n'")
    expect(quoteChar(0x7f)).toBe("'\\x7f'")
    expect(quoteChar(0x5c)).toBe("'\\\\'")
    expect(quoteChar(0x22)).toBe(`'"'`)
    expect(quoteChar(0xe9)).toBe("'é'")
  })
})
