#pragma once
// Canonical forms of hosts and accounts, so that the same machine or identity
// written differently by different sources is one host or one account.

#include <optional>
#include <string>
#include <string_view>

namespace casetrail::model {

struct HostName {
  std::string observed;   // as given
  std::string canonical;  // lower-case short name: "ws01" from "WS01.corp.local"
  std::optional<std::string> fqdn;  // lower-case, when the name had dots (and is not an IP)
};

// Canonicalises a host name. IPv4/IPv6 literals are kept whole (lower-case).
// Returns nullopt for an empty or all-blank name.
std::optional<HostName> canonical_host(std::string_view observed);

struct AccountName {
  std::string observed;
  std::string canonical;  // "corp\\alice"; "alice" when no domain is known
  std::optional<std::string> domain;  // lower-case NetBIOS-style domain
  std::string user;                   // lower-case user
};

// "CORP\\Alice", "alice@corp.local", "corp\\alice" all give "corp\\alice"
// (the UPN's domain is reduced to its first label, the NetBIOS-style name).
// A bare "root" stays "root". Returns nullopt for an empty name.
std::optional<AccountName> canonical_account(std::string_view observed);

}  // namespace casetrail::model
