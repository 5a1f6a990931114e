#include <catch2/catch.hpp>

#include "core/model/identity.hpp"

using casetrail::model::canonical_account;
using casetrail::model::canonical_host;

TEST_CASE("accounts written three ways canonicalise to one domain\\user", "[store]") {
  CHECK(canonical_account("CORP\\Alice")->canonical == "corp\\alice");
  CHECK(canonical_account("alice@corp.local")->canonical == "corp\\alice");
  CHECK(canonical_account("corp\\alice")->canonical == "corp\\alice");
  CHECK(canonical_account("CORP\\Alice")->observed == "CORP\\Alice");
  CHECK(canonical_account("root")->canonical == "root");
  CHECK(canonical_account("root")->domain == std::nullopt);
  CHECK(canonical_account("  ") == std::nullopt);
}

TEST_CASE("hosts canonicalise to the lower-case short name and keep the FQDN", "[store]") {
  auto h = canonical_host("WS01.Corp.Local");
  CHECK(h->canonical == "ws01");
  CHECK(h->fqdn == "ws01.corp.local");
  CHECK(h->observed == "WS01.Corp.Local");
  CHECK(canonical_host("WORKSTATION5")->canonical == "workstation5");
  CHECK(canonical_host("WORKSTATION5")->fqdn == std::nullopt);
  CHECK(canonical_host("10.0.0.5")->canonical == "10.0.0.5");
  CHECK(canonical_host("") == std::nullopt);
}
