// BPF objects (ELF files compiled by clang -target bpf) and XDP attachment.
//
// Objects are kept in a table keyed by a small integer handle so that JS never holds a raw
// pointer. XDP calls can run inside another network namespace: the calling thread enters it
// with setns(2) for the duration of the call (setns affects only this thread, and libbpf opens
// its netlink socket during the call, so the socket lives in the target namespace).
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <fcntl.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <sched.h>
#include <unistd.h>

#include <cerrno>
#include <map>

#include "common.h"

namespace bgp_ebpf {
namespace {

std::map<uint32_t, struct bpf_object*> objects;
uint32_t next_handle = 1;

struct bpf_object* GetObject(const Napi::CallbackInfo& info, size_t i) {
  uint32_t h = ArgUint(info, i, "handle");
  auto it = objects.find(h);
  if (it == objects.end()) ThrowBpf(info.Env(), EBADF, "bpf object handle " + std::to_string(h));
  return it->second;
}

// Enters a network namespace (a path such as /run/netns/NAME) until destroyed.
class NetnsScope {
 public:
  NetnsScope(Napi::Env env, const std::string& path) {
    if (path.empty()) return;
    orig_ = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    if (orig_ < 0) ThrowBpf(env, errno, "open /proc/thread-self/ns/net");
    int target = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (target < 0) {
      int err = errno;
      close(orig_);
      ThrowBpf(env, err, "open netns " + path);
    }
    if (setns(target, CLONE_NEWNET) != 0) {
      int err = errno;
      close(target);
      close(orig_);
      ThrowBpf(env, err, "setns " + path);
    }
    close(target);
  }
  ~NetnsScope() {
    if (orig_ < 0) return;
    // Returning to the namespace we came from cannot fail for lack of permission: we held it.
    if (setns(orig_, CLONE_NEWNET) != 0) abort();
    close(orig_);
  }
  NetnsScope(const NetnsScope&) = delete;
  NetnsScope& operator=(const NetnsScope&) = delete;

 private:
  int orig_ = -1;
};

std::string OptString(const Napi::CallbackInfo& info, size_t i) {
  if (i >= info.Length() || info[i].IsUndefined() || info[i].IsNull()) return "";
  return ArgString(info, i, "netns");
}

Napi::Value ObjectOpen(const Napi::CallbackInfo& info) {
  std::string path = ArgString(info, 0, "path");
  struct bpf_object* obj = bpf_object__open_file(path.c_str(), nullptr);
  if (obj == nullptr) ThrowBpf(info.Env(), errno, "bpf_object__open_file " + path);
  uint32_t h = next_handle++;
  objects[h] = obj;
  return Napi::Number::New(info.Env(), h);
}

struct bpf_map* FindMap(const Napi::CallbackInfo& info, struct bpf_object* obj,
                        const std::string& name) {
  struct bpf_map* map = bpf_object__find_map_by_name(obj, name.c_str());
  if (map == nullptr) ThrowBpf(info.Env(), ENOENT, "bpf_object__find_map_by_name " + name);
  return map;
}

// objectReuseMap(handle, mapName, fd): the object uses an existing map instead of creating one.
Napi::Value ObjectReuseMap(const Napi::CallbackInfo& info) {
  struct bpf_object* obj = GetObject(info, 0);
  std::string name = ArgString(info, 1, "mapName");
  int fd = ArgInt(info, 2, "fd");
  int err = bpf_map__reuse_fd(FindMap(info, obj, name), fd);
  if (err != 0) ThrowBpf(info.Env(), err, "bpf_map__reuse_fd " + name);
  return info.Env().Undefined();
}

Napi::Value ObjectLoad(const Napi::CallbackInfo& info) {
  struct bpf_object* obj = GetObject(info, 0);
  int err = bpf_object__load(obj);
  if (err != 0) ThrowBpf(info.Env(), err, "bpf_object__load");
  return info.Env().Undefined();
}

Napi::Value ObjectProgramFd(const Napi::CallbackInfo& info) {
  struct bpf_object* obj = GetObject(info, 0);
  std::string name = ArgString(info, 1, "programName");
  struct bpf_program* prog = bpf_object__find_program_by_name(obj, name.c_str());
  if (prog == nullptr) ThrowBpf(info.Env(), ENOENT, "bpf_object__find_program_by_name " + name);
  int fd = bpf_program__fd(prog);
  if (fd < 0) ThrowBpf(info.Env(), fd, "bpf_program__fd " + name);
  return Napi::Number::New(info.Env(), fd);
}

Napi::Value ObjectMapFd(const Napi::CallbackInfo& info) {
  struct bpf_object* obj = GetObject(info, 0);
  std::string name = ArgString(info, 1, "mapName");
  int fd = bpf_map__fd(FindMap(info, obj, name));
  if (fd < 0) ThrowBpf(info.Env(), fd, "bpf_map__fd " + name);
  return Napi::Number::New(info.Env(), fd);
}

Napi::Value ObjectClose(const Napi::CallbackInfo& info) {
  uint32_t h = ArgUint(info, 0, "handle");
  auto it = objects.find(h);
  if (it != objects.end()) {
    bpf_object__close(it->second);
    objects.erase(it);
  }
  return info.Env().Undefined();
}

// ifIndex(name, netns?) -> ifindex
Napi::Value IfIndex(const Napi::CallbackInfo& info) {
  std::string name = ArgString(info, 0, "name");
  NetnsScope ns(info.Env(), OptString(info, 1));
  unsigned idx = if_nametoindex(name.c_str());
  if (idx == 0) ThrowBpf(info.Env(), errno, "if_nametoindex " + name);
  return Napi::Number::New(info.Env(), idx);
}

// xdpAttach(ifindex, progFd, flags, netns?)
Napi::Value XdpAttach(const Napi::CallbackInfo& info) {
  int ifindex = ArgInt(info, 0, "ifindex");
  int prog_fd = ArgInt(info, 1, "progFd");
  uint32_t flags = ArgUint(info, 2, "flags");
  NetnsScope ns(info.Env(), OptString(info, 3));
  int err = bpf_xdp_attach(ifindex, prog_fd, flags, nullptr);
  if (err != 0) ThrowBpf(info.Env(), err, "bpf_xdp_attach ifindex " + std::to_string(ifindex));
  return info.Env().Undefined();
}

// xdpDetach(ifindex, flags, netns?)
Napi::Value XdpDetach(const Napi::CallbackInfo& info) {
  int ifindex = ArgInt(info, 0, "ifindex");
  uint32_t flags = ArgUint(info, 1, "flags");
  NetnsScope ns(info.Env(), OptString(info, 2));
  int err = bpf_xdp_detach(ifindex, flags, nullptr);
  if (err != 0) ThrowBpf(info.Env(), err, "bpf_xdp_detach ifindex " + std::to_string(ifindex));
  return info.Env().Undefined();
}

// xdpQuery(ifindex, flags, netns?) -> id of the attached program, 0 when none
Napi::Value XdpQuery(const Napi::CallbackInfo& info) {
  int ifindex = ArgInt(info, 0, "ifindex");
  uint32_t flags = ArgUint(info, 1, "flags");
  NetnsScope ns(info.Env(), OptString(info, 2));
  uint32_t id = 0;
  int err = bpf_xdp_query_id(ifindex, static_cast<int>(flags), &id);
  if (err != 0) ThrowBpf(info.Env(), err, "bpf_xdp_query_id ifindex " + std::to_string(ifindex));
  return Napi::Number::New(info.Env(), id);
}

}  // namespace

void InitXdp(Napi::Env env, Napi::Object exports) {
  exports.Set("objectOpen", Napi::Function::New(env, ObjectOpen));
  exports.Set("objectReuseMap", Napi::Function::New(env, ObjectReuseMap));
  exports.Set("objectLoad", Napi::Function::New(env, ObjectLoad));
  exports.Set("objectProgramFd", Napi::Function::New(env, ObjectProgramFd));
  exports.Set("objectMapFd", Napi::Function::New(env, ObjectMapFd));
  exports.Set("objectClose", Napi::Function::New(env, ObjectClose));
  exports.Set("ifIndex", Napi::Function::New(env, IfIndex));
  exports.Set("xdpAttach", Napi::Function::New(env, XdpAttach));
  exports.Set("xdpDetach", Napi::Function::New(env, XdpDetach));
  exports.Set("xdpQuery", Napi::Function::New(env, XdpQuery));
}

}  // namespace bgp_ebpf
