#pragma once
// The migrations embedded from migrations/NNNN_name.sql at build time
// (cmake/embed_migrations.cmake generates embedded_migrations.cpp).

#include <string>
#include <vector>

namespace casetrail::store {

struct Migration {
  int version;
  const char* name;
  const char* sql;
};

// All migrations, in order, numbered 1..N without gaps (the build checks it).
const std::vector<Migration>& embedded_migrations();

// The schema version this binary migrates to.
int latest_schema_version();

}  // namespace casetrail::store
