#pragma once
// A file written whole or not at all: the bytes go to a temporary file
// beside it, renamed over the target on commit(); without commit() (an error
// midway) the temporary file is removed and the target left as it was.

#include <filesystem>
#include <fstream>
#include <string>

namespace casetrail::cli {

class OutputFile {
public:
  // Throws Error(io) when the temporary file cannot be created.
  explicit OutputFile(const std::string& path);
  ~OutputFile();
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  std::ostream& stream() { return m_stream; }
  // Closes and renames the temporary file to the target. Throws Error(io).
  void commit();

private:
  std::string m_path;
  std::filesystem::path m_temporary;
  std::ofstream m_stream;
  bool m_committed = false;
};

}  // namespace casetrail::cli
