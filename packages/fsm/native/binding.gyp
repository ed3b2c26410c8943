{
  "targets": [
    {
      "target_name": "bgp_sockopt",
      "sources": ["src/sockopt.cc"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS"],
      "cflags_cc": ["-std=c++17", "-Wall", "-Wextra"],
      "conditions": [
        ["OS!='linux'", { "sources!": ["src/sockopt.cc"], "sources": ["src/unsupported.cc"] }]
      ]
    }
  ]
}
