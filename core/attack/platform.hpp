#pragma once
// Platform context: whether ATT&CK lists a technique for the platform of the
// host it was seen on. ATT&CK spells platforms "Windows", "macOS", "PRE",
// "Network Devices", "Office Suite"; hosts record "windows", "macos",
// "network", "office-suite". Both are compared case-insensitively, with
// spaces and hyphens alike.

#include <string>
#include <string_view>
#include <vector>

namespace casetrail::attack {

// Lower case, spaces as hyphens, and the host spelling "network" for
// ATT&CK's "Network Devices" (which ATT&CK called "Network" before v15).
std::string normalise_platform(std::string_view platform);

// True when `technique_platforms` (as ATT&CK lists them) include
// `host_platform`, compared through normalise_platform; also true when the
// technique lists no platform at all (nothing to compare against).
bool platform_listed(const std::vector<std::string>& technique_platforms,
                     std::string_view host_platform);

// "Windows, macOS, Linux": the list as ATT&CK spells it, for messages.
std::string join_platforms(const std::vector<std::string>& platforms);

}  // namespace casetrail::attack
