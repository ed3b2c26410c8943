// Entry point of the @bgp/ebpf native addon: a thin layer over Debian's libbpf.
//
// Every function works on plain file descriptors (numbers) so that the TypeScript side owns
// lifetimes and caching (key and value sizes); C++ only checks buffer lengths it must trust.
#include <bpf/libbpf.h>

#include "common.h"

namespace {

Napi::Value LibbpfVersion(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), libbpf_version_string());
}

Napi::Value NumPossibleCpus(const Napi::CallbackInfo& info) {
  int n = libbpf_num_possible_cpus();
  if (n < 0) bgp_ebpf::ThrowBpf(info.Env(), n, "libbpf_num_possible_cpus");
  return Napi::Number::New(info.Env(), n);
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  // libbpf prints warnings to stderr by default; the JS side reports errors itself.
  libbpf_set_print(nullptr);
  exports.Set("libbpfVersion", Napi::Function::New(env, LibbpfVersion));
  exports.Set("numPossibleCpus", Napi::Function::New(env, NumPossibleCpus));
  bgp_ebpf::InitMaps(env, exports);
  bgp_ebpf::InitBatch(env, exports);
  bgp_ebpf::InitXdp(env, exports);
  return exports;
}

}  // namespace

NODE_API_MODULE(bgp_ebpf, Init)
