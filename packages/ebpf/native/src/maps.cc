// Single-element map operations, pinning and map info.
#include <bpf/bpf.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common.h"

namespace bgp_ebpf {
namespace {

// createMap(type, keySize, valueSize, maxEntries, flags, name) -> fd
Napi::Value CreateMap(const Napi::CallbackInfo& info) {
  auto type = static_cast<enum bpf_map_type>(ArgUint(info, 0, "type"));
  uint32_t key_size = ArgUint(info, 1, "keySize");
  uint32_t value_size = ArgUint(info, 2, "valueSize");
  uint32_t max_entries = ArgUint(info, 3, "maxEntries");
  uint32_t flags = ArgUint(info, 4, "flags");
  std::string name = ArgString(info, 5, "name");
  LIBBPF_OPTS(bpf_map_create_opts, opts, .map_flags = flags);
  // The kernel keeps at most BPF_OBJ_NAME_LEN - 1 characters.
  if (name.size() >= BPF_OBJ_NAME_LEN) name.resize(BPF_OBJ_NAME_LEN - 1);
  int fd = bpf_map_create(type, name.empty() ? nullptr : name.c_str(), key_size, value_size,
                          max_entries, &opts);
  if (fd < 0) ThrowBpf(info.Env(), errno, "bpf_map_create " + name);
  return Napi::Number::New(info.Env(), fd);
}

Napi::Value Close(const Napi::CallbackInfo& info) {
  int fd = ArgInt(info, 0, "fd");
  if (close(fd) != 0) ThrowBpf(info.Env(), errno, "close");
  return info.Env().Undefined();
}

Napi::Value Pin(const Napi::CallbackInfo& info) {
  int fd = ArgInt(info, 0, "fd");
  std::string path = ArgString(info, 1, "path");
  if (bpf_obj_pin(fd, path.c_str()) != 0) ThrowBpf(info.Env(), errno, "bpf_obj_pin " + path);
  return info.Env().Undefined();
}

Napi::Value Unpin(const Napi::CallbackInfo& info) {
  std::string path = ArgString(info, 0, "path");
  // A pin is a bpffs inode: removing it drops that reference to the map.
  if (unlink(path.c_str()) != 0) ThrowBpf(info.Env(), errno, "unpin " + path);
  return info.Env().Undefined();
}

Napi::Value OpenPinned(const Napi::CallbackInfo& info) {
  std::string path = ArgString(info, 0, "path");
  int fd = bpf_obj_get(path.c_str());
  if (fd < 0) ThrowBpf(info.Env(), errno, "bpf_obj_get " + path);
  return Napi::Number::New(info.Env(), fd);
}

// update(fd, key, value, flags)
Napi::Value Update(const Napi::CallbackInfo& info) {
  int fd = ArgInt(info, 0, "fd");
  auto key = ArgBytes(info, 1, "key");
  auto value = ArgBytes(info, 2, "value");
  uint64_t flags = ArgUint(info, 3, "flags");
  if (bpf_map_update_elem(fd, key.Data(), value.Data(), flags) != 0) {
    ThrowBpf(info.Env(), errno, "bpf_map_update_elem");
  }
  return info.Env().Undefined();
}

// delete(fd, key) -> false when the key was absent
Napi::Value Delete(const Napi::CallbackInfo& info) {
  int fd = ArgInt(info, 0, "fd");
  auto key = ArgBytes(info, 1, "key");
  if (bpf_map_delete_elem(fd, key.Data()) != 0) {
    if (errno == ENOENT) return Napi::Boolean::New(info.Env(), false);
    ThrowBpf(info.Env(), errno, "bpf_map_delete_elem");
  }
  return Napi::Boolean::New(info.Env(), true);
}

// lookup(fd, key, out) -> false when absent; `out` is sized by the caller (per-CPU aware)
Napi::Value Lookup(const Napi::CallbackInfo& info) {
  int fd = ArgInt(info, 0, "fd");
  auto key = ArgBytes(info, 1, "key");
  auto out = ArgBytes(info, 2, "out");
  if (bpf_map_lookup_elem(fd, key.Data(), out.Data()) != 0) {
    if (errno == ENOENT) return Napi::Boolean::New(info.Env(), false);
    ThrowBpf(info.Env(), errno, "bpf_map_lookup_elem");
  }
  return Napi::Boolean::New(info.Env(), true);
}

// nextKey(fd, key | null, out) -> false at the end of the map
Napi::Value NextKey(const Napi::CallbackInfo& info) {
  int fd = ArgInt(info, 0, "fd");
  const void* key = nullptr;
  if (info.Length() > 1 && !info[1].IsNull() && !info[1].IsUndefined()) {
    key = ArgBytes(info, 1, "key").Data();
  }
  auto out = ArgBytes(info, 2, "out");
  if (bpf_map_get_next_key(fd, key, out.Data()) != 0) {
    if (errno == ENOENT) return Napi::Boolean::New(info.Env(), false);
    ThrowBpf(info.Env(), errno, "bpf_map_get_next_key");
  }
  return Napi::Boolean::New(info.Env(), true);
}

Napi::Value MapInfo(const Napi::CallbackInfo& info) {
  int fd = ArgInt(info, 0, "fd");
  struct bpf_map_info mi;
  std::memset(&mi, 0, sizeof(mi));
  uint32_t len = sizeof(mi);
  if (bpf_obj_get_info_by_fd(fd, &mi, &len) != 0) {
    ThrowBpf(info.Env(), errno, "bpf_obj_get_info_by_fd");
  }
  Napi::Env env = info.Env();
  Napi::Object o = Napi::Object::New(env);
  o.Set("type", Napi::Number::New(env, mi.type));
  o.Set("id", Napi::Number::New(env, mi.id));
  o.Set("keySize", Napi::Number::New(env, mi.key_size));
  o.Set("valueSize", Napi::Number::New(env, mi.value_size));
  o.Set("maxEntries", Napi::Number::New(env, mi.max_entries));
  o.Set("flags", Napi::Number::New(env, mi.map_flags));
  o.Set("name", Napi::String::New(env, mi.name));
  return o;
}

}  // namespace

void InitMaps(Napi::Env env, Napi::Object exports) {
  exports.Set("createMap", Napi::Function::New(env, CreateMap));
  exports.Set("close", Napi::Function::New(env, Close));
  exports.Set("pin", Napi::Function::New(env, Pin));
  exports.Set("unpin", Napi::Function::New(env, Unpin));
  exports.Set("openPinned", Napi::Function::New(env, OpenPinned));
  exports.Set("update", Napi::Function::New(env, Update));
  exports.Set("delete", Napi::Function::New(env, Delete));
  exports.Set("lookup", Napi::Function::New(env, Lookup));
  exports.Set("nextKey", Napi::Function::New(env, NextKey));
  exports.Set("mapInfo", Napi::Function::New(env, MapInfo));
}

}  // namespace bgp_ebpf
