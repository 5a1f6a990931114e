#include "core/integrity/canonical.hpp"

#include <bit>
#include <cassert>
#include <cstring>
#include <optional>

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

namespace {

std::optional<std::uint64_t> read_u64(std::string_view s, std::size_t at) {
  if (s.size() < 8 || at > s.size() - 8) return std::nullopt;
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(s[at + i]);
  return v;
}

// The end of the value that starts at `at`; nullopt when it does not decode.
// Lists nest at most a few levels in any record; `depth` bounds hostile input.
std::optional<std::size_t> skip_value(std::string_view s, std::size_t at, int depth = 0) {
  if (at >= s.size() || depth > 16) return std::nullopt;
  const char type = s[at];
  if (type == k_null) return at + 1;
  const auto n = read_u64(s, at + 1);
  if (!n) return std::nullopt;
  const std::size_t after = at + 9;
  if (type == k_integer) return after;
  if (type == k_bytes) {
    if (*n > s.size() - after) return std::nullopt;
    return after + static_cast<std::size_t>(*n);
  }
  if (type == k_list) {
    std::size_t pos = after;
    for (std::uint64_t i = 0; i < *n; ++i) {
      const auto next = skip_value(s, pos, depth + 1);
      if (!next) return std::nullopt;
      pos = *next;
    }
    return pos;
  }
  return std::nullopt;
}

}  // namespace

std::string field_tags(std::string_view canonical) {
  std::string tags;
  // The label first: a bytes value, untagged.
  auto pos = skip_value(canonical, 0);
  while (pos && *pos < canonical.size()) {
    const auto end = skip_value(canonical, *pos);
    if (!end) break;
    const std::uint16_t tag = field_tag(canonical.substr(*pos, *end - *pos));
    tags.push_back(static_cast<char>(tag >> 8));
    tags.push_back(static_cast<char>(tag & 0xff));
    pos = end;
  }
  return tags;
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

namespace {

// Big-endian: one byte swap on this little-endian target, one store.
void store_u64(char* at, std::uint64_t v) {
  if constexpr (std::endian::native == std::endian::little) v = __builtin_bswap64(v);
  std::memcpy(at, &v, 8);
}

}  // namespace

void CanonicalWriter::put_u64(std::uint64_t v) {
  const std::size_t at = m_data.size();
  m_data.resize(at + 8);
  store_u64(m_data.data() + at, v);
}

// A type byte and a 64-bit value, grown in one step (the writer serialises
// every record verify reads).
void CanonicalWriter::put_head(char type, std::uint64_t v) {
  const std::size_t at = m_data.size();
  m_data.resize(at + 9);
  char* const p = m_data.data() + at;
  p[0] = type;
  store_u64(p + 1, v);
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
  put_head(k_integer, static_cast<std::uint64_t>(value));
  field_end();
}

void CanonicalWriter::bytes(std::string_view value) {
  field_start();
  put_head(k_bytes, value.size());
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
