// Refuses outbound connections to addresses that are not globally routable (loopback, private, link-local
// incl. cloud metadata, CGNAT, multicast, reserved, …) unless a configured CIDR allows them. The check runs
// in the socket's DNS lookup, i.e. on the address actually connected to, so DNS rebinding cannot slip past
// a check made earlier; literal IP hosts (which skip lookup) are checked before connecting.
import dns from 'node:dns';
import net from 'node:net';
import ipaddr from 'ipaddr.js';
import { DeliveryError, ErrorCodes } from '../errors.js';

type Addr = ipaddr.IPv4 | ipaddr.IPv6;
type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void;

// ipaddr.js calls every IPv6 address outside its named ranges `unicast`, including the rest of ::/8 (e.g.
// the deprecated IPv4-compatible ::127.0.0.1); only 2000::/3 is allocated as global unicast.
const GLOBAL_V6 = ipaddr.parseCIDR('2000::/3');

/** Addresses whose verdict is remembered; past this the memory starts over. */
const MAX_VERDICTS = 10_000;

export class SsrfGuard {
  readonly #allow: Array<[Addr, number]>;

  readonly #verdicts = new Map<string, string | null>();

  constructor(allow: string[]) {
    this.#allow = allow.map((c) => ipaddr.parseCIDR(c));
  }

  /** null when the address may be connected to, else the reason. */
  check(ip: string): string | null {
    // the allowlist is fixed, so an address's verdict is too; sinks are few, deliveries to them many
    let verdict = this.#verdicts.get(ip);
    if (verdict === undefined) {
      if (this.#verdicts.size >= MAX_VERDICTS) this.#verdicts.clear();
      this.#verdicts.set(ip, (verdict = this.#judge(ip)));
    }
    return verdict;
  }

  #judge(ip: string): string | null {
    let addr: Addr = ipaddr.parse(ip);
    // ::ffff:10.0.0.1 is 10.0.0.1 on the wire
    if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress()) addr = (addr as ipaddr.IPv6).toIPv4Address();
    for (const [net, bits] of this.#allow) {
      if (net.kind() === addr.kind() && addr.match(net, bits)) return null;
    }
    const range = addr.range();
    if (range !== 'unicast') return `${ip} is a ${range} address`;
    if (addr.kind() === 'ipv6' && !addr.match(GLOBAL_V6)) return `${ip} is outside the global unicast range 2000::/3`;
    return null;
  }

  assertHost(hostname: string): void {
    const host = hostname.replace(/^\[|\]$/g, '');
    if (!net.isIP(host)) return;
    const reason = this.check(host);
    if (reason) throw blocked(host, reason);
  }

  /** A `lookup` for net/tls connect options that refuses non-global answers. */
  readonly lookup = (hostname: string, options: dns.LookupOptions, callback: LookupCallback): void => {
    dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '');
      const list = addresses as dns.LookupAddress[];
      for (const a of list) {
        const reason = this.check(a.address);
        if (reason) return callback(blocked(hostname, reason) as unknown as NodeJS.ErrnoException, '');
      }
      if (options.all) return callback(null, list);
      const first = list[0];
      if (!first) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), '');
      callback(null, first.address, first.family);
    });
  };
}

function blocked(host: string, reason: string): DeliveryError {
  return new DeliveryError(
    ErrorCodes.SSRF_BLOCKED,
    `refused to connect to ${host}: ${reason}; allow it with delivery.ssrf.allow (a CIDR) if it is intended`,
    { retryable: false },
  );
}
