{
  # Built by the package.json "install" script (npm install / npm ci): node-gyp rebuild in this directory.
  # Output: build/Release/posix_fs.node (git-ignored). Node-API only, so the same binary loads in Node and Electron.
  "targets": [
    {
      "target_name": "posix_fs",
      "sources": ["posix-fs.c", "directory-scan.c", "memory.c"],
      "cflags": ["-std=c11", "-Wall", "-Wextra", "-D_GNU_SOURCE"],
      "xcode_settings": { "OTHER_CFLAGS": ["-std=c11", "-Wall", "-Wextra"] }
    }
  ]
}
