#pragma once
// Small helpers for binding and reading optional values with SQLiteCpp.
// For core/store only.

#include <SQLiteCpp/SQLiteCpp.h>

#include <optional>
#include <string>

namespace casetrail::store {

inline void bind_optional(SQLite::Statement& s, const char* name,
                          const std::optional<std::string>& v) {
  if (v) {
    s.bind(name, *v);
  } else {
    s.bind(name);
  }
}

// Binds bytes as a BLOB (exact, NULs included).
inline void bind_blob(SQLite::Statement& s, const char* name, const std::optional<std::string>& v) {
  if (v) {
    s.bind(name, v->data(), static_cast<int>(v->size()));
  } else {
    s.bind(name);
  }
}

inline void bind_optional(SQLite::Statement& s, const char* name,
                          const std::optional<std::int64_t>& v) {
  if (v) {
    s.bind(name, *v);
  } else {
    s.bind(name);
  }
}

inline std::optional<std::string> optional_text(SQLite::Statement& s, int column) {
  if (s.isColumnNull(column)) return std::nullopt;
  return s.getColumn(column).getString();
}

// Reads TEXT or BLOB bytes exactly (getString stops at nothing: it uses the
// column's byte count).
inline std::optional<std::string> optional_bytes(SQLite::Statement& s, int column) {
  if (s.isColumnNull(column)) return std::nullopt;
  SQLite::Column c = s.getColumn(column);
  const int size = c.getBytes();
  const char* data = static_cast<const char*>(c.getBlob());
  return std::string(data, data + size);
}

inline std::optional<std::int64_t> optional_int(SQLite::Statement& s, int column) {
  if (s.isColumnNull(column)) return std::nullopt;
  return s.getColumn(column).getInt64();
}

}  // namespace casetrail::store
