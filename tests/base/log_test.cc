#define BOOST_TEST_DYN_LINK
#include "common/base/log.h"

#include <rapidjson/document.h>
#include <stdlib.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <fstream>
#include <sstream>
#include <string>

namespace dlr {
namespace {

void Discard(void*, const std::string&) {}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Logs to a file in a temporary directory while it lives, then puts back what
// tests/test_main.cc set up (stderr, level error, lines discarded).
class FileLog {
 public:
  explicit FileLog(LogFormat format, LogLevel level = LogLevel::kWarning) {
    char tmpl[] = "/tmp/dlr_log_test.XXXXXX";
    char* d = mkdtemp(tmpl);
    BOOST_TEST_REQUIRE(d != nullptr);
    dir_ = d;
    file_ = dir_ + "/dlr.log";
    LogSettings s;
    s.level = level;
    s.format = format;
    s.destination = LogDestination::kFile;
    s.file = file_;
    BOOST_TEST_REQUIRE(ConfigureLog(s).ok());
  }
  ~FileLog() {
    LogSettings quiet;
    quiet.level = LogLevel::kError;
    ConfigureLog(quiet);
    SetThreadLogWriter(&Discard, nullptr);
    unlink(file_.c_str());
    rmdir(dir_.c_str());
  }
  std::string text() const { return ReadFile(file_); }
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_, file_;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(LogTest)

// A request path with terminal escape sequences reaches tail and journalctl:
// every control character (C0, DEL, C1) is written \xHH, in the message and
// in the fields; valid UTF-8 stays; bytes that are not UTF-8 are escaped.
BOOST_AUTO_TEST_CASE(PlainLinesEscapeEveryControlCharacter) {
  const std::string hostile =
      "/a\x1b[2J\x07"
      "b\x7f\xc2\x9b"
      "31m\x9b\r\n\\x1b \xc3\xa9";
  std::string line = FormatLogLine(LogFormat::kPlain, LogLevel::kWarning, "T", 1, "m" + hostile,
                                   {{"path", hostile}, {"p2", "/x\x1b]0;t\x07"}});
  BOOST_TEST(
      line.find("m/a\\x1B[2J\\x07b\\x7F\\xC2\\x9B31m\\x9B\\x0D\\x0A\\x5Cx1b") != std::string::npos,
      line);
  BOOST_TEST(line.find("p2=/x\\x1B]0;t\\x07\n") != std::string::npos, line);
  for (size_t i = 0; i + 1 < line.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(line[i]);
    BOOST_TEST((c >= 0x20 && c != 0x7F), "byte " << i << " of " << line);
    if (c == 0xC2) BOOST_TEST(static_cast<unsigned char>(line[i + 1]) >= 0xA0);
  }
  BOOST_TEST(line.find("\xc3\xa9") != std::string::npos);  // é as it is
  // JSON lines: \u00XX for the same characters.
  std::string json = FormatLogLine(LogFormat::kJson, LogLevel::kWarning, "T", 1, hostile, {});
  BOOST_TEST(json.find("\\u001b[2J\\u0007b\\u007f\\u009b31m") != std::string::npos, json);
  BOOST_TEST(EscapeControls("a\nb\tc\x1b", /*keep_line_breaks=*/true) == "a\nb\tc\\x1B");
}

BOOST_AUTO_TEST_CASE(PlainLineHasTimePidLevelMessageAndFields) {
  std::string line =
      FormatLogLine(LogFormat::kPlain, LogLevel::kWarning, "2024-01-01T00:00:00.000Z", 42,
                    "refused (unauthorized): wrong\nsecret",
                    {{"webhook", "sms"}, {"remote", "10.0.0.1"}, {"path", "/a b"}, {"id", ""}});
  BOOST_TEST(line ==
             "2024-01-01T00:00:00.000Z dlr-webhook[42] warning: refused (unauthorized): wrong\\x0A"
             "secret webhook=sms remote=10.0.0.1 path=\"/a b\" id=-\n");
}

BOOST_AUTO_TEST_CASE(JsonLineIsOneObjectWithEveryField) {
  std::string line = FormatLogLine(LogFormat::kJson, LogLevel::kError, "T", 7, "say \"x\"\n",
                                   {{"webhook", "sms"}, {"request_id", "abc"}});
  BOOST_TEST_REQUIRE(line.back() == '\n');
  BOOST_TEST(line.find('\n') == line.size() - 1);
  rapidjson::Document doc;
  doc.Parse(line.c_str());
  BOOST_TEST_REQUIRE(!doc.HasParseError());
  BOOST_TEST(std::string(doc["time"].GetString()) == "T");
  BOOST_TEST(std::string(doc["level"].GetString()) == "error");
  BOOST_TEST(doc["pid"].GetInt() == 7);
  BOOST_TEST(std::string(doc["message"].GetString()) == "say \"x\"\n");
  BOOST_TEST(std::string(doc["webhook"].GetString()) == "sms");
  BOOST_TEST(std::string(doc["request_id"].GetString()) == "abc");
}

BOOST_AUTO_TEST_CASE(NamesAreParsedExactly) {
  BOOST_TEST((LogLevelFromName("info") == LogLevel::kInfo));
  BOOST_TEST((LogLevelFromName("warning") == LogLevel::kWarning));
  BOOST_TEST((LogLevelFromName("error") == LogLevel::kError));
  BOOST_TEST(!LogLevelFromName("INFO").has_value());
  BOOST_TEST(!LogLevelFromName("debug").has_value());
  BOOST_TEST((LogFormatFromName("json") == LogFormat::kJson));
  BOOST_TEST(!LogFormatFromName("text").has_value());
  BOOST_TEST((LogDestinationFromName("syslog") == LogDestination::kSyslog));
  BOOST_TEST(!LogDestinationFromName("").has_value());
}

BOOST_AUTO_TEST_CASE(FileDestinationGetsLinesAtOrBelowTheLevel) {
  FileLog log(LogFormat::kPlain, LogLevel::kWarning);
  Log(LogLevel::kError, "an error", {{"webhook", "sms"}});
  Log(LogLevel::kWarning, "a warning");
  Log(LogLevel::kInfo, "an info line");
  std::string text = log.text();
  BOOST_TEST(text.find("error: an error webhook=sms\n") != std::string::npos);
  BOOST_TEST(text.find("warning: a warning\n") != std::string::npos);
  BOOST_TEST(text.find("info") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(FileDestinationTakesPrecedenceOverTheThreadWriter) {
  FileLog log(LogFormat::kJson);
  Log(LogLevel::kWarning, "to the file");  // test_main's Discard writer is set
  BOOST_TEST(log.text().find("\"message\":\"to the file\"") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(AFileThatCannotBeOpenedKeepsThePreviousSettings) {
  FileLog log(LogFormat::kPlain);
  LogSettings bad;
  bad.destination = LogDestination::kFile;
  bad.file = log.dir() + "/no/such/dir/x.log";
  Status s = ConfigureLog(bad);
  BOOST_TEST(!s.ok());
  BOOST_TEST(s.message().find("x.log") != std::string::npos);
  Log(LogLevel::kWarning, "still here");
  BOOST_TEST(log.text().find("still here") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(SyslogLinesLeaveTimeAndPidToSyslog) {
  // What Log hands syslog(3), which adds the time, "dlr-webhook" and the pid itself.
  BOOST_TEST(FormatLogLine(LogFormat::kPlain, LogLevel::kInfo, "T", 9, "stored 1", {{"k", "v"}},
                           /*prefix=*/false) == "info: stored 1 k=v\n");
  BOOST_TEST(FormatLogLine(LogFormat::kJson, LogLevel::kInfo, "T", 9, "m", {}, false) ==
             "{\"level\":\"info\",\"message\":\"m\"}\n");
  LogSettings s;
  s.destination = LogDestination::kSyslog;
  BOOST_TEST(ConfigureLog(s).ok());
  LogSettings quiet;
  quiet.level = LogLevel::kError;
  BOOST_TEST(ConfigureLog(quiet).ok());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace dlr
