#include "tests/support/test_support.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>

#include "cli/run.hpp"

namespace casetrail::test {

TempDir::TempDir() {
  std::random_device rd;
  std::mt19937_64 gen(rd());
  for (int attempt = 0; attempt < 100; ++attempt) {
    auto candidate = std::filesystem::temp_directory_path() /
                     ("casetrail-test-" + std::to_string(gen()));
    if (std::filesystem::create_directory(candidate)) {
      m_path = candidate;
      return;
    }
  }
  throw std::runtime_error("cannot create a temporary directory");
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(m_path, ec);
}

CliResult run_cli(const std::vector<std::string>& args, const CliOptions& options) {
  std::ostringstream out;
  std::ostringstream err;
  std::istringstream in(options.stdin_data);
  cli::Environment env;
  env.variables = options.env;
  if (options.now_utc_us) {
    const auto fixed = time::UtcTime(time::Micros(*options.now_utc_us));
    env.clock = [fixed] { return fixed; };
  }
  env.in = &in;
  CliResult result;
  result.exit_code = cli::run(args, out, err, env);
  result.out = out.str();
  result.err = err.str();
  return result;
}

void write_file(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!f) throw std::runtime_error("cannot write " + path.string());
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

std::optional<std::filesystem::path> shared_file(const std::string& relative) {
  const auto path = std::filesystem::path(CASETRAIL_SOURCE_DIR) / ".." / "shared" / relative;
  if (std::filesystem::exists(path)) return std::filesystem::canonical(path);
  const char* ci = std::getenv("CI");
  if (ci != nullptr && std::string(ci) == "true") {
    FAIL("shared file " << path.string() << " is missing and CI=true");
  }
  return std::nullopt;
}

std::filesystem::path casetrail_binary() {
  if (const char* p = std::getenv("CASETRAIL_BINARY")) return p;
  // Tests run from the build tree: tests/test_x next to cli/casetrail.
  std::error_code ec;
  auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return {};
  auto candidate = self.parent_path().parent_path() / "cli" / "casetrail";
  if (std::filesystem::exists(candidate)) return candidate;
  return {};
}

}  // namespace casetrail::test
