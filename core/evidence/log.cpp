#include <charconv>
#include <date/tz.h>
#include <fstream>
#include <sstream>

#include "core/attack/technique_check.hpp"
#include "core/cmdline/cmdline.hpp"
#include "core/error.hpp"
#include "core/evidence/evidence.hpp"
#include "core/model/identity.hpp"
#include "core/store/attack_store.hpp"
#include "core/store/case_store.hpp"

namespace casetrail::evidence {
namespace {

std::optional<std::string> non_empty(const std::optional<std::string>& v) {
  if (v && v->empty()) return std::nullopt;
  return v;
}

std::string read_cmd_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw Error(ErrorCode::not_found, "cannot read --cmd-file " + quote(path, 200));
  std::ostringstream bytes;
  bytes << f.rdbuf();
  if (f.bad()) throw Error(ErrorCode::io, "cannot read --cmd-file " + quote(path, 200));
  return bytes.str();
}

}  // namespace

// PIDs: decimal, or hex with 0x (as Security 4688 writes them).
std::int64_t parse_pid(std::string_view field, const std::string& text) {
  std::int64_t value = 0;
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  int base = 10;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    begin += 2;
    base = 16;
  }
  auto [ptr, ec] = std::from_chars(begin, end, value, base);
  if (ec != std::errc() || ptr != end || begin == end || value < 0) {
    throw invalid_value(field, text, "expected a process id (decimal, or hex with 0x)");
  }
  return value;
}

// Logon ids are normalised to lower-case hex with 0x ("0xC61D9" -> "0xc61d9";
// a decimal id is converted), so that sources writing either form match.
std::string normalise_logon_id(std::string_view field, const std::string& text) {
  std::uint64_t value = 0;
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  int base = 10;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    begin += 2;
    base = 16;
  }
  auto [ptr, ec] = std::from_chars(begin, end, value, base);
  if (ec != std::errc() || ptr != end || begin == end) {
    throw invalid_value(field, text, "expected a logon id (hex with 0x, or decimal)");
  }
  std::ostringstream out;
  out << "0x" << std::hex << value;
  return out.str();
}

const date::time_zone* display_zone(const model::CaseRecord* c,
                                    const std::optional<std::string>& tz) {
  std::optional<std::string> name = tz;
  if (!name && c && c->time_zone) name = c->time_zone;
  if (!name) return nullptr;
  auto zone = time::find_zone(*name);
  if (!zone) throw invalid_value("--tz", *name, zone.error());
  return *zone;
}

std::int64_t parse_observation_ref(std::string_view field, std::string_view text) {
  std::string_view digits = text;
  if (!digits.empty() && digits.front() == '#') digits.remove_prefix(1);
  std::int64_t value = 0;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (digits.empty() || ec != std::errc() || ptr != digits.data() + digits.size() || value <= 0) {
    throw invalid_value(field, text, "expected an observation number such as 42 or #42");
  }
  return value;
}

model::NewObservation build_observation(const store::Database& db, const model::CaseRecord& c,
                                        const LogInput& in, std::vector<std::string>& warnings) {
  model::NewObservation o;
  if (in.kind) {
    auto kind = model::parse_kind(*in.kind);
    if (!kind) {
      throw invalid_value("--kind", *in.kind,
                          "expected process, logon, network, file, registry, dns, image_load, "
                          "email, web or note");
    }
    o.kind = *kind;
  }

  if (!in.time || in.time->empty()) throw Error(ErrorCode::usage, "missing --time");
  time::ParseOptions options;
  if (in.tz) {
    auto zone = time::find_zone(*in.tz);
    if (!zone) throw invalid_value("--tz", *in.tz, zone.error());
    options.zone = *zone;
  } else if (c.time_zone) {
    auto zone = time::find_zone(*c.time_zone);
    if (zone) options.zone = *zone;
  }
  if (in.ambiguous) {
    if (*in.ambiguous == "earliest") {
      options.ambiguous = time::Ambiguous::earliest;
    } else if (*in.ambiguous == "latest") {
      options.ambiguous = time::Ambiguous::latest;
    } else {
      throw invalid_value("--ambiguous", *in.ambiguous, "expected earliest or latest");
    }
  }
  auto parsed = time::parse_time(*in.time, options);
  if (!parsed) throw invalid_value("--time", *in.time, parsed.error());
  o.observed = std::move(*parsed);
  o.time_source = "manual";

  if (!in.host || !model::canonical_host(*in.host)) {
    if (in.host) throw invalid_value("--host", *in.host, "empty host name");
    throw Error(ErrorCode::usage, "missing --host");
  }
  o.host = *in.host;
  if (in.platform) {
    std::string platform = *in.platform;
    for (char& ch : platform) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    static const char* known[] = {"windows", "linux", "macos", "android", "ios", "network",
                                  "containers", "esxi", "iaas", "saas", "office-suite",
                                  "identity-provider", "pre"};
    if (std::find(std::begin(known), std::end(known), platform) == std::end(known)) {
      throw invalid_value("--platform", *in.platform,
                          "expected windows, linux, macos or another ATT&CK platform");
    }
    o.host_platform = platform;
  }
  if (non_empty(in.account)) {
    if (!model::canonical_account(*in.account)) throw invalid_value("--account", *in.account, "empty");
    o.account = in.account;
  }
  o.account_sid = non_empty(in.sid);

  // Platform context: the platform the host is recorded with, else --platform.
  std::optional<std::string> host_platform =
      store::stored_host_platform(db, c.id, model::canonical_host(o.host)->canonical);
  if (!host_platform) host_platform = o.host_platform;
  const auto techniques = attack::check_techniques(db, "--technique", in.techniques, host_platform);
  o.techniques = techniques.ids;
  o.attack_release = techniques.release;
  warnings.insert(warnings.end(), techniques.warnings.begin(), techniques.warnings.end());

  if (in.cmd && in.cmd_file) throw Error(ErrorCode::usage, "give --cmd or --cmd-file, not both");
  std::optional<std::string> command_line = in.cmd;
  if (in.cmd_file) command_line = read_cmd_file(*in.cmd_file);

  const bool has_process_fields = command_line || in.image || in.pid || in.guid ||
                                  in.parent_image || in.parent_cmd || in.parent_pid ||
                                  in.parent_guid || in.cwd || in.logon_id || in.integrity_level ||
                                  in.hashes;
  if (o.kind == model::Kind::process || has_process_fields) {
    model::ProcessDetails p;
    p.image = non_empty(in.image);
    p.command_line = command_line;
    if (command_line) {
      const auto platform = in.platform
                                ? (o.host_platform == "windows" ? cmdline::Platform::windows
                                                                : cmdline::Platform::posix)
                                : cmdline::guess_platform("", p.image.value_or(""), *command_line);
      p.args = cmdline::split(*command_line, platform);
      if (p.args) {
        p.args_source = platform == cmdline::Platform::windows ? "windows" : "posix";
      } else {
        warnings.push_back("--cmd could not be split into arguments by POSIX shell rules "
                           "(unterminated quote?): the exact command line is stored without "
                           "parsed arguments");
      }
    }
    if (in.pid) p.pid = parse_pid("--pid", *in.pid);
    p.guid = non_empty(in.guid);
    p.parent_image = non_empty(in.parent_image);
    p.parent_command_line = in.parent_cmd;
    if (in.parent_pid) p.parent_pid = parse_pid("--parent-pid", *in.parent_pid);
    p.parent_guid = non_empty(in.parent_guid);
    p.cwd = non_empty(in.cwd);
    if (in.logon_id) p.logon_id = normalise_logon_id("--logon-id", *in.logon_id);
    p.integrity_level = non_empty(in.integrity_level);
    p.hashes = non_empty(in.hashes);
    o.process = std::move(p);
  }

  for (const std::string& attr : in.attrs) {
    const auto eq = attr.find('=');
    if (eq == std::string::npos || eq == 0) {
      throw invalid_value("--attr", attr, "expected key=value");
    }
    o.attrs.emplace_back(attr.substr(0, eq), attr.substr(eq + 1));
  }
  o.source.name = non_empty(in.source).value_or("manual");
  o.source.ref = non_empty(in.source_ref);
  o.note = non_empty(in.note);
  return o;
}

LogResult log_observation(const store::Database& db, const LogInput& input, const Actor& actor) {
  const model::CaseRecord c = store::require_case(db, input.case_key);
  LogResult result;
  model::NewObservation o = build_observation(db, c, input, result.warnings);
  if (c.status == model::CaseStatus::closed) {
    result.warnings.push_back("case " + c.key + " is closed: observation logged all the same");
  }
  const auto appended = store::append_observations(db, c.id, {o}, {actor.analyst, actor.now});
  result.number = appended.numbers.at(0);
  const auto stored = store::require_observation(db, c.id, c.key, result.number);
  result.uuid = stored.uuid;
  return result;
}

store::ObservationFilter make_filter(const model::CaseRecord& c, const FilterInput& in) {
  store::ObservationFilter f;
  time::ParseOptions options;
  options.zone = display_zone(&c, in.tz);
  if (options.zone == nullptr) {
    options.zone = nullptr;
  }
  auto parse = [&](const char* field, const std::string& text) {
    auto t = time::parse_time(text, options);
    if (!t) throw invalid_value(field, text, t.error());
    return t->utc;
  };
  if (in.from) f.from = parse("--from", *in.from);
  if (in.to) f.to = parse("--to", *in.to);
  if (f.from && f.to && *f.from > *f.to) {
    throw invalid_value("--to", *in.to, "is before --from");
  }
  if (in.host) {
    auto h = model::canonical_host(*in.host);
    if (!h) throw invalid_value("--host", *in.host, "empty host name");
    f.host = h->canonical;
  }
  if (in.account) {
    auto a = model::canonical_account(*in.account);
    if (!a) throw invalid_value("--account", *in.account, "empty account name");
    f.account = a->canonical;
  }
  if (in.technique) {
    const std::string id = attack::normalise_technique_id(*in.technique);
    if (!attack::is_technique_id(id)) {
      throw invalid_value("--technique", *in.technique,
                          "expected an ATT&CK technique ID such as T1059 or T1059.001");
    }
    f.technique = id;
  }
  if (in.status) {
    auto s = model::parse_status(*in.status);
    if (!s) {
      throw invalid_value("--status", *in.status,
                          "expected unverified, verified, benign or false-positive");
    }
    f.status = s;
  }
  if (in.kind) {
    auto k = model::parse_kind(*in.kind);
    if (!k) throw invalid_value("--kind", *in.kind, "unknown kind");
    f.kind = k;
  }
  return f;
}

store::ObservationFilter make_filter(const store::Database& db, const model::CaseRecord& c,
                                     const FilterInput& input, std::vector<std::string>& warnings) {
  store::ObservationFilter f = make_filter(c, input);
  if (input.technique) {
    const auto check = attack::check_techniques(db, "--technique", {*input.technique});
    warnings.insert(warnings.end(), check.warnings.begin(), check.warnings.end());
  }
  return f;
}

}  // namespace casetrail::evidence
