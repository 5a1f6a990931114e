#include "core/ingest/fields.hpp"

#include <charconv>
#include <cstdio>
#include <vector>

#include "core/attack/technique_check.hpp"

namespace casetrail::ingest {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

template <typename T>
bool parse_number(std::string_view text, T& value) {
  text = trim(text);
  int base = 10;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    text.remove_prefix(2);
    base = 16;
  }
  if (text.empty()) return false;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value, base);
  return ec == std::errc() && ptr == text.data() + text.size();
}

}  // namespace

Result<std::int64_t> parse_pid(std::string_view text) {
  std::int64_t value = 0;
  if (!parse_number(text, value) || value < 0) {
    return unexpected("expected a process id (decimal, or hex with 0x)");
  }
  return value;
}

Result<std::string> normalise_logon_id(std::string_view text) {
  std::uint64_t value = 0;
  if (!parse_number(text, value)) return unexpected("expected a logon id (hex with 0x, or decimal)");
  char out[24];
  std::snprintf(out, sizeof out, "0x%llx", static_cast<unsigned long long>(value));
  return std::string(out);
}

std::optional<std::string> join_account(std::string_view domain, std::string_view user) {
  if (user.empty() || user == "-") return std::nullopt;
  if (domain.empty() || domain == "-") return std::string(user);
  std::string out;
  out.reserve(domain.size() + 1 + user.size());
  out.append(domain).append("\\").append(user);
  return out;
}

Result<time::ParsedTime> parse_event_time(std::string_view text, ZonelessTime zoneless,
                                          const date::time_zone* source_tz,
                                          std::string* cut_digits) {
  if (cut_digits != nullptr) cut_digits->clear();
  // Fraction digits beyond microseconds: cut them for parsing only (the
  // time parser refuses to drop non-zero digits on its own).
  std::string cut;
  std::string_view to_parse = text;
  std::string_view dropped;
  if (const auto dot = text.find_first_of(".,", 17); dot != std::string_view::npos && dot < 21) {
    std::size_t end = dot + 1;
    while (end < text.size() && text[end] >= '0' && text[end] <= '9') ++end;
    if (end - dot - 1 > 6) {
      cut.assign(text.substr(0, dot + 7));
      cut.append(text.substr(end));
      to_parse = cut;
      dropped = text.substr(dot + 7, end - dot - 7);
    }
  }
  auto parsed = time::parse_time(to_parse);
  if (!parsed && parsed.error().rfind("local time without a zone", 0) == 0) {
    if (zoneless == ZonelessTime::utc) {
      parsed = time::parse_time(std::string(to_parse) + "Z");
    } else if (source_tz != nullptr) {
      time::ParseOptions options;
      options.zone = source_tz;
      parsed = time::parse_time(to_parse, options);
    } else {
      return unexpected("no zone in the time: give --source-tz ZONE");
    }
  }
  if (!parsed) return parsed;
  parsed->original = std::string(text);
  if (cut_digits != nullptr && dropped.find_first_not_of('0') != std::string_view::npos) {
    cut_digits->assign(dropped);
  }
  return parsed;
}

void add_precision_note(std::vector<std::pair<std::string, std::string>>& attrs,
                        std::string_view field, std::string_view text,
                        const std::string& cut_digits) {
  if (cut_digits.empty()) return;
  std::string note(field);
  note += ' ';
  note += text;
  note += " has ";
  note += std::to_string(6 + cut_digits.size());
  note += " fraction digits; kept to microseconds, digits \"";
  note += cut_digits;
  note += "\" cut";
  attrs.emplace_back("time_precision_reduced", std::move(note));
}

std::vector<std::string> rule_name_techniques(std::string_view rule_name) {
  std::vector<std::string> ids;
  while (!rule_name.empty()) {
    const auto sep = rule_name.find_first_of(",;");
    std::string_view pair = trim(rule_name.substr(0, sep));
    rule_name = sep == std::string_view::npos ? std::string_view{} : rule_name.substr(sep + 1);
    const auto eq = pair.find('=');
    if (eq == std::string_view::npos || trim(pair.substr(0, eq)) != "technique_id") continue;
    const std::string id = attack::normalise_technique_id(trim(pair.substr(eq + 1)));
    if (attack::is_technique_id(id)) ids.push_back(id);
  }
  return ids;
}

}  // namespace casetrail::ingest
