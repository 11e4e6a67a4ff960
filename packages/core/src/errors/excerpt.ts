/** A short, one-line, quoted excerpt of raw text for an error message. */
export function excerpt(raw: string): string {
  // why: a parse error must show what was read, but a whole table would drown the message
  const oneLine = JSON.stringify(raw.length > 200 ? `${raw.slice(0, 200)}…` : raw)
  return oneLine
}
