#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "core/ingest/windows_event_mapper.hpp"
#include "core/time/time.hpp"

using namespace casetrail;
using ingest::MapResult;
using ingest::WindowsEvent;

namespace {

const char* k_sysmon = "Microsoft-Windows-Sysmon/Operational";
const char* k_powershell = "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe";

WindowsEvent event(const std::string& channel, int id,
                   std::vector<std::pair<std::string, std::string>> data,
                   std::optional<std::string> system_time = "2026-03-01T06:00:00.125Z") {
  WindowsEvent e;
  e.channel = channel;
  e.event_id = id;
  e.computer = "WS01.corp.local";
  e.system_time = std::move(system_time);
  e.data = std::move(data);
  return e;
}

MapResult map(const WindowsEvent& e) { return ingest::map_windows_event(e, {}); }

std::string attr(const model::NewObservation& o, const std::string& key) {
  for (const auto& [k, v] : o.attrs) {
    if (k == key) return v;
  }
  return "(none)";
}

std::vector<std::string> attr_keys(const model::NewObservation& o) {
  std::vector<std::string> keys;
  for (const auto& [k, v] : o.attrs) keys.push_back(k);
  return keys;
}

WindowsEvent sysmon1() {
  return event(k_sysmon, 1,
               {{"RuleName", "technique_id=T1059.001,technique_name=PowerShell"},
                {"UtcTime", "2026-03-01 10:00:00.120"},
                {"ProcessGuid", "{11111111-2222-3333-4444-555555555555}"},
                {"ProcessId", "9572"},
                {"Image", k_powershell},
                {"OriginalFileName", "PowerShell.EXE"},
                {"CommandLine", "powershell.exe  -nop -c \"Get-Process\""},
                {"CurrentDirectory", "C:\\Users\\alice\\"},
                {"User", "CORP\\alice"},
                {"LogonId", "0x3E7A1"},
                {"IntegrityLevel", "High"},
                {"Hashes", "SHA256=AB12"},
                {"ParentProcessGuid", "{11111111-2222-3333-4444-000000000001}"},
                {"ParentProcessId", "4800"},
                {"ParentImage", "C:\\Windows\\System32\\cmd.exe"},
                {"ParentCommandLine", "-"}});
}

}  // namespace

TEST_CASE("a Sysmon 1 event becomes a process observation with every field as the source states it",
          "[ingest]") {
  const MapResult r = map(sysmon1());
  REQUIRE(r.outcome == MapResult::Outcome::observation);
  const model::NewObservation& o = r.observation;
  CHECK(r.source == "Sysmon 1");
  CHECK(o.source.name == "Sysmon 1");
  CHECK(o.kind == model::Kind::process);
  CHECK(o.host == "WS01.corp.local");
  CHECK(o.host_platform == "windows");
  CHECK(o.account == "CORP\\alice");
  // UtcTime, not TimeCreated (which a pipeline may have written in local time).
  CHECK(o.time_source == "Sysmon UtcTime");
  CHECK(time::format_utc(o.observed.utc) == "2026-03-01T10:00:00.120000Z");
  CHECK(o.observed.original == "2026-03-01 10:00:00.120");
  CHECK(o.techniques == std::vector<std::string>{"T1059.001"});
  REQUIRE(o.process);
  const auto& p = *o.process;
  CHECK(p.image == k_powershell);
  CHECK(p.command_line == "powershell.exe  -nop -c \"Get-Process\"");
  CHECK(p.args == std::vector<std::string>{"powershell.exe", "-nop", "-c", "Get-Process"});
  CHECK(p.args_source == "windows");
  CHECK(p.pid == 9572);
  CHECK(p.guid == "{11111111-2222-3333-4444-555555555555}");
  CHECK(p.parent_image == "C:\\Windows\\System32\\cmd.exe");
  CHECK(p.parent_command_line == "-");  // a command line is kept exactly, "-" too
  CHECK(p.parent_pid == 4800);
  CHECK(p.parent_guid == "{11111111-2222-3333-4444-000000000001}");
  CHECK(p.cwd == "C:\\Users\\alice\\");
  CHECK(p.logon_id == "0x3e7a1");
  CHECK(p.integrity_level == "High");
  CHECK(p.hashes == "SHA256=AB12");
  CHECK(p.user == "CORP\\alice");
  CHECK(attr(o, "rule_name") == "technique_id=T1059.001,technique_name=PowerShell");
  CHECK(attr(o, "original_file_name") == "PowerShell.EXE");
}

TEST_CASE("a Security 4688 event reads its hex pids, creator subject and mandatory label", "[ingest]") {
  const MapResult r = map(event("Security", 4688,
                                {{"SubjectUserSid", "S-1-5-21-1-2-3-1104"},
                                 {"SubjectUserName", "wardog"},
                                 {"SubjectDomainName", "WORKSTATION5"},
                                 {"SubjectLogonId", "0xC61D9"},
                                 {"NewProcessId", "0x2564"},
                                 {"NewProcessName", k_powershell},
                                 {"TokenElevationType", "%%1936"},
                                 {"ProcessId", "0x2ae4"},
                                 {"CommandLine", "\"powershell.exe\" -noexit"},
                                 {"TargetUserSid", "S-1-0-0"},
                                 {"TargetUserName", "-"},
                                 {"TargetDomainName", "-"},
                                 {"TargetLogonId", "0x0"},
                                 {"ParentProcessName", "C:\\Windows\\System32\\mshta.exe"},
                                 {"MandatoryLabel", "S-1-16-12288"}}));
  REQUIRE(r.outcome == MapResult::Outcome::observation);
  const model::NewObservation& o = r.observation;
  CHECK(r.source == "Security 4688");
  CHECK(o.time_source == "TimeCreated");
  CHECK(time::format_utc(o.observed.utc) == "2026-03-01T06:00:00.125000Z");
  CHECK(o.account == "WORKSTATION5\\wardog");
  CHECK(o.account_sid == "S-1-5-21-1-2-3-1104");
  const auto& p = *o.process;
  CHECK(p.image == k_powershell);
  CHECK(p.pid == 0x2564);
  CHECK(p.parent_pid == 0x2ae4);  // ProcessId is the creator
  CHECK(p.parent_image == "C:\\Windows\\System32\\mshta.exe");
  CHECK(p.command_line == "\"powershell.exe\" -noexit");
  CHECK(p.args == std::vector<std::string>{"powershell.exe", "-noexit"});
  CHECK(p.logon_id == "0xc61d9");  // TargetLogonId 0x0: the creator's session
  CHECK(p.integrity_level == "High");
  CHECK_FALSE(p.guid);
  CHECK(attr(o, "token_elevation_type") == "%%1936");
}

TEST_CASE("a 4688 whose Target Subject is filled runs as that account in that session", "[ingest]") {
  const MapResult r = map(event("Security", 4688,
                                {{"SubjectUserSid", "S-1-5-21-1-2-3-1104"},
                                 {"SubjectUserName", "alice"},
                                 {"SubjectDomainName", "CORP"},
                                 {"SubjectLogonId", "0x3e7a1"},
                                 {"NewProcessId", "0x1f40"},
                                 {"NewProcessName", "C:\\Windows\\System32\\cmd.exe"},
                                 {"ProcessId", "0x2564"},
                                 {"TargetUserSid", "S-1-5-21-1-2-3-500"},
                                 {"TargetUserName", "admin"},
                                 {"TargetDomainName", "CORP"},
                                 {"TargetLogonId", "0x8F00A"}}));
  REQUIRE(r.outcome == MapResult::Outcome::observation);
  CHECK(r.observation.account == "CORP\\admin");
  CHECK(r.observation.account_sid == "S-1-5-21-1-2-3-500");
  CHECK(r.observation.process->logon_id == "0x8f00a");
  CHECK(r.observation.process->pid == 8000);
  // No CommandLine (process command line auditing off): no arguments either.
  CHECK_FALSE(r.observation.process->command_line);
  CHECK_FALSE(r.observation.process->args);
}

TEST_CASE("a 4624 logon carries the session it opened, its type and where it came from", "[ingest]") {
  const MapResult r = map(event("Security", 4624,
                                {{"SubjectUserSid", "S-1-5-18"},
                                 {"SubjectUserName", "WS01$"},
                                 {"SubjectDomainName", "CORP"},
                                 {"SubjectLogonId", "0x3e7"},
                                 {"TargetUserSid", "S-1-5-21-1-2-3-500"},
                                 {"TargetUserName", "admin"},
                                 {"TargetDomainName", "CORP"},
                                 {"TargetLogonId", "0x8F00A"},
                                 {"LogonType", "10"},
                                 {"LogonProcessName", "User32 "},
                                 {"AuthenticationPackageName", "Negotiate"},
                                 {"WorkstationName", "WS01"},
                                 {"ProcessId", "0x2c8"},
                                 {"ProcessName", "C:\\Windows\\System32\\svchost.exe"},
                                 {"IpAddress", "198.51.100.20"},
                                 {"IpPort", "51234"}}));
  REQUIRE(r.outcome == MapResult::Outcome::observation);
  const auto& o = r.observation;
  CHECK(o.kind == model::Kind::logon);
  CHECK(o.account == "CORP\\admin");
  CHECK(o.account_sid == "S-1-5-21-1-2-3-500");
  CHECK(o.process->logon_id == "0x8f00a");
  CHECK(o.process->image == "C:\\Windows\\System32\\svchost.exe");
  CHECK(o.process->pid == 0x2c8);
  CHECK(attr_keys(o) == std::vector<std::string>{"event", "logon_type", "source_address", "source_port",
                                                 "logon_process", "auth_package", "workstation_name",
                                                 "subject_logon_id"});
  CHECK(attr(o, "event") == "logon");
  CHECK(attr(o, "logon_type") == "10");
  CHECK(attr(o, "source_address") == "198.51.100.20");
  CHECK(attr(o, "source_port") == "51234");
  CHECK(attr(o, "logon_process") == "User32 ");
  CHECK(attr(o, "auth_package") == "Negotiate");
  CHECK(attr(o, "subject_logon_id") == "0x3e7");
}

TEST_CASE("a 4625 failed logon keeps its reason and status and has no session", "[ingest]") {
  const MapResult r = map(event("Security", 4625,
                                {{"SubjectUserSid", "S-1-0-0"},
                                 {"SubjectUserName", "-"},
                                 {"SubjectLogonId", "0x0"},
                                 {"TargetUserName", "bob"},
                                 {"TargetDomainName", "CORP"},
                                 {"Status", "0xc000006d"},
                                 {"FailureReason", "%%2313"},
                                 {"SubStatus", "0xc000006a"},
                                 {"LogonType", "3"},
                                 {"ProcessId", "0x0"},
                                 {"ProcessName", "-"},
                                 {"IpAddress", "198.51.100.66"},
                                 {"IpPort", "0"}}));
  REQUIRE(r.outcome == MapResult::Outcome::observation);
  const auto& o = r.observation;
  CHECK(o.account == "CORP\\bob");
  CHECK(attr(o, "event") == "logon_failed");
  CHECK(attr(o, "failure_reason") == "%%2313");
  CHECK(attr(o, "status") == "0xc000006d");
  CHECK(attr(o, "sub_status") == "0xc000006a");
  CHECK(attr(o, "subject_logon_id") == "(none)");
  CHECK_FALSE(o.process->logon_id);
  CHECK_FALSE(o.process->image);
  CHECK_FALSE(o.process->pid);
}

TEST_CASE("a 4648 is the subject using another account's credentials from its own session",
          "[ingest]") {
  const MapResult r = map(event("Security", 4648,
                                {{"SubjectUserName", "alice"},
                                 {"SubjectDomainName", "CORP"},
                                 {"SubjectLogonId", "0x3e7a1"},
                                 {"TargetUserName", "admin"},
                                 {"TargetDomainName", "CORP"},
                                 {"TargetServerName", "fs01.corp.local"},
                                 {"ProcessId", "0x2564"},
                                 {"ProcessName", k_powershell},
                                 {"IpAddress", "-"}}));
  REQUIRE(r.outcome == MapResult::Outcome::observation);
  const auto& o = r.observation;
  CHECK(o.account == "CORP\\alice");
  CHECK(o.process->logon_id == "0x3e7a1");
  CHECK(o.process->pid == 9572);
  CHECK(attr(o, "event") == "explicit_credentials");
  CHECK(attr(o, "target_account") == "CORP\\admin");
  CHECK(attr(o, "target_server") == "fs01.corp.local");
  CHECK(attr(o, "source_address") == "(none)");
}

TEST_CASE("4634 and 4647 are logoffs of the target's session", "[ingest]") {
  for (int id : {4634, 4647}) {
    const MapResult r = map(event("Security", id,
                                  {{"TargetUserSid", "S-1-5-21-1-2-3-1104"},
                                   {"TargetUserName", "alice"},
                                   {"TargetDomainName", "CORP"},
                                   {"TargetLogonId", "0x3E7A1"}}));
    REQUIRE(r.outcome == MapResult::Outcome::observation);
    CHECK(r.source == "Security " + std::to_string(id));
    CHECK(r.observation.kind == model::Kind::logon);
    CHECK(attr(r.observation, "event") == "logoff");
    CHECK(r.observation.process->logon_id == "0x3e7a1");
    CHECK(r.observation.account == "CORP\\alice");
  }
}

TEST_CASE("Sysmon 3, 7, 11, 12, 13, 14 and 22 become their kinds with their key fields", "[ingest]") {
  auto with_actor = [](int id, std::vector<std::pair<std::string, std::string>> data) {
    data.insert(data.begin(), {{"UtcTime", "2026-03-01 10:00:01.000"},
                               {"ProcessGuid", "{G}"},
                               {"ProcessId", "9572"},
                               {"Image", k_powershell},
                               {"RuleName", "-"}});
    return map(event(k_sysmon, id, std::move(data)));
  };
  auto network = with_actor(3, {{"Protocol", "tcp"}, {"Initiated", "true"}, {"SourceIp", "10.0.0.5"},
                                {"SourcePort", "49722"}, {"DestinationIp", "203.0.113.7"},
                                {"DestinationHostname", "-"}, {"DestinationPort", "443"}});
  REQUIRE(network.outcome == MapResult::Outcome::observation);
  CHECK(network.observation.kind == model::Kind::network);
  CHECK(attr_keys(network.observation) ==
        std::vector<std::string>{"protocol", "source_ip", "source_port", "destination_ip",
                                 "destination_port", "initiated"});
  CHECK(attr(network.observation, "destination_ip") == "203.0.113.7");
  CHECK(network.observation.process->pid == 9572);
  CHECK(network.observation.process->guid == "{G}");
  CHECK(network.observation.process->image == k_powershell);

  auto load = with_actor(7, {{"ImageLoaded", "C:\\Windows\\System32\\amsi.dll"}, {"Hashes", "SHA256=EE"},
                             {"Signed", "true"}, {"Signature", "Microsoft Windows"},
                             {"SignatureStatus", "Valid"}});
  CHECK(load.observation.kind == model::Kind::image_load);
  CHECK(attr(load.observation, "image_loaded") == "C:\\Windows\\System32\\amsi.dll");
  CHECK(attr(load.observation, "hashes") == "SHA256=EE");
  CHECK(attr(load.observation, "signed") == "true");
  CHECK_FALSE(load.observation.process->hashes);  // the DLL's hashes, not the process's

  auto file = with_actor(11, {{"TargetFilename", "C:\\Temp\\p.txt"},
                              {"CreationUtcTime", "2026-03-01 10:00:03.000"}});
  CHECK(file.observation.kind == model::Kind::file);
  CHECK(attr(file.observation, "target_filename") == "C:\\Temp\\p.txt");
  CHECK(attr(file.observation, "creation_time") == "2026-03-01 10:00:03.000");

  auto set = with_actor(13, {{"EventType", "SetValue"}, {"TargetObject", "HKLM\\x\\y"},
                             {"Details", "DWORD (0x00000001)"}});
  CHECK(set.observation.kind == model::Kind::registry);
  CHECK(attr_keys(set.observation) == std::vector<std::string>{"event_type", "target_object", "details"});
  CHECK(attr(set.observation, "details") == "DWORD (0x00000001)");
  auto created = with_actor(12, {{"EventType", "CreateKey"}, {"TargetObject", "HKLM\\x"}});
  CHECK(created.observation.kind == model::Kind::registry);
  auto renamed = with_actor(14, {{"EventType", "RenameKey"}, {"TargetObject", "HKLM\\old"},
                                 {"NewName", "HKLM\\new"}});
  CHECK(attr(renamed.observation, "new_name") == "HKLM\\new");

  auto dns = with_actor(22, {{"QueryName", "cdn.example.net"}, {"QueryStatus", "0"},
                             {"QueryResults", "type:  5 edge.example.net;::ffff:198.51.100.9;"}});
  CHECK(dns.observation.kind == model::Kind::dns);
  CHECK(attr(dns.observation, "query_name") == "cdn.example.net");
  CHECK(attr(dns.observation, "query_results") == "type:  5 edge.example.net;::ffff:198.51.100.9;");
}

TEST_CASE("other events are skipped under their source and event id", "[ingest]") {
  CHECK(map(event(k_sysmon, 10, {})).outcome == MapResult::Outcome::skipped);
  CHECK(map(event(k_sysmon, 10, {})).source == "Sysmon 10");
  CHECK(map(event("Security", 4656, {})).source == "Security 4656");
  CHECK(map(event("System", 104, {})).source == "System 104");
  CHECK(map(event("Microsoft-Windows-PowerShell/Operational", 4104, {})).source == "PowerShell 4104");
  // Event 1 of another channel is not a Sysmon process creation.
  CHECK(map(event("Application", 1, {})).outcome == MapResult::Outcome::skipped);
  // Without a channel, the provider says which log it is.
  WindowsEvent e = event("", 1, {});
  e.provider = "Microsoft-Windows-Sysmon";
  CHECK(map(e).source == "Sysmon 1");
}

TEST_CASE("an event that lacks what its kind needs is rejected naming the field", "[ingest]") {
  auto without = [](const std::string& name) {
    WindowsEvent e = sysmon1();
    std::erase_if(e.data, [&](const auto& f) { return f.first == name; });
    return map(e);
  };
  CHECK(without("Image").reason == "Sysmon 1: missing Image");
  CHECK(without("ProcessId").reason == "Sysmon 1: missing ProcessId");
  WindowsEvent bad_time = sysmon1();
  bad_time.data[1].second = "2026-02-30 10:00:00.000";
  CHECK(map(bad_time).reason ==
        "Sysmon 1: invalid UtcTime \"2026-02-30 10:00:00.000\": day 30 does not exist in 2026-02");
  WindowsEvent bad_pid = sysmon1();
  bad_pid.data[3].second = "0xZZ";
  CHECK(map(bad_pid).reason ==
        "Sysmon 1: invalid ProcessId \"0xZZ\": expected a process id (decimal, or hex with 0x)");
  WindowsEvent no_host = sysmon1();
  no_host.computer.clear();
  CHECK(map(no_host).reason == "Sysmon 1: missing Computer (Hostname): give --host");
  CHECK(ingest::map_windows_event(no_host, {nullptr, std::string("ws09")}).observation.host == "ws09");
  WindowsEvent no_time = event("Security", 4688, {{"NewProcessName", "x.exe"}, {"NewProcessId", "0x1"}},
                               std::nullopt);
  CHECK(map(no_time).reason == "Security 4688: missing TimeCreated");
  WindowsEvent local = event("Security", 4688, {{"NewProcessName", "x.exe"}, {"NewProcessId", "0x1"}},
                             "2026-03-01 10:00:00");
  CHECK(map(local).reason ==
        "Security 4688: invalid TimeCreated \"2026-03-01 10:00:00\": no zone in the time: give "
        "--source-tz ZONE");
  for (const auto& r : {without("Image"), map(no_time)}) {
    CHECK(r.outcome == MapResult::Outcome::rejected);
  }
}

TEST_CASE("a Sysmon event without UtcTime falls back to TimeCreated", "[ingest]") {
  WindowsEvent e = sysmon1();
  std::erase_if(e.data, [](const auto& f) { return f.first == "UtcTime"; });
  const MapResult r = map(e);
  REQUIRE(r.outcome == MapResult::Outcome::observation);
  CHECK(r.observation.time_source == "TimeCreated");
  CHECK(time::format_utc(r.observation.observed.utc) == "2026-03-01T06:00:00.125000Z");
}

TEST_CASE("Sysmon process GUIDs are written in lower case whatever case the container used",
          "[ingest]") {
  // libevtx renders GUIDs in upper case, Windows' XML and the JSON pipelines
  // in lower case: the same process must have one GUID.
  WindowsEvent e = sysmon1();
  for (auto& [name, v] : e.data) {
    if (name == "ProcessGuid") v = "{365ABB72-517E-5CD8-0000-001024D61700}";
    if (name == "ParentProcessGuid") v = "{365abb72-516B-5cd8-0000-001087E41600}";
  }
  const MapResult r = map(e);
  REQUIRE(r.outcome == MapResult::Outcome::observation);
  CHECK(r.observation.process->guid == "{365abb72-517e-5cd8-0000-001024d61700}");
  CHECK(r.observation.process->parent_guid == "{365abb72-516b-5cd8-0000-001087e41600}");

  // Other kinds' acting process too; what is not a braced GUID stays as written.
  auto load = [](const std::string& guid) {
    return map(event("Microsoft-Windows-Sysmon/Operational", 7,
                     {{"UtcTime", "2026-03-01 10:00:01.000"},
                      {"ProcessGuid", guid},
                      {"ProcessId", "9572"},
                      {"Image", "C:\\x.exe"},
                      {"ImageLoaded", "C:\\Windows\\System32\\amsi.dll"}}));
  };
  CHECK(load("{365ABB72-517E-5CD8-0000-001024D61700}").observation.process->guid ==
        "{365abb72-517e-5cd8-0000-001024d61700}");
  for (const std::string odd : {"{G}", "365ABB72-517E-5CD8-0000-001024D61700",
                                "{365ABB72-517E-5CD8-0000-001024D6170Z}",
                                "{365ABB72_517E-5CD8-0000-001024D61700}"}) {
    CHECK(load(odd).observation.process->guid == odd);
  }
}
