#include "core/ingest/fingerprint.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace casetrail::ingest {

Digest::Digest() : m_ctx(EVP_MD_CTX_new()) {
  if (m_ctx == nullptr || EVP_DigestInit_ex(static_cast<EVP_MD_CTX*>(m_ctx), EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("SHA-256 unavailable");
  }
}

Digest::~Digest() { EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(m_ctx)); }

Digest& Digest::add(std::string_view part) {
  const std::uint64_t size = part.size();
  unsigned char prefix[8];
  for (int i = 0; i < 8; ++i) prefix[i] = static_cast<unsigned char>(size >> (8 * i));
  EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(m_ctx), prefix, sizeof prefix);
  EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(m_ctx), part.data(), part.size());
  return *this;
}

Digest& Digest::add(std::int64_t number) { return add(std::to_string(number)); }

std::string Digest::finish() {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  auto* ctx = static_cast<EVP_MD_CTX*>(m_ctx);
  EVP_DigestFinal_ex(ctx, out, &length);
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<const char*>(out), std::min<std::size_t>(length, k_fingerprint_bytes));
}

RecordIdentity windows_event_identity(const WindowsEvent& event) {
  std::vector<const std::pair<std::string, std::string>*> fields;
  fields.reserve(event.data.size());
  for (const auto& f : event.data) fields.push_back(&f);
  std::sort(fields.begin(), fields.end(),
            [](const auto* a, const auto* b) { return *a < *b; });
  Digest d;
  d.add("windows event").add(event.channel).add(event.computer);
  RecordIdentity id;
  if (event.record_id) {
    d.add("record").add(*event.record_id);
    id.numbered = true;
  } else {
    d.add("time").add(event.system_time.value_or(""));
  }
  d.add(static_cast<std::int64_t>(event.event_id));
  for (const auto* f : fields) d.add(f->first).add(f->second);
  id.digest = d.finish();
  return id;
}

std::string OccurrenceCounter::fingerprint(const RecordIdentity& identity) {
  if (identity.numbered) return identity.digest;
  std::uint64_t key = 0;
  std::memcpy(&key, identity.digest.data(), std::min<std::size_t>(8, identity.digest.size()));
  auto [it, inserted] = m_counts.try_emplace(key, 0);
  const std::uint32_t occurrence = it->second++;
  if (inserted) {
    m_order.push_back(key);
    if (m_order.size() > k_occurrence_window) {
      m_counts.erase(m_order.front());
      m_order.pop_front();
    }
  }
  if (occurrence == 0) return identity.digest;
  Digest d;
  d.add(identity.digest).add("occurrence").add(static_cast<std::int64_t>(occurrence));
  return d.finish();
}

}  // namespace casetrail::ingest
