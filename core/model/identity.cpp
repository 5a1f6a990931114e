#include "core/model/identity.hpp"

#include <algorithm>
#include <cctype>

namespace casetrail::model {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool is_ip_literal(std::string_view s) {
  if (s.find(':') != std::string_view::npos) return true;  // IPv6
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) {
    return std::isdigit(c) || c == '.';
  });
}

}  // namespace

std::optional<HostName> canonical_host(std::string_view observed) {
  const std::string_view name = trim(observed);
  if (name.empty()) return std::nullopt;
  HostName host;
  host.observed = std::string(observed);
  const std::string low = lower(name);
  if (is_ip_literal(low)) {
    host.canonical = low;
    return host;
  }
  const auto dot = low.find('.');
  if (dot == std::string::npos) {
    host.canonical = low;
  } else {
    host.canonical = low.substr(0, dot);
    host.fqdn = low;
  }
  return host;
}

std::optional<AccountName> canonical_account(std::string_view observed) {
  const std::string_view name = trim(observed);
  if (name.empty()) return std::nullopt;
  AccountName account;
  account.observed = std::string(observed);
  const std::string low = lower(name);
  if (const auto slash = low.find('\\'); slash != std::string::npos) {
    account.domain = low.substr(0, slash);
    account.user = low.substr(slash + 1);
  } else if (const auto at = low.rfind('@'); at != std::string::npos && at > 0) {
    account.user = low.substr(0, at);
    const std::string realm = low.substr(at + 1);
    account.domain = realm.substr(0, realm.find('.'));
  } else {
    account.user = low;
  }
  if (account.domain && account.domain->empty()) account.domain.reset();
  account.canonical = account.domain ? *account.domain + "\\" + account.user : account.user;
  return account;
}

}  // namespace casetrail::model
