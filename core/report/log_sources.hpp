#pragma once
// Whether the evidence of a case came from a log source that ATT&CK names for
// a technique: casetrail's source names ("Sysmon 1", "Security 4688",
// "auditd EXECVE") against ATT&CK's log sources (v18: a name and channel such
// as "WinEventLog:Sysmon" / "EventCode=1"; up to v17: a data component such
// as "Process: Process Creation").

#include <string>
#include <string_view>

#include "core/model/attack.hpp"

namespace casetrail::report {

// True when evidence from `case_source` is what `log_source` describes.
// Sources casetrail cannot place ("manual", "EDR", "ECS") match nothing.
bool source_matches(std::string_view case_source, const model::AttackLogSource& log_source);

// "WinEventLog:Sysmon EventCode=1 (Process Creation)", or for v17
// "Process: Process Creation".
std::string describe(const model::AttackLogSource& log_source);

}  // namespace casetrail::report
