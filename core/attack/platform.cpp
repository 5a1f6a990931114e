#include "core/attack/platform.hpp"

#include <cctype>

namespace casetrail::attack {

std::string normalise_platform(std::string_view platform) {
  std::string out;
  out.reserve(platform.size());
  for (char c : platform) {
    out += c == ' ' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (out == "network-devices") return "network";
  return out;
}

bool platform_listed(const std::vector<std::string>& technique_platforms,
                     std::string_view host_platform) {
  if (technique_platforms.empty()) return true;
  const std::string host = normalise_platform(host_platform);
  for (const auto& p : technique_platforms) {
    if (normalise_platform(p) == host) return true;
  }
  return false;
}

std::string join_platforms(const std::vector<std::string>& platforms) {
  std::string out;
  for (const auto& p : platforms) {
    if (!out.empty()) out += ", ";
    out += p;
  }
  return out;
}

}  // namespace casetrail::attack
