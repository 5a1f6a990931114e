#include "core/integrity/canonical.hpp"

#include <cassert>

namespace casetrail::integrity {
namespace {

constexpr char k_null = 0x00;
constexpr char k_integer = 0x01;
constexpr char k_bytes = 0x02;
constexpr char k_list = 0x03;

}  // namespace

std::uint16_t field_tag(std::string_view encoded_field) {
  // FNV-1a 32 (http://www.isthe.com/chongo/tech/comp/fnv/): cheap, and only a
  // hint for naming the changed field, so no cryptographic strength needed.
  std::uint32_t h = 2166136261u;
  for (unsigned char c : encoded_field) {
    h ^= c;
    h *= 16777619u;
  }
  return static_cast<std::uint16_t>((h >> 16) ^ (h & 0xffffu));
}

void CanonicalWriter::begin(std::string_view label) {
  m_data.clear();
  m_field_ends.clear();
  m_tags_valid = false;
  m_depth = 0;
  // The label is not a field: it has no tag.
  m_data.push_back(k_bytes);
  put_u64(label.size());
  m_data.append(label);
}

void CanonicalWriter::put_u64(std::uint64_t v) {
  char b[8];
  for (int i = 7; i >= 0; --i) {
    b[i] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
  m_data.append(b, 8);
}

void CanonicalWriter::field_start() {
  if (m_depth == 0) m_field_start = m_data.size();
}

void CanonicalWriter::field_end() {
  if (m_depth != 0) return;
  m_field_ends.emplace_back(m_field_start, m_data.size());
  m_tags_valid = false;
}

std::string_view CanonicalWriter::tags() const {
  if (!m_tags_valid) {
    m_tags.clear();
    for (const auto& [start, end] : m_field_ends) {
      const std::uint16_t tag = field_tag(std::string_view(m_data).substr(start, end - start));
      m_tags.push_back(static_cast<char>(tag >> 8));
      m_tags.push_back(static_cast<char>(tag & 0xff));
    }
    m_tags_valid = true;
  }
  return m_tags;
}

void CanonicalWriter::null() {
  field_start();
  m_data.push_back(k_null);
  field_end();
}

void CanonicalWriter::integer(std::int64_t value) {
  field_start();
  m_data.push_back(k_integer);
  put_u64(static_cast<std::uint64_t>(value));
  field_end();
}

void CanonicalWriter::bytes(std::string_view value) {
  field_start();
  m_data.push_back(k_bytes);
  put_u64(value.size());
  m_data.append(value);
  field_end();
}

void CanonicalWriter::bytes(const std::optional<std::string_view>& value) {
  if (value) {
    bytes(*value);
  } else {
    null();
  }
}

void CanonicalWriter::integer(const std::optional<std::int64_t>& value) {
  if (value) {
    integer(*value);
  } else {
    null();
  }
}

void CanonicalWriter::begin_list(std::uint64_t count) {
  field_start();
  m_data.push_back(k_list);
  put_u64(count);
  ++m_depth;
}

void CanonicalWriter::end_list() {
  assert(m_depth > 0);
  --m_depth;
  field_end();
}

}  // namespace casetrail::integrity
