#include "core/ingest/windows_event_mapper.hpp"

#include "core/cmdline/cmdline.hpp"
#include "core/ingest/fields.hpp"
#include "core/model/identity.hpp"

namespace casetrail::ingest {
namespace {

using model::Kind;

// Thrown inside the mapper only, turned into a rejected result at its edge.
struct Reject {
  std::string reason;
};

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// A field's value, with "" and "-" (Windows' "not applicable") as absent.
std::optional<std::string> value(const WindowsEvent& e, std::string_view name) {
  const std::string* v = e.field(name);
  if (v == nullptr || v->empty() || *v == "-") return std::nullopt;
  return *v;
}

// A field's exact value (command lines): only a missing or empty one is absent.
std::optional<std::string> exact(const WindowsEvent& e, std::string_view name) {
  const std::string* v = e.field(name);
  if (v == nullptr || v->empty()) return std::nullopt;
  return *v;
}

std::string required(const WindowsEvent& e, std::string_view name) {
  auto v = value(e, name);
  if (!v) throw Reject{"missing " + std::string(name)};
  return *v;
}

std::optional<std::int64_t> pid_field(const WindowsEvent& e, std::string_view name) {
  auto v = value(e, name);
  if (!v) return std::nullopt;
  auto pid = parse_pid(*v);
  if (!pid) throw Reject{"invalid " + std::string(name) + " " + quote(*v) + ": " + pid.error()};
  return *pid;
}

std::optional<std::string> logon_id_field(const WindowsEvent& e, std::string_view name) {
  auto v = value(e, name);
  if (!v) return std::nullopt;
  auto id = normalise_logon_id(*v);
  if (!id) throw Reject{"invalid " + std::string(name) + " " + quote(*v) + ": " + id.error()};
  return *id;
}

// A process GUID in its canonical text: Sysmon's {xxxxxxxx-xxxx-xxxx-xxxx-
// xxxxxxxxxxxx} in lower case. The same GUID reaches us in upper case from
// libevtx's rendering of an .evtx and in lower case from Windows' own XML and
// the JSON pipelines; GUIDs are case-insensitive on input and written in
// lower case (RFC 4122, section 3), so lineage matches whatever the
// container. Anything that is not a braced GUID stays as written; the raw
// record keeps the text as the source wrote it.
std::optional<std::string> guid_field(const WindowsEvent& e, std::string_view name) {
  auto v = value(e, name);
  if (!v) return v;
  static constexpr std::string_view shape = "{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}";
  if (v->size() != shape.size()) return v;
  std::string lower = *v;
  for (std::size_t i = 0; i < shape.size(); ++i) {
    const char c = lower[i];
    if (shape[i] != 'x') {
      if (c != shape[i]) return v;
    } else if (c >= 'A' && c <= 'F') {
      lower[i] = static_cast<char>(c - 'A' + 'a');
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return v;
    }
  }
  return lower;
}

void attr(model::NewObservation& o, const char* key, const std::optional<std::string>& v) {
  if (v) o.attrs.emplace_back(key, *v);
}

// Mandatory Label SIDs to the names Sysmon's IntegrityLevel uses
// (https://learn.microsoft.com/en-us/windows/win32/secauthz/well-known-sids).
std::optional<std::string> integrity_from_label(const std::optional<std::string>& sid) {
  if (!sid) return std::nullopt;
  if (*sid == "S-1-16-0") return "Untrusted";
  if (*sid == "S-1-16-4096") return "Low";
  if (*sid == "S-1-16-8192") return "Medium";
  if (*sid == "S-1-16-8448") return "MediumPlus";
  if (*sid == "S-1-16-12288") return "High";
  if (*sid == "S-1-16-16384") return "System";
  if (*sid == "S-1-16-20480") return "Protected";
  return *sid;
}

enum class Family { sysmon, security, other };

Family family_of(const WindowsEvent& e) {
  if (e.channel == "Microsoft-Windows-Sysmon/Operational" ||
      (e.channel.empty() && e.provider == "Microsoft-Windows-Sysmon")) {
    return Family::sysmon;
  }
  if (e.channel == "Security" ||
      (e.channel.empty() && e.provider == "Microsoft-Windows-Security-Auditing")) {
    return Family::security;
  }
  return Family::other;
}

std::optional<Kind> kind_of(Family family, int id) {
  if (family == Family::sysmon) {
    switch (id) {
      case 1: return Kind::process;
      case 3: return Kind::network;
      case 7: return Kind::image_load;
      case 11: return Kind::file;
      case 12:
      case 13:
      case 14: return Kind::registry;
      case 22: return Kind::dns;
      default: return std::nullopt;
    }
  }
  if (family == Family::security) {
    switch (id) {
      case 4688: return Kind::process;
      case 4624:
      case 4625:
      case 4648:
      case 4634:
      case 4647: return Kind::logon;
      default: return std::nullopt;
    }
  }
  return std::nullopt;
}

// The event's time: Sysmon's UtcTime (UTC by definition, written without a
// zone marker) where it has one, else System/TimeCreated/@SystemTime.
void set_time(model::NewObservation& o, const WindowsEvent& e, Family family,
              const MapOptions& options) {
  std::string cut;
  if (family == Family::sysmon) {
    if (auto utc = value(e, "UtcTime")) {
      auto t = parse_event_time(*utc, ZonelessTime::utc, nullptr, &cut);
      if (!t) throw Reject{"invalid UtcTime " + quote(*utc) + ": " + t.error()};
      o.observed = std::move(*t);
      o.time_source = "Sysmon UtcTime";
      add_precision_note(o.attrs, "UtcTime", *utc, cut);
      return;
    }
  }
  // SystemTime is FILETIME, 100 ns ticks: .evtx and XML write 7 fraction
  // digits ("2019-05-12T17:01:50.7810152Z"). The instant keeps microseconds
  // and the attributes say that the seventh digit was cut.
  if (!e.system_time || e.system_time->empty()) throw Reject{"missing TimeCreated"};
  auto t = parse_event_time(*e.system_time, ZonelessTime::source_tz, options.source_tz, &cut);
  if (!t) throw Reject{"invalid TimeCreated " + quote(*e.system_time) + ": " + t.error()};
  o.observed = std::move(*t);
  o.time_source = "TimeCreated";
  add_precision_note(o.attrs, "TimeCreated", *e.system_time, cut);
}

// The acting process of a Sysmon event other than 1.
model::ProcessDetails sysmon_actor(const WindowsEvent& e) {
  model::ProcessDetails p;
  p.image = value(e, "Image");
  p.pid = pid_field(e, "ProcessId");
  p.guid = guid_field(e, "ProcessGuid");
  p.user = value(e, "User");
  return p;
}

void map_sysmon(model::NewObservation& o, const WindowsEvent& e, int id) {
  o.account = value(e, "User");
  if (auto rule = value(e, "RuleName")) o.techniques = rule_name_techniques(*rule);
  switch (id) {
    case 1: {
      model::ProcessDetails p;
      p.image = required(e, "Image");
      p.command_line = exact(e, "CommandLine");
      if (p.command_line) {
        p.args = cmdline::split_windows(*p.command_line);
        p.args_source = "windows";
      }
      p.pid = pid_field(e, "ProcessId");
      if (!p.pid) throw Reject{"missing ProcessId"};
      p.guid = guid_field(e, "ProcessGuid");
      p.parent_image = value(e, "ParentImage");
      p.parent_command_line = exact(e, "ParentCommandLine");
      p.parent_pid = pid_field(e, "ParentProcessId");
      p.parent_guid = guid_field(e, "ParentProcessGuid");
      p.cwd = value(e, "CurrentDirectory");
      p.logon_id = logon_id_field(e, "LogonId");
      p.integrity_level = value(e, "IntegrityLevel");
      p.hashes = value(e, "Hashes");
      p.user = value(e, "User");
      o.process = std::move(p);
      attr(o, "rule_name", value(e, "RuleName"));
      attr(o, "original_file_name", value(e, "OriginalFileName"));
      break;
    }
    case 3: {
      o.process = sysmon_actor(e);
      attr(o, "protocol", value(e, "Protocol"));
      attr(o, "source_ip", value(e, "SourceIp"));
      attr(o, "source_port", value(e, "SourcePort"));
      attr(o, "source_hostname", value(e, "SourceHostname"));
      o.attrs.emplace_back("destination_ip", required(e, "DestinationIp"));
      attr(o, "destination_port", value(e, "DestinationPort"));
      attr(o, "destination_hostname", value(e, "DestinationHostname"));
      attr(o, "initiated", value(e, "Initiated"));
      break;
    }
    case 7: {
      o.process = sysmon_actor(e);
      o.attrs.emplace_back("image_loaded", required(e, "ImageLoaded"));
      attr(o, "signed", value(e, "Signed"));
      attr(o, "signature", value(e, "Signature"));
      attr(o, "signature_status", value(e, "SignatureStatus"));
      attr(o, "hashes", value(e, "Hashes"));
      break;
    }
    case 11: {
      o.process = sysmon_actor(e);
      o.attrs.emplace_back("target_filename", required(e, "TargetFilename"));
      attr(o, "creation_time", value(e, "CreationUtcTime"));
      break;
    }
    case 12:
    case 13:
    case 14: {
      o.process = sysmon_actor(e);
      attr(o, "event_type", value(e, "EventType"));
      o.attrs.emplace_back("target_object", required(e, "TargetObject"));
      attr(o, "details", exact(e, "Details"));
      attr(o, "new_name", value(e, "NewName"));
      break;
    }
    case 22: {
      o.process = sysmon_actor(e);
      o.attrs.emplace_back("query_name", required(e, "QueryName"));
      attr(o, "query_status", value(e, "QueryStatus"));
      attr(o, "query_results", value(e, "QueryResults"));
      break;
    }
    default: break;
  }
  if (o.kind != Kind::process) attr(o, "rule_name", value(e, "RuleName"));
}

// 4688: the creator is the Subject; from Windows 10 the Target Subject is the
// new process's own account when it differs (runas, a service logon) and is
// the NULL SID / "-" / 0x0 otherwise. So the new process runs as Target when
// Target is filled, else as Subject, in TargetLogonId when not 0x0, else in
// SubjectLogonId. ProcessId is the creator's pid (the parent), in hex like
// NewProcessId. ParentProcessName exists from Windows 10 only.
void map_4688(model::NewObservation& o, const WindowsEvent& e) {
  model::ProcessDetails p;
  p.image = required(e, "NewProcessName");
  p.pid = pid_field(e, "NewProcessId");
  if (!p.pid) throw Reject{"missing NewProcessId"};
  p.command_line = exact(e, "CommandLine");
  if (p.command_line) {
    p.args = cmdline::split_windows(*p.command_line);
    p.args_source = "windows";
  }
  p.parent_pid = pid_field(e, "ProcessId");
  p.parent_image = value(e, "ParentProcessName");

  const auto target_sid = value(e, "TargetUserSid");
  const auto target = join_account(value(e, "TargetDomainName").value_or(""),
                                   value(e, "TargetUserName").value_or(""));
  const bool runs_as_target = target && target_sid != "S-1-0-0";
  if (runs_as_target) {
    o.account = target;
    o.account_sid = target_sid;
  } else {
    o.account = join_account(value(e, "SubjectDomainName").value_or(""),
                             value(e, "SubjectUserName").value_or(""));
    o.account_sid = value(e, "SubjectUserSid");
  }
  p.logon_id = logon_id_field(e, "TargetLogonId");
  if (!p.logon_id || *p.logon_id == "0x0") p.logon_id = logon_id_field(e, "SubjectLogonId");
  p.user = o.account;
  p.integrity_level = integrity_from_label(value(e, "MandatoryLabel"));
  o.process = std::move(p);
  attr(o, "token_elevation_type", value(e, "TokenElevationType"));
}

// The requesting process of a logon event: ProcessName / ProcessId (hex);
// "-" and 0x0 when there is none (network logons).
void logon_process(model::ProcessDetails& p, const WindowsEvent& e) {
  p.image = value(e, "ProcessName");
  if (p.image) p.pid = pid_field(e, "ProcessId");
}

void map_logon(model::NewObservation& o, const WindowsEvent& e, int id) {
  model::ProcessDetails p;
  auto target = join_account(value(e, "TargetDomainName").value_or(""),
                             value(e, "TargetUserName").value_or(""));
  switch (id) {
    case 4624:
    case 4625: {
      if (!target) throw Reject{"missing TargetUserName"};
      o.account = target;
      o.account_sid = value(e, "TargetUserSid");
      if (id == 4624) p.logon_id = logon_id_field(e, "TargetLogonId");
      logon_process(p, e);
      o.attrs.emplace_back("event", id == 4624 ? "logon" : "logon_failed");
      attr(o, "logon_type", value(e, "LogonType"));
      attr(o, "source_address", value(e, "IpAddress"));
      attr(o, "source_port", value(e, "IpPort"));
      attr(o, "logon_process", value(e, "LogonProcessName"));
      attr(o, "auth_package", value(e, "AuthenticationPackageName"));
      attr(o, "workstation_name", value(e, "WorkstationName"));
      if (id == 4625) {
        attr(o, "failure_reason", value(e, "FailureReason"));
        attr(o, "status", value(e, "Status"));
        attr(o, "sub_status", value(e, "SubStatus"));
      }
      if (auto subject = logon_id_field(e, "SubjectLogonId"); subject && *subject != "0x0") {
        o.attrs.emplace_back("subject_logon_id", *subject);
      }
      break;
    }
    case 4648: {
      // Who used explicit credentials is the Subject, in its own session.
      o.account = join_account(value(e, "SubjectDomainName").value_or(""),
                               value(e, "SubjectUserName").value_or(""));
      if (!o.account) throw Reject{"missing SubjectUserName"};
      o.account_sid = value(e, "SubjectUserSid");
      p.logon_id = logon_id_field(e, "SubjectLogonId");
      logon_process(p, e);
      o.attrs.emplace_back("event", "explicit_credentials");
      attr(o, "target_account", target);
      attr(o, "target_server", value(e, "TargetServerName"));
      attr(o, "source_address", value(e, "IpAddress"));
      attr(o, "source_port", value(e, "IpPort"));
      break;
    }
    case 4634:
    case 4647: {
      if (!target) throw Reject{"missing TargetUserName"};
      o.account = target;
      o.account_sid = value(e, "TargetUserSid");
      p.logon_id = logon_id_field(e, "TargetLogonId");
      o.attrs.emplace_back("event", "logoff");
      attr(o, "logon_type", value(e, "LogonType"));
      break;
    }
    default: break;
  }
  o.process = std::move(p);
}

}  // namespace

std::string windows_channel_short_name(std::string_view channel, std::string_view provider) {
  std::string_view name = channel.empty() ? provider : channel;
  if (name == "Microsoft-Windows-Security-Auditing") return "Security";
  constexpr std::string_view prefix = "Microsoft-Windows-";
  constexpr std::string_view suffix = "/Operational";
  if (starts_with(name, prefix)) name.remove_prefix(prefix.size());
  if (name.size() > suffix.size() && name.substr(name.size() - suffix.size()) == suffix) {
    name.remove_suffix(suffix.size());
  }
  if (name.empty()) return "Windows";
  return std::string(name);
}

std::string windows_source_name(const WindowsEvent& event) {
  return windows_channel_short_name(event.channel, event.provider) + " " +
         std::to_string(event.event_id);
}

MapResult map_windows_event(const WindowsEvent& event, const MapOptions& options) {
  MapResult result;
  result.source = windows_source_name(event);
  const Family family = family_of(event);
  const auto kind = kind_of(family, event.event_id);
  if (!kind) {
    result.outcome = MapResult::Outcome::skipped;
    return result;
  }
  try {
    model::NewObservation& o = result.observation;
    o.kind = *kind;
    o.source.name = result.source;
    o.host_platform = "windows";
    if (!event.computer.empty()) {
      o.host = event.computer;
    } else if (options.host) {
      o.host = *options.host;
    }
    if (!model::canonical_host(o.host)) throw Reject{"missing Computer (Hostname): give --host"};
    set_time(o, event, family, options);
    if (family == Family::sysmon) {
      map_sysmon(o, event, event.event_id);
    } else if (event.event_id == 4688) {
      map_4688(o, event);
    } else {
      map_logon(o, event, event.event_id);
    }
    result.outcome = MapResult::Outcome::observation;
  } catch (const Reject& r) {
    result.outcome = MapResult::Outcome::rejected;
    result.reason = result.source + ": " + r.reason;
    result.observation = {};
  }
  return result;
}

}  // namespace casetrail::ingest
