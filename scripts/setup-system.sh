#!/usr/bin/env bash
# Installs the system packages that the interoperability and BPF tests use, when it can.
# On a machine where it cannot (not root, no apt-get), it says what is missing and carries on:
# the tests that need those parts then skip with a message naming what they lack.
set -euo pipefail

packages=(gobgpd bird2 frr exabgp libbpf-dev bpftool clang llvm iproute2)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "setup: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "setup: cannot install ${missing[*]} (needs root and apt-get); tests that need them will skip"
  fi
fi

# BPF maps are pinned under bpffs; mount it if we may and it is not there.
if [ "$(id -u)" = 0 ] && ! mountpoint -q /sys/fs/bpf 2>/dev/null; then
  mount -t bpf bpf /sys/fs/bpf 2>/dev/null || echo "setup: could not mount bpffs at /sys/fs/bpf; BPF tests will say why they skip"
fi
exit 0
