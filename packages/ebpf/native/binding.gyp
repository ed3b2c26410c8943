{
  "targets": [
    {
      "target_name": "bgp_ebpf",
      "sources": ["src/addon.cc", "src/errors.cc", "src/maps.cc", "src/batch.cc", "src/xdp.cc"],
      "include_dirs": ["<!@(node -p \"require('node-addon-api').include\")"],
      "cflags_cc": ["-std=c++17", "-fexceptions", "-Wall", "-Wextra", "<!@(pkg-config --cflags libbpf)"],
      "cflags_cc!": ["-fno-exceptions"],
      "libraries": ["<!@(pkg-config --libs libbpf)"],
      "defines": ["NAPI_VERSION=8", "NODE_ADDON_API_DISABLE_DEPRECATED"]
    }
  ]
}
