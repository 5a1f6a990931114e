#include <nlohmann/json.hpp>
#include <ostream>

#include "cli/commands/commands.hpp"
#include "core/error.hpp"
#include "core/store/migrations.hpp"

namespace casetrail::cli {

void setup_db_commands(CLI::App& app, Context& ctx) {
  auto* noun = app.add_subcommand("db", "Database version, migration and checks");
  noun->require_subcommand(1);

  noun->add_subcommand("version", "Schema version of the database and of this binary")
      ->callback([&ctx] {
        const auto db = ctx.open_db(store::OpenMode::no_migrate);
        const int version = db.schema_version();
        const int latest = store::latest_schema_version();
        if (ctx.json) {
          ctx.out << nlohmann::json{{"database", db.path()},
                                    {"schema_version", version},
                                    {"binary_schema_version", latest},
                                    {"up_to_date", version == latest}}
                         .dump(2)
                  << '\n';
        } else {
          ctx.out << "schema version " << version << " (this casetrail: " << latest << ")\n";
        }
      });

  noun->add_subcommand("migrate", "Apply pending migrations")->callback([&ctx] {
    auto db = ctx.open_db(store::OpenMode::no_migrate);
    const auto applied = db.migrate();
    if (ctx.json) {
      ctx.out << nlohmann::json{{"applied", applied}, {"schema_version", db.schema_version()}}.dump(2)
              << '\n';
    } else if (applied.empty()) {
      ctx.out << "schema version " << db.schema_version() << ": up to date\n";
    } else {
      ctx.out << "migrated to schema version " << db.schema_version() << '\n';
    }
  });

  noun->add_subcommand("check", "SQLite integrity_check and foreign_key_check")->callback([&ctx] {
    const auto db = ctx.open_db(store::OpenMode::existing);
    const auto report = db.check();
    if (ctx.json) {
      ctx.out << nlohmann::json{{"ok", report.ok()},
                                {"integrity", report.integrity},
                                {"foreign_keys", report.foreign_keys}}
                     .dump(2)
              << '\n';
    } else if (report.ok()) {
      ctx.out << "ok\n";
    } else {
      for (const auto& line : report.integrity) ctx.out << "integrity: " << line << '\n';
      for (const auto& line : report.foreign_keys) ctx.out << "foreign key: " << line << '\n';
    }
    if (!report.ok()) throw Error(ErrorCode::integrity, "database check failed");
  });
}

}  // namespace casetrail::cli
