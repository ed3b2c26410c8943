// Socket options for BGP sessions that Node's net module does not expose (Linux).
//
//   TCP_MD5SIG          RFC 2385 TCP MD5 signature, one key per peer address
//   IP_TTL              eBGP multihop: the TTL of the packets we send (IPv4)
//   IPV6_UNICAST_HOPS   the same for IPv6
//   IP_MINTTL           GTSM, RFC 5082: drop segments that arrive with a smaller TTL (IPv4)
//   IPV6_MINHOPCOUNT    the same for IPv6
//
// Every function takes a file descriptor (net.Socket._handle.fd or net.Server._handle.fd) and
// finds the socket's address family with getsockname(), so the caller never has to say whether
// a dual-stack socket is IPv4 or IPv6. Errors are thrown as JS Errors carrying `code` (the errno
// name, e.g. "EINVAL") and `errno`, so sockopt.ts can wrap them in its typed error.
#include <napi.h>

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <linux/tcp.h>
#include <string>
#include <sys/socket.h>
#include <unistd.h>

namespace {

const char* ErrnoName(int err) {
  switch (err) {
    case EBADF: return "EBADF";
    case EINVAL: return "EINVAL";
    case ENOENT: return "ENOENT";
    case ENOMEM: return "ENOMEM";
    case ENOPROTOOPT: return "ENOPROTOOPT";
    case ENOTSOCK: return "ENOTSOCK";
    case EPERM: return "EPERM";
    case EACCES: return "EACCES";
    case EAFNOSUPPORT: return "EAFNOSUPPORT";
    case EOPNOTSUPP: return "EOPNOTSUPP";
    default: return "EUNKNOWN";
  }
}

void ThrowErrno(Napi::Env env, const std::string& what, int err) {
  Napi::Error e = Napi::Error::New(env, what + ": " + std::strerror(err));
  e.Set("code", Napi::String::New(env, ErrnoName(err)));
  e.Set("errno", Napi::Number::New(env, err));
  e.ThrowAsJavaScriptException();
}

void ThrowType(Napi::Env env, const std::string& what) {
  Napi::TypeError::New(env, what).ThrowAsJavaScriptException();
}

// Returns AF_INET or AF_INET6 for the socket behind fd, or -1 after throwing.
int SocketFamily(Napi::Env env, int fd) {
  sockaddr_storage ss{};
  socklen_t len = sizeof(ss);
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) {
    ThrowErrno(env, "getsockname", errno);
    return -1;
  }
  if (ss.ss_family != AF_INET && ss.ss_family != AF_INET6) {
    ThrowErrno(env, "not an IPv4/IPv6 socket", EAFNOSUPPORT);
    return -1;
  }
  return ss.ss_family;
}

bool ArgFd(const Napi::CallbackInfo& info, size_t i, int* fd) {
  if (info.Length() <= i || !info[i].IsNumber()) {
    ThrowType(info.Env(), "file descriptor must be a number");
    return false;
  }
  *fd = info[i].As<Napi::Number>().Int32Value();
  if (*fd < 0) {
    ThrowErrno(info.Env(), "file descriptor", EBADF);
    return false;
  }
  return true;
}

bool ArgInt(const Napi::CallbackInfo& info, size_t i, int lo, int hi, const char* name, int* out) {
  if (info.Length() <= i || !info[i].IsNumber()) {
    ThrowType(info.Env(), std::string(name) + " must be a number");
    return false;
  }
  double v = info[i].As<Napi::Number>().DoubleValue();
  if (!(v >= lo && v <= hi) || v != static_cast<int>(v)) {
    Napi::RangeError::New(info.Env(), std::string(name) + " out of range")
        .ThrowAsJavaScriptException();
    return false;
  }
  *out = static_cast<int>(v);
  return true;
}

// createSocket(family: 4 | 6): number. An unconnected non-blocking TCP socket, so that options
// that must precede the SYN (TCP_MD5SIG on the active side) can be set before connect().
Napi::Value CreateSocket(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int family = 0;
  if (!ArgInt(info, 0, 4, 6, "family", &family)) return env.Null();
  if (family != 4 && family != 6) {
    ThrowType(env, "family must be 4 or 6");
    return env.Null();
  }
  int fd = socket(family == 4 ? AF_INET : AF_INET6, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
                  IPPROTO_TCP);
  if (fd < 0) {
    ThrowErrno(env, "socket", errno);
    return env.Null();
  }
  return Napi::Number::New(env, fd);
}

// closeFd(fd): for the error path of a socket that was never handed to Node.
Napi::Value CloseFd(const Napi::CallbackInfo& info) {
  int fd = -1;
  if (!ArgFd(info, 0, &fd)) return info.Env().Undefined();
  close(fd);
  return info.Env().Undefined();
}

// setTcpMd5(fd, peerAddress: string, key: Buffer). An empty key deletes the peer's key
// (the kernel treats tcpm_keylen == 0 as removal).
Napi::Value SetTcpMd5(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd = -1;
  if (!ArgFd(info, 0, &fd)) return env.Undefined();
  if (info.Length() < 3 || !info[1].IsString() || !info[2].IsBuffer()) {
    ThrowType(env, "setTcpMd5(fd, peerAddress: string, key: Buffer)");
    return env.Undefined();
  }
  std::string address = info[1].As<Napi::String>().Utf8Value();
  Napi::Buffer<uint8_t> key = info[2].As<Napi::Buffer<uint8_t>>();
  if (key.Length() > TCP_MD5SIG_MAXKEYLEN) {
    Napi::RangeError::New(env, "TCP-MD5 key longer than 80 bytes").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  int family = SocketFamily(env, fd);
  if (family < 0) return env.Undefined();

  tcp_md5sig sig{};
  in_addr v4{};
  in6_addr v6{};
  if (inet_pton(AF_INET, address.c_str(), &v4) == 1) {
    if (family == AF_INET) {
      auto* sin = reinterpret_cast<sockaddr_in*>(&sig.tcpm_addr);
      sin->sin_family = AF_INET;
      sin->sin_addr = v4;
    } else {
      // A dual-stack socket sees IPv4 peers as ::ffff:a.b.c.d; the kernel's IPv6 parser only
      // accepts AF_INET6 addresses and files a v4-mapped one under the IPv4 key table.
      auto* sin6 = reinterpret_cast<sockaddr_in6*>(&sig.tcpm_addr);
      sin6->sin6_family = AF_INET6;
      sin6->sin6_addr.s6_addr[10] = 0xff;
      sin6->sin6_addr.s6_addr[11] = 0xff;
      std::memcpy(&sin6->sin6_addr.s6_addr[12], &v4, 4);
    }
  } else if (inet_pton(AF_INET6, address.c_str(), &v6) == 1) {
    if (family != AF_INET6) {
      ThrowErrno(env, "IPv6 peer on an IPv4 socket", EAFNOSUPPORT);
      return env.Undefined();
    }
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(&sig.tcpm_addr);
    sin6->sin6_family = AF_INET6;
    sin6->sin6_addr = v6;
  } else {
    ThrowType(env, "peerAddress is not an IPv4 or IPv6 address: " + address);
    return env.Undefined();
  }
  sig.tcpm_keylen = static_cast<uint16_t>(key.Length());
  std::memcpy(sig.tcpm_key, key.Data(), key.Length());
  if (setsockopt(fd, IPPROTO_TCP, TCP_MD5SIG, &sig, sizeof(sig)) != 0) {
    // Deleting a key that was never set is not an error for our callers.
    if (!(errno == ENOENT && key.Length() == 0)) ThrowErrno(env, "setsockopt(TCP_MD5SIG)", errno);
  }
  return env.Undefined();
}

// Sets an IPv4 or IPv6 integer option depending on the socket's family. On an IPv6 socket the
// IPv4 option is also applied (best effort), because a dual-stack socket may carry IPv4 traffic.
void SetFamilyInt(const Napi::CallbackInfo& info, int opt4, int opt6, const char* name, int lo,
                  int hi) {
  Napi::Env env = info.Env();
  int fd = -1, value = 0;
  if (!ArgFd(info, 0, &fd) || !ArgInt(info, 1, lo, hi, name, &value)) return;
  int family = SocketFamily(env, fd);
  if (family < 0) return;
  if (family == AF_INET) {
    if (setsockopt(fd, IPPROTO_IP, opt4, &value, sizeof(value)) != 0)
      ThrowErrno(env, std::string("setsockopt(") + name + ")", errno);
    return;
  }
  if (setsockopt(fd, IPPROTO_IPV6, opt6, &value, sizeof(value)) != 0) {
    ThrowErrno(env, std::string("setsockopt(") + name + ", IPv6)", errno);
    return;
  }
  (void)setsockopt(fd, IPPROTO_IP, opt4, &value, sizeof(value));
}

Napi::Value GetFamilyInt(const Napi::CallbackInfo& info, int opt4, int opt6, const char* name) {
  Napi::Env env = info.Env();
  int fd = -1;
  if (!ArgFd(info, 0, &fd)) return env.Null();
  int family = SocketFamily(env, fd);
  if (family < 0) return env.Null();
  int value = 0;
  socklen_t len = sizeof(value);
  int rc = family == AF_INET ? getsockopt(fd, IPPROTO_IP, opt4, &value, &len)
                             : getsockopt(fd, IPPROTO_IPV6, opt6, &value, &len);
  if (rc != 0) {
    ThrowErrno(env, std::string("getsockopt(") + name + ")", errno);
    return env.Null();
  }
  return Napi::Number::New(env, value);
}

Napi::Value SetTtl(const Napi::CallbackInfo& info) {
  SetFamilyInt(info, IP_TTL, IPV6_UNICAST_HOPS, "IP_TTL", 1, 255);
  return info.Env().Undefined();
}
Napi::Value GetTtl(const Napi::CallbackInfo& info) {
  return GetFamilyInt(info, IP_TTL, IPV6_UNICAST_HOPS, "IP_TTL");
}
Napi::Value SetMinTtl(const Napi::CallbackInfo& info) {
  // 0 switches GTSM off again.
  SetFamilyInt(info, IP_MINTTL, IPV6_MINHOPCOUNT, "IP_MINTTL", 0, 255);
  return info.Env().Undefined();
}
Napi::Value GetMinTtl(const Napi::CallbackInfo& info) {
  return GetFamilyInt(info, IP_MINTTL, IPV6_MINHOPCOUNT, "IP_MINTTL");
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("createSocket", Napi::Function::New(env, CreateSocket));
  exports.Set("closeFd", Napi::Function::New(env, CloseFd));
  exports.Set("setTcpMd5", Napi::Function::New(env, SetTcpMd5));
  exports.Set("setTtl", Napi::Function::New(env, SetTtl));
  exports.Set("getTtl", Napi::Function::New(env, GetTtl));
  exports.Set("setMinTtl", Napi::Function::New(env, SetMinTtl));
  exports.Set("getMinTtl", Napi::Function::New(env, GetMinTtl));
  return exports;
}

}  // namespace

NODE_API_MODULE(bgp_sockopt, Init)
