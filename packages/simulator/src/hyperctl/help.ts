import { boxedTable, type Paint, prefixPrintln, sectionPrintln } from './pterm.js'

/**
 * A deliberately simplified help screen. The real showUsage() opens with a pterm BigText banner and a
 * centred tagline, then prints 14 sections with boxed tables; here the banner is one plain line, a note
 * says this is the simulator, and only the Job Management section is printed (with hyperctl's exact
 * rows and table bytes). Nothing should parse the help screen.
 */
export function simplifiedHelpText(paint: Paint): string {
  let out = 'HYPERCTL - Multi-cloud VM migration control CLI - Version 0.0.1\n'
  out += 'hyperctl-sim: simplified help screen (the real one has a BigText banner and 14 command tables)\n'
  out += '\n'
  out += prefixPrintln(paint, 'info', '🚀 A powerful CLI for multi-cloud to KVM migration')
  out += '\n'
  out += sectionPrintln(paint, '📦 Job Management')
  out += boxedTable(paint, [
    ['Command', 'Description', 'Example'],
    ['submit', 'Submit export job', 'hyperctl submit -vm /data/vm/my-vm -output /tmp'],
    ['submit -file', 'Submit from YAML/JSON', 'hyperctl submit -file jobs.yaml'],
    ['query', 'Query job status', 'hyperctl query -all'],
    ['status', 'Show daemon status', 'hyperctl status'],
    ['cancel', 'Cancel running jobs', 'hyperctl cancel -id abc123'],
    ['watch <job-id>', 'Watch job in real-time', 'hyperctl watch abc123'],
    ['logs <job-id>', 'View job logs', 'hyperctl logs abc123'],
    ['logs -f <job-id>', 'Follow job logs', 'hyperctl logs -f abc123'],
  ])
  out += '\n'
  return out
}
