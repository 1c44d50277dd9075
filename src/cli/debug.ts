// Whether the user asked for what a run does inside: --debug anywhere on the command line, or
// DEBUG=exim-rejects (or *) in the environment, as the debug package reads it.

export function debugAsked(argv: readonly string[] = process.argv, env = process.env): boolean {
  return argv.includes('--debug') || (env.DEBUG ?? '').split(',').some((d) => d === 'exim-rejects' || d === '*')
}
