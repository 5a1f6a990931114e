#include "core/export/jsonl_writer.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "core/export/observation_json.hpp"
#include "core/time/time.hpp"
#include "core/util/encoding.hpp"

namespace casetrail::exporting {

void append_json_string(std::string& out, std::string_view bytes) {
  if (!util::is_valid_utf8(bytes)) {
    // Rare: let nlohmann replace the invalid sequences exactly as dump() does.
    out += nlohmann::json(std::string(bytes)).dump(-1, ' ', false,
                                                   nlohmann::json::error_handler_t::replace);
    return;
  }
  static constexpr char hex[] = "0123456789abcdef";
  out += '"';
  // Runs that need no escape are appended in one piece.
  std::size_t from = 0;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const auto c = static_cast<unsigned char>(bytes[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(bytes.data() + from, i - from);
    from = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        out += "\\u00";
        out += hex[c >> 4];
        out += hex[c & 15];
    }
  }
  out.append(bytes.data() + from, bytes.size() - from);
  out += '"';
}

namespace {

// Text of a byte string the way observation_json's put_bytes shows it when it
// is not UTF-8 (U+FFFD replacements).
std::string lossy(const std::string& bytes) {
  return nlohmann::json::parse(
             nlohmann::json(bytes).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace))
      .get<std::string>();
}

}  // namespace

void JsonlWriter::field(std::string key) {
  if (m_count < m_fields.size()) {
    m_fields[m_count].key = std::move(key);
  } else {
    m_fields.push_back({std::move(key), 0, 0});
  }
  m_fields[m_count].begin = m_values.size();
  ++m_count;
}

void JsonlWriter::append(std::string& out, const model::ObservationRecord& r,
                         const RecordContext& context) {
  m_count = 0;
  m_values.clear();
  auto close = [&] { m_fields[m_count - 1].end = m_values.size(); };
  auto null = [&](const char* key) {
    field(key);
    m_values += "null";
    close();
  };
  auto integer = [&](const char* key, std::int64_t v) {
    field(key);
    m_values += std::to_string(v);
    close();
  };
  auto opt_integer = [&](const char* key, const std::optional<std::int64_t>& v) {
    if (v) {
      integer(key, *v);
    } else {
      null(key);
    }
  };
  // A text field; bytes that are not UTF-8 also get a "<key>_base64" twin
  // (observation_json's put_bytes, and jsonl_record for every other field).
  auto text = [&](const std::string& key, const std::string& v) {
    field(key);
    if (util::is_valid_utf8(v)) {
      append_json_string(m_values, v);
      close();
      return;
    }
    append_json_string(m_values, lossy(v));
    close();
    field(key + "_base64");
    append_json_string(m_values, util::base64_encode(v));
    close();
  };
  auto opt_text = [&](const std::string& key, const std::optional<std::string>& v) {
    if (v) {
      text(key, *v);
    } else {
      null(key.c_str());
    }
  };

  opt_text("account", r.account);
  opt_text("account_observed", r.account_observed);
  opt_text("account_sid", r.account_sid);
  text("analyst", r.analyst);
  field("attrs");
  if (r.attrs_json) {
    // Stored as nlohmann's compact dump of the object (observation_store):
    // parse and dump again only when it is not already that.
    const auto parsed = nlohmann::json::parse(*r.attrs_json);
    m_values += parsed.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  } else {
    m_values += "{}";
  }
  close();
  if (context.case_record) {
    text("case", context.case_record->key);
  } else {
    null("case");
  }
  text("display_zone", zone_name(context.zone));
  field("chain_seq");
  m_values += context.chain ? std::to_string(context.chain->seq) : std::string("null");
  close();
  field("chain_hash");
  if (context.chain) {
    append_json_string(m_values, context.chain->hash);
  } else {
    m_values += "null";
  }
  close();
  field("fingerprint");
  if (r.fingerprint) {
    append_json_string(m_values, util::hex_encode(*r.fingerprint));
  } else {
    m_values += "null";
  }
  close();
  field("history");
  m_values += '[';
  if (context.history) {
    bool first = true;
    for (const auto& e : *context.history) {
      if (!first) m_values += ',';
      first = false;
      m_values += "{\"action\":";
      append_json_string(m_values, e.action);
      m_values += ",\"analyst\":";
      append_json_string(m_values, e.analyst);
      m_values += ",\"at\":";
      append_json_string(m_values, time::format_utc(e.at));
      auto opt = [&](const char* key, const std::optional<std::string>& v) {
        m_values += ",\"";
        m_values += key;
        m_values += "\":";
        if (v) {
          append_json_string(m_values, *v);
        } else {
          m_values += "null";
        }
      };
      opt("field", e.field);
      opt("new", e.new_value);
      opt("old", e.old_value);
      opt("reason", e.reason);
      m_values += '}';
    }
  }
  m_values += ']';
  close();
  text("host", r.host);
  opt_text("host_fqdn", r.host_fqdn);
  text("host_observed", r.host_observed);
  opt_text("host_platform", r.host_platform);
  opt_integer("import_run", r.import_run_id);
  text("kind", std::string(model::to_string(r.kind)));
  text("logged_at", time::format_utc(r.logged_at));
  opt_text("note", r.note);
  integer("number", r.number);
  text("observed_at", time::format_utc(r.observed_at));
  text("observed_at_local", local_time(r.observed_at, context.zone));
  integer("observed_at_us", r.observed_at.time_since_epoch().count());
  integer("observed_offset", r.observed_offset);
  text("observed_text", r.observed_text);
  opt_text("raw", r.raw);
  field("same_execution_as");
  m_values += '[';
  for (std::size_t i = 0; i < r.same_execution_as.size(); ++i) {
    if (i > 0) m_values += ',';
    m_values += std::to_string(r.same_execution_as[i]);
  }
  m_values += ']';
  close();
  opt_integer("skew_us", r.skew ? std::optional<std::int64_t>(r.skew->count()) : std::nullopt);
  text("source", r.source);
  opt_text("source_ref", r.source_ref);
  text("status", std::string(model::to_string(r.status)));
  field("techniques");
  m_values += '[';
  for (std::size_t i = 0; i < r.techniques.size(); ++i) {
    const auto& t = r.techniques[i];
    if (i > 0) m_values += ',';
    m_values += "{\"attack_release\":";
    if (t.attack_release) {
      append_json_string(m_values, *t.attack_release);
    } else {
      m_values += "null";
    }
    m_values += ",\"id\":";
    append_json_string(m_values, t.id);
    m_values += ",\"name\":";
    if (t.name) {
      append_json_string(m_values, *t.name);
    } else {
      m_values += "null";
    }
    m_values += ",\"outside_host_platform\":";
    m_values += t.outside_host_platform ? "true" : "false";
    m_values += ",\"platforms\":[";
    for (std::size_t j = 0; j < t.platforms.size(); ++j) {
      if (j > 0) m_values += ',';
      append_json_string(m_values, t.platforms[j]);
    }
    m_values += "],\"tactics\":[";
    for (std::size_t j = 0; j < t.tactics.size(); ++j) {
      if (j > 0) m_values += ',';
      append_json_string(m_values, t.tactics[j]);
    }
    m_values += "]}";
  }
  m_values += ']';
  close();
  integer("time_precision", r.time_precision);
  text("time_source", r.time_source);
  opt_text("time_zone", r.time_zone);
  text("uuid", r.uuid);

  if (r.process) {
    const model::ProcessDetails& p = *r.process;
    opt_text("image", p.image);
    if (p.command_line) {
      text("command_line", *p.command_line);
    } else {
      null("command_line");
    }
    field("args");
    if (p.args) {
      bool exact = true;
      m_values += '[';
      for (std::size_t i = 0; i < p.args->size(); ++i) {
        if (i > 0) m_values += ',';
        const std::string& a = (*p.args)[i];
        if (util::is_valid_utf8(a)) {
          append_json_string(m_values, a);
        } else {
          exact = false;
          append_json_string(m_values, lossy(a));
        }
      }
      m_values += ']';
      close();
      if (!exact) {
        field("args_base64");
        m_values += '[';
        for (std::size_t i = 0; i < p.args->size(); ++i) {
          if (i > 0) m_values += ',';
          append_json_string(m_values, util::base64_encode((*p.args)[i]));
        }
        m_values += ']';
        close();
      }
    } else {
      m_values += "null";
      close();
    }
    opt_text("args_source", p.args_source);
    opt_integer("pid", p.pid);
    opt_text("process_guid", p.guid);
    opt_text("parent_image", p.parent_image);
    if (p.parent_command_line) {
      text("parent_command_line", *p.parent_command_line);
    } else {
      null("parent_command_line");
    }
    opt_integer("parent_pid", p.parent_pid);
    opt_text("parent_process_guid", p.parent_guid);
    opt_text("cwd", p.cwd);
    opt_text("logon_id", p.logon_id);
    opt_text("integrity_level", p.integrity_level);
    opt_text("hashes", p.hashes);
    opt_text("process_user", p.user);
  }

  // nlohmann's objects are std::maps: keys in byte order.
  std::sort(m_fields.begin(), m_fields.begin() + static_cast<std::ptrdiff_t>(m_count),
            [](const Field& a, const Field& b) { return a.key < b.key; });
  out += '{';
  for (std::size_t i = 0; i < m_count; ++i) {
    if (i > 0) out += ',';
    append_json_string(out, m_fields[i].key);
    out += ':';
    out.append(m_values, m_fields[i].begin, m_fields[i].end - m_fields[i].begin);
  }
  out += "}\n";
}

}  // namespace casetrail::exporting
