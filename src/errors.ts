// The one error type users see. Every failure the user can cause or fix carries a code
// that maps to an exit status; anything else is an internal error (exit 1).

export const ERROR_CODES = {
  USAGE: 2, // a bad flag value, a bad regex, a bad --since
  INPUT: 2, // a path that is missing, unreadable, not a log, or corrupt
  OUTPUT: 2, // the output could not be written (other than a closed pipe)
  INTERNAL: 1,
} as const
export type ErrorCode = keyof typeof ERROR_CODES

export class EximRejectsError extends Error {
  readonly code: ErrorCode
  constructor(code: ErrorCode, message: string, options?: {cause?: unknown}) {
    super(message, options)
    this.code = code
    this.name = 'EximRejectsError'
  }

  get exitCode(): number {
    return ERROR_CODES[this.code]
  }
}

export function usageError(flag: string, expected: string, got: string): EximRejectsError {
  return new EximRejectsError('USAGE', `${flag}: expected ${expected}, got ${JSON.stringify(got)}`)
}

/** Turns a Node system error on a path into one readable line. */
export function inputError(path: string, err: unknown): EximRejectsError {
  const e = err as NodeJS.ErrnoException
  const why =
    e?.code === 'ENOENT'
      ? 'no such file or directory'
      : e?.code === 'EACCES' || e?.code === 'EPERM'
        ? 'permission denied'
        : e?.code === 'EISDIR'
          ? 'is a directory'
          : e?.code === 'Z_DATA_ERROR' || e?.code === 'Z_BUF_ERROR'
            ? `corrupt or truncated compressed data (${e.message})`
            : (e?.message ?? String(err))
  return new EximRejectsError('INPUT', `${path}: ${why}`, {cause: err})
}
