/**
 * The explicit codec context: what the session negotiated that changes the bytes.
 *
 * One context describes one direction of one session. A session keeps two: the one for the
 * messages it receives (ADD-PATH "receive" families) and the one for those it sends.
 *
 * @module
 */

/** An AFI/SAFI pair packed into one number, `afi << 8 | safi`, for cheap set membership. */
export type FamilyKey = number;

/** Packs an AFI/SAFI pair into a {@link FamilyKey}. */
export function familyKey(afi: number, safi: number): FamilyKey {
  return afi * 256 + safi;
}

/** Unpacks a {@link FamilyKey}. */
export function familyOf(key: FamilyKey): { readonly afi: number; readonly safi: number } {
  return { afi: Math.floor(key / 256), safi: key % 256 };
}

/** Negotiated options that decide how messages are encoded and decoded. */
export interface CodecContext {
  /** Both sides advertised the 4-octet AS capability (RFC 6793): AS_PATH carries 4-octet ASNs. */
  readonly fourOctetAs: boolean;
  /** Families whose NLRI carry an ADD-PATH path identifier in this direction (RFC 7911). */
  readonly addPath: ReadonlySet<FamilyKey>;
  /** Extended messages (RFC 8654) were negotiated: the maximum length is 65535. */
  readonly extendedMessage: boolean;
  /** Families whose NLRI may have a next hop of another address family (RFC 8950). */
  readonly extendedNextHop: ReadonlySet<FamilyKey>;
}

const NO_FAMILIES: ReadonlySet<FamilyKey> = new Set();

/** Builds a context; unspecified options take the values of a session without capabilities. */
export function createContext(options: Partial<CodecContext> = {}): CodecContext {
  return {
    fourOctetAs: options.fourOctetAs ?? false,
    addPath: options.addPath ?? NO_FAMILIES,
    extendedMessage: options.extendedMessage ?? false,
    extendedNextHop: options.extendedNextHop ?? NO_FAMILIES,
  };
}

/** The context of a session that negotiated nothing: 2-octet AS, no ADD-PATH, 4096-byte messages. */
export const DEFAULT_CONTEXT: CodecContext = createContext();

/** The context most modern peers negotiate: 4-octet AS, no ADD-PATH, 4096-byte messages. */
export const AS4_CONTEXT: CodecContext = createContext({ fourOctetAs: true });
