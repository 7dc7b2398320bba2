{
  # Built by the package.json "install" script (npm install / npm ci): node-gyp rebuild in this directory.
  # Output: build/Release/hotpath.node (git-ignored). Node-API only, so the same binary loads in Node and Electron.
  # -O3 for the two hot loops; deliberately no -march: the binary must run on any x86-64 (or other) machine.
  "targets": [
    {
      "target_name": "hotpath",
      "sources": ["hotpath.c", "aes-ctr.c", "poly1305.c", "rabin-chunker.c"],
      "conditions": [["OS=='linux'", { "libraries": ["-ldl", "-lpthread"] }]],
      "cflags": ["-std=c11", "-O3", "-Wall", "-Wextra"],
      "cflags!": ["-O2", "-Os"],
      "xcode_settings": { "OTHER_CFLAGS": ["-std=c11", "-O3", "-Wall", "-Wextra"], "GCC_OPTIMIZATION_LEVEL": "3" },
      "msvs_settings": { "VCCLCompilerTool": { "Optimization": 2 } }
    }
  ]
}
