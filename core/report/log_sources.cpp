#include "core/report/log_sources.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <vector>

namespace casetrail::report {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

struct CaseSource {
  std::string product;  // sysmon, security, powershell, system, auditd, ...
  std::string code;     // "1", "4688", "EXECVE"
};

CaseSource split(std::string_view source) {
  const auto space = source.rfind(' ');
  if (space == std::string_view::npos) return {lower(source), ""};
  return {lower(source.substr(0, space)), std::string(source.substr(space + 1))};
}

// The event codes a channel such as "EventCode=4103, 4104, 4105, 4106" lists.
std::vector<std::string> event_codes(std::string_view channel) {
  std::vector<std::string> codes;
  const auto eq = channel.find("EventCode=");
  if (eq == std::string_view::npos) return codes;
  std::string_view rest = channel.substr(eq + 10);
  std::string current;
  for (char c : rest) {
    if (c >= '0' && c <= '9') {
      current += c;
    } else if (!current.empty()) {
      codes.push_back(current);
      current.clear();
    }
  }
  if (!current.empty()) codes.push_back(current);
  return codes;
}

// Windows channel of a casetrail source name, as ATT&CK spells its log
// source ("WinEventLog:Sysmon").
std::vector<std::string> windows_log_names(const std::string& product) {
  if (product == "sysmon") return {"wineventlog:sysmon"};
  if (product == "security") return {"wineventlog:security"};
  if (product == "powershell") {
    return {"wineventlog:powershell", "wineventlog:microsoft-windows-powershell/operational"};
  }
  if (product == "system") return {"wineventlog:system"};
  if (product == "wmi") return {"wineventlog:microsoft-windows-wmi-activity/operational"};
  return {};
}

// The data components (v17 data sources) a casetrail source records.
std::vector<std::string_view> components(const CaseSource& s) {
  const std::string& c = s.code;
  if (s.product == "sysmon") {
    if (c == "1") return {"Process Creation"};
    if (c == "3") return {"Network Connection Creation"};
    if (c == "7") return {"Module Load"};
    if (c == "8") return {"Process Modification"};
    if (c == "10") return {"Process Access"};
    if (c == "11") return {"File Creation"};
    if (c == "12") return {"Windows Registry Key Creation", "Windows Registry Key Deletion"};
    if (c == "13") return {"Windows Registry Key Modification"};
    if (c == "22") return {"Network Traffic Content"};
  }
  if (s.product == "security") {
    if (c == "4688") return {"Process Creation"};
    if (c == "4624" || c == "4648") return {"Logon Session Creation"};
    if (c == "4625") return {"User Account Authentication"};
    if (c == "5156") return {"Network Connection Creation"};
    if (c == "4698") return {"Scheduled Job Creation"};
  }
  if (s.product == "powershell" && (c == "4103" || c == "4104")) return {"Command Execution", "Script Execution"};
  if (s.product == "auditd") {
    const std::string t = lower(c);
    if (t == "execve" || t == "syscall") return {"Process Creation", "Command Execution"};
    if (t == "user_login" || t == "user_auth") return {"Logon Session Creation"};
  }
  return {};
}

}  // namespace

bool source_matches(std::string_view case_source, const model::AttackLogSource& ls) {
  const CaseSource s = split(case_source);
  if (ls.name) {
    const std::string name = lower(*ls.name);
    const std::string channel = ls.channel.value_or("");
    for (const auto& windows : windows_log_names(s.product)) {
      if (windows != name) continue;
      const auto codes = event_codes(channel);
      if (codes.empty() || std::find(codes.begin(), codes.end(), s.code) != codes.end()) return true;
    }
    if (s.product == "auditd" && name.rfind("auditd:", 0) == 0) {
      const std::string type = lower(s.code);
      const std::string kind = name.substr(7);
      if (type == kind) return true;
      if ((type == "execve" || type == "syscall") && kind == "syscall" &&
          lower(channel).find("execve") != std::string::npos) {
        return true;
      }
    }
    return false;
  }
  // v17: a data component only.
  const auto names = components(s);
  return std::find(names.begin(), names.end(), ls.data_component) != names.end();
}

std::string describe(const model::AttackLogSource& ls) {
  if (ls.name) {
    std::string text = *ls.name;
    if (ls.channel) text += " " + *ls.channel;
    return text + " (" + ls.data_component + ")";
  }
  if (ls.data_source) return *ls.data_source + ": " + ls.data_component;
  return ls.data_component;
}

}  // namespace casetrail::report
