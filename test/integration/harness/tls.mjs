// TLS material for the hostile scenario, made with the openssl command: a CA, the server's
// certificate (its key readable by the Exim user, who runs the SMTP session), and client
// certificates whose subjects hold log-like text, which Exim writes into DN="...".

import {chown, mkdir, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {HarnessError, run, which} from './proc.mjs'

/** @typedef {import('./index.mjs').ToolInfo} ToolInfo */

/**
 * @param {string} dir
 * @param {ToolInfo} info
 * @param {Record<string, string>} clients  name -> subject (openssl -subj form)
 * @returns {Promise<{ ca: string, cert: string, key: string, clients: Record<string, { cert: string, key: string }> }>}
 */
export async function makeTlsMaterial(dir, info, clients) {
  const openssl = await which('openssl')
  if (!openssl) throw new HarnessError('no openssl command for the TLS certificates (apt-get install openssl)')
  await mkdir(dir, {recursive: true})
  /** @param {string[]} args */
  const ssl = async (args) => {
    const r = await run(openssl, args, {timeoutMs: 60_000})
    if (r.code !== 0) throw new HarnessError(`openssl ${args[0]} failed`, {detail: r.stderr})
  }
  const f = (/** @type {string} */ name) => join(dir, name)
  await ssl([
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    f('ca.key'),
    '-out',
    f('ca.crt'),
    '-days',
    '2',
    '-subj',
    '/CN=exim-rejects test CA',
  ])
  /** @param {string} name @param {string} subject */
  const issue = async (name, subject) => {
    await ssl([
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      f(`${name}.key`),
      '-out',
      f(`${name}.csr`),
      '-subj',
      subject,
    ])
    await ssl([
      'x509',
      '-req',
      '-in',
      f(`${name}.csr`),
      '-CA',
      f('ca.crt'),
      '-CAkey',
      f('ca.key'),
      '-CAcreateserial',
      '-out',
      f(`${name}.crt`),
      '-days',
      '2',
    ])
    return {cert: f(`${name}.crt`), key: f(`${name}.key`)}
  }
  const server = await issue('server', '/CN=mx.example.test')
  // Exim reads its key as the Exim user.
  await chown(server.key, info.eximUid, info.eximGid)
  /** @type {Record<string, { cert: string, key: string }>} */
  const made = {}
  for (const [name, subject] of Object.entries(clients)) made[name] = await issue(`client-${name}`, subject)
  await writeFile(f('README'), 'Throwaway certificates for one harness run.\n')
  return {ca: f('ca.crt'), cert: server.cert, key: server.key, clients: made}
}
