#pragma once
// Command-line argument splitting beside the exact command line (never
// instead of it), and image-name normalisation.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace casetrail::cmdline {

enum class Platform { windows, posix };

// Splits as the Microsoft C runtime (UCRT, and msvcr90 and later) splits a
// command line into argv
// (https://learn.microsoft.com/en-us/cpp/c-language/parsing-c-command-line-arguments):
// - the first argument (program name) ends at the first space/tab outside
//   quotes; every " toggles quoting and is dropped; backslashes are literal;
// - later arguments are separated by spaces and tabs (nothing else) and follow
//   the 2n / 2n+1 backslash rules; "" inside a quoted region yields one " and
//   the region stays open, so a"b"" c d -> {ab" c d}. CommandLineToArgvW
//   differs here (it gives {ab", c, d}); see cmdline.cpp for why we follow the
//   C runtime;
// - an unterminated quote runs to the end of the line; leading whitespace
//   gives an empty program name, as both the C runtime and CommandLineToArgvW
//   do.
// An empty command line gives no arguments. Bytes are kept as they are (UTF-8
// or not, NULs included: a NUL is an ordinary byte). Never fails.
std::vector<std::string> split_windows(std::string_view command_line);

// Splits as a POSIX shell splits words, without any expansion
// (https://pubs.opengroup.org/onlinepubs/9699919799/utilities/V3_chap02.html#tag_18_02):
// space, tab and newline separate; single quotes are literal; inside double
// quotes \ escapes only $ ` " \ and newline; outside quotes \ escapes the next
// byte; \ before a newline is a line continuation and is removed; '' and ""
// are empty words; adjacent parts join into one word. Operators (| ; & < >),
// # and $ are ordinary bytes: the line is an executed argv, not a script.
// Returns the words, or the reason ("unterminated single quote",
// "unterminated double quote", "trailing backslash").
Result<std::vector<std::string>> split_posix(std::string_view command_line);

// Chooses the rules: the host platform when known ("windows", any case ->
// windows; "linux"/"macos"/... -> posix; "" and "unknown" are not known);
// else windows when the image, or the program name at the start of the
// command line, looks like a Windows path (drive letter, backslash, UNC, ends
// in .exe/.com/.bat/.cmd, case-insensitive); else posix.
Platform guess_platform(std::string_view host_platform, std::string_view image,
                        std::string_view command_line);

// Splits with the given rules. On a POSIX split error returns nullopt (the
// exact command line is still stored; only the parsed view is missing).
std::optional<std::vector<std::string>> split(std::string_view command_line, Platform platform);

// The lower-case (ASCII only; other bytes are kept) file name of an image
// path, either separator, a leading drive ("C:") dropped:
// "C:\\Windows\\System32\\cmd.exe" -> "cmd.exe", "/usr/bin/dd" -> "dd".
// A path that ends in a separator gives "".
std::string image_name(std::string_view image);

}  // namespace casetrail::cmdline
