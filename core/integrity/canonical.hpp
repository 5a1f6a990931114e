#pragma once
// The canonical serialisation of a chained record (docs/INTEGRITY.md, "Canonical
// serialisation"): a record label, then each field as a typed, length-prefixed
// value, so that two different records never serialise to the same bytes.
//
//   null     0x00
//   integer  0x01, 8 bytes big-endian two's complement
//   bytes    0x02, 8-byte big-endian length, the bytes (text is its UTF-8 bytes)
//   list     0x03, 8-byte big-endian item count, the items
//
// The writer also gives a 2-byte tag per top-level field (FNV-1a 32 of the
// field's encoding, folded to 16 bits), computed when first asked for: a
// writer appending records needs them, verify only for a record whose hash
// does not match. Tags are diagnostics only, never
// security: verify compares them to say which field of a modified record
// differs; the SHA-256 chain alone decides whether a record is intact.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace casetrail::integrity {

class CanonicalWriter {
public:
  // Starts a record: clears the buffer and writes `label` ("observation/1").
  void begin(std::string_view label);

  void null();
  void integer(std::int64_t value);
  void bytes(std::string_view value);
  void bytes(const std::optional<std::string_view>& value);
  void integer(const std::optional<std::int64_t>& value);

  // A list is one top-level field; its items are written between these calls.
  void begin_list(std::uint64_t count);
  void end_list();

  // The serialised record so far.
  std::string_view data() const { return m_data; }
  // Two bytes (big-endian) per top-level field, in field order. Valid until
  // the next write.
  std::string_view tags() const;
  std::size_t field_count() const { return m_field_ends.size(); }
  // Where top-level field `index` starts and ends in data().
  std::pair<std::size_t, std::size_t> field(std::size_t index) const {
    return m_field_ends.at(index);
  }

private:
  void field_start() {
    if (m_depth == 0) m_field_start = m_data.size();
  }
  void field_end() {
    if (m_depth != 0) return;
    m_field_ends.emplace_back(m_field_start, m_data.size());
    m_tags_valid = false;
  }
  void put_u64(std::uint64_t v);
  void put_head(char type, std::uint64_t v);

  std::string m_data;
  // Where each top-level field starts and ends in m_data.
  std::vector<std::pair<std::size_t, std::size_t>> m_field_ends;
  mutable std::string m_tags;
  mutable bool m_tags_valid = false;
  std::size_t m_field_start = 0;
  int m_depth = 0;
};

// The 16-bit tag of an encoded field (FNV-1a 32, high half xor low half).
std::uint16_t field_tag(std::string_view encoded_field);

// The field tags of a serialised record, found by reading its encoding (the
// same bytes CanonicalWriter::tags() gives for the record it wrote). Reading
// stops at the first field that does not decode: what follows is not tagged.
std::string field_tags(std::string_view canonical);

}  // namespace casetrail::integrity
