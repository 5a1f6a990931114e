#include "core/integrity/chain.hpp"

#include <openssl/evp.h>

#include <cstring>
#include <stdexcept>

#include "core/util/encoding.hpp"

namespace casetrail::integrity {

struct Sha256::Impl {
  EVP_MD* md = nullptr;
  EVP_MD_CTX* ctx = nullptr;
};

Sha256::Sha256() : m_impl(std::make_unique<Impl>()) {
  // An explicit fetch: EVP_sha256() would look the algorithm up again at
  // every EVP_DigestInit_ex (https://www.openssl.org/docs/man3.0/man7/crypto.html,
  // "Performance").
  m_impl->md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  m_impl->ctx = EVP_MD_CTX_new();
  if (m_impl->md == nullptr || m_impl->ctx == nullptr) {
    EVP_MD_free(m_impl->md);
    EVP_MD_CTX_free(m_impl->ctx);
    throw std::runtime_error("OpenSSL: SHA-256 is not available");
  }
}

Sha256::~Sha256() {
  EVP_MD_CTX_free(m_impl->ctx);
  EVP_MD_free(m_impl->md);
}

Digest Sha256::digest(std::string_view bytes) {
  Digest out{};
  unsigned int length = 0;
  if (EVP_DigestInit_ex(m_impl->ctx, m_impl->md, nullptr) != 1 ||
      EVP_DigestUpdate(m_impl->ctx, bytes.data(), bytes.size()) != 1 ||
      EVP_DigestFinal_ex(m_impl->ctx, out.data(), &length) != 1 || length != out.size()) {
    throw std::runtime_error("OpenSSL: SHA-256 failed");
  }
  return out;
}

Digest Sha256::link(std::string_view canonical, const Digest& previous) {
  Digest out{};
  unsigned int length = 0;
  if (EVP_DigestInit_ex(m_impl->ctx, m_impl->md, nullptr) != 1 ||
      EVP_DigestUpdate(m_impl->ctx, canonical.data(), canonical.size()) != 1 ||
      EVP_DigestUpdate(m_impl->ctx, previous.data(), previous.size()) != 1 ||
      EVP_DigestFinal_ex(m_impl->ctx, out.data(), &length) != 1 || length != out.size()) {
    throw std::runtime_error("OpenSSL: SHA-256 failed");
  }
  return out;
}

std::string to_hex(const Digest& d) { return util::hex_encode(as_bytes(d)); }

std::optional<Digest> digest_from_hex(std::string_view hex) {
  if (hex.size() != 64) return std::nullopt;
  const auto bytes = util::hex_decode(hex);
  if (!bytes) return std::nullopt;
  return digest_from_bytes(*bytes);
}

std::optional<Digest> digest_from_bytes(std::string_view bytes) {
  if (bytes.size() != 32) return std::nullopt;
  Digest d{};
  std::memcpy(d.data(), bytes.data(), d.size());
  return d;
}

}  // namespace casetrail::integrity
