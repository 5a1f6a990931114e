#pragma once
// Turns a Windows event (from flat JSON, XML or .evtx alike) into an
// observation following the conventions in reader.hpp, or says why it is
// skipped or rejected.
//
// Taken (everything else is skipped and counted by source and event id):
//   Sysmon 1 process creation, 3 network connection, 7 image load, 11 file
//   creation, 12/13/14 registry, 22 DNS query
//   (https://learn.microsoft.com/en-us/sysinternals/downloads/sysmon#events);
//   Security 4688 process creation, 4624 logon, 4625 failed logon, 4648
//   logon with explicit credentials, 4634 logoff, 4647 user-initiated logoff
//   (https://learn.microsoft.com/en-us/previous-versions/windows/it-pro/windows-10/security/threat-protection/auditing/event-4688
//   and the pages beside it).

#include <optional>
#include <string>
#include <string_view>

#include "core/ingest/reader.hpp"
#include "core/model/observation.hpp"

namespace date {
class time_zone;
}

namespace casetrail::ingest {

struct MapOptions {
  const date::time_zone* source_tz = nullptr;  // for times written without a zone
  std::optional<std::string> host;             // for events without a computer name
};

struct MapResult {
  enum class Outcome { observation, skipped, rejected };
  Outcome outcome = Outcome::rejected;
  // The source name: "Sysmon 1", "Security 4688", "System 104".
  std::string source;
  // For observation: everything but raw, source.ref, source.fingerprint and
  // source.import_run_id, which the import adds. Techniques from a Sysmon
  // RuleName are in `techniques`, checked for form only.
  model::NewObservation observation;
  std::string reason;  // for rejected: "Sysmon 1: missing Image"
};

// "Sysmon" for Microsoft-Windows-Sysmon/Operational, "Security", "System",
// and for other channels the name without "Microsoft-Windows-" and
// "/Operational" ("PowerShell" for Microsoft-Windows-PowerShell/Operational).
// Falls back to the provider when the channel is empty.
std::string windows_channel_short_name(std::string_view channel, std::string_view provider);

// "<short channel name> <event id>": "Sysmon 1", "Security 4688".
std::string windows_source_name(const WindowsEvent& event);

MapResult map_windows_event(const WindowsEvent& event, const MapOptions& options);

}  // namespace casetrail::ingest
