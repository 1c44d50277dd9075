// --ip: an address or a CIDR block, IPv4 or IPv6. Node's BlockList does the matching, IPv4-mapped
// IPv6 addresses (::ffff:a.b.c.d) included.

import {usageError} from '../errors.js'
import type {Matcher} from './glob.js'
import {nodeNet} from '../lazy-node.js'

export function ipMatcher(specs: string[]): Matcher {
  const {BlockList, isIP} = nodeNet()
  const list = new BlockList()
  for (const spec of specs) {
    const [addr, bits, extra] = spec.trim().split('/')
    const family = isIP(addr ?? '')
    const max = family === 4 ? 32 : 128
    const prefix = bits === undefined ? max : Number(bits)
    if (
      family === 0 ||
      extra !== undefined ||
      !Number.isInteger(prefix) ||
      prefix < 0 ||
      prefix > max ||
      (bits !== undefined && !/^\d+$/.test(bits))
    ) {
      throw usageError('--ip', 'an IPv4 or IPv6 address or CIDR block (192.0.2.7, 77.88.0.0/16, 2001:db8::/32)', spec)
    }
    list.addSubnet(addr!, prefix, family === 4 ? 'ipv4' : 'ipv6')
  }
  return (ip: string) => {
    const family = isIP(ip)
    return family !== 0 && list.check(ip, family === 4 ? 'ipv4' : 'ipv6')
  }
}
