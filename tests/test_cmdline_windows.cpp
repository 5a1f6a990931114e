// Windows command-line splitting (the Microsoft C runtime's rules), platform
// guessing and image names.

#include <catch2/catch.hpp>

#include <cstddef>
#include <string>
#include <vector>

#include "core/cmdline/cmdline.hpp"

using casetrail::cmdline::guess_platform;
using casetrail::cmdline::image_name;
using casetrail::cmdline::Platform;
using casetrail::cmdline::split_windows;
using Args = std::vector<std::string>;

namespace {

// A std::string of every byte of a literal, embedded NULs included.
template <std::size_t N>
std::string bytes(const char (&literal)[N]) {
  return std::string(literal, N - 1);
}

// The table rows of "Parsing C command-line arguments" list argv[1..3]; the
// program name in front is not part of them.
Args split_after_program(const std::string& arguments) {
  Args args = split_windows("prog " + arguments);
  REQUIRE_FALSE(args.empty());
  CHECK(args.front() == "prog");
  args.erase(args.begin());
  return args;
}

}  // namespace

// https://learn.microsoft.com/en-us/cpp/c-language/parsing-c-command-line-arguments
TEST_CASE("every example row of Microsoft's parsing table gives the documented argv",
          "[cmdline]") {
  CHECK(split_after_program(R"("a b c" d e)") == Args{"a b c", "d", "e"});
  CHECK(split_after_program(R"("ab\"c" "\\" d)") == Args{R"(ab"c)", R"(\)", "d"});
  CHECK(split_after_program(R"(a\\\b d"e f"g h)") == Args{R"(a\\\b)", "de fg", "h"});
  CHECK(split_after_program(R"(a\\\"b c d)") == Args{R"(a\"b)", "c", "d"});
  CHECK(split_after_program(R"(a\\\\"b c" d e)") == Args{R"(a\\b c)", "d", "e"});
  CHECK(split_after_program(R"(a"b"" c d)") == Args{R"(ab" c d)"});
}

TEST_CASE("a doubled quote inside quotes is one literal quote and quoting continues",
          "[cmdline]") {
  // The C runtime's rule since msvcr90 (CommandLineToArgvW would give
  // {x, ab", c, d} for the first line: see cmdline.cpp).
  CHECK(split_windows(R"(x a"b"" c d)") == Args{"x", R"(ab" c d)"});
  CHECK(split_windows(R"(x "a ""quoted"" word" next)") ==
        Args{"x", R"(a "quoted" word)", "next"});
  // Three quotes inside quotes: a literal quote, then the region closes.
  CHECK(split_windows(R"(x "a"""b c)") == Args{"x", R"(a"b)", "c"});
  // Outside quotes a doubled quote opens and closes an empty region.
  CHECK(split_windows(R"(x a""b c)") == Args{"x", "ab", "c"});
}

TEST_CASE("backslashes are literal unless they precede a quote", "[cmdline]") {
  CHECK(split_windows(R"(x a\b c\\d e\)") == Args{"x", R"(a\b)", R"(c\\d)", R"(e\)"});
  CHECK(split_windows(R"(x \" \\" a b")") == Args{"x", R"(")", R"(\ a b)"});
  CHECK(split_windows(R"(x "C:\Program Files\\" next)") ==
        Args{"x", R"(C:\Program Files\)", "next"});
  // A single backslash before the closing quote escapes it: the quoted region
  // runs on to the end of the line.
  CHECK(split_windows(R"(x "C:\dir\" next)") == Args{"x", R"(C:\dir" next)"});
}

TEST_CASE("the program name ends at the first blank outside quotes", "[cmdline]") {
  CHECK(split_windows(R"(C:\Program Files\x.exe /c)") ==
        Args{R"(C:\Program)", R"(Files\x.exe)", "/c"});
  CHECK(split_windows(R"("C:\Program Files\x.exe" /c)") ==
        Args{R"(C:\Program Files\x.exe)", "/c"});
  CHECK(split_windows(R"(C:\Program" "Files\x.exe y)") ==
        Args{R"(C:\Program Files\x.exe)", "y"});
  CHECK(split_windows("x.exe\ta") == Args{"x.exe", "a"});
}

TEST_CASE("the program name keeps backslashes literal and drops every quote", "[cmdline]") {
  CHECK(split_windows(R"("C:\dir\"x.exe a)") == Args{R"(C:\dir\x.exe)", "a"});
  CHECK(split_windows(R"(C:\dir\\"a b"\x.exe c)") == Args{R"(C:\dir\\a b\x.exe)", "c"});
  // No "" escape in the program name: each quote toggles.
  CHECK(split_windows(R"("a""b" c)") == Args{"ab", "c"});
  CHECK(split_windows(R"("C:\Program Files\x.exe)") == Args{R"(C:\Program Files\x.exe)"});
}

TEST_CASE("a real pcalua command line with two spaces splits into three arguments",
          "[cmdline]") {
  CHECK(split_windows(R"("C:\Windows\System32\pcalua.exe"  -a c:\Windows\system32\calc.exe)") ==
        Args{R"(C:\Windows\System32\pcalua.exe)", "-a", R"(c:\Windows\system32\calc.exe)"});
}

TEST_CASE("an mshta vbscript line with doubled quotes stays one argument", "[cmdline]") {
  const std::string line =
      R"x(mshta vbscript:Execute("CreateObject(""Wscript.Shell"").Run ""powershell -noexit -command Get-Service sysmon"":close"))x";
  CHECK(split_windows(line) ==
        Args{"mshta",
             R"x(vbscript:Execute(CreateObject("Wscript.Shell").Run "powershell -noexit -command Get-Service sysmon":close))x"});
}

TEST_CASE("an empty command line gives no arguments", "[cmdline]") {
  CHECK(split_windows("").empty());
}

TEST_CASE("leading whitespace gives an empty program name", "[cmdline]") {
  CHECK(split_windows(" x a") == Args{"", "x", "a"});
  CHECK(split_windows("\tx") == Args{"", "x"});
  CHECK(split_windows("   ") == Args{""});
}

TEST_CASE("empty quoted arguments are kept", "[cmdline]") {
  CHECK(split_windows(R"(x "" "")") == Args{"x", "", ""});
  CHECK(split_windows(R"(x a "" b)") == Args{"x", "a", "", "b"});
  CHECK(split_windows(R"("" a)") == Args{"", "a"});
  CHECK(split_windows(R"("")") == Args{""});
}

TEST_CASE("tabs separate arguments and trailing whitespace adds none", "[cmdline]") {
  CHECK(split_windows("x\ta\t\tb") == Args{"x", "a", "b"});
  CHECK(split_windows("x a \t ") == Args{"x", "a"});
  CHECK(split_windows("x \"a\tb\"") == Args{"x", "a\tb"});
}

TEST_CASE("newlines and other control bytes are not separators on Windows", "[cmdline]") {
  CHECK(split_windows("x a\nb\rc") == Args{"x", "a\nb\rc"});
}

TEST_CASE("an unterminated quote runs to the end of the line", "[cmdline]") {
  CHECK(split_windows(R"(x "a b)") == Args{"x", "a b"});
  CHECK(split_windows(R"(x a" b  )") == Args{"x", "a b  "});
  CHECK(split_windows(R"(x ")") == Args{"x", ""});
}

TEST_CASE("UTF-8 passes through byte for byte on Windows", "[cmdline]") {
  const std::string line = "x \"C:\\Users\\Jos\xC3\xA9\\\xE3\x83\x95\xE3\x82\xA1.txt\" \xF0\x9F\x98\x80";
  CHECK(split_windows(line) ==
        Args{"x", "C:\\Users\\Jos\xC3\xA9\\\xE3\x83\x95\xE3\x82\xA1.txt", "\xF0\x9F\x98\x80"});
}

TEST_CASE("invalid UTF-8 passes through byte for byte on Windows", "[cmdline]") {
  const std::string line = "x\xFF \"\xC3 \xFE\" \x80\\\"";
  CHECK(split_windows(line) == Args{"x\xFF", "\xC3 \xFE", "\x80\""});
}

TEST_CASE("an embedded NUL is an ordinary byte on Windows", "[cmdline]") {
  const std::string line = bytes("p\0q a\0b \"c\0 d\"");
  const Args expected{bytes("p\0q"), bytes("a\0b"), bytes("c\0 d")};
  const Args args = split_windows(line);
  CHECK(args == expected);
  REQUIRE(args.size() == 3);
  CHECK(args[1].size() == 3);
}

TEST_CASE("the host platform decides the rules when it is known", "[cmdline]") {
  CHECK(guess_platform("windows", "/usr/bin/dd", "dd if=/dev/zero") == Platform::windows);
  CHECK(guess_platform("Windows", "", "") == Platform::windows);
  CHECK(guess_platform("linux", R"(C:\Windows\System32\cmd.exe)", "cmd.exe /c dir") ==
        Platform::posix);
  CHECK(guess_platform("macos", "x.exe", "") == Platform::posix);
}

TEST_CASE("without a known host a Windows-looking image chooses Windows rules", "[cmdline]") {
  CHECK(guess_platform("", R"(C:\Windows\System32\cmd.exe)", "") == Platform::windows);
  CHECK(guess_platform("unknown", "c:/tools/x", "") == Platform::windows);
  CHECK(guess_platform("", "D:", "") == Platform::windows);
  CHECK(guess_platform("", R"(\\fileserver\share\tool)", "") == Platform::windows);
  CHECK(guess_platform("", R"(Windows\System32\whoami)", "") == Platform::windows);
  CHECK(guess_platform("", "PSEXEC.EXE", "") == Platform::windows);
  CHECK(guess_platform("", "format.com", "") == Platform::windows);
  CHECK(guess_platform("", "run.Bat", "") == Platform::windows);
  CHECK(guess_platform("", "build.CMD", "") == Platform::windows);
}

TEST_CASE("without a known host the program name in the command line can choose Windows",
          "[cmdline]") {
  CHECK(guess_platform("", "", R"("C:\Program Files\x\x.exe" /quiet)") == Platform::windows);
  CHECK(guess_platform("", "", "powershell.exe -nop -w hidden") == Platform::windows);
  CHECK(guess_platform("", "powershell", "powershell.exe -nop") == Platform::windows);
}

TEST_CASE("without a known host and nothing Windows-like the rules are POSIX", "[cmdline]") {
  CHECK(guess_platform("", "/usr/bin/dd", "dd if=/dev/sda of=/tmp/x") == Platform::posix);
  CHECK(guess_platform("", "", "/bin/sh -c 'echo C:\\x.exe'") == Platform::posix);
  CHECK(guess_platform("", "/opt/app.exe.d/run", "") == Platform::posix);
  CHECK(guess_platform("", "", "") == Platform::posix);
  CHECK(guess_platform("", "a:b", "") == Platform::posix);
}

TEST_CASE("image_name is the lower-case file name after either separator", "[cmdline]") {
  CHECK(image_name(R"(C:\Windows\System32\CMD.EXE)") == "cmd.exe");
  CHECK(image_name("/usr/bin/dd") == "dd");
  CHECK(image_name("C:/Tools/PsExec64.exe") == "psexec64.exe");
  CHECK(image_name(R"(C:\dir/sub\Tool.Exe)") == "tool.exe");
  CHECK(image_name(R"(\\server\share\Payload.DLL)") == "payload.dll");
  CHECK(image_name("Notepad.exe") == "notepad.exe");
  CHECK(image_name("C:cmd.exe") == "cmd.exe");
}

TEST_CASE("image_name of an empty path or a directory path is empty", "[cmdline]") {
  CHECK(image_name("") == "");
  CHECK(image_name(R"(C:\dir\)") == "");
  CHECK(image_name("/usr/bin/") == "");
}

TEST_CASE("image_name lower-cases ASCII only and keeps other bytes", "[cmdline]") {
  CHECK(image_name("C:\\Users\\Jos\xC3\xA9\\\xC3\x89T\xC3\x89.EXE") == "\xC3\x89t\xC3\x89.exe");
  CHECK(image_name(bytes("/tmp/A\0B\xFF")) == bytes("a\0b\xFF"));
}
