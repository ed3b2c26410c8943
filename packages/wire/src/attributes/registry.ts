/**
 * The path attribute descriptor table, keyed by type code.
 *
 * Adding an attribute means writing its descriptor file and listing it here; the UPDATE decoder
 * and encoder never switch on type codes.
 *
 * @module
 */
import { AttributeTypeName } from '../iana.js';
import { aggregatorDescriptor, as4AggregatorDescriptor } from './aggregator.js';
import { as4PathDescriptor, asPathDescriptor } from './as-path.js';
import { atomicAggregateDescriptor } from './atomic-aggregate.js';
import { clusterListDescriptor } from './cluster-list.js';
import { communitiesDescriptor } from './communities.js';
import type { AttributeDescriptor } from './descriptor.js';
import { extendedCommunitiesDescriptor } from './extended-communities.js';
import { largeCommunityDescriptor } from './large-communities.js';
import { localPrefDescriptor } from './local-pref.js';
import { mpReachDescriptor } from './mp-reach.js';
import { mpUnreachDescriptor } from './mp-unreach.js';
import { multiExitDiscDescriptor } from './multi-exit-disc.js';
import { nextHopDescriptor } from './next-hop.js';
import { originDescriptor } from './origin.js';
import { originatorIdDescriptor } from './originator-id.js';
import { otcDescriptor } from './otc.js';
import type { TypedAttribute } from './types.js';

// Each descriptor is typed for its own attribute; the table erases that to the union, which is
// sound because lookups are by the same type code the descriptor declares.
const all = [
  originDescriptor,
  asPathDescriptor,
  nextHopDescriptor,
  multiExitDiscDescriptor,
  localPrefDescriptor,
  atomicAggregateDescriptor,
  aggregatorDescriptor,
  communitiesDescriptor,
  originatorIdDescriptor,
  clusterListDescriptor,
  mpReachDescriptor,
  mpUnreachDescriptor,
  extendedCommunitiesDescriptor,
  as4PathDescriptor,
  as4AggregatorDescriptor,
  largeCommunityDescriptor,
  otcDescriptor,
] as unknown as readonly AttributeDescriptor<TypedAttribute>[];

/** Attribute descriptors by type code. */
export const attributeDescriptors: ReadonlyMap<number, AttributeDescriptor> = new Map(
  all.map((d) => [d.typeCode, d]),
);

/** Registry name of an attribute type code, or `ATTR_<code>` for an unassigned one. */
export function attributeName(typeCode: number): string {
  return AttributeTypeName.get(typeCode) ?? `ATTR_${typeCode}`;
}
