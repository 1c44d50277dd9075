// One temporary directory for the whole run: every test's mkdtemp lands in it (TMPDIR), and it is
// removed at the end, passed or failed, so a run leaves nothing behind in the system's /tmp.

import {chmodSync, mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), 'exim-rejects-tests-'))
  // Open to other users: some tests run the tool, Exim and Dovecot as users other than this one.
  chmodSync(root, 0o755)
  const before = process.env.TMPDIR
  process.env.TMPDIR = root
  return () => {
    rmSync(root, {recursive: true, force: true})
    if (before === undefined) delete process.env.TMPDIR
    else process.env.TMPDIR = before
  }
}
