// Errors: errno values from the bpf() syscall and libbpf become one JS error shape.
#include <cerrno>
#include <cstring>

#include "common.h"

namespace bgp_ebpf {

std::string ErrnoName(int err) {
  if (err < 0) err = -err;
  // Kernel-internal codes that leak through bpf(2) but are not in <errno.h>.
  switch (err) {
    case 524:
      return "ENOTSUPP";
    case 525:
      return "ETOOSMALL";
    default:
      break;
  }
  const char* name = strerrorname_np(err);
  return name != nullptr ? name : "E" + std::to_string(err);
}

Napi::Error MakeBpfError(Napi::Env env, int err, const std::string& op) {
  if (err < 0) err = -err;
  std::string msg = op + ": " + ErrnoName(err) + " (" + std::strerror(err) + ")";
  Napi::Error e = Napi::Error::New(env, msg);
  e.Set("name", Napi::String::New(env, "BpfError"));
  e.Set("code", Napi::String::New(env, ErrnoName(err)));
  e.Set("errno", Napi::Number::New(env, err));
  e.Set("op", Napi::String::New(env, op));
  return e;
}

void ThrowBpf(Napi::Env env, int err, const std::string& op) {
  throw MakeBpfError(env, err, op);
}

static Napi::TypeError ArgError(const Napi::CallbackInfo& info, size_t i, const char* name,
                                const char* want) {
  return Napi::TypeError::New(info.Env(), std::string("argument ") + std::to_string(i) + " (" +
                                              name + ") must be " + want);
}

int32_t ArgInt(const Napi::CallbackInfo& info, size_t i, const char* name) {
  if (i >= info.Length() || !info[i].IsNumber()) throw ArgError(info, i, name, "a number");
  return info[i].As<Napi::Number>().Int32Value();
}

uint32_t ArgUint(const Napi::CallbackInfo& info, size_t i, const char* name) {
  if (i >= info.Length() || !info[i].IsNumber()) throw ArgError(info, i, name, "a number");
  return info[i].As<Napi::Number>().Uint32Value();
}

std::string ArgString(const Napi::CallbackInfo& info, size_t i, const char* name) {
  if (i >= info.Length() || !info[i].IsString()) throw ArgError(info, i, name, "a string");
  return info[i].As<Napi::String>().Utf8Value();
}

Napi::Uint8Array ArgBytes(const Napi::CallbackInfo& info, size_t i, const char* name) {
  if (i >= info.Length() || !info[i].IsTypedArray() ||
      info[i].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
    throw ArgError(info, i, name, "a Uint8Array");
  }
  return info[i].As<Napi::Uint8Array>();
}

}  // namespace bgp_ebpf
