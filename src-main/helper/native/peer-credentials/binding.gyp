{
  # Built by the package.json "install" script (npm install / npm ci): node-gyp rebuild in this directory.
  # Output: build/Release/peer_credentials.node (git-ignored). Node-API only, so the same binary loads in Node and
  # Electron (the helper runs under plain Node, its tests under vitest).
  "targets": [
    {
      "target_name": "peer_credentials",
      "sources": ["peer-credentials.c"],
      "cflags": ["-std=c11", "-Wall", "-Wextra", "-D_GNU_SOURCE"],
      "xcode_settings": { "OTHER_CFLAGS": ["-std=c11", "-Wall", "-Wextra"] }
    }
  ]
}
