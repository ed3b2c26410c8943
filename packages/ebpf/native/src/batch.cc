// Batch operations and whole-map dumps, run on the libuv thread pool so that a million-element
// batch never blocks the event loop.
//
// bpf_map_update_batch / bpf_map_delete_batch (Linux 5.6+) move a whole array of elements per
// syscall. Map types without batch support answer EINVAL, ENOTSUPP or EOPNOTSUPP before touching
// any element; the workers then fall back to one syscall per element, still off the event loop.
#include <bpf/bpf.h>

#include <cerrno>
#include <algorithm>
#include <cstring>
#include <numeric>
#include <vector>

#include "common.h"

namespace bgp_ebpf {
namespace {

bool Unsupported(int err) { return err == EINVAL || err == 524 /* ENOTSUPP */ || err == EOPNOTSUPP; }

// Base of the workers: settles a promise, and rejects it with the BpfError shape.
class PromiseWorker : public Napi::AsyncWorker {
 public:
  explicit PromiseWorker(Napi::Env env)
      : Napi::AsyncWorker(env, "bgp_ebpf"), deferred_(Napi::Promise::Deferred::New(env)) {}
  Napi::Promise Promise() { return deferred_.Promise(); }

 protected:
  void Fail(int err, const std::string& op) {
    err_ = err;
    op_ = op;
    SetError(op);
  }
  void OnError(const Napi::Error&) override {
    deferred_.Reject(MakeBpfError(Env(), err_, op_).Value());
  }
  Napi::Promise::Deferred deferred_;

 private:
  int err_ = 0;
  std::string op_;
};

// updateBatch(fd, keys, values, keySize, valueStride, count, flags, perElement?, sortFrom?)
//   -> Promise<{ processed, batched }>
class UpdateBatchWorker : public PromiseWorker {
 public:
  UpdateBatchWorker(Napi::Env env, int fd, Napi::Uint8Array keys, Napi::Uint8Array values,
                    uint32_t key_size, uint32_t value_stride, uint32_t count, uint64_t flags,
                    bool per_element, int32_t sort_from)
      : PromiseWorker(env),
        fd_(fd),
        keys_(keys.Data()),
        values_(values.Data()),
        key_size_(key_size),
        value_stride_(value_stride),
        count_(count),
        flags_(flags),
        per_element_(per_element),
        sort_from_(sort_from) {
    // The buffers stay referenced until the worker is destroyed, so the pointers stay valid.
    keys_ref_ = Napi::Persistent(keys.As<Napi::Object>());
    values_ref_ = Napi::Persistent(values.As<Napi::Object>());
  }

  void Execute() override {
    uint32_t done = 0;
    if (count_ == 0) return;
    if (sort_from_ >= 0 && static_cast<uint32_t>(sort_from_) < key_size_) SortByKey();
    LIBBPF_OPTS(bpf_map_batch_opts, opts, .elem_flags = flags_);
    uint32_t n = count_;
    if (!per_element_ && bpf_map_update_batch(fd_, keys_, values_, &n, &opts) == 0) {
      processed_ = count_;
      batched_ = true;
      return;
    }
    int err = per_element_ ? EOPNOTSUPP : errno;
    done = per_element_ ? 0 : n <= count_ ? n : 0;
    if (!Unsupported(err) || done != 0) {
      processed_ = done;
      Fail(err, "bpf_map_update_batch");
      return;
    }
    for (uint32_t i = done; i < count_; i++) {
      if (bpf_map_update_elem(fd_, keys_ + size_t(i) * key_size_,
                              values_ + size_t(i) * value_stride_, flags_) != 0) {
        processed_ = i;
        Fail(errno, "bpf_map_update_elem (batch fallback, element " + std::to_string(i) + ")");
        return;
      }
    }
    processed_ = count_;
  }

  // Reorders the batch by key bytes from sort_from_ on (for LPM keys: the address, after the
  // prefix length). Inserting into an LPM trie in address order keeps the upper nodes in cache:
  // a million scattered IPv4 prefixes went in 3 to 5 times faster sorted on Linux 6.18. The sort
  // is stable, so repeats of one key keep their order and the last value still wins.
  void SortByKey() {
    std::vector<uint32_t> idx(count_);
    std::iota(idx.begin(), idx.end(), 0);
    const size_t off = static_cast<size_t>(sort_from_);
    const size_t len = key_size_ - off;
    std::stable_sort(idx.begin(), idx.end(), [&](uint32_t a, uint32_t b) {
      return std::memcmp(keys_ + size_t(a) * key_size_ + off, keys_ + size_t(b) * key_size_ + off,
                         len) < 0;
    });
    sorted_keys_.resize(size_t(count_) * key_size_);
    sorted_values_.resize(size_t(count_) * value_stride_);
    for (uint32_t i = 0; i < count_; i++) {
      std::memcpy(&sorted_keys_[size_t(i) * key_size_], keys_ + size_t(idx[i]) * key_size_,
                  key_size_);
      std::memcpy(&sorted_values_[size_t(i) * value_stride_],
                  values_ + size_t(idx[i]) * value_stride_, value_stride_);
    }
    keys_ = sorted_keys_.data();
    values_ = sorted_values_.data();
  }

  void OnOK() override {
    Napi::Object o = Napi::Object::New(Env());
    o.Set("processed", Napi::Number::New(Env(), processed_));
    o.Set("batched", Napi::Boolean::New(Env(), batched_));
    deferred_.Resolve(o);
  }

 private:
  int fd_;
  const uint8_t* keys_;
  const uint8_t* values_;
  uint32_t key_size_, value_stride_, count_;
  uint64_t flags_;
  bool per_element_;
  int32_t sort_from_;
  std::vector<uint8_t> sorted_keys_, sorted_values_;
  uint32_t processed_ = 0;
  bool batched_ = false;
  Napi::ObjectReference keys_ref_, values_ref_;
};

// deleteBatch(fd, keys, keySize, count, perElement?) -> Promise<{ deleted, missing, batched }>
// Absent keys are counted, not errors: a sink removing what is not there is normal.
class DeleteBatchWorker : public PromiseWorker {
 public:
  DeleteBatchWorker(Napi::Env env, int fd, Napi::Uint8Array keys, uint32_t key_size,
                    uint32_t count, bool per_element)
      : PromiseWorker(env),
        fd_(fd),
        keys_(keys.Data()),
        key_size_(key_size),
        count_(count),
        per_element_(per_element) {
    keys_ref_ = Napi::Persistent(keys.As<Napi::Object>());
  }

  void Execute() override {
    uint32_t off = 0;
    LIBBPF_OPTS(bpf_map_batch_opts, opts);
    while (!per_element_ && off < count_) {
      uint32_t n = count_ - off;
      if (bpf_map_delete_batch(fd_, keys_ + size_t(off) * key_size_, &n, &opts) == 0) {
        deleted_ += count_ - off;
        batched_ = true;
        return;
      }
      int err = errno;
      if (n > count_ - off) n = 0;
      if (err == ENOENT) {
        // The kernel stops at the first absent key and reports how many it deleted before it.
        batched_ = true;
        deleted_ += n;
        missing_++;
        off += n + 1;
        continue;
      }
      if (Unsupported(err) && n == 0 && !batched_) break;
      Fail(err, "bpf_map_delete_batch");
      return;
    }
    for (uint32_t i = off; i < count_; i++) {
      if (bpf_map_delete_elem(fd_, keys_ + size_t(i) * key_size_) == 0) {
        deleted_++;
      } else if (errno == ENOENT) {
        missing_++;
      } else {
        Fail(errno, "bpf_map_delete_elem (batch fallback, element " + std::to_string(i) + ")");
        return;
      }
    }
  }

  void OnOK() override {
    Napi::Object o = Napi::Object::New(Env());
    o.Set("deleted", Napi::Number::New(Env(), deleted_));
    o.Set("missing", Napi::Number::New(Env(), missing_));
    o.Set("batched", Napi::Boolean::New(Env(), batched_));
    deferred_.Resolve(o);
  }

 private:
  int fd_;
  const uint8_t* keys_;
  uint32_t key_size_, count_;
  bool per_element_;
  uint32_t deleted_ = 0, missing_ = 0;
  bool batched_ = false;
  Napi::ObjectReference keys_ref_;
};

// dump(fd, keySize, valueStride, withValues) -> Promise<{ count, keys, values }>
// Walks the map with BPF_MAP_GET_NEXT_KEY, which every map type supports; keys and values come
// back as two flat buffers so that a million entries cost two allocations, not two million.
class DumpWorker : public PromiseWorker {
 public:
  DumpWorker(Napi::Env env, int fd, uint32_t key_size, uint32_t value_stride, bool with_values)
      : PromiseWorker(env),
        fd_(fd),
        key_size_(key_size),
        value_stride_(value_stride),
        with_values_(with_values) {}

  void Execute() override {
    std::vector<uint8_t> cur(key_size_), next(key_size_), value(value_stride_);
    const void* prev = nullptr;
    for (;;) {
      if (bpf_map_get_next_key(fd_, prev, next.data()) != 0) {
        if (errno == ENOENT) return;
        Fail(errno, "bpf_map_get_next_key");
        return;
      }
      if (with_values_) {
        if (bpf_map_lookup_elem(fd_, next.data(), value.data()) != 0) {
          if (errno != ENOENT) {
            Fail(errno, "bpf_map_lookup_elem");
            return;
          }
          // Deleted between the two calls: leave it out, as a later dump would.
        } else {
          values_.insert(values_.end(), value.begin(), value.end());
          keys_.insert(keys_.end(), next.begin(), next.end());
          count_++;
        }
      } else {
        keys_.insert(keys_.end(), next.begin(), next.end());
        count_++;
      }
      cur.swap(next);
      prev = cur.data();
    }
  }

  void OnOK() override {
    Napi::Env env = Env();
    Napi::Object o = Napi::Object::New(env);
    o.Set("count", Napi::Number::New(env, count_));
    auto keys = Napi::Uint8Array::New(env, keys_.size());
    if (!keys_.empty()) std::memcpy(keys.Data(), keys_.data(), keys_.size());
    auto values = Napi::Uint8Array::New(env, values_.size());
    if (!values_.empty()) std::memcpy(values.Data(), values_.data(), values_.size());
    o.Set("keys", keys);
    o.Set("values", values);
    deferred_.Resolve(o);
  }

 private:
  int fd_;
  uint32_t key_size_, value_stride_;
  bool with_values_;
  uint32_t count_ = 0;
  std::vector<uint8_t> keys_, values_;
};

void CheckLength(Napi::Env env, size_t have, size_t want, const char* what) {
  if (have < want) {
    throw Napi::RangeError::New(env, std::string(what) + " holds " + std::to_string(have) +
                                         " bytes, needs " + std::to_string(want));
  }
}

Napi::Value UpdateBatch(const Napi::CallbackInfo& info) {
  int fd = ArgInt(info, 0, "fd");
  auto keys = ArgBytes(info, 1, "keys");
  auto values = ArgBytes(info, 2, "values");
  uint32_t key_size = ArgUint(info, 3, "keySize");
  uint32_t value_stride = ArgUint(info, 4, "valueStride");
  uint32_t count = ArgUint(info, 5, "count");
  uint32_t flags = ArgUint(info, 6, "flags");
  // Tests force the per-element path to cover kernels without batch support.
  bool per_element = info.Length() > 7 && info[7].ToBoolean().Value();
  // Optional: sort the batch by key bytes from this offset on (-1: keep the given order).
  int32_t sort_from = info.Length() > 8 && info[8].IsNumber() ? ArgInt(info, 8, "sortFrom") : -1;
  CheckLength(info.Env(), keys.ByteLength(), size_t(key_size) * count, "keys");
  CheckLength(info.Env(), values.ByteLength(), size_t(value_stride) * count, "values");
  auto* w = new UpdateBatchWorker(info.Env(), fd, keys, values, key_size, value_stride, count,
                                  flags, per_element, sort_from);
  auto p = w->Promise();
  w->Queue();
  return p;
}

Napi::Value DeleteBatch(const Napi::CallbackInfo& info) {
  int fd = ArgInt(info, 0, "fd");
  auto keys = ArgBytes(info, 1, "keys");
  uint32_t key_size = ArgUint(info, 2, "keySize");
  uint32_t count = ArgUint(info, 3, "count");
  bool per_element = info.Length() > 4 && info[4].ToBoolean().Value();
  CheckLength(info.Env(), keys.ByteLength(), size_t(key_size) * count, "keys");
  auto* w = new DeleteBatchWorker(info.Env(), fd, keys, key_size, count, per_element);
  auto p = w->Promise();
  w->Queue();
  return p;
}

Napi::Value Dump(const Napi::CallbackInfo& info) {
  int fd = ArgInt(info, 0, "fd");
  uint32_t key_size = ArgUint(info, 1, "keySize");
  uint32_t value_stride = ArgUint(info, 2, "valueStride");
  bool with_values = info.Length() > 3 && info[3].ToBoolean().Value();
  auto* w = new DumpWorker(info.Env(), fd, key_size, value_stride, with_values);
  auto p = w->Promise();
  w->Queue();
  return p;
}

}  // namespace

void InitBatch(Napi::Env env, Napi::Object exports) {
  exports.Set("updateBatch", Napi::Function::New(env, UpdateBatch));
  exports.Set("deleteBatch", Napi::Function::New(env, DeleteBatch));
  exports.Set("dump", Napi::Function::New(env, Dump));
}

}  // namespace bgp_ebpf
