/** What a secret becomes inside a text: the same mark GitHub's own masking prints. */
export const MASK = '***'
/** What a secret-named field's value becomes. */
export const REDACTED = '[redacted]'
/**
 * Below this length a secret is masked only where it stands as a value: replacing `ab` wherever it
 * occurs would mangle ordinary words, and longer secrets are rare enough inside ordinary text.
 */
export const SHORT_SECRET_LENGTH = 4

const SECRET_KEY_ENDINGS = [
  'password',
  'passwd',
  'pass',
  'secret',
  'token',
  'api_key',
  'apikey',
  'authorization',
  'cookie',
  'private_key',
]

/** Whether a field of this name holds a secret: its lower-cased name is or ends with a secret word. */
export function isSecretKey(name: string): boolean {
  // why: headers spell the same names with hyphens (X-API-Key, Set-Cookie, Private-Key)
  const key = name.toLowerCase().replace(/-/g, '_')
  return SECRET_KEY_ENDINGS.some((ending) => key.endsWith(ending))
}

/**
 * A deep copy with the value of every secret-named field (see isSecretKey) replaced by "[redacted]", at any
 * depth: the daemon echoes `vcenter.password` in every job reply (docs/hyperctl.md#job-replies).
 */
export function redactSecrets<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v)) as T
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [key, v] of Object.entries(value)) {
      out[key] = isSecretKey(key) && v !== null && v !== undefined ? REDACTED : redactSecrets(v)
    }
    return out as T
  }
  return value
}

const KEY_WORDS = SECRET_KEY_ENDINGS.map((k) => k.replace('_', '[_-]')).join('|')
const KEY = `[\\w.-]*(?:${KEY_WORDS})`
const MENTIONS_SECRET_KEY = new RegExp(KEY_WORDS, 'i')
// why: a body we cannot parse (cut off, not JSON) may still hold `"password":"..."`, with the secret not
// known to us; a cut-off value runs to the text's end
const JSON_FIELD = new RegExp(
  `("${KEY}"\\s*:\\s*)(?:"(?:[^"\\\\]|\\\\.)*(?:"|$)|(?!["{[])[^\\s,}\\]]+)`,
  'gi',
)
// why: an error text may quote a JSON body (`\"password\":\"x\"`); its value ends at the `\"` before `,` or `}`
const QUOTED_JSON_FIELD = new RegExp(
  `(\\\\"${KEY}\\\\"\\s*:\\s*)\\\\"[\\s\\S]*?(?:\\\\"(?=\\s*[,}\\]]|$)|$)`,
  'gi',
)
// why: Go's %v of a struct (`{Password:x}`), query strings and `key=value` logs name the field without quotes
const PLAIN_FIELD = new RegExp(`(\\b${KEY}(?:=|:[ \\t]?))(?![\\s"\\\\]|\\[redacted\\])[^\\s,;&}\\]"']+`, 'gi')

/** A text with the value of every secret-named field masked, whether the field is JSON or `key=value`. */
export function redactSecretFields(text: string): string {
  // why: the field patterns try every position; most texts (names, paths, statuses) name no secret at all
  if (!MENTIONS_SECRET_KEY.test(text)) return text
  return text
    .replace(JSON_FIELD, `$1"${REDACTED}"`)
    .replace(QUOTED_JSON_FIELD, `$1\\"${REDACTED}\\"`)
    .replace(PLAIN_FIELD, `$1${REDACTED}`)
}

// why: a URL's password is a secret whether or not we know it (ovftool prints vi://user:pass@host)
const URL_USERINFO = /(\b[a-z][a-z0-9+.-]*:\/\/[^\s/@:"'<>]*:)[^\s/@"'<>]+(@)/gi

/** Masks every secret in a text; see secretScrubber. */
export function redactText(text: string, secrets: readonly (string | undefined)[]): string {
  return secretScrubber(secrets.filter((s): s is string => typeof s === 'string'))(text)
}

/**
 * A function that masks, in one regular-expression pass, every secret in each form a reply or a log can
 * carry it in: raw; JSON-, Go- and Go-%q-escaped (`\"`, `\u003c`, `\x07`, `\U0001f511`, surrogate pairs);
 * URL-encoded (`%40` or `%4a`/`%4A`, `+` for a space); base64 (standard or URL-safe, at any alignment).
 * A secret of SHORT_SECRET_LENGTH characters or more is masked wherever it occurs; a shorter one only where
 * it stands as a value: after `=` or `:`, inside quotes, as URL userinfo, or as a whole line. The password
 * of any `scheme://user:password@` URL is masked too.
 */
export function secretScrubber(secrets: readonly string[]): (text: string) => string {
  // why: every request and every hyperctl run scrubs with the run's same few secrets; building the
  // pattern costs far more than one pass over a reply
  const key = JSON.stringify([...new Set(secrets)].sort())
  const cached = scrubbers.get(key)
  if (cached) return cached
  const scrubber = buildScrubber(secrets)
  if (scrubbers.size >= SCRUBBERS_KEPT) scrubbers.delete(scrubbers.keys().next().value as string)
  scrubbers.set(key, scrubber)
  return scrubber
}

const SCRUBBERS_KEPT = 16
const scrubbers = new Map<string, (text: string) => string>()

interface SecretMatcher {
  /** Texts one of which every form of the secret contains; none: the pattern always runs. */
  anchors: string[] | undefined
  pattern: RegExp
}

function buildScrubber(secrets: readonly string[]): (text: string) => string {
  // longest first, so a secret that contains another is masked whole
  const matchers = [...expandSecrets(secrets)].sort((a, b) => b.length - a.length).map(secretMatcher)
  return (text) => {
    let masked = text
    for (const { anchors, pattern } of matchers) {
      if (anchors === undefined || anchors.some((a) => masked.includes(a)))
        masked = masked.replace(pattern, MASK)
    }
    return masked.replace(URL_USERINFO, `$1${MASK}$2`)
  }
}

function secretMatcher(secret: string): SecretMatcher {
  const long = secret.length >= SHORT_SECRET_LENGTH
  const base64 = base64Variants(secret, long)
  const forms = `(?:${[formsPattern(secret), ...base64.map(escapeRegExp)].join('|')})`
  const source = long
    ? forms
    : [
        `(?<=[=:][ \\t]?)${forms}(?=$|[^\\p{L}\\p{N}_])`,
        `(?<=//)${forms}(?=[@:])`,
        ...['"', "'", '`'].map((q) => `(?<=${q})${forms}(?=${q})`),
        `(?<=^[ \\t]*)${forms}(?=[ \\t]*$)`,
      ].join('|')
  // why: one pattern per secret tried at every position of every reply string is slow with many secrets
  // (a reply of 500 jobs can echo 500 passwords); letters and digits are never escaped by JSON, Go or URL
  // encoding, so the secret's longest run of ASCII ones is in every form but base64, which is matched literally
  const run = (secret.match(/[A-Za-z0-9]+/g) ?? []).sort((a, b) => b.length - a.length)[0]
  return { anchors: run ? [run, ...base64] : undefined, pattern: new RegExp(source, 'gmu') }
}

/** Every text to mask for these secrets: each one, trimmed, and each line of a multi-line one. */
function expandSecrets(secrets: readonly string[]): Set<string> {
  const out = new Set<string>()
  for (const secret of secrets) {
    if (secret.trim() === '') continue
    out.add(secret)
    out.add(secret.trim())
    // why: a log that prints a multi-line secret line by line shows each line on its own (GitHub masks them too)
    for (const line of secret.split(/\r?\n|\r/))
      if (line.trim().length >= SHORT_SECRET_LENGTH) out.add(line.trim())
  }
  return out
}

/** A pattern matching the secret with each character in any of its encoded forms (see secretScrubber). */
function formsPattern(secret: string): string {
  return [...secret].map(charForms).join('')
}

const SHORT_ESCAPES: Record<string, string[]> = {
  '\x07': ['a'],
  '\b': ['b'],
  '\f': ['f'],
  '\n': ['n'],
  '\r': ['r'],
  '\t': ['t'],
  '\v': ['v'],
  '"': ['"'],
  "'": ["'"],
  '\\': ['\\'],
  '/': ['/'],
}

// why: the step summary is HTML; a text escaped for it before it is redacted carries these forms
const HTML_ENTITIES: Record<string, string[]> = {
  '&': ['&amp;', '&#38;', '&#x26;'],
  '<': ['&lt;', '&#60;', '&#x3[cC];'],
  '>': ['&gt;', '&#62;', '&#x3[eE];'],
  '"': ['&quot;', '&#34;', '&#x22;'],
  "'": ['&#39;', '&#x27;', '&apos;'],
}

function charForms(ch: string): string {
  // why: no encoder escapes an ASCII letter or digit, and a pattern per character keeps compiling cheap
  if (/^[A-Za-z0-9]$/.test(ch)) return ch
  const codePoint = ch.codePointAt(0) ?? 0
  const bytes = [...Buffer.from(ch, 'utf8')]
  const forms = [
    bytes.map((b) => `%${anyCaseHex(b, 2)}`).join(''),
    bytes.map((b) => `\\\\x${anyCaseHex(b, 2)}`).join(''),
    codePoint < 0x10000
      ? `\\\\u${anyCaseHex(codePoint, 4)}`
      : [...ch.split('')].map((unit) => `\\\\u${anyCaseHex(unit.charCodeAt(0), 4)}`).join(''),
    `\\\\U${anyCaseHex(codePoint, 8)}`,
    ...(SHORT_ESCAPES[ch] ?? []).map((letter) => `\\\\${escapeRegExp(letter)}`),
    ...(ch === ' ' ? ['\\+'] : []),
    ...(HTML_ENTITIES[ch] ?? []),
    // the literal last, so that `\\` or `%25` in a text is read as one escaped character, not two
    escapeRegExp(ch),
  ]
  return `(?:${forms.join('|')})`
}

function anyCaseHex(value: number, digits: number): string {
  return [...value.toString(16).padStart(digits, '0')]
    .map((d) => (/[a-f]/.test(d) ? `[${d}${d.toUpperCase()}]` : d))
    .join('')
}

/**
 * The base64 texts of a secret. Standalone, the whole encoding (padded or not, standard or URL-safe);
 * as a substring, also the characters that encode only the secret when it sits at any of the three
 * byte alignments inside a longer encoded text (a Basic `user:password` header, a token).
 */
function base64Variants(secret: string, inside: boolean): string[] {
  const bytes = Buffer.from(secret, 'utf8')
  const out = new Set<string>()
  const whole = bytes.toString('base64')
  out.add(whole)
  out.add(whole.replace(/=+$/, ''))
  if (inside) {
    for (const offset of [1, 2]) {
      const shifted = Buffer.concat([Buffer.alloc(offset), bytes])
        .toString('base64')
        .replace(/=+$/, '')
      // why: the first characters mix in the preceding bytes, the last ones the following bytes
      const start = offset === 1 ? 2 : 3
      const end = Math.floor(((offset + bytes.length) * 8) / 6)
      if (end - start >= SHORT_SECRET_LENGTH) out.add(shifted.slice(start, end))
    }
    const stable = Math.floor((bytes.length * 8) / 6)
    if (stable >= SHORT_SECRET_LENGTH) out.add(whole.slice(0, stable))
  }
  for (const text of [...out]) out.add(text.replace(/\+/g, '-').replace(/\//g, '_'))
  return [...out].filter((text) => text.length > 0).sort((a, b) => b.length - a.length)
}

function escapeRegExp(text: string): string {
  // why: only syntax characters may be escaped in a `u` pattern (`\-` is an error there)
  return text.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&')
}
