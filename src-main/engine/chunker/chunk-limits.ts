/**
 * restic's chunk size rules (restic/chunker v0.4.0), shared by the native-backed `Chunker` and the JavaScript
 * `ReferenceChunker`. The addon has the same numbers compiled in (hotpath/rabin-chunker.h; a test compares them).
 */

/** No chunk (but a file's last) is shorter than this. */
export const minChunkSize = 512 * 1024;
/** No chunk is longer than this. */
export const maxChunkSize = 8 * 1024 * 1024;
/** A cut needs the low 20 fingerprint bits zero: on average one cut per MiB of hashed random data. */
export const splitMask = (1 << 20) - 1;
