#include "core/ingest/auditd_record.hpp"

#include <charconv>

#include "core/util/encoding.hpp"

namespace casetrail::ingest {

namespace {

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

template <typename Int>
bool to_int(std::string_view s, Int& value) {
  const auto result = std::from_chars(s.data(), s.data() + s.size(), value);
  return result.ec == std::errc() && result.ptr == s.data() + s.size();
}

// Splits key=value pairs separated by spaces. A value is "double quoted"
// (no escapes exist inside), 'single quoted' (a user-space message whose own
// fields are split recursively and appended), or runs to the next space. A
// word without "=" is ignored.
void split_fields(std::string_view s, std::vector<AuditField>& out, int depth) {
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ') ++i;
    if (i >= s.size()) break;
    const std::size_t key_start = i;
    while (i < s.size() && s[i] != '=' && s[i] != ' ') ++i;
    if (i >= s.size() || s[i] == ' ') continue;  // a bare word
    AuditField field;
    field.key = std::string(s.substr(key_start, i - key_start));
    ++i;  // '='
    if (i < s.size() && (s[i] == '"' || s[i] == '\'')) {
      const char quote_char = s[i];
      const std::size_t close = s.find(quote_char, i + 1);
      const std::size_t end = close == std::string_view::npos ? s.size() : close;
      const std::string_view inner = s.substr(i + 1, end - i - 1);
      i = close == std::string_view::npos ? s.size() : close + 1;
      if (quote_char == '\'' && depth == 0) {
        split_fields(inner, out, depth + 1);
        continue;
      }
      field.value = std::string(inner);
      field.quoted = true;
    } else {
      const std::size_t start = i;
      while (i < s.size() && s[i] != ' ') ++i;
      field.value = std::string(s.substr(start, i - start));
    }
    out.push_back(std::move(field));
  }
}

const AuditField* find_field(const std::vector<AuditField>& fields, std::string_view key) {
  for (const auto& f : fields) {
    if (f.key == key) return &f;
  }
  return nullptr;
}

bool is_hex(std::string_view s) {
  if (s.empty() || s.size() % 2 != 0) return false;
  for (char c : s) {
    const bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (!hex) return false;
  }
  return true;
}

}  // namespace

const AuditField* AuditRecord::field(std::string_view key) const { return find_field(fields, key); }

const AuditField* AuditRecord::enriched_field(std::string_view key) const {
  return find_field(enriched, key);
}

Result<AuditRecord> parse_audit_record(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  std::string_view enriched;
  if (const auto gs = line.find('\x1d'); gs != std::string_view::npos) {
    enriched = line.substr(gs + 1);
    line = line.substr(0, gs);
  }

  std::vector<AuditField> all;
  all.reserve(32);  // a SYSCALL record has about 30 fields
  split_fields(line, all, 0);

  AuditRecord record;
  record.fields.reserve(all.size());
  bool have_type = false;
  bool have_header = false;
  for (auto& f : all) {
    if (!have_header) {
      if (f.key == "node" && !record.node) {
        record.node = f.value;
        continue;
      }
      if (f.key == "type" && !have_type) {
        record.type = f.value;
        have_type = true;
        continue;
      }
      if (f.key == "msg") {
        std::string_view v = f.value;
        if (!v.starts_with("audit(")) return unexpected("no msg=audit(...)");
        const std::string_view invalid_reason =
            ": expected audit(<epoch seconds>.<milliseconds>:<serial>)";
        v.remove_prefix(6);
        if (v.ends_with(':')) v.remove_suffix(1);
        const auto close = v.find(')');
        const auto colon = v.rfind(':', close);
        const auto dot = v.find('.');
        if (close == std::string_view::npos || close + 1 != v.size() ||
            colon == std::string_view::npos || dot == std::string_view::npos || dot > colon) {
          return unexpected("invalid msg=" + quote(f.value) + std::string(invalid_reason));
        }
        const std::string_view secs = v.substr(0, dot);
        const std::string_view millis = v.substr(dot + 1, colon - dot - 1);
        const std::string_view serial = v.substr(colon + 1, close - colon - 1);
        if (!all_digits(secs) || millis.size() != 3 || !all_digits(millis) ||
            !all_digits(serial) || !to_int(secs, record.seconds) ||
            !to_int(millis, record.milliseconds) || !to_int(serial, record.serial) ||
            record.seconds > 253402300799) {  // 9999-12-31T23:59:59Z
          return unexpected("invalid msg=" + quote(f.value) + std::string(invalid_reason));
        }
        record.timestamp = std::string(v.substr(0, colon));
        have_header = true;
        continue;
      }
    }
    record.fields.push_back(std::move(f));
  }
  if (!have_type) return unexpected("no type=");
  if (!have_header) return unexpected("no msg=audit(...)");
  if (!enriched.empty()) split_fields(enriched, record.enriched, 1);
  return record;
}

std::string decode_audit_string(const AuditField& field) {
  if (field.quoted || !is_hex(field.value)) return field.value;
  return util::hex_decode(field.value).value_or(field.value);
}

}  // namespace casetrail::ingest
