#pragma once
// Byte-string encodings used at the edges: UTF-8 validity, Base64, hex, and
// zstd for verbatim raw records (byte-exact on the way out).

#include <optional>
#include <string>
#include <string_view>

namespace casetrail::util {

// True when `s` is well-formed UTF-8 (no overlongs, no surrogates, <= U+10FFFF).
// NUL bytes are valid UTF-8.
bool is_valid_utf8(std::string_view s);

// RFC 4648 Base64 with padding.
std::string base64_encode(std::string_view bytes);
// Returns nullopt on any character outside the alphabet or bad padding.
std::optional<std::string> base64_decode(std::string_view text);

// Lower-case hex of bytes, and its inverse (either case; nullopt when odd
// length or not hex).
std::string hex_encode(std::string_view bytes);
std::optional<std::string> hex_decode(std::string_view text);

// zstd at a fast level; the frame records the original size.
std::string zstd_compress(std::string_view bytes);
// Returns nullopt when the frame is corrupt.
std::optional<std::string> zstd_decompress(std::string_view frame);
// The same into `out`, whose buffer is reused; false (out unspecified) where
// zstd_decompress gives nothing.
bool zstd_decompress_into(std::string_view frame, std::string& out);

// SHA-256 (OpenSSL libcrypto) of bytes, as 64 lower-case hex digits.
std::string sha256_hex(std::string_view bytes);

}  // namespace casetrail::util
