#include "cli/commands/output_file.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/error.hpp"

namespace casetrail::cli {

OutputFile::OutputFile(const std::string& path) : m_path(path) {
  const std::filesystem::path target(path);
  m_temporary = target;
  m_temporary += ".partial-" + std::to_string(::getpid());
  m_stream.open(m_temporary, std::ios::binary | std::ios::trunc);
  if (!m_stream) {
    throw Error(ErrorCode::io, "cannot write " + quote(path, 200) + ": " + std::strerror(errno));
  }
}

OutputFile::~OutputFile() {
  if (m_committed) return;
  m_stream.close();
  std::error_code ec;
  std::filesystem::remove(m_temporary, ec);
}

void OutputFile::commit() {
  m_stream.close();
  if (!m_stream) throw Error(ErrorCode::io, "cannot write " + quote(m_path, 200) + ": write failed");
  std::error_code ec;
  std::filesystem::rename(m_temporary, m_path, ec);
  if (ec) {
    throw Error(ErrorCode::io, "cannot write " + quote(m_path, 200) + ": " + ec.message());
  }
  m_committed = true;
}

}  // namespace casetrail::cli
