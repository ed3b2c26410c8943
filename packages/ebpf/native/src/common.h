// Shared helpers of the @bgp/ebpf addon: argument checks and the one way errors leave C++.
#pragma once

#include <napi.h>

#include <cstdint>
#include <string>

namespace bgp_ebpf {

// Builds the JS error every failing call throws: an Error named "BpfError" that carries the
// errno name ("ENOENT"), the number and the operation. src/errors.ts turns it into the BpfError
// class; building it here keeps async workers and sync calls on one path.
Napi::Error MakeBpfError(Napi::Env env, int err, const std::string& op);

// Throws MakeBpfError as a JS exception.
[[noreturn]] void ThrowBpf(Napi::Env env, int err, const std::string& op);

// The errno name ("EPERM"), including the kernel-internal ones userspace headers lack.
std::string ErrnoName(int err);

// Argument accessors that throw a TypeError naming the argument.
int32_t ArgInt(const Napi::CallbackInfo& info, size_t i, const char* name);
uint32_t ArgUint(const Napi::CallbackInfo& info, size_t i, const char* name);
std::string ArgString(const Napi::CallbackInfo& info, size_t i, const char* name);
Napi::Uint8Array ArgBytes(const Napi::CallbackInfo& info, size_t i, const char* name);

// Registration functions of each source file.
void InitMaps(Napi::Env env, Napi::Object exports);
void InitBatch(Napi::Env env, Napi::Object exports);
void InitXdp(Napi::Env env, Napi::Object exports);

}  // namespace bgp_ebpf
