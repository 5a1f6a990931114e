#include "core/export/csv_columns.hpp"

#include <algorithm>
#include <charconv>

#include <nlohmann/json.hpp>

#include <date/tz.h>

#include "core/model/enums.hpp"
#include "core/util/encoding.hpp"

namespace casetrail::exporting::csv {
namespace {

static_assert([] {
  for (auto name : k_columns) {
    if (name.empty()) return false;
  }
  return true;
}(), "every column has a name");

// consteval: a typo in a column name is a compile error, not a silent empty
// column.
consteval std::size_t col(std::string_view name) {
  const std::size_t i = column_index(name);
  if (i == k_columns.size()) throw "unknown column";
  return i;
}

bool needs_base64(const std::string& bytes) {
  return !util::is_valid_utf8(bytes) || bytes.find('\0') != std::string::npos;
}

// Replaces each invalid UTF-8 sequence by U+FFFD and NUL by U+FFFD, for a
// display text beside the exact base64 bytes.
std::string display_text(const std::string& bytes) {
  std::string text = nlohmann::json::parse(
                         nlohmann::json(bytes).dump(-1, ' ', false,
                                                    nlohmann::json::error_handler_t::replace))
                         .get<std::string>();
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\0') {
      out += "\xef\xbf\xbd";
    } else {
      out += c;
    }
  }
  return out;
}

// Puts exact bytes into a text column and its _base64 twin.
void put_bytes(std::vector<std::optional<std::string>>& cells, std::size_t text_column,
               const std::optional<std::string>& bytes) {
  if (!bytes) return;
  if (needs_base64(*bytes)) {
    cells[text_column] = display_text(*bytes);
    cells[text_column + 1] = util::base64_encode(*bytes);
  } else {
    cells[text_column] = *bytes;
  }
}

std::optional<std::string> number_text(const std::optional<std::int64_t>& v) {
  if (!v) return std::nullopt;
  return std::to_string(*v);
}

Result<std::optional<std::int64_t>> read_int(const std::optional<std::string>& cell,
                                             std::string_view column) {
  if (!cell) return std::optional<std::int64_t>{};
  std::int64_t value = 0;
  const char* begin = cell->data();
  const char* end = begin + cell->size();
  auto [ptr, ec] = std::from_chars(begin, end, value);
  if (cell->empty() || ec != std::errc() || ptr != end) {
    return unexpected("column " + std::string(column) + ": expected an integer, got " +
                      quote(*cell));
  }
  return std::optional<std::int64_t>(value);
}

// The exact bytes of a text column with a _base64 twin.
Result<std::optional<std::string>> read_bytes(const std::vector<std::optional<std::string>>& cells,
                                              std::size_t text_column) {
  const auto& b64 = cells[text_column + 1];
  if (b64) {
    auto bytes = util::base64_decode(*b64);
    if (!bytes) {
      return unexpected("column " + std::string(k_columns[text_column + 1]) + ": invalid base64");
    }
    return std::optional<std::string>(std::move(*bytes));
  }
  return cells[text_column];
}

}  // namespace

std::string encode_cell(const std::optional<std::string>& value) {
  if (!value) return {};
  if (value->empty()) return "'";
  switch ((*value)[0]) {
    case '=':
    case '+':
    case '-':
    case '@':
    case '\t':
    case '\r':
    case '\'':
      return "'" + *value;
    default:
      return *value;
  }
}

std::optional<std::string> decode_cell(std::string_view cell) {
  if (cell.empty()) return std::nullopt;
  if (cell[0] == '\'') return std::string(cell.substr(1));
  return std::string(cell);
}

std::string history_text(const std::vector<model::AuditEntry>* history) {
  nlohmann::json array = nlohmann::json::array();
  if (history) {
    auto opt = [](const std::optional<std::string>& v) -> nlohmann::json {
      if (v) return *v;
      return nullptr;
    };
    for (const auto& e : *history) {
      array.push_back({{"action", e.action},
                       {"field", opt(e.field)},
                       {"old", opt(e.old_value)},
                       {"new", opt(e.new_value)},
                       {"reason", opt(e.reason)},
                       {"analyst", e.analyst},
                       {"at", time::format_utc(e.at)}});
    }
  }
  return array.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string exported_identity(const std::string& uuid) {
  auto hex = util::sha256_hex("casetrail csv uuid\n" + uuid);
  return util::hex_decode(hex)->substr(0, 16);
}

ValueRow observation_values(const model::ObservationRecord& r, const ValueContext& context) {
  ValueRow row;
  fill_values(r, context, row);
  return row;
}

std::vector<std::string> observation_cells(const model::ObservationRecord& r,
                                           const ValueContext& context) {
  ValueRow c;
  fill_values(r, context, c);
  std::vector<std::string> cells;
  cells.reserve(c.size());
  for (const auto& v : c) cells.push_back(encode_cell(v));
  return cells;
}

void append_csv_row(std::string& out, const ValueRow& row) {
  for (std::size_t i = 0; i < row.size(); ++i) {
    if (i > 0) out += ',';
    const auto& v = row[i];
    if (!v) continue;
    std::string_view prefix;
    if (v->empty()) {
      out += '\'';
      continue;
    }
    switch ((*v)[0]) {
      case '=': case '+': case '-': case '@': case '\t': case '\r': case '\'':
        prefix = "'";
        break;
      default: break;
    }
    if (v->find_first_of(",\"\r\n") == std::string::npos) {
      out += prefix;
      out += *v;
      continue;
    }
    out += '"';
    out += prefix;
    // Quotes doubled; the text between them appended in one piece each.
    std::size_t from = 0;
    for (std::size_t q = v->find('"'); q != std::string::npos; q = v->find('"', from)) {
      out.append(*v, from, q + 1 - from);
      out += '"';
      from = q + 1;
    }
    out.append(*v, from, std::string::npos);
    out += '"';
  }
  out += "\r\n";
}

void fill_values(const model::ObservationRecord& r, const ValueContext& context, ValueRow& c) {
  c.resize(k_columns.size());
  for (auto& v : c) v.reset();
  c[col("number")] = std::to_string(r.number);
  c[col("uuid")] = r.uuid;
  c[col("kind")] = std::string(model::to_string(r.kind));
  c[col("observed_at")] = time::format_utc(r.observed_at);
  c[col("observed_at_us")] = std::to_string(r.observed_at.time_since_epoch().count());
  c[col("observed_offset")] = std::to_string(r.observed_offset);
  c[col("observed_text")] = r.observed_text;
  c[col("time_precision")] = std::to_string(r.time_precision);
  c[col("time_zone")] = r.time_zone;
  c[col("time_source")] = r.time_source;
  if (r.skew) c[col("skew_us")] = std::to_string(r.skew->count());
  c[col("host")] = r.host_observed;
  c[col("host_platform")] = r.host_platform;
  c[col("account")] = r.account_observed;
  c[col("account_sid")] = r.account_sid;
  if (!r.techniques.empty()) {
    std::string ids;
    for (const auto& t : r.techniques) ids += (ids.empty() ? "" : ";") + t.id;
    c[col("techniques")] = ids;
    c[col("attack_release")] = r.techniques.front().attack_release;
  }
  c[col("status")] = std::string(model::to_string(r.status));
  c[col("source")] = r.source;
  c[col("source_ref")] = r.source_ref;
  if (r.fingerprint) c[col("fingerprint")] = util::hex_encode(*r.fingerprint);
  c[col("analyst")] = r.analyst;
  c[col("logged_at")] = time::format_utc(r.logged_at);
  c[col("note")] = r.note;
  if (r.process) {
    const model::ProcessDetails& p = *r.process;
    c[col("image")] = p.image;
    put_bytes(c, col("command_line"), p.command_line);
    if (p.args) {
      nlohmann::json array = nlohmann::json::array();
      for (const auto& a : *p.args) {
        if (util::is_valid_utf8(a)) {
          array.push_back(a);
        } else {
          array.push_back({{"base64", util::base64_encode(a)}});
        }
      }
      c[col("args")] = array.dump();
    }
    c[col("args_source")] = p.args_source;
    c[col("pid")] = number_text(p.pid);
    c[col("process_guid")] = p.guid;
    c[col("parent_image")] = p.parent_image;
    put_bytes(c, col("parent_command_line"), p.parent_command_line);
    c[col("parent_pid")] = number_text(p.parent_pid);
    c[col("parent_process_guid")] = p.parent_guid;
    c[col("cwd")] = p.cwd;
    c[col("logon_id")] = p.logon_id;
    c[col("integrity_level")] = p.integrity_level;
    c[col("hashes")] = p.hashes;
    c[col("process_user")] = p.user;
  }
  c[col("attrs")] = r.attrs_json;
  if (!r.same_execution_as.empty()) {
    std::string numbers;
    for (auto n : r.same_execution_as) {
      if (!numbers.empty()) numbers += ';';
      numbers += std::to_string(n);
    }
    c[col("same_execution_as")] = numbers;
  }
  put_bytes(c, col("raw"), r.raw);

  c[col("observed_at_local")] = context.zone ? time::format_in_zone(r.observed_at, context.zone)
                                             : time::format_utc(r.observed_at);
  c[col("display_zone")] = context.zone ? std::string(context.zone->name()) : std::string("UTC");
  if (!r.techniques.empty()) {
    std::string names;
    std::vector<std::string> tactics;
    for (const auto& t : r.techniques) {
      if (!names.empty()) names += ';';
      names += t.name.value_or("");
      for (const auto& tactic : t.tactics) {
        if (std::find(tactics.begin(), tactics.end(), tactic) == tactics.end()) tactics.push_back(tactic);
      }
    }
    c[col("technique_names")] = names;
    std::string tactic_text;
    for (const auto& t : tactics) tactic_text += (tactic_text.empty() ? "" : ";") + t;
    if (!tactic_text.empty()) c[col("tactics")] = tactic_text;
  }
  c[col("history")] = history_text(context.history);
}

bool is_casetrail_header(const std::vector<std::string>& header) {
  if (header.size() != k_columns.size() && header.size() != k_imported_columns) return false;
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (header[i] != k_columns[i]) return false;
  }
  return true;
}

Result<model::NewObservation> observation_from_cells(const std::vector<std::string>& raw_cells) {
  if (raw_cells.size() != k_columns.size() && raw_cells.size() != k_imported_columns) {
    return unexpected("expected " + std::to_string(k_columns.size()) + " fields, found " +
                      std::to_string(raw_cells.size()));
  }
  std::vector<std::optional<std::string>> c;
  c.reserve(k_columns.size());
  for (const auto& cell : raw_cells) c.push_back(decode_cell(cell));
  c.resize(k_columns.size());  // the context columns of a 45-column file: absent
  auto get = [&](std::string_view name) -> const std::optional<std::string>& {
    return c[column_index(name)];
  };
  auto required = [&](std::string_view name) -> Result<std::string> {
    const auto& v = c[column_index(name)];
    if (!v || v->empty()) return unexpected("column " + std::string(name) + " is empty");
    return *v;
  };

  model::NewObservation o;
  auto kind_text = required("kind");
  if (!kind_text) return unexpected(kind_text.error());
  const auto kind = model::parse_kind(*kind_text);
  if (!kind) return unexpected("column kind: unknown kind " + quote(*kind_text));
  o.kind = *kind;

  auto at = read_int(get("observed_at_us"), "observed_at_us");
  if (!at) return unexpected(at.error());
  if (!*at) return unexpected("column observed_at_us is empty");
  auto offset = read_int(get("observed_offset"), "observed_offset");
  if (!offset) return unexpected(offset.error());
  auto precision = read_int(get("time_precision"), "time_precision");
  if (!precision) return unexpected(precision.error());
  if (*precision && (**precision < 0 || **precision > 6)) {
    return unexpected("column time_precision: expected 0 to 6, got " + quote(*get("time_precision")));
  }
  auto skew = read_int(get("skew_us"), "skew_us");
  if (!skew) return unexpected(skew.error());
  auto text = required("observed_text");
  if (!text) return unexpected(text.error());
  o.observed.utc = time::UtcTime(time::Micros(**at));
  o.observed.offset_seconds = static_cast<int>(offset->value_or(0));
  o.observed.fraction_digits = static_cast<int>(precision->value_or(0));
  o.observed.zone = get("time_zone").value_or("");
  o.observed.form = !o.observed.zone.empty()      ? time::TimeForm::local_zone
                    : o.observed.offset_seconds != 0 ? time::TimeForm::iso_offset
                                                     : time::TimeForm::iso_utc;
  o.observed.original = *text;
  if (*skew) o.skew = time::Micros(**skew);
  auto time_source = required("time_source");
  if (!time_source) return unexpected(time_source.error());
  o.time_source = *time_source;

  auto host = required("host");
  if (!host) return unexpected(host.error());
  o.host = *host;
  o.host_platform = get("host_platform");
  o.account = get("account");
  o.account_sid = get("account_sid");
  if (const auto& ids = get("techniques")) {
    std::string_view rest = *ids;
    while (!rest.empty()) {
      const auto semi = rest.find(';');
      o.techniques.emplace_back(rest.substr(0, semi));
      rest = semi == std::string_view::npos ? std::string_view{} : rest.substr(semi + 1);
    }
    o.attack_release = get("attack_release");
  }
  auto source = required("source");
  if (!source) return unexpected(source.error());
  o.source.name = *source;
  o.source.ref = get("source_ref");
  if (const auto& fp = get("fingerprint")) {
    auto bytes = util::hex_decode(*fp);
    if (!bytes || bytes->size() != 16) {
      return unexpected("column fingerprint: expected 32 hex digits, got " + quote(*fp));
    }
    o.source.fingerprint = std::move(*bytes);
  } else if (const auto& uuid = get("uuid")) {
    // Manual observations have no fingerprint; their exported uuid identifies
    // them, so that importing the same export twice adds nothing.
    o.source.fingerprint = exported_identity(*uuid);
  }
  o.note = get("note");

  static constexpr std::string_view process_columns[] = {
      "image",      "command_line", "command_line_base64", "args", "args_source", "pid",
      "process_guid", "parent_image", "parent_command_line", "parent_command_line_base64",
      "parent_pid", "parent_process_guid", "cwd", "logon_id", "integrity_level", "hashes",
      "process_user"};
  bool has_process = o.kind == model::Kind::process;
  for (auto name : process_columns) has_process = has_process || get(name).has_value();
  if (has_process) {
    model::ProcessDetails p;
    p.image = get("image");
    auto cmd = read_bytes(c, col("command_line"));
    if (!cmd) return unexpected(cmd.error());
    p.command_line = std::move(*cmd);
    if (const auto& args = get("args")) {
      std::vector<std::string> list;
      try {
        for (const auto& item : nlohmann::json::parse(*args)) {
          if (item.is_string()) {
            list.push_back(item.get<std::string>());
          } else {
            auto bytes = util::base64_decode(item.at("base64").get<std::string>());
            if (!bytes) return unexpected("column args: invalid base64 item");
            list.push_back(std::move(*bytes));
          }
        }
      } catch (const nlohmann::json::exception&) {
        return unexpected("column args: expected a JSON array of strings");
      }
      p.args = std::move(list);
      p.args_source = get("args_source");
    }
    auto pid = read_int(get("pid"), "pid");
    if (!pid) return unexpected(pid.error());
    p.pid = *pid;
    p.guid = get("process_guid");
    p.parent_image = get("parent_image");
    auto pcmd = read_bytes(c, col("parent_command_line"));
    if (!pcmd) return unexpected(pcmd.error());
    p.parent_command_line = std::move(*pcmd);
    auto ppid = read_int(get("parent_pid"), "parent_pid");
    if (!ppid) return unexpected(ppid.error());
    p.parent_pid = *ppid;
    p.parent_guid = get("parent_process_guid");
    p.cwd = get("cwd");
    p.logon_id = get("logon_id");
    p.integrity_level = get("integrity_level");
    p.hashes = get("hashes");
    p.user = get("process_user");
    o.process = std::move(p);
  }
  if (const auto& attrs = get("attrs")) {
    try {
      const auto object = nlohmann::json::parse(*attrs);
      if (!object.is_object()) return unexpected("column attrs: expected a JSON object");
      for (const auto& [k, v] : object.items()) {
        if (v.is_string()) {
          o.attrs.emplace_back(k, v.get<std::string>());
        } else if (v.is_object() && v.contains("base64")) {
          auto bytes = util::base64_decode(v.at("base64").get<std::string>());
          if (!bytes) return unexpected("column attrs: invalid base64 value of " + quote(k));
          o.attrs.emplace_back(k, std::move(*bytes));
        } else {
          return unexpected("column attrs: value of " + quote(k) + " is not a string");
        }
      }
    } catch (const nlohmann::json::exception&) {
      return unexpected("column attrs: expected a JSON object");
    }
  }
  auto raw = read_bytes(c, col("raw"));
  if (!raw) return unexpected(raw.error());
  o.raw = std::move(*raw);
  return o;
}

}  // namespace casetrail::exporting::csv
