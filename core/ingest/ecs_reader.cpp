#include "core/ingest/ecs_reader.hpp"

#include <simdjson.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <unordered_map>
#include <unordered_set>

#include "core/cmdline/cmdline.hpp"
#include "core/error.hpp"
#include "core/export/observation_reader.hpp"
#include "core/ingest/fields.hpp"
#include "core/ingest/fingerprint.hpp"
#include "core/ingest/json_util.hpp"
#include "core/ingest/line_reader.hpp"
#include "core/ingest/windows_event_mapper.hpp"
#include "core/model/identity.hpp"

namespace casetrail::ingest {
namespace {

using model::Kind;

// The ECS fields the mapping reads. Everything else stays in the raw record.
enum Slot : std::size_t {
  s_timestamp,
  s_event_category,
  s_event_type,
  s_event_action,
  s_event_outcome,
  s_event_code,
  s_event_dataset,
  s_event_provider,
  s_event_id,
  s_host_name,
  s_host_hostname,
  s_host_os_type,
  s_host_os_platform,
  s_host_os_family,
  s_user_name,
  s_user_domain,
  s_user_id,
  s_process_executable,
  s_process_name,
  s_process_command_line,
  s_process_args,
  s_process_pid,
  s_process_entity_id,
  s_process_working_directory,
  s_process_parent_executable,
  s_process_parent_name,
  s_process_parent_command_line,
  s_process_parent_pid,
  s_process_parent_entity_id,
  s_process_hash_sha256,
  s_process_hash_sha1,
  s_process_hash_md5,
  s_process_auth_id,
  s_winlog_channel,
  s_winlog_provider_name,
  s_winlog_record_id,
  s_winlog_computer_name,
  s_winlog_logon_id,
  s_winlog_logon_type,
  s_winlog_logon_failure_reason,
  s_winlog_data_logon_id,
  s_winlog_data_target_logon_id,
  s_winlog_data_subject_logon_id,
  s_winlog_data_integrity_level,
  s_winlog_data_rule_name,
  s_winlog_data_logon_type,
  s_winlog_data_logon_process,
  s_winlog_data_auth_package,
  s_threat_technique_id,
  s_threat_subtechnique_id,
  s_source_ip,
  s_source_port,
  s_destination_ip,
  s_destination_port,
  s_destination_domain,
  s_network_transport,
  s_network_direction,
  s_file_path,
  s_registry_path,
  s_registry_data_strings,
  s_dns_question_name,
  s_dns_response_code,
  s_dns_answers_data,
  s_dns_resolved_ip,
  s_dll_path,
  s_dll_signed,
  s_dll_subject_name,
  s_dll_status,
  s_dll_hash_sha256,
  s_count
};

const std::unordered_map<std::string_view, Slot>& slot_names() {
  static const std::unordered_map<std::string_view, Slot> names = {
      {"@timestamp", s_timestamp},
      {"event.category", s_event_category},
      {"event.type", s_event_type},
      {"event.action", s_event_action},
      {"event.outcome", s_event_outcome},
      {"event.code", s_event_code},
      {"event.dataset", s_event_dataset},
      {"event.provider", s_event_provider},
      {"event.id", s_event_id},
      {"host.name", s_host_name},
      {"host.hostname", s_host_hostname},
      {"host.os.type", s_host_os_type},
      {"host.os.platform", s_host_os_platform},
      {"host.os.family", s_host_os_family},
      {"user.name", s_user_name},
      {"user.domain", s_user_domain},
      {"user.id", s_user_id},
      {"process.executable", s_process_executable},
      {"process.name", s_process_name},
      {"process.command_line", s_process_command_line},
      {"process.args", s_process_args},
      {"process.pid", s_process_pid},
      {"process.entity_id", s_process_entity_id},
      {"process.working_directory", s_process_working_directory},
      {"process.parent.executable", s_process_parent_executable},
      {"process.parent.name", s_process_parent_name},
      {"process.parent.command_line", s_process_parent_command_line},
      {"process.parent.pid", s_process_parent_pid},
      {"process.parent.entity_id", s_process_parent_entity_id},
      {"process.hash.sha256", s_process_hash_sha256},
      {"process.hash.sha1", s_process_hash_sha1},
      {"process.hash.md5", s_process_hash_md5},
      {"process.Ext.authentication_id", s_process_auth_id},
      {"winlog.channel", s_winlog_channel},
      {"winlog.provider_name", s_winlog_provider_name},
      {"winlog.record_id", s_winlog_record_id},
      {"winlog.computer_name", s_winlog_computer_name},
      {"winlog.logon.id", s_winlog_logon_id},
      {"winlog.logon.type", s_winlog_logon_type},
      {"winlog.logon.failure.reason", s_winlog_logon_failure_reason},
      {"winlog.event_data.LogonId", s_winlog_data_logon_id},
      {"winlog.event_data.TargetLogonId", s_winlog_data_target_logon_id},
      {"winlog.event_data.SubjectLogonId", s_winlog_data_subject_logon_id},
      {"winlog.event_data.IntegrityLevel", s_winlog_data_integrity_level},
      {"winlog.event_data.RuleName", s_winlog_data_rule_name},
      {"winlog.event_data.LogonType", s_winlog_data_logon_type},
      {"winlog.event_data.LogonProcessName", s_winlog_data_logon_process},
      {"winlog.event_data.AuthenticationPackageName", s_winlog_data_auth_package},
      {"threat.technique.id", s_threat_technique_id},
      {"threat.technique.subtechnique.id", s_threat_subtechnique_id},
      {"source.ip", s_source_ip},
      {"source.port", s_source_port},
      {"destination.ip", s_destination_ip},
      {"destination.port", s_destination_port},
      {"destination.domain", s_destination_domain},
      {"network.transport", s_network_transport},
      {"network.direction", s_network_direction},
      {"file.path", s_file_path},
      {"registry.path", s_registry_path},
      {"registry.data.strings", s_registry_data_strings},
      {"dns.question.name", s_dns_question_name},
      {"dns.response_code", s_dns_response_code},
      {"dns.answers.data", s_dns_answers_data},
      {"dns.resolved_ip", s_dns_resolved_ip},
      {"dll.path", s_dll_path},
      {"dll.code_signature.signed", s_dll_signed},
      {"dll.code_signature.subject_name", s_dll_subject_name},
      {"dll.code_signature.status", s_dll_status},
      {"dll.hash.sha256", s_dll_hash_sha256},
  };
  return names;
}

// Every proper prefix of a wanted name ("process", "process.parent"): an
// object under any other key holds nothing the mapping reads and is skipped.
const std::unordered_set<std::string_view>& wanted_prefixes() {
  static const std::unordered_set<std::string_view> prefixes = [] {
    std::unordered_set<std::string_view> out;
    for (const auto& [name, slot] : slot_names()) {
      for (std::size_t dot = name.find('.'); dot != std::string_view::npos;
           dot = name.find('.', dot + 1)) {
        out.insert(name.substr(0, dot));
      }
    }
    return out;
  }();
  return prefixes;
}

struct EcsFields {
  std::array<std::vector<std::string>, s_count> slots;
  void clear() {
    for (auto& s : slots) s.clear();
  }
  std::optional<std::string> first(Slot s) const {
    if (slots[s].empty() || slots[s].front().empty()) return std::nullopt;
    return slots[s].front();
  }
  const std::vector<std::string>& all(Slot s) const { return slots[s]; }
  bool has(Slot s, std::string_view v) const {
    return std::find(slots[s].begin(), slots[s].end(), v) != slots[s].end();
  }
};

simdjson::error_code flatten_value(simdjson::ondemand::value value, std::string& path,
                                   EcsFields& out);

simdjson::error_code flatten_object(simdjson::ondemand::object object, std::string& path,
                                    EcsFields& out) {
  const std::size_t base = path.size();
  for (auto field : object) {
    std::string_view key;
    if (auto e = field.unescaped_key().get(key)) return e;
    if (base != 0) path += '.';
    path.append(key);
    simdjson::ondemand::value value;
    if (auto e = field.value().get(value)) return e;
    if (auto e = flatten_value(value, path, out)) return e;
    path.resize(base);
  }
  return simdjson::SUCCESS;
}

simdjson::error_code flatten_value(simdjson::ondemand::value value, std::string& path,
                                   EcsFields& out) {
  simdjson::ondemand::json_type type;
  if (auto e = value.type().get(type)) return e;
  if (type == simdjson::ondemand::json_type::object) {
    if (!wanted_prefixes().count(path)) return simdjson::SUCCESS;  // skipped unread
    simdjson::ondemand::object object;
    if (auto e = value.get_object().get(object)) return e;
    return flatten_object(object, path, out);
  }
  if (type == simdjson::ondemand::json_type::array) {
    const bool wanted = slot_names().count(path) || wanted_prefixes().count(path);
    if (!wanted) return simdjson::SUCCESS;
    simdjson::ondemand::array array;
    if (auto e = value.get_array().get(array)) return e;
    for (auto element : array) {
      simdjson::ondemand::value v;
      if (auto e = element.get(v)) return e;
      if (auto e = flatten_value(v, path, out)) return e;
    }
    return simdjson::SUCCESS;
  }
  const auto it = slot_names().find(path);
  if (it == slot_names().end()) return simdjson::SUCCESS;
  std::string text;
  bool is_null = false;
  if (auto e = json::value_text(value, text, is_null)) return e;
  if (!is_null) out.slots[it->second].push_back(std::move(text));
  return simdjson::SUCCESS;
}

std::string join(const std::vector<std::string>& values, std::string_view separator) {
  std::string out;
  for (const auto& v : values) {
    if (!out.empty()) out += separator;
    out += v;
  }
  return out;
}

void attr(model::NewObservation& o, const char* key, const std::optional<std::string>& v) {
  if (v) o.attrs.emplace_back(key, *v);
}

struct Mapped {
  enum class Outcome { observation, skipped, rejected } outcome = Outcome::rejected;
  std::string source;
  std::string reason;
  model::NewObservation observation;
};

struct Reject {
  std::string reason;
};

std::optional<std::int64_t> pid_of(const EcsFields& f, Slot s, const char* name) {
  auto v = f.first(s);
  if (!v) return std::nullopt;
  auto pid = parse_pid(*v);
  if (!pid) throw Reject{"invalid " + std::string(name) + " " + quote(*v) + ": " + pid.error()};
  return *pid;
}

std::optional<std::string> logon_id_of(const EcsFields& f) {
  for (Slot s : {s_process_auth_id, s_winlog_logon_id, s_winlog_data_logon_id,
                 s_winlog_data_target_logon_id, s_winlog_data_subject_logon_id}) {
    auto v = f.first(s);
    if (!v || *v == "-") continue;
    auto id = normalise_logon_id(*v);
    if (!id) throw Reject{"invalid logon id " + quote(*v) + ": " + id.error()};
    if (*id == "0x0" && s == s_winlog_data_target_logon_id) continue;
    return *id;
  }
  return std::nullopt;
}

std::optional<std::string> hashes_of(const EcsFields& f) {
  std::string out;
  for (auto [slot, name] : {std::pair{s_process_hash_sha256, "SHA256"},
                            std::pair{s_process_hash_sha1, "SHA1"},
                            std::pair{s_process_hash_md5, "MD5"}}) {
    if (auto v = f.first(slot)) {
      if (!out.empty()) out += ',';
      out.append(name).append("=").append(*v);
    }
  }
  if (out.empty()) return std::nullopt;
  return out;
}

std::optional<Kind> kind_of(const EcsFields& f) {
  const auto action = f.first(s_event_action).value_or("");
  if (f.first(s_dns_question_name)) return Kind::dns;
  if (f.has(s_event_category, "process") &&
      (f.has(s_event_type, "start") || action == "exec" || action == "executed" ||
       action == "process_started")) {
    return Kind::process;
  }
  if (f.has(s_event_category, "authentication")) return Kind::logon;
  if (f.has(s_event_category, "library") || f.first(s_dll_path)) return Kind::image_load;
  if (f.has(s_event_category, "registry")) return Kind::registry;
  if (f.has(s_event_category, "file") && f.has(s_event_type, "creation")) return Kind::file;
  if (f.has(s_event_category, "network") && f.first(s_destination_ip)) return Kind::network;
  return std::nullopt;
}

// "Sysmon 1" / "Security 4688" when Winlogbeat says which Windows event it
// was, else "ECS".
std::string source_of(const EcsFields& f) {
  const auto channel = f.first(s_winlog_channel);
  const auto provider = f.first(s_winlog_provider_name);
  const auto code = f.first(s_event_code);
  if ((channel || provider) && code) {
    return windows_channel_short_name(channel.value_or(""), provider.value_or("")) + " " + *code;
  }
  return "ECS";
}

std::optional<std::string> platform_of(const EcsFields& f) {
  for (Slot s : {s_host_os_type, s_host_os_platform, s_host_os_family}) {
    if (auto v = f.first(s)) {
      std::string p = *v;
      std::transform(p.begin(), p.end(), p.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      if (p == "darwin" || p == "macos") return std::string("macos");
      if (p == "windows" || p == "linux") return p;
    }
  }
  if (f.first(s_winlog_channel)) return std::string("windows");
  return std::nullopt;
}

Mapped map_ecs(const EcsFields& f, const ReaderOptions& options) {
  Mapped m;
  m.source = source_of(f);
  const auto kind = kind_of(f);
  if (!kind) {
    m.outcome = Mapped::Outcome::skipped;
    if (m.source == "ECS") {
      if (auto code = f.first(s_event_code)) {
        m.source += " " + *code;
      } else if (auto action = f.first(s_event_action)) {
        m.source += " " + *action;
      } else if (!f.all(s_event_category).empty()) {
        m.source += " " + join(f.all(s_event_category), ",");
      }
    }
    return m;
  }
  try {
    model::NewObservation& o = m.observation;
    o.kind = *kind;
    o.source.name = m.source;
    auto host = f.first(s_host_name);
    if (!host) host = f.first(s_host_hostname);
    if (!host) host = f.first(s_winlog_computer_name);
    if (!host) host = options.host;
    if (!host || !model::canonical_host(*host)) throw Reject{"missing host.name: give --host"};
    o.host = *host;
    o.host_platform = platform_of(f);

    const auto ts = f.first(s_timestamp);
    if (!ts) throw Reject{"missing @timestamp"};
    std::string cut;
    auto t = parse_event_time(*ts, ZonelessTime::source_tz, options.source_tz, &cut);
    if (!t) throw Reject{"invalid @timestamp " + quote(*ts) + ": " + t.error()};
    o.observed = std::move(*t);
    o.time_source = "@timestamp";
    add_precision_note(o.attrs, "@timestamp", *ts, cut);

    o.account = join_account(f.first(s_user_domain).value_or(""), f.first(s_user_name).value_or(""));
    o.account_sid = f.first(s_user_id);

    for (Slot s : {s_threat_technique_id, s_threat_subtechnique_id}) {
      for (const auto& id : f.all(s)) o.techniques.push_back(id);
    }
    if (auto rule = f.first(s_winlog_data_rule_name)) {
      for (auto& id : rule_name_techniques(*rule)) o.techniques.push_back(std::move(id));
      if (*rule != "-") o.attrs.emplace_back("rule_name", *rule);
    }

    model::ProcessDetails p;
    p.image = f.first(s_process_executable);
    if (!p.image) p.image = f.first(s_process_name);
    p.pid = pid_of(f, s_process_pid, "process.pid");
    p.guid = f.first(s_process_entity_id);
    p.logon_id = logon_id_of(f);
    const bool any_process = p.image || p.pid || p.guid;

    switch (*kind) {
      case Kind::process: {
        p.command_line = f.first(s_process_command_line);
        if (!p.image && !p.command_line) throw Reject{"missing process.executable"};
        if (!f.all(s_process_args).empty()) {
          p.args = f.all(s_process_args);
          p.args_source = "source";
        } else if (p.command_line) {
          const auto platform = cmdline::guess_platform(o.host_platform.value_or(""),
                                                        p.image.value_or(""), *p.command_line);
          p.args = cmdline::split(*p.command_line, platform);
          if (p.args) p.args_source = platform == cmdline::Platform::windows ? "windows" : "posix";
        }
        p.parent_image = f.first(s_process_parent_executable);
        if (!p.parent_image) p.parent_image = f.first(s_process_parent_name);
        p.parent_command_line = f.first(s_process_parent_command_line);
        p.parent_pid = pid_of(f, s_process_parent_pid, "process.parent.pid");
        p.parent_guid = f.first(s_process_parent_entity_id);
        p.cwd = f.first(s_process_working_directory);
        p.integrity_level = f.first(s_winlog_data_integrity_level);
        p.hashes = hashes_of(f);
        p.user = o.account;
        o.process = std::move(p);
        break;
      }
      case Kind::logon: {
        const auto action = f.first(s_event_action).value_or("");
        std::string event = "logon";
        if (f.first(s_event_outcome) == "failure") {
          event = "logon_failed";
        } else if (f.has(s_event_type, "end") || action == "logged-out" || action == "logoff") {
          event = "logoff";
        } else if (action == "logged-in-explicit") {
          event = "explicit_credentials";
        }
        o.attrs.emplace_back("event", event);
        auto type = f.first(s_winlog_logon_type);
        if (!type) type = f.first(s_winlog_data_logon_type);
        attr(o, "logon_type", type);
        attr(o, "source_address", f.first(s_source_ip));
        attr(o, "source_port", f.first(s_source_port));
        attr(o, "logon_process", f.first(s_winlog_data_logon_process));
        attr(o, "auth_package", f.first(s_winlog_data_auth_package));
        attr(o, "failure_reason", f.first(s_winlog_logon_failure_reason));
        o.process = std::move(p);
        break;
      }
      case Kind::network: {
        attr(o, "protocol", f.first(s_network_transport));
        attr(o, "source_ip", f.first(s_source_ip));
        attr(o, "source_port", f.first(s_source_port));
        attr(o, "destination_ip", f.first(s_destination_ip));
        attr(o, "destination_port", f.first(s_destination_port));
        attr(o, "destination_hostname", f.first(s_destination_domain));
        if (auto dir = f.first(s_network_direction)) {
          if (*dir == "egress" || *dir == "outbound") o.attrs.emplace_back("initiated", "true");
          if (*dir == "ingress" || *dir == "inbound") o.attrs.emplace_back("initiated", "false");
        }
        if (any_process) o.process = std::move(p);
        break;
      }
      case Kind::dns: {
        o.attrs.emplace_back("query_name", *f.first(s_dns_question_name));
        attr(o, "query_status", f.first(s_dns_response_code));
        std::vector<std::string> answers = f.all(s_dns_answers_data);
        if (answers.empty()) answers = f.all(s_dns_resolved_ip);
        if (!answers.empty()) o.attrs.emplace_back("query_results", join(answers, ";"));
        if (any_process) o.process = std::move(p);
        break;
      }
      case Kind::file: {
        auto path = f.first(s_file_path);
        if (!path) throw Reject{"missing file.path"};
        o.attrs.emplace_back("target_filename", *path);
        if (any_process) o.process = std::move(p);
        break;
      }
      case Kind::registry: {
        auto path = f.first(s_registry_path);
        if (!path) throw Reject{"missing registry.path"};
        attr(o, "event_type", f.first(s_event_action));
        o.attrs.emplace_back("target_object", *path);
        if (!f.all(s_registry_data_strings).empty()) {
          o.attrs.emplace_back("details", join(f.all(s_registry_data_strings), ";"));
        }
        if (any_process) o.process = std::move(p);
        break;
      }
      case Kind::image_load: {
        auto path = f.first(s_dll_path);
        if (!path) path = f.first(s_file_path);
        if (!path) throw Reject{"missing dll.path"};
        o.attrs.emplace_back("image_loaded", *path);
        attr(o, "signed", f.first(s_dll_signed));
        attr(o, "signature", f.first(s_dll_subject_name));
        attr(o, "signature_status", f.first(s_dll_status));
        if (auto h = f.first(s_dll_hash_sha256)) o.attrs.emplace_back("hashes", "SHA256=" + *h);
        if (any_process) o.process = std::move(p);
        break;
      }
      default: break;
    }
    m.outcome = Mapped::Outcome::observation;
  } catch (const Reject& r) {
    m.outcome = Mapped::Outcome::rejected;
    m.reason = m.source + ": " + r.reason;
    m.observation = {};
  }
  return m;
}

// Splits a top-level JSON array into its elements as they stream by, without
// parsing them: tracks strings (and their escapes) and nesting depth only.
class ArraySplitter {
public:
  ArraySplitter(const std::string& path, const std::string& display) : m_display(display) {
    m_file = std::fopen(path.c_str(), "rb");
    if (m_file == nullptr) {
      throw Error(ErrorCode::io, "cannot read " + quote(display, 200) + ": " + std::strerror(errno));
    }
  }
  ~ArraySplitter() { std::fclose(m_file); }
  ArraySplitter(const ArraySplitter&) = delete;
  ArraySplitter& operator=(const ArraySplitter&) = delete;

  enum class Status { element, too_long, malformed, end };

  // The next element's text into `out` (with `padding` spare capacity).
  Status next(std::string& out, std::size_t padding) {
    out.clear();
    if (m_done) return Status::end;
    int c = skip_space();
    if (!m_started) {
      if (c != '[') return fail(out, c);
      m_started = true;
      c = skip_space();
      if (c == ']') return finish();
    } else {
      if (c == ']') return finish();
      if (c != ',') return fail(out, c);
      c = skip_space();
    }
    if (c == EOF) return fail(out, c);
    std::ungetc(c, m_file);
    --m_consumed;
    int depth = 0;
    bool in_string = false;
    bool escape = false;
    bool too_long = false;
    for (;;) {
      c = get();
      if (c == EOF) return fail(out, c);
      // A scalar element ends before the ',' or ']' that follows it.
      if (!in_string && depth == 0 && (c == ',' || c == ']')) {
        std::ungetc(c, m_file);
        --m_consumed;
        while (!out.empty() && (out.back() == ' ' || out.back() == '\n' || out.back() == '\r' ||
                                out.back() == '\t')) {
          out.pop_back();
        }
        break;
      }
      if (!too_long) {
        if (out.size() >= k_max_record_bytes) {
          too_long = true;
        } else {
          out += static_cast<char>(c);
        }
      }
      if (in_string) {
        if (escape) {
          escape = false;
        } else if (c == '\\') {
          escape = true;
        } else if (c == '"') {
          in_string = false;
        }
        continue;
      }
      if (c == '"') {
        in_string = true;
      } else if (c == '{' || c == '[') {
        ++depth;
      } else if (c == '}' || c == ']') {
        if (--depth == 0) break;
      }
    }
    ++m_index;
    if (too_long) {
      out.resize(4096);
      return Status::too_long;
    }
    out.reserve(out.size() + padding);
    return Status::element;
  }

  std::uint64_t index() const { return m_index; }
  std::uint64_t bytes_read() const { return m_consumed; }

private:
  int get() {
    const int c = getc_unlocked(m_file);
    if (c != EOF) ++m_consumed;
    return c;
  }
  int skip_space() {
    int c = get();
    while (c == ' ' || c == '\t' || c == '\n' || c == '\r') c = get();
    return c;
  }
  // The whole file counts as consumed once the array ends (or cannot go on).
  void consume_rest() {
    if (std::fseek(m_file, 0, SEEK_END) == 0) {
      const long end = std::ftell(m_file);
      if (end >= 0) m_consumed = static_cast<std::uint64_t>(end);
    }
  }
  Status finish() {
    m_done = true;
    consume_rest();
    return Status::end;
  }
  // The rest of the file cannot be split: one malformed record, then the end.
  Status fail(std::string& out, int c) {
    m_done = true;
    consume_rest();
    if (c == EOF && out.empty()) {
      out = "unexpected end of the file inside the array";
    } else {
      out = "expected ',' or ']' between array elements";
    }
    ++m_index;
    return Status::malformed;
  }

  std::FILE* m_file = nullptr;
  std::string m_display;
  bool m_started = false;
  bool m_done = false;
  std::uint64_t m_index = 0;
  std::uint64_t m_consumed = 0;
};

enum class Mode { lines, array, whole };

Mode sniff_mode(const std::string& path, const std::string& display) {
  LineReader lines(path, display);
  std::string line;
  while (lines.next(line, simdjson::SIMDJSON_PADDING) == LineReader::Status::line) {
    const auto start = line.find_first_not_of(" \t\r");
    if (start == std::string::npos) continue;
    if (line[start] == '[') return Mode::array;
    // A first line that is a whole document: one document per line.
    simdjson::ondemand::parser parser;
    simdjson::ondemand::document doc;
    if (parser.iterate(line.data(), line.size(), line.capacity()).get(doc)) return Mode::whole;
    std::string_view raw;
    if (doc.raw_json().get(raw)) return Mode::whole;
    return Mode::lines;
  }
  return Mode::lines;
}

class EcsReader final : public RecordReader {
public:
  EcsReader(const std::string& path, const ReaderOptions& options)
      : m_options(options), m_mode(sniff_mode(path, options.display_path)) {
    if (m_mode == Mode::lines) {
      m_lines.emplace(path, options.display_path);
    } else if (m_mode == Mode::array) {
      m_array.emplace(path, options.display_path);
    } else {
      auto loaded = simdjson::padded_string::load(path);
      if (loaded.error()) {
        throw Error(ErrorCode::io, "cannot read " + quote(options.display_path, 200));
      }
      m_whole = std::move(loaded).value_unsafe();
    }
  }

  std::optional<ReadItem> next() override {
    if (m_in_hits) {
      if (auto item = next_hit()) return item;
      m_in_hits = false;
    }
    switch (m_mode) {
      case Mode::lines: return next_line();
      case Mode::array: return next_element();
      case Mode::whole: return next_document();
    }
    return std::nullopt;
  }

  std::uint64_t bytes_read() const override {
    if (m_lines) return m_lines->bytes_read();
    if (m_array) return m_array->bytes_read();
    return m_whole_consumed;
  }

private:
  std::optional<ReadItem> next_line() {
    for (;;) {
      const auto status = m_lines->next(m_buffer, simdjson::SIMDJSON_PADDING);
      if (status == LineReader::Status::end) return std::nullopt;
      ReadItem item;
      item.place = m_options.display_path + ":" + std::to_string(m_lines->line_number());
      if (status == LineReader::Status::too_long) {
        item.type = ReadItem::Type::rejected;
        item.reason = "record longer than 64 MiB (not copied to --rejects)";
        return item;
      }
      if (m_buffer.find_first_not_of(" \t\r") == std::string::npos) continue;
      // A search response on one line (as curl prints it) gives its hits.
      if (m_buffer.find("\"hits\"") != std::string::npos) {
        m_document = std::move(m_buffer);
        m_buffer = {};
        if (enter_hits(m_document.data(), m_document.size(), m_document.capacity())) {
          m_hits_place = item.place + " hit ";
          m_in_hits = true;
          if (auto hit = next_hit()) return hit;
          m_in_hits = false;
          continue;
        }
        m_buffer = std::move(m_document);
      }
      record(item, std::nullopt);
      return item;
    }
  }

  std::optional<ReadItem> next_element() {
    const auto status = m_array->next(m_buffer, simdjson::SIMDJSON_PADDING);
    if (status == ArraySplitter::Status::end) return std::nullopt;
    ReadItem item;
    item.place = m_options.display_path + " element " + std::to_string(m_array->index());
    if (status == ArraySplitter::Status::too_long) {
      item.type = ReadItem::Type::rejected;
      item.reason = "record longer than 64 MiB (not copied to --rejects)";
      return item;
    }
    if (status == ArraySplitter::Status::malformed) {
      item.type = ReadItem::Type::rejected;
      item.reason = "malformed JSON: " + m_buffer + " (the rest of the file is not read)";
      m_buffer.clear();
      return item;
    }
    record(item, std::nullopt);
    return item;
  }

  // Whole-file mode: one document, or a search response whose hits are
  // given one by one. (Several documents one after another, each over many
  // lines, are not read: the file is then one malformed record.)
  std::optional<ReadItem> next_document() {
    if (m_whole_done) {
      m_whole_consumed = m_whole.size();
      return std::nullopt;
    }
    m_whole_done = true;
    if (enter_hits(m_whole.data(), m_whole.size(), m_whole.size() + simdjson::SIMDJSON_PADDING)) {
      m_hits_place = m_options.display_path + " hit ";
      m_in_hits = true;
      if (auto hit = next_hit()) return hit;
      m_in_hits = false;
      m_whole_consumed = m_whole.size();
      return std::nullopt;
    }
    ReadItem item;
    item.place = m_options.display_path + " document 1";
    std::string_view text(m_whole.data(), m_whole.size());
    const auto first = text.find_first_not_of(" \t\r\n");
    const auto last = text.find_last_not_of(" \t\r\n");
    m_whole_consumed = m_whole.size();
    if (first == std::string_view::npos) return std::nullopt;
    if (last - first + 1 > k_max_record_bytes) {
      item.type = ReadItem::Type::rejected;
      item.reason = "record longer than 64 MiB (not copied to --rejects)";
      return item;
    }
    m_buffer.assign(text.substr(first, last - first + 1));
    m_buffer.reserve(m_buffer.size() + simdjson::SIMDJSON_PADDING);
    record(item, std::nullopt);
    return item;
  }

  // Whether the text (which must stay unchanged while its hits are read) is
  // a search response; positions on its hits.
  bool enter_hits(const char* data, std::size_t size, std::size_t capacity) {
    if (m_middle.iterate(data, size, capacity).get(m_middle_doc)) return false;
    simdjson::ondemand::object root;
    if (m_middle_doc.get_object().get(root)) return false;
    simdjson::ondemand::object hits;
    if (root.find_field_unordered("hits").get_object().get(hits)) return false;
    simdjson::ondemand::array array;
    if (hits.find_field_unordered("hits").get_array().get(array)) return false;
    if (array.begin().get(m_hit)) return false;
    if (array.end().get(m_hits_end)) return false;
    m_hit_index = 0;
    return true;
  }

  std::optional<ReadItem> next_hit() {
    if (m_hit == m_hits_end) return std::nullopt;
    ++m_hit_index;
    ReadItem item;
    item.place = m_hits_place + std::to_string(m_hit_index);
    simdjson::ondemand::object hit;
    auto error = (*m_hit).get_object().get(hit);
    std::optional<std::string> id;
    std::string_view source_raw;
    bool has_source = false;
    if (!error) {
      for (auto field : hit) {
        std::string_view key;
        if ((error = field.unescaped_key().get(key))) break;
        if (key == "_id") {
          std::string_view v;
          if ((error = field.value().get_string().get(v))) break;
          id = std::string(v);
        } else if (key == "_source") {
          simdjson::ondemand::object source;
          if ((error = field.value().get_object().get(source))) break;
          if ((error = source.raw_json().get(source_raw))) break;
          has_source = true;
        }
      }
    }
    ++m_hit;
    if (error) {
      item.type = ReadItem::Type::rejected;
      item.reason = json::reason(error);
      m_hit = m_hits_end;  // the rest of this response cannot be walked
      return item;
    }
    if (!has_source) {
      item.type = ReadItem::Type::rejected;
      item.reason = "hit without _source";
      return item;
    }
    m_buffer.assign(source_raw);
    m_buffer.reserve(m_buffer.size() + simdjson::SIMDJSON_PADDING);
    record(item, id);
    return item;
  }

  // Parses and maps the document in m_buffer.
  void record(ReadItem& item, const std::optional<std::string>& document_id) {
    item.raw = m_buffer;
    // casetrail's own ECS export carries what ECS has no place for under
    // "casetrail"; it reads back like the jsonl export, provenance kept.
    if (m_buffer.find("\"casetrail.observation\"") != std::string::npos) {
      const auto document = nlohmann::json::parse(m_buffer, nullptr, false);
      if (exporting::is_casetrail_ecs(document)) {
        auto o = exporting::observation_from_ecs(document);
        if (!o) {
          item.type = ReadItem::Type::rejected;
          item.reason = o.error();
          return;
        }
        item.type = ReadItem::Type::observation;
        item.observation = std::move(*o);
        item.keeps_provenance = true;
        return;
      }
    }
    m_fields.clear();
    simdjson::ondemand::document doc;
    auto error = m_parser.iterate(m_buffer.data(), m_buffer.size(), m_buffer.capacity()).get(doc);
    simdjson::ondemand::object object;
    if (!error) error = doc.get_object().get(object);
    if (!error) {
      m_path.clear();
      error = flatten_object(object, m_path, m_fields);
    }
    const char* rest = nullptr;
    if (!error && doc.current_location().get(rest) == simdjson::SUCCESS) {
      item.type = ReadItem::Type::rejected;
      item.reason = "malformed JSON: text after the object";
      return;
    }
    if (error) {
      item.type = ReadItem::Type::rejected;
      item.reason = json::reason(error);
      return;
    }
    Mapped m = map_ecs(m_fields, m_options);
    switch (m.outcome) {
      case Mapped::Outcome::skipped:
        item.type = ReadItem::Type::skipped;
        item.skipped_source = m.source;
        return;
      case Mapped::Outcome::rejected:
        item.type = ReadItem::Type::rejected;
        item.reason = m.reason;
        return;
      case Mapped::Outcome::observation: break;
    }
    // Identity: the Windows record id or the document's _id / event.id when
    // the source gives one (then equal identities are one record), and the
    // content.
    Digest d;
    d.add("ecs");
    bool numbered = false;
    if (auto record_id = m_fields.first(s_winlog_record_id)) {
      d.add("winlog").add(m_fields.first(s_winlog_channel).value_or("")).add(m.observation.host).add(*record_id);
      numbered = true;
    } else if (document_id) {
      d.add("_id").add(*document_id);
      numbered = true;
    } else if (auto event_id = m_fields.first(s_event_id)) {
      d.add("event.id").add(*event_id);
      numbered = true;
    }
    d.add(item.raw);
    RecordIdentity identity{d.finish(), numbered};
    m.observation.source.fingerprint = m_occurrences.fingerprint(identity);
    item.type = ReadItem::Type::observation;
    item.observation = std::move(m.observation);
  }

  ReaderOptions m_options;
  Mode m_mode;
  std::optional<LineReader> m_lines;
  std::optional<ArraySplitter> m_array;
  simdjson::padded_string m_whole;
  bool m_whole_done = false;
  std::uint64_t m_whole_consumed = 0;
  std::string m_document;  // a one-line search response whose hits are being read
  std::string m_hits_place;  // "file.json hit ", "file.ndjson:3 hit "
  simdjson::ondemand::parser m_middle;
  simdjson::ondemand::document m_middle_doc;
  bool m_in_hits = false;
  simdjson::ondemand::array_iterator m_hit;
  simdjson::ondemand::array_iterator m_hits_end;
  std::uint64_t m_hit_index = 0;

  std::string m_buffer;
  std::string m_path;
  EcsFields m_fields;
  simdjson::ondemand::parser m_parser;
  OccurrenceCounter m_occurrences;
};

}  // namespace

std::unique_ptr<RecordReader> make_ecs_reader(const std::string& path, const ReaderOptions& options) {
  return std::make_unique<EcsReader>(path, options);
}

bool looks_like_json(std::string_view head) {
  const auto start = head.find_first_not_of(" \t\r\n");
  return start != std::string_view::npos && (head[start] == '{' || head[start] == '[');
}

}  // namespace casetrail::ingest
