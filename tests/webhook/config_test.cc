#define BOOST_TEST_DYN_LINK
#include "common/webhook/config.h"

#include <stdlib.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <climits>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "tests/testing/test_util.h"

namespace dlr {

namespace {

constexpr char kMinimal[] = R"({"database": "dlr.sqlite", "webhooks": [{"name": "sms"}]})";

// The contract's example, plus busy_timeout_ms.
constexpr char kFull[] = R"({
  "database": "var/dlr.sqlite",
  "max_body_bytes": 65536,
  "busy_timeout_ms": 2500,
  "webhooks": [
    {
      "name": "sms",
      "path": "/receive/callback",
      "validation_key": "9012XX",
      "secrets": ["1233XXX", "4567YYY"],
      "fields": {"status": "message_status", "id": "message_id"}
    },
    {"name": "other", "path": "/other/"}
  ]
})";

Config MustParse(const std::string& text, const std::string& base_dir = "") {
  StatusOr<Config> c = ParseConfig(text, base_dir);
  BOOST_TEST_REQUIRE(c.ok(), c.status().ToString());
  return c.value();
}

// A config with one webhook whose body is `webhook` (the inside of its object).
std::string WithWebhook(const std::string& webhook) {
  return R"({"database": "d.sqlite", "webhooks": [{"name": "sms", )" + webhook + "}]}";
}

// A temporary directory, removed with its files when the test ends.
class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/dlr_config_test.XXXXXX";
    char* d = mkdtemp(tmpl);
    BOOST_TEST_REQUIRE(d != nullptr);
    path_ = d;
  }
  ~TempDir() {
    for (const std::string& f : files_) std::remove(f.c_str());
    rmdir(path_.c_str());
  }
  std::string Write(const std::string& name, const std::string& text) {
    std::string p = path_ + "/" + name;
    std::ofstream(p, std::ios::binary) << text;
    files_.push_back(p);
    return p;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::vector<std::string> files_;
};

struct BadCase {
  std::string text;
  std::string key;  // the key the error must name
};

}  // namespace

BOOST_AUTO_TEST_SUITE(ParseConfigTest)

BOOST_AUTO_TEST_CASE(MinimalConfigTakesTheDefaults) {
  Config c = MustParse(kMinimal);
  BOOST_TEST(c.database == "dlr.sqlite");  // no base_dir: left as written
  BOOST_TEST(c.max_body_bytes == kDefaultMaxBodyBytes);
  BOOST_TEST(c.max_body_bytes == 65536u);
  BOOST_TEST(c.busy_timeout_ms == kDefaultBusyTimeoutMs);
  BOOST_TEST_REQUIRE(c.webhooks.size() == 1u);
  const Webhook& w = c.webhooks[0];
  BOOST_TEST(w.name == "sms");
  BOOST_TEST(!w.path.has_value());
  BOOST_TEST(!w.validation_key.has_value());
  BOOST_TEST(w.secrets.empty());
  BOOST_TEST(w.fields.empty());
  for (size_t i = 0; i < kFieldCount; ++i) {
    BOOST_TEST(w.field_names.key[i] == FieldName(static_cast<Field>(i)));
  }
}

BOOST_AUTO_TEST_CASE(FullConfigIsReadWhole) {
  Config c = MustParse(kFull, "/etc/dlr-webhook");
  BOOST_TEST(c.database == "/etc/dlr-webhook/var/dlr.sqlite");
  BOOST_TEST(c.max_body_bytes == 65536u);
  BOOST_TEST(c.busy_timeout_ms == 2500);
  BOOST_TEST_REQUIRE(c.webhooks.size() == 2u);
  const Webhook& w = c.webhooks[0];
  BOOST_TEST(w.name == "sms");
  BOOST_TEST(w.path.value_or("(none)") == "/receive/callback");
  BOOST_TEST(w.validation_key.value_or("(none)") == "9012XX");
  BOOST_TEST_REQUIRE(w.secrets.size() == 2u);
  BOOST_TEST(w.secrets[0] == "1233XXX");
  BOOST_TEST(w.secrets[1] == "4567YYY");
  BOOST_TEST(w.field_names[Field::kStatus] == "message_status");
  BOOST_TEST(w.field_names[Field::kId] == "message_id");
  BOOST_TEST(w.field_names[Field::kMobile] == "mobile");
  BOOST_TEST_REQUIRE(w.fields.size() == 2u);
  BOOST_TEST(w.fields[0].first == "status");
  BOOST_TEST(w.fields[0].second == "message_status");
  BOOST_TEST(c.webhooks[1].path.value_or("(none)") == "/other");  // trailing '/' dropped
}

BOOST_AUTO_TEST_CASE(AcceptsCommentsAndTrailingCommas) {
  Config c = MustParse(R"({
    // where the rows go
    "database": "d.sqlite", /* the file */
    "webhooks": [{"name": "sms",},],
  })");
  BOOST_TEST(c.webhooks.size() == 1u);
}

BOOST_AUTO_TEST_CASE(BoundaryValuesAreAccepted) {
  BOOST_TEST(MustParse(R"({"database":"d","max_body_bytes":1,"webhooks":[{"name":"a"}]})")
                 .max_body_bytes == 1u);
  BOOST_TEST(MustParse(R"({"database":"d","max_body_bytes":67108864,"webhooks":[{"name":"a"}]})")
                 .max_body_bytes == kMaxMaxBodyBytes);
  BOOST_TEST(MustParse(R"({"database":"d","busy_timeout_ms":0,"webhooks":[{"name":"a"}]})")
                 .busy_timeout_ms == 0);
  BOOST_TEST(MustParse(R"({"database":"d","busy_timeout_ms":60000,"webhooks":[{"name":"a"}]})")
                 .busy_timeout_ms == 60000);
}

BOOST_AUTO_TEST_CASE(RelativeDatabaseIsResolvedAgainstBaseDir) {
  const std::pair<std::string, std::string> cases[] = {
      {"dlr.sqlite", "/etc/dlr/dlr.sqlite"},
      {"var/dlr.sqlite", "/etc/dlr/var/dlr.sqlite"},
      {"../dlr.sqlite", "/etc/dlr/../dlr.sqlite"},
      {"/var/lib/dlr/dlr.sqlite", "/var/lib/dlr/dlr.sqlite"},  // absolute: kept
      {"sqlite:dlr.sqlite", "/etc/dlr/dlr.sqlite"},
      {"postgresql://u:p@db:5432/dlr", "postgresql://u:p@db:5432/dlr"},  // URLs: kept
      {"mysql://u:p@db:3306/dlr", "mysql://u:p@db:3306/dlr"},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT("database " << c.first) {
      std::string text = R"({"database": ")" + c.first + R"(", "webhooks": [{"name": "sms"}]})";
      BOOST_TEST(MustParse(text, "/etc/dlr").database == c.second);
    }
  }
}

// CONTRACT: "Relative paths inside it are relative to the file."
BOOST_AUTO_TEST_CASE(RelativeSqliteUrlIsResolvedAgainstBaseDirToo) {
  Config c = MustParse(R"({"database": "sqlite://var/dlr.sqlite", "webhooks": [{"name": "a"}]})",
                       "/etc/dlr");
  BOOST_TEST(c.database.find("/etc/dlr/var/dlr.sqlite") != std::string::npos,
             "database [" << c.database << "] is not resolved against /etc/dlr");
}

BOOST_AUTO_TEST_CASE(ErrorsNameTheOffendingKey) {
  const BadCase cases[] = {
      // Not a config at all.
      {"", "not valid JSON"},
      {"{", "not valid JSON"},
      {"[]", "JSON object"},
      {R"("x")", "JSON object"},
      // Required keys.
      {R"({"webhooks": [{"name": "a"}]})", "database"},
      {R"({"database": "d"})", "webhooks"},
      {R"({"database": "d", "webhooks": []})", "webhooks"},
      {R"({"database": "d", "webhooks": [{}]})", "webhooks[0].name"},
      {R"({"database": "d", "webhooks": [{"path": "/a"}]})", "webhooks[0].name"},
      // Unknown keys, top level and in a webhook.
      {R"({"database": "d", "webhooks": [{"name": "a"}], "databse": "x"})", "databse"},
      {R"({"database": "d", "webhooks": [{"name": "a"}], "max_body": 5})", "max_body"},
      {WithWebhook(R"("secret": ["x"])"), "webhooks[0].secret"},
      {WithWebhook(R"("Path": "/a")"), "webhooks[0].Path"},
      {R"({"database":"d","webhooks":[{"name":"a","path":"/a"},{"name":"b","path":"/b","x":1}]})",
       "webhooks[1].x"},
      // Wrong types and values.
      {R"({"database": 5, "webhooks": [{"name": "a"}]})", "database"},
      {R"({"database": "", "webhooks": [{"name": "a"}]})", "database"},
      {R"({"database": "sqlite:", "webhooks": [{"name": "a"}]})", "database"},
      {R"({"database": "d", "max_body_bytes": "65536", "webhooks": [{"name": "a"}]})",
       "max_body_bytes"},
      {R"({"database": "d", "max_body_bytes": -1, "webhooks": [{"name": "a"}]})", "max_body_bytes"},
      {R"({"database": "d", "max_body_bytes": 0, "webhooks": [{"name": "a"}]})", "max_body_bytes"},
      {R"({"database": "d", "max_body_bytes": 1.5, "webhooks": [{"name": "a"}]})",
       "max_body_bytes"},
      {R"({"database": "d", "max_body_bytes": 67108865, "webhooks": [{"name": "a"}]})",
       "max_body_bytes"},
      {R"({"database": "d", "busy_timeout_ms": "5000", "webhooks": [{"name": "a"}]})",
       "busy_timeout_ms"},
      {R"({"database": "d", "busy_timeout_ms": -1, "webhooks": [{"name": "a"}]})",
       "busy_timeout_ms"},
      {R"({"database": "d", "busy_timeout_ms": 60001, "webhooks": [{"name": "a"}]})",
       "busy_timeout_ms"},
      {R"({"database": "d", "webhooks": {"name": "a"}})", "webhooks"},
      {R"({"database": "d", "webhooks": ["a"]})", "webhooks[0]"},
      {R"({"database": "d", "webhooks": [{"name": 5}]})", "webhooks[0].name"},
      {R"({"database": "d", "webhooks": [{"name": ""}]})", "webhooks[0].name"},
      {WithWebhook(R"("path": 5)"), "webhooks[0].path"},
      {WithWebhook(R"("path": "")"), "webhooks[0].path"},
      {WithWebhook(R"("path": "receive")"), "webhooks[0].path"},
      {WithWebhook(R"("validation_key": 9012)"), "webhooks[0].validation_key"},
      {WithWebhook(R"("validation_key": "")"), "webhooks[0].validation_key"},
      {WithWebhook(R"("secrets": "1233XXX")"), "webhooks[0].secrets"},
      {WithWebhook(R"("secrets": [5])"), "webhooks[0].secrets[0]"},
      {WithWebhook(R"("secrets": ["ok", ""])"), "webhooks[0].secrets[1]"},
      {WithWebhook(R"("secrets": ["ok", null])"), "webhooks[0].secrets[1]"},
      {WithWebhook(R"("fields": ["status"])"), "webhooks[0].fields"},
      {WithWebhook(R"("fields": {"status": 5})"), "webhooks[0].fields.status"},
      {WithWebhook(R"("fields": {"status": ""})"), "webhooks[0].fields.status"},
      {WithWebhook(R"("fields": {"status": "token"})"), "webhooks[0].fields.status"},
      // fields naming something that is not a DLR field
      {WithWebhook(R"("fields": {"msg_status": "s"})"), "webhooks[0].fields.msg_status"},
      {WithWebhook(R"("fields": {"Status": "s"})"), "webhooks[0].fields.Status"},
      // Duplicates and paths.
      {R"({"database":"d","webhooks":[{"name":"a","path":"/a"},{"name":"a","path":"/b"}]})",
       "webhooks[1].name"},
      {R"({"database":"d","webhooks":[{"name":"a","path":"/a"},{"name":"b","path":"/a"}]})",
       "webhooks[1].path"},
      {R"({"database":"d","webhooks":[{"name":"a","path":"/a"},{"name":"b","path":"/a/"}]})",
       "webhooks[1].path"},
      {R"({"database":"d","webhooks":[{"name":"a","path":"/a"},{"name":"b"}]})",
       "webhooks[1].path"},
      {R"({"database":"d","webhooks":[{"name":"a"},{"name":"b","path":"/b"}]})",
       "webhooks[0].path"},
      // Not UTF-8.
      {"{\"database\": \"d\xff\", \"webhooks\": [{\"name\": \"a\"}]}", "not valid JSON"},
  };
  for (const BadCase& c : cases) {
    BOOST_TEST_CONTEXT("config " << c.text) {
      StatusOr<Config> got = ParseConfig(c.text, "/etc/dlr");
      BOOST_TEST_REQUIRE(!got.ok());
      BOOST_TEST(got.status().code() == StatusCode::kInvalidArgument);
      BOOST_TEST(got.status().message().find(c.key) != std::string::npos,
                 "message [" << got.status().message() << "] should name " << c.key);
    }
  }
}

BOOST_AUTO_TEST_CASE(SecretsNeverAppearInErrors) {
  // Each config is wrong somewhere; none of the values below may be shown.
  const std::string secrets[] = {"S3cr3t-Value", "Valid8tion-Key", "DbPa55word"};
  const std::string cases[] = {
      WithWebhook(R"("secrets": ["S3cr3t-Value", 5])"),
      WithWebhook(R"("secrets": ["S3cr3t-Value", "S3cr3t-Value "])"),
      WithWebhook(R"("secrets": ["S3cr3t-Value\t"])"),
      WithWebhook(R"("secrets": ["S3cr3t-Value\u0001"])"),
      WithWebhook(R"("secrets": ["S3cr3t-Value", "x"], "bogus": 1)"),
      WithWebhook(R"("secrets": "S3cr3t-Value")"),
      WithWebhook(R"("secrets": {"S3cr3t-Value": 1})"),
      WithWebhook(R"("secrets": [["S3cr3t-Value"]])"),
      WithWebhook(R"("validation_key": ["Valid8tion-Key"])"),
      WithWebhook(R"("validation_key": {"Valid8tion-Key": 1})"),
      WithWebhook(R"("validation_key": "Valid8tion-Key", "fields": {"x": "y"})"),
      WithWebhook(R"("secrets": ["S3cr3t-Value"], "validation_key": "Valid8tion-Key",)") +
          " broken",
      WithWebhook(R"("secrets": ["S3cr3t-Value" "x"])"),
      R"({"database": "postgresql://dlr:DbPa55word@db/dlr", "webhooks": {}})",
      R"({"database": "postgresql://dlr:DbPa55word@db/dlr", "bogus": 1, "webhooks": []})",
      R"({"database": ["postgresql://dlr:DbPa55word@db/dlr"], "webhooks": []})",
      R"({"database": "mysql://dlr:DbPa55word@db/dlr", "webhooks": [{"name":"a"},{"name":"b"}]})",
  };
  for (const std::string& text : cases) {
    BOOST_TEST_CONTEXT("config " << text) {
      StatusOr<Config> got = ParseConfig(text, "");
      BOOST_TEST_REQUIRE(!got.ok());
      for (const std::string& s : secrets) {
        BOOST_TEST(got.status().message().find(s) == std::string::npos,
                   "message [" << got.status().message() << "] shows a secret");
        BOOST_TEST(got.status().message().find(s.substr(0, 6)) == std::string::npos,
                   "message [" << got.status().message() << "] shows part of a secret");
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(SecretsWithWhitespaceOrControlCharactersAreRefused) {
  for (const char* secret : {"a b", "a\\tb", "a\\u0001b", "a\\nb", "\\u001f"}) {
    BOOST_TEST_CONTEXT("secret " << secret) {
      StatusOr<Config> got =
          ParseConfig(WithWebhook(std::string(R"("secrets": [")") + secret + "\"]"), "");
      BOOST_TEST_REQUIRE(!got.ok());
      BOOST_TEST(got.status().message().find("webhooks[0].secrets[0]") != std::string::npos);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(LoadConfigTest)

BOOST_AUTO_TEST_CASE(ReadsAFileAndResolvesTheDatabaseAgainstItsDirectory) {
  TempDir dir;
  std::string path = dir.Write("config.json", kFull);
  StatusOr<Config> c = LoadConfig(path);
  BOOST_TEST_REQUIRE(c.ok(), c.status().ToString());
  BOOST_TEST(c.value().source == path);
  char real[PATH_MAX];
  BOOST_TEST_REQUIRE(realpath(dir.path().c_str(), real) != nullptr);
  BOOST_TEST(c.value().database == std::string(real) + "/var/dlr.sqlite");
  BOOST_TEST(c.value().webhooks.size() == 2u);
}

BOOST_AUTO_TEST_CASE(InvalidFileIsInvalidArgumentNamingFileAndKey) {
  TempDir dir;
  std::string path = dir.Write("bad.json", R"({"database": "d", "webhooks": [{"name": 5}]})");
  StatusOr<Config> c = LoadConfig(path);
  BOOST_TEST_REQUIRE(!c.ok());
  BOOST_TEST(c.status().code() == StatusCode::kInvalidArgument);
  BOOST_TEST(c.status().message().find(path) != std::string::npos, c.status().message());
  BOOST_TEST(c.status().message().find("webhooks[0].name") != std::string::npos,
             c.status().message());
}

BOOST_AUTO_TEST_CASE(MissingFileIsUnavailable) {
  TempDir dir;
  StatusOr<Config> c = LoadConfig(dir.path() + "/no-such-config.json");
  BOOST_TEST_REQUIRE(!c.ok());
  BOOST_TEST(c.status().code() == StatusCode::kUnavailable);
  BOOST_TEST(c.status().message().find("no-such-config.json") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(ResolveConfigPathTest)

// Restores DLR_WEBHOOK_CONFIG as it was.
class EnvGuard {
 public:
  EnvGuard() {
    const char* v = getenv("DLR_WEBHOOK_CONFIG");
    had_ = v != nullptr;
    if (had_) old_ = v;
  }
  ~EnvGuard() {
    if (had_)
      setenv("DLR_WEBHOOK_CONFIG", old_.c_str(), 1);
    else
      unsetenv("DLR_WEBHOOK_CONFIG");
  }

 private:
  bool had_ = false;
  std::string old_;
};

BOOST_AUTO_TEST_CASE(FlagThenEnvironmentThenDefault) {
  EnvGuard guard;
  setenv("DLR_WEBHOOK_CONFIG", "/from/env.json", 1);
  BOOST_TEST(ResolveConfigPath("/from/flag.json") == "/from/flag.json");
  BOOST_TEST(ResolveConfigPath("") == "/from/env.json");
  setenv("DLR_WEBHOOK_CONFIG", "", 1);
  BOOST_TEST(ResolveConfigPath("") == kDefaultConfigPath);
  unsetenv("DLR_WEBHOOK_CONFIG");
  BOOST_TEST(ResolveConfigPath("") == kDefaultConfigPath);
  BOOST_TEST(std::string(kDefaultConfigPath) == "/etc/dlr-webhook/config.json");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(FindWebhookTest)

BOOST_AUTO_TEST_CASE(MatchesTheExactPathIgnoringATrailingSlash) {
  Config c = MustParse(R"({"database": "d", "webhooks": [
      {"name": "sms", "path": "/receive/callback"},
      {"name": "root", "path": "/"},
      {"name": "other", "path": "/other/"}]})");
  const std::pair<const char*, const char*> cases[] = {
      {"/receive/callback", "sms"},
      {"/receive/callback/", "sms"},
      {"/receive/callback//", "sms"},
      {"/", "root"},
      {"/other", "other"},
      {"/other/", "other"},
      {"/receive", nullptr},
      {"/receive/callback/x", nullptr},
      {"/receive/callbackx", nullptr},
      {"/Receive/Callback", nullptr},  // case-sensitive
      {"receive/callback", nullptr},
      {"", nullptr},
      {"/nothing", nullptr},
  };
  for (const auto& p : cases) {
    BOOST_TEST_CONTEXT("path [" << p.first << "]") {
      const Webhook* w = FindWebhook(c, p.first);
      if (p.second == nullptr) {
        BOOST_TEST(w == nullptr);
      } else {
        BOOST_TEST_REQUIRE(w != nullptr);
        BOOST_TEST(w->name == p.second);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(SingleWebhookWithoutPathAnswersEveryPath) {
  Config c = MustParse(kMinimal);
  for (const char* path : {"/", "/receive/callback", "/anything/at/all", ""}) {
    BOOST_TEST_CONTEXT("path [" << path << "]") {
      const Webhook* w = FindWebhook(c, path);
      BOOST_TEST_REQUIRE(w != nullptr);
      BOOST_TEST(w->name == "sms");
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(ConfigWarningsTest)

BOOST_AUTO_TEST_CASE(WarnsAboutAWebhookWithoutSecretsOrValidationKey) {
  Config c = MustParse(R"({"database": "d", "webhooks": [
      {"name": "open", "path": "/a", "validation_key": "k"},
      {"name": "unverifiable", "path": "/b", "secrets": ["s3cr3t"]},
      {"name": "good", "path": "/c", "secrets": ["s3cr3t"], "validation_key": "k"}]})");
  std::vector<std::string> w = ConfigWarnings(c);
  BOOST_TEST_REQUIRE(w.size() == 2u);
  BOOST_TEST(w[0].find("\"open\"") != std::string::npos, w[0]);
  BOOST_TEST(w[0].find("secret") != std::string::npos, w[0]);
  BOOST_TEST(w[1].find("\"unverifiable\"") != std::string::npos, w[1]);
  BOOST_TEST(w[1].find("validation_key") != std::string::npos, w[1]);
  for (const std::string& line : w) BOOST_TEST(line.find("s3cr3t") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(NoWarningsForAFullyConfiguredWebhook) {
  Config c = MustParse(WithWebhook(R"("secrets": ["s"], "validation_key": "k")"));
  BOOST_TEST(ConfigWarnings(c).empty());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(RedactDatabaseTest)

BOOST_AUTO_TEST_CASE(HidesThePassword) {
  const std::pair<const char*, const char*> cases[] = {
      {"postgresql://dlr:pa55@db.internal:5432/dlr", "postgresql://dlr:***@db.internal:5432/dlr"},
      {"mysql://dlr:pa55@127.0.0.1:3306/dlr", "mysql://dlr:***@127.0.0.1:3306/dlr"},
      {"postgresql://dlr:@db/dlr", "postgresql://dlr:***@db/dlr"},
      {"postgresql://dlr@db/dlr", "postgresql://dlr@db/dlr"},    // no password
      {"postgresql://db:5432/dlr", "postgresql://db:5432/dlr"},  // no user
      {"/var/lib/dlr/dlr.sqlite", "/var/lib/dlr/dlr.sqlite"},
      {"relative:path.sqlite", "relative:path.sqlite"},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT("database " << c.first) { BOOST_TEST(RedactDatabase(c.first) == c.second); }
  }
}

// CONTRACT: "A database password is never shown in a log or an error."
BOOST_AUTO_TEST_CASE(NoPartOfThePasswordSurvives) {
  const std::pair<const char*, const char*> cases[] = {
      // A raw '@' in the password: the host starts after the last '@'.
      {"postgresql://dlr:pa@ss-w0rd@db/dlr", "ss-w0rd"},
      {"mysql://dlr:x@y@z:pw@db/dlr", "z:pw"},
      // libpq also takes the password as a URI parameter.
      {"postgresql://dlr@db/dlr?password=pa55w0rd", "pa55w0rd"},
      {"postgresql://db/dlr?sslmode=require&password=pa55w0rd", "pa55w0rd"},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT("database " << c.first) {
      std::string shown = RedactDatabase(c.first);
      BOOST_TEST(shown.find(c.second) == std::string::npos, "shown: " << shown);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(DashboardConfigTest)

constexpr char kWebhooks[] =
    R"("webhooks": [{"name": "sms", "path": "/receive/callback", "validation_key": "key-1",
                     "secrets": ["webhook-secret-1", "webhook-secret-2"]}])";

StatusOr<Config> WithDashboard(const std::string& dashboard) {
  return ParseConfig(std::string(R"({"database": "dlr.sqlite", )") + kWebhooks +
                         ", \"dashboard\": " + dashboard + "}",
                     "");
}

BOOST_AUTO_TEST_CASE(OffByDefault) {
  StatusOr<Config> c = ParseConfig(kMinimal, "");
  BOOST_TEST_REQUIRE(c.ok());
  BOOST_TEST(!c.value().dashboard.has_value());
}

BOOST_AUTO_TEST_CASE(ReadsEveryKey) {
  StatusOr<Config> c = WithDashboard(
      R"({"path": "/dlr/status/", "user": "ops", "password": "page-pass", "stale_after_minutes": 15})");
  BOOST_TEST_REQUIRE(c.ok(), c.status().ToString());
  const DashboardConfig& d = *c.value().dashboard;
  BOOST_TEST(d.path == "/dlr/status");  // trailing '/' dropped
  BOOST_TEST(*d.user == "ops");
  BOOST_TEST(*d.password == "page-pass");
  BOOST_TEST(d.stale_after_minutes == 15);
  BOOST_TEST(!d.loopback_without_password);
  c = WithDashboard(R"({"path": "/status", "loopback_without_password": true})");
  BOOST_TEST_REQUIRE(c.ok(), c.status().ToString());
  BOOST_TEST(!c.value().dashboard->password.has_value());
  BOOST_TEST(c.value().dashboard->loopback_without_password);
  BOOST_TEST(c.value().dashboard->stale_after_minutes == kDefaultStaleAfterMinutes);
}

BOOST_AUTO_TEST_CASE(ErrorsNameTheKeyAndNeverTheValue) {
  const std::pair<const char*, const char*> cases[] = {
      {R"([])", "dashboard: expected an object"},
      {R"({})", "dashboard.path: is required"},
      {R"({"path": "/s"})",
       "dashboard.password: is required, unless "
       "dashboard.loopback_without_password is true"},
      {R"({"path": "/s", "loopback_without_password": false})", "dashboard.password: is required"},
      {R"({"path": "/s", "loopback_without_password": "yes"})",
       "dashboard.loopback_without_password: expected true or false"},
      {R"({"path": "status"})", "dashboard.path: must start with '/'"},
      {R"({"path": "/"})", "dashboard.path: must start with '/'"},
      {R"({"path": "/a b"})", "dashboard.path: must not contain"},
      {R"({"path": "/receive", "password": "p"})",
       "dashboard.path: \"/receive\" holds the path of webhook \"sms\""},
      {R"({"path": "/receive/callback", "password": "p"})",
       "dashboard.path: \"/receive/callback\" holds"},
      {R"({"path": "/s", "password": ""})", "dashboard.password: must not be empty"},
      {R"({"path": "/s", "password": 7})", "dashboard.password: expected a string"},
      {R"({"path": "/s", "user": "a:b", "password": "p"})", "dashboard.user: must not contain ':'"},
      {R"({"path": "/s", "user": "ops"})", "dashboard.user: needs dashboard.password"},
      {R"({"path": "/s", "password": "p", "stale_after_minutes": 0})",
       "dashboard.stale_after_minutes: expected"},
      {R"({"path": "/s", "password": "p", "colour": "red"})", "dashboard.colour: unknown key"},
      {R"({"path": "/s", "password": "webhook-secret-2"})",
       "dashboard.password: must differ from every webhook secret and validation key"},
      {R"({"path": "/s", "password": "key-1"})", "dashboard.password: must differ"},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT("dashboard " << c.first) {
      StatusOr<Config> got = WithDashboard(c.first);
      BOOST_TEST_REQUIRE(!got.ok());
      BOOST_TEST(got.status().code() == StatusCode::kInvalidArgument);
      BOOST_TEST(got.status().message().find(c.second) != std::string::npos,
                 got.status().message());
      for (const char* secret : {"webhook-secret-2", "key-1"}) {
        BOOST_TEST(got.status().message().find(secret) == std::string::npos);
      }
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(OperatorSettingsTest)

// A minimal config plus `extra` (top-level members, with a leading comma).
std::string With(const std::string& extra, const std::string& database = "d.sqlite") {
  return R"({"database": ")" + database +
         R"(", "webhooks": [{"name": "sms", "path": "/receive/callback"}])" + extra + "}";
}

BOOST_AUTO_TEST_CASE(DefaultsLogToStderrAtWarningWithoutMetricsOrHealth) {
  Config c = MustParse(kMinimal);
  BOOST_TEST((c.log.level == LogLevel::kWarning));
  BOOST_TEST((c.log.format == LogFormat::kPlain));
  BOOST_TEST((c.log.destination == LogDestination::kStderr));
  BOOST_TEST(c.metrics.path.empty());
  BOOST_TEST(c.metrics.file.empty());
  BOOST_TEST(c.health.path.empty());
}

BOOST_AUTO_TEST_CASE(LogMetricsAndHealthAreRead) {
  Config c = MustParse(With(R"(, "log": {"level": "info", "format": "json",
      "destination": "file", "file": "log/dlr.log"},
      "metrics": {"path": "/dlr/metrics/", "secrets": ["m-1", "m-2"], "file": "m.bin"},
      "health": {"path": "/dlr/health"})"),
                       "/etc/dlr");
  BOOST_TEST((c.log.level == LogLevel::kInfo));
  BOOST_TEST((c.log.format == LogFormat::kJson));
  BOOST_TEST((c.log.destination == LogDestination::kFile));
  BOOST_TEST(c.log.file == "/etc/dlr/log/dlr.log");
  BOOST_TEST(c.metrics.path == "/dlr/metrics");
  BOOST_TEST(c.metrics.secrets == (std::vector<std::string>{"m-1", "m-2"}));
  BOOST_TEST(c.metrics.file == "/etc/dlr/m.bin");
  BOOST_TEST(c.health.path == "/dlr/health");
  Config syslog = MustParse(With(R"(, "log": {"destination": "syslog"})"));
  BOOST_TEST((syslog.log.destination == LogDestination::kSyslog));
}

BOOST_AUTO_TEST_CASE(MetricsFileDefaultsToBesideTheSqliteDatabase) {
  Config c = MustParse(
      With(R"(, "metrics": {"path": "/m", "loopback_without_password": true})", "var/dlr.sqlite"),
      "/srv");
  BOOST_TEST(c.metrics.file == "/srv/var/dlr.sqlite.metrics");
}

BOOST_AUTO_TEST_CASE(OperatorSettingErrorsNameTheKey) {
  const BadCase cases[] = {
      {With(R"(, "log": "info")"), "log"},
      {With(R"(, "log": {"level": "debug"})"), "log.level"},
      {With(R"(, "log": {"level": 2})"), "log.level"},
      {With(R"(, "log": {"format": "xml"})"), "log.format"},
      {With(R"(, "log": {"destination": "journal"})"), "log.destination"},
      {With(R"(, "log": {"destination": "file"})"), "log.file"},
      {With(R"(, "log": {"file": "/var/log/x"})"), "log.file"},
      {With(R"(, "log": {"destination": "file", "file": ""})"), "log.file"},
      {With(R"(, "log": {"lvl": "info"})"), "log.lvl"},
      {With(R"(, "metrics": {})"), "metrics.path"},
      {With(R"(, "metrics": {"path": "metrics"})"), "metrics.path"},
      {With(R"(, "metrics": {"path": "/receive/callback", "secrets": ["m"]})"), "metrics.path"},
      {With(R"(, "metrics": {"path": "/m"})"),
       "metrics.secrets: are required, unless "
       "metrics.loopback_without_password is true"},
      {With(R"(, "metrics": {"path": "/m", "loopback_without_password": 1})"),
       "metrics.loopback_without_password"},
      {With(R"(, "metrics": {"path": "/m", "secret": "x"})"), "metrics.secret"},
      {With(R"(, "metrics": {"path": "/m", "secrets": "x"})"), "metrics.secrets"},
      {With(R"(, "metrics": {"path": "/m", "secrets": ["a b"]})"), "metrics.secrets[0]"},
      {With(R"(, "metrics": {"path": "/m", "secrets": [""]})"), "metrics.secrets[0]"},
      {With(R"(, "metrics": {"path": "/m", "secrets": ["m"]})", "postgresql://u@h/db"),
       "metrics.file"},
      {With(R"(, "health": {})"), "health.path"},
      {With(R"(, "health": {"path": 1})"), "health.path"},
      {With(R"(, "health": {"path": "/h", "x": 1})"), "health.x"},
      {With(R"(, "health": {"path": "/receive/callback/"})"), "health.path"},
      {With(R"(, "health": {"path": "/m"}, "metrics": {"path": "/m", "secrets": ["m"]})"),
       "health.path"},
      {With(R"(, "dashboard": {"path": "/s", "password": "p"}, "health": {"path": "/s/h"})"),
       "health.path"},
      {With(
           R"(, "dashboard": {"path": "/s", "password": "p"}, "metrics": {"path": "/s", "secrets": ["m"]})"),
       "metrics.path"},
  };
  for (const BadCase& c : cases) {
    BOOST_TEST_CONTEXT("config " << c.text) {
      StatusOr<Config> got = ParseConfig(c.text, "/etc/dlr");
      BOOST_TEST_REQUIRE(!got.ok());
      BOOST_TEST(got.status().code() == StatusCode::kInvalidArgument);
      BOOST_TEST(got.status().message().find(c.key) != std::string::npos,
                 "message [" << got.status().message() << "] should name " << c.key);
    }
  }
}

BOOST_AUTO_TEST_CASE(NoMetricsSecretIsShownInAnError) {
  StatusOr<Config> got =
      ParseConfig(With(R"(, "metrics": {"path": "/m", "secrets": ["Sec ret-9"]})"), "");
  BOOST_TEST_REQUIRE(!got.ok());
  BOOST_TEST(got.status().message().find("ret-9") == std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(CryptoAtLoadTest)

// Each scheme, and whether it needs libcrypto.
const struct {
  const char* verify;
  bool needs_crypto;
} kSchemes[] = {
    {R"("secrets": ["a-long-enough-secret"])", false},
    {R"("verify": {"scheme": "basic", "users": [{"user": "u", "password": "p"}]})", false},
    {R"("verify": {"scheme": "hmac", "header": "X-Signature", "secrets": ["k"]})", true},
    {R"("verify": {"scheme": "standard-webhooks", "secrets": ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"]})",
     true},
    {R"("provider": "twilio", "public_url": "https://h/cb", "verify": {"auth_tokens": ["t"]})",
     true},
    {R"("provider": "plivo", "public_url": "https://h/cb", "verify": {"auth_tokens": ["t"]})",
     true},
    {R"("provider": "vonage", "verify": {"signature_secrets": ["s"], "algorithm": "sha256"})",
     true},
    {R"("provider": "telnyx", "verify": {"public_keys": ["wzHT6zVIpbd1R6FMQGg4MIVqbcDeHLJ5HUKcoaIDqNU="]})",
     true},
};

BOOST_AUTO_TEST_CASE(OnlySignatureSchemesAskForLibcrypto) {
  for (const auto& t : kSchemes) {
    Config c = MustParse(WithWebhook(t.verify));
    int asked = 0;
    Status s = CheckCrypto(c.webhooks, [&asked] {
      ++asked;
      return Status::Unavailable("libcrypto (OpenSSL 3 or 1.1.1) could not be loaded: gone");
    });
    BOOST_TEST(asked == (t.needs_crypto ? 1 : 0), t.verify);
    BOOST_TEST(s.ok() == !t.needs_crypto, t.verify);
    BOOST_TEST(SchemeNeedsCrypto(c.webhooks[0].verify.kind) == t.needs_crypto, t.verify);
    // With libcrypto there, every scheme loads.
    BOOST_TEST(CheckCrypto(c.webhooks, [] { return Status::Ok(); }).ok(), t.verify);
  }
}

BOOST_AUTO_TEST_CASE(TheErrorNamesTheWebhookTheSchemeAndWhy) {
  Config c = MustParse(R"({"database": "d.sqlite", "webhooks": [
      {"name": "plain", "path": "/a", "secrets": ["a-long-enough-secret"]},
      {"name": "tw", "path": "/b", "provider": "twilio", "public_url": "https://h/b",
       "verify": {"auth_tokens": ["auth-token-never-shown"]}}]})");
  Status s = CheckCrypto(c.webhooks, [] {
    return Status::Unavailable("libcrypto (OpenSSL 3 or 1.1.1) could not be loaded: gone");
  });
  BOOST_TEST(s.code() == StatusCode::kInvalidArgument);
  BOOST_TEST(s.message().find("webhooks[1].verify: scheme twilio (webhook \"tw\") needs "
                              "libcrypto, which cannot be used: libcrypto (OpenSSL 3 or 1.1.1) "
                              "could not be loaded: gone") != std::string::npos,
             s.message());
  BOOST_TEST(s.message().find("auth-token-never-shown") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(ParseConfigChecksTheRealLibrary) {
  // libcrypto is installed where the tests run: a twilio webhook loads.
  BOOST_TEST_REQUIRE(CryptoAvailable().ok(), CryptoAvailable().message());
  MustParse(WithWebhook(kSchemes[4].verify));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace dlr
