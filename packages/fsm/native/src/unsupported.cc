// Socket options for BGP sessions are Linux-specific (TCP_MD5SIG, IP_MINTTL): on other systems
// the addon loads but exports only `platformError`, so sockopt.ts can say why nothing works.
#include <napi.h>

static Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("platformError",
              Napi::String::New(env, "TCP_MD5SIG/IP_MINTTL are only implemented for Linux"));
  return exports;
}

NODE_API_MODULE(bgp_sockopt, Init)
