// SPDX-License-Identifier: Apache-2.0
//
// XDP blackhole (RFC 7999): drops packets whose destination falls in a prefix of the drop maps
// and counts the drops per prefix.
//
// The drop maps are created and filled by the Blackhole plugin in @bgp/ebpf; the loader hands
// their file descriptors to libbpf (bpf_map__reuse_fd), so the definitions below must match
// what src/blackhole-layout.ts creates:
//
//   drop_v4  LPM trie  key: u32 prefixlen (host order) | 4 address bytes      value: 40 bytes
//   drop_v6  LPM trie  key: u32 prefixlen (host order) | 16 address bytes     value: 40 bytes
//   drop_counts  per-CPU hash  key: the first 20 bytes of the value  value: packets, bytes (u64)
//
// Value of a drop entry (struct drop_value):
//
//    0                   1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +---------------+---------------+-------------------------------+
//   | family (4/6)  |  prefix len   |          reserved (0)         |
//   +---------------+---------------+-------------------------------+
//   |             prefix address (16 bytes, IPv4 in first 4)        |
//   +---------------------------------------------------------------+
//   |                   route id (u32, host order)                  |
//   +---------------------------------------------------------------+
//   |                    next hop (16 bytes, IPv4-mapped)           |
//   +---------------------------------------------------------------+
//
// An LPM lookup returns the value, not the matched key, so the value repeats the prefix; its
// first 20 bytes are the key of the drop counter, so counters are per prefix.
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

struct lpm_v4_key {
  __u32 prefixlen;
  __u8 addr[4];
};

struct lpm_v6_key {
  __u32 prefixlen;
  __u8 addr[16];
};

struct counter_key {
  __u8 family;
  __u8 prefixlen;
  __u16 reserved;
  __u8 addr[16];
};

struct drop_value {
  struct counter_key prefix;
  __u32 route_id;
  __u8 next_hop[16];
};

struct counter_value {
  __u64 packets;
  __u64 bytes;
};

struct {
  __uint(type, BPF_MAP_TYPE_LPM_TRIE);
  __uint(map_flags, BPF_F_NO_PREALLOC);
  __uint(max_entries, 65536);
  __type(key, struct lpm_v4_key);
  __type(value, struct drop_value);
} drop_v4 SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_LPM_TRIE);
  __uint(map_flags, BPF_F_NO_PREALLOC);
  __uint(max_entries, 65536);
  __type(key, struct lpm_v6_key);
  __type(value, struct drop_value);
} drop_v6 SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_HASH);
  __uint(max_entries, 131072);
  __type(key, struct counter_key);
  __type(value, struct counter_value);
} drop_counts SEC(".maps");

struct vlan_hdr {
  __be16 tci;
  __be16 encapsulated_proto;
};

static __always_inline int count_and_drop(struct drop_value *v, __u64 len) {
  struct counter_value *c = bpf_map_lookup_elem(&drop_counts, &v->prefix);
  if (c) {
    // Per-CPU values: no other CPU writes this copy, so no atomic is needed.
    c->packets += 1;
    c->bytes += len;
  } else {
    struct counter_value init = {.packets = 1, .bytes = len};
    // A full counter map must not turn a drop into a pass: drop anyway.
    bpf_map_update_elem(&drop_counts, &v->prefix, &init, BPF_NOEXIST);
  }
  return XDP_DROP;
}

SEC("xdp")
int xdp_blackhole(struct xdp_md *ctx) {
  void *data = (void *)(long)ctx->data;
  void *data_end = (void *)(long)ctx->data_end;
  __u64 len = data_end - data;
  struct ethhdr *eth = data;
  if ((void *)(eth + 1) > data_end) return XDP_PASS;
  __u16 proto = eth->h_proto;
  void *l3 = eth + 1;
  // One 802.1Q or 802.1ad tag is skipped; deeper stacks pass untouched.
  if (proto == bpf_htons(ETH_P_8021Q) || proto == bpf_htons(ETH_P_8021AD)) {
    struct vlan_hdr *vh = l3;
    if ((void *)(vh + 1) > data_end) return XDP_PASS;
    proto = vh->encapsulated_proto;
    l3 = vh + 1;
  }
  if (proto == bpf_htons(ETH_P_IP)) {
    struct iphdr *ip = l3;
    if ((void *)(ip + 1) > data_end) return XDP_PASS;
    struct lpm_v4_key key = {.prefixlen = 32};
    __builtin_memcpy(key.addr, &ip->daddr, 4);
    struct drop_value *v = bpf_map_lookup_elem(&drop_v4, &key);
    if (v) return count_and_drop(v, len);
  } else if (proto == bpf_htons(ETH_P_IPV6)) {
    struct ipv6hdr *ip6 = l3;
    if ((void *)(ip6 + 1) > data_end) return XDP_PASS;
    struct lpm_v6_key key = {.prefixlen = 128};
    __builtin_memcpy(key.addr, &ip6->daddr, 16);
    struct drop_value *v = bpf_map_lookup_elem(&drop_v6, &key);
    if (v) return count_and_drop(v, len);
  }
  return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
