import { isRecord } from './redact-reply.js'

/** A reply field that is missing or of the wrong type; turned into HyperctlParseError by the caller. */
export class ReplyShapeError extends Error {
  constructor(path: string, expected: string, got: unknown) {
    super(`${path}: expected ${expected}, got ${describe(got)}`)
    this.name = 'ReplyShapeError'
  }
}

export function asRecord(value: unknown, path: string): Record<string, unknown> {
  if (!isRecord(value)) throw new ReplyShapeError(path, 'an object', value)
  return value
}

export function readString(obj: Record<string, unknown>, key: string, path: string): string {
  const value = obj[key]
  if (typeof value !== 'string') throw new ReplyShapeError(`${path}.${key}`, 'a string', value)
  return value
}

/** A string field that Go omits or writes as "" when empty; both become undefined. */
export function readOptionalString(
  obj: Record<string, unknown>,
  key: string,
  path: string,
): string | undefined {
  const value = obj[key]
  if (value === undefined || value === null || value === '') return undefined
  if (typeof value !== 'string') throw new ReplyShapeError(`${path}.${key}`, 'a string', value)
  return value
}

export function readNumber(obj: Record<string, unknown>, key: string, path: string): number {
  const value = obj[key]
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ReplyShapeError(`${path}.${key}`, 'a number', value)
  }
  return value
}

export function readOptionalNumber(
  obj: Record<string, unknown>,
  key: string,
  path: string,
): number | undefined {
  if (obj[key] === undefined || obj[key] === null) return undefined
  return readNumber(obj, key, path)
}

export function readBoolean(obj: Record<string, unknown>, key: string, path: string): boolean {
  const value = readOptionalBoolean(obj, key, path)
  if (value === undefined) throw new ReplyShapeError(`${path}.${key}`, 'true or false', obj[key])
  return value
}

export function readOptionalBoolean(
  obj: Record<string, unknown>,
  key: string,
  path: string,
): boolean | undefined {
  const value = obj[key]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'boolean') throw new ReplyShapeError(`${path}.${key}`, 'true or false', value)
  return value
}

/** A Go `[]string`: null (a nil slice) and absence both read as []. */
export function readStringList(obj: Record<string, unknown>, key: string, path: string): string[] {
  const value = obj[key]
  if (value === undefined || value === null) return []
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw new ReplyShapeError(`${path}.${key}`, 'a list of strings', value)
  }
  return value
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing'
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'a list'
  if (typeof value === 'object') return 'an object'
  return `${typeof value} ${JSON.stringify(value)?.slice(0, 40)}`
}
