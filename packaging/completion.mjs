// Shell completion for bash and zsh, written from oclif's manifest and the built modules: the
// commands, each command's flags, and the values of those that take a known set (formats, kinds,
// group keys, colour modes); files where a file or a log is wanted.
//
//   node packaging/completion.mjs bash > exim-rejects
//   node packaging/completion.mjs zsh > _exim-rejects

import {readFileSync} from 'node:fs'
import {fileURLToPath, pathToFileURL} from 'node:url'

const ROOT = fileURLToPath(new URL('..', import.meta.url))

async function model() {
  const manifest = JSON.parse(readFileSync(`${ROOT}/oclif.manifest.json`, 'utf8'))
  const {EVENT_KINDS} = await import(pathToFileURL(`${ROOT}/dist/kinds.js`).href)
  const {GROUP_KEYS} = await import(pathToFileURL(`${ROOT}/dist/aggregate/keys.js`).href)
  const lists = {kind: [...EVENT_KINDS, 'all'], by: [...GROUP_KEYS, 'label']}
  const commands = Object.entries(manifest.commands).map(([id, c]) => ({
    id,
    summary: c.summary ?? c.description ?? '',
    flags: Object.values(c.flags)
      .filter((f) => !f.hidden)
      .map((f) => ({
        names: [...(f.char ? [`-${f.char}`] : []), ...(f.charAliases ?? []).map((a) => `-${a}`), `--${f.name}`],
        takesValue: f.type === 'option',
        summary: f.description ?? '',
        // What its value is: one of a set, a comma list of a set, a file, or free text.
        values: f.options ?? null,
        list: lists[f.name] ?? null,
        file: ['FILE', 'PATH'].includes(f.helpValue),
      })),
  }))
  return commands
}

const q = (s) => `'${s.replace(/'/g, `'\\''`)}'`

export async function bashCompletion() {
  const commands = await model()
  const cases = commands.map((c) => {
    const words = c.flags.flatMap((f) => f.names).join(' ')
    const values = c.flags
      .filter((f) => f.takesValue)
      .map((f) => {
        const pattern = f.names.join('|')
        if (f.values) return `      ${pattern}) COMPREPLY=($(compgen -W ${q(f.values.join(' '))} -- "$cur")); return ;;`
        if (f.list) return `      ${pattern}) _exim_rejects_list ${q(f.list.join(' '))}; return ;;`
        if (f.file) return `      ${pattern}) compopt -o filenames; COMPREPLY=($(compgen -f -- "$cur")); return ;;`
        return `      ${pattern}) return ;;`
      })
    return [
      `    ${c.id})`,
      `      flags=${q(words)}`,
      '      case "$prev" in',
      ...values,
      '      esac',
      '      ;;',
    ].join('\n')
  })
  return `# bash completion for exim-rejects                                   -*- shell-script -*-

# Completes the item after the last comma of a comma-separated list (--kind, --by).
_exim_rejects_list() {
  local head=""
  [[ $cur == *,* ]] && head=\${cur%,*},
  local IFS=$' \\t\\n'
  COMPREPLY=($(compgen -P "$head" -W "$1" -- "\${cur##*,}"))
  compopt -o nospace
}

_exim_rejects() {
  local cur=\${COMP_WORDS[COMP_CWORD]} prev=\${COMP_WORDS[COMP_CWORD-1]}
  # --flag=value: bash splits it at the =.
  if [[ $cur == = ]]; then
    prev=\${COMP_WORDS[COMP_CWORD-1]}
    cur=""
  elif [[ $prev == = && $COMP_CWORD -ge 2 ]]; then
    prev=\${COMP_WORDS[COMP_CWORD-2]}
  fi
  if [[ $COMP_CWORD -eq 1 ]]; then
    COMPREPLY=($(compgen -W ${q(commands.map((c) => c.id).join(' ') + ' -h --help -V --version')} -- "$cur"))
    return
  fi
  local flags=""
  case \${COMP_WORDS[1]} in
${cases.join('\n')}
    *) return ;;
  esac
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$flags" -- "$cur"))
  else
    compopt -o filenames
    COMPREPLY=($(compgen -f -- "$cur"))
  fi
}
complete -F _exim_rejects exim-rejects
`
}

/** Text for an _arguments description: no brackets or colons, which it would read as syntax. */
const zdesc = (s) =>
  s
    .replace(/[[\]:]/g, ' ')
    .replace(/\s+/g, ' ')
    .replace(/'/g, `'\\''`)

export async function zshCompletion() {
  const commands = await model()
  const specs = (c) =>
    c.flags.map((f) => {
      const names = f.names.map((n) => (f.takesValue ? (n.startsWith('--') ? `${n}=` : `${n}+`) : n))
      const exclusive = f.names.length > 1 ? `'(${f.names.join(' ')})'{${names.join(',')}}` : `'${names[0]}`
      const action = !f.takesValue
        ? ''
        : f.values
          ? `:value:(${f.values.join(' ')})`
          : f.list
            ? `:list:_sequence compadd - ${f.list.join(' ')}`
            : f.file
              ? ':file:_files'
              : ':value: '
      const open = f.names.length > 1 ? `'` : ''
      return `        ${exclusive}${open}[${zdesc(f.summary)}]${action}'`
    })
  const cases = commands.map((c) =>
    [
      `    (${c.id})`,
      `      _arguments -s -S \\`,
      ...specs(c).map((s) => `${s} \\`),
      `        '*:file:_files'`,
      '      ;;',
    ].join('\n'),
  )
  return `#compdef exim-rejects
# zsh completion for exim-rejects

_exim-rejects() {
  local -a commands
  commands=(
${commands.map((c) => `    ${q(`${c.id}:${zdesc(c.summary)}`)}`).join('\n')}
  )
  if (( CURRENT == 2 )); then
    _describe -t commands 'exim-rejects command' commands
    return
  fi
  local cmd=$words[2]
  shift words
  (( CURRENT-- ))
  case $cmd in
${cases.join('\n')}
  esac
}

_exim-rejects "$@"
`
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const shell = process.argv[2]
  if (shell === 'bash') process.stdout.write(await bashCompletion())
  else if (shell === 'zsh') process.stdout.write(await zshCompletion())
  else {
    process.stderr.write('usage: completion.mjs bash|zsh\n')
    process.exitCode = 2
  }
}
