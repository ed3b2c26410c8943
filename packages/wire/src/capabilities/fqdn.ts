/**
 * Hostname (FQDN) capability (code 73). draft-walton-bgp-hostname-capability §3.
 *
 * ```
 * +--------------------------------+
 * | Hostname Length (1 octet)      |
 * +--------------------------------+
 * | Hostname (variable)            |
 * +--------------------------------+
 * | Domain Name Length (1 octet)   |
 * +--------------------------------+
 * | Domain Name (variable)         |
 * +--------------------------------+
 * ```
 *
 * Both names are decoded as UTF-8 (ASCII in practice). Text that is not valid UTF-8, or lengths
 * that do not add up to the capability length, make the capability malformed (2/0), because a
 * string cannot carry the bytes back unchanged.
 *
 * @module
 */
import { CapabilityCode } from '../iana.js';
import { type CapabilityDescriptor, malformedCapability } from './descriptor.js';

// `fatal` so that bad bytes are an error rather than silently becoming U+FFFD.
const utf8 = new TextDecoder('utf-8', { fatal: true });
const utf8Encoder = new TextEncoder();

/** Hostname capability: the speaker's host and domain name, shown by FRR and GoBGP. */
export interface FqdnCapability {
  /** {@link CapabilityCode.FQDN}. */
  readonly code: typeof CapabilityCode.FQDN;
  /** Registry name. */
  readonly name: 'FQDN';
  /** Host name (at most 255 UTF-8 octets). */
  readonly hostname: string;
  /** Domain name (at most 255 UTF-8 octets, often empty). */
  readonly domainName: string;
}

function text(bytes: Uint8Array, what: string): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw malformedCapability(`${what} is not valid UTF-8`);
  }
}

function writeText(
  value: string,
  what: string,
  w: { u8(v: number): unknown; bytes(b: Uint8Array): unknown },
): void {
  const bytes = utf8Encoder.encode(value);
  if (bytes.length > 255) throw new RangeError(`FQDN ${what} longer than 255 octets`);
  w.u8(bytes.length);
  w.bytes(bytes);
}

/** Descriptor of the Hostname capability. */
export const fqdnDescriptor: CapabilityDescriptor<FqdnCapability> = {
  code: CapabilityCode.FQDN,
  name: 'FQDN',
  validLength: (n) => n >= 2,
  decode(r) {
    const hostname = text(r.bytes(r.u8('hostname length'), 'hostname'), 'hostname');
    const domainName = text(r.bytes(r.u8('domain name length'), 'domain name'), 'domain name');
    return { code: CapabilityCode.FQDN, name: 'FQDN', hostname, domainName };
  },
  encode(c, w) {
    writeText(c.hostname, 'hostname', w);
    writeText(c.domainName, 'domain name', w);
  },
};
