/** Go `encoding/json` string output, shared by the daemon simulator and hyperctl-sim. */

const HEX = '0123456789abcdef'

/** A Go JSON string literal (json.Marshal and json.Encoder alike): HTML-safe (<, >, & escaped), U+2028/U+2029 escaped, bad UTF-8 → U+FFFD. */
export function goJsonString(text: string): string {
  let out = '"'
  for (const ch of text) {
    const cp = ch.codePointAt(0)!
    if (cp >= 0xd800 && cp <= 0xdfff) {
      out += '\\ufffd'
      continue
    }
    switch (ch) {
      case '"':
        out += '\\"'
        continue
      case '\\':
        out += '\\\\'
        continue
      case '\b':
        out += '\\b'
        continue
      case '\f':
        out += '\\f'
        continue
      case '\n':
        out += '\\n'
        continue
      case '\r':
        out += '\\r'
        continue
      case '\t':
        out += '\\t'
        continue
    }
    if (cp < 0x20 || ch === '<' || ch === '>' || ch === '&') {
      out += `\\u00${HEX[cp >> 4]}${HEX[cp & 0xf]}`
    } else if (cp === 0x2028 || cp === 0x2029) {
      out += `\\u${cp.toString(16)}`
    } else {
      out += ch
    }
  }
  return `${out}"`
}
