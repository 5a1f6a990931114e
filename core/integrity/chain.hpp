#pragma once
// The per-case hash chain: each record's hash is
//   SHA-256(canonical serialisation || previous record's hash)
// with 32 zero bytes before the first record (docs/INTEGRITY.md). SHA-256 is
// OpenSSL libcrypto's (EVP), never a hand-written one.

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace casetrail::integrity {

using Digest = std::array<unsigned char, 32>;

// The "previous hash" of a case's first record.
inline constexpr Digest k_genesis{};

// A reusable SHA-256 context (one per thread). Creating the EVP context and
// fetching the algorithm once keeps a million small hashes cheap.
class Sha256 {
public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  Digest digest(std::string_view bytes);
  // SHA-256(canonical || previous): one chain step.
  Digest link(std::string_view canonical, const Digest& previous);

private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

// 64 lower-case hex digits.
std::string to_hex(const Digest& d);
// Parses 64 hex digits (either case); nullopt otherwise.
std::optional<Digest> digest_from_hex(std::string_view hex);
// The 32 bytes as a string (for BLOB columns and comparisons).
inline std::string_view as_bytes(const Digest& d) {
  return {reinterpret_cast<const char*>(d.data()), d.size()};
}
// A 32-byte BLOB back to a Digest; nullopt for any other length.
std::optional<Digest> digest_from_bytes(std::string_view bytes);

}  // namespace casetrail::integrity
