#define BOOST_TEST_DYN_LINK
#include "common/ctl/config_check.h"

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

namespace dlr {
namespace {

Config Parse(const std::string& text) {
  StatusOr<Config> c = ParseConfig(text, "");
  BOOST_TEST_REQUIRE(c.ok(), c.status().ToString());
  return c.value();
}

// How many warnings contain `part`.
size_t Count(const std::vector<std::string>& warnings, const std::string& part) {
  return static_cast<size_t>(std::count_if(warnings.begin(), warnings.end(), [&](const auto& w) {
    return w.find(part) != std::string::npos;
  }));
}

struct RootCase {
  std::string path;
  std::string root;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(ConfigCheckTest)

BOOST_AUTO_TEST_CASE(TellsDocumentRootsApart) {
  const RootCase cases[] = {
      {"/var/www/html/dlr.sqlite", "/var/www"},
      {"/var/www/dlr.sqlite", "/var/www"},
      {"/srv/www/site/data.sqlite", "/srv/www"},
      {"/srv/http/dlr.sqlite", "/srv/http"},
      {"/usr/share/nginx/html/dlr.sqlite", "/usr/share/nginx"},
      {"/home/user/public_html/dlr/dlr.sqlite", "/home/user/public_html"},
      {"/home/user/domains/x.com/public_html/dlr.sqlite", "/home/user/domains/x.com/public_html"},
      {"/var/www/vhosts/x.com/httpdocs/dlr.sqlite", "/var/www"},
      {"/opt/apache2/htdocs/dlr.sqlite", "/opt/apache2/htdocs"},
      {"/home/user/www/dlr.sqlite", "/home/user/www"},
      {"/inetpub/wwwroot/dlr.sqlite", "/inetpub/wwwroot"},
      {"/srv/app/../www/dlr.sqlite", "/srv/www"},  // lexically normalised
      {"/var/lib/dlr-webhook/dlr.sqlite", ""},
      {"/home/user/dlr-webhook/dlr.sqlite", ""},
      {"/var/www", ""},         // the root itself is not a file in it
      {"/home/user/html", ""},  // a file named html
      {"/var/wwwdata/dlr.sqlite", ""},
      {"/srv/www2/dlr.sqlite", ""},
      {"/home/user/my_public_html/dlr.sqlite", ""},
  };
  for (const RootCase& c : cases) {
    BOOST_TEST_CONTEXT(c.path) { BOOST_TEST(WebDocumentRoot(c.path) == c.root); }
  }
}

BOOST_AUTO_TEST_CASE(AGoodDeploymentHasNoWarning) {
  Config c = Parse(R"({"database": "/var/lib/dlr-webhook/dlr.sqlite", "webhooks": [
      {"name": "sms", "validation_key": "k", "secrets": ["0123456789abcdef"]}]})");
  c.source = "/etc/dlr-webhook/config.json";
  BOOST_TEST(DeploymentWarnings(c, 0100640).empty());
  BOOST_TEST(DeploymentWarnings(c, std::nullopt).empty());
}

BOOST_AUTO_TEST_CASE(WarnsAboutEachThingToFix) {
  Config c = Parse(R"({"database": "/var/www/html/dlr.sqlite", "webhooks": [
      {"name": "a", "path": "/a", "validation_key": "k", "secrets": ["short-secret", "0123456789abcdef"]},
      {"name": "b", "path": "/b"}]})");
  c.source = "/home/u/public_html/config.json";
  std::vector<std::string> w = DeploymentWarnings(c, 0100646);
  BOOST_TEST(Count(w, "webhook \"a\": secrets[0] is shorter than 16 characters") == 1u);
  BOOST_TEST(Count(w, "secrets[1]") == 0u);
  BOOST_TEST(Count(w, "webhook \"b\" has no secret") == 1u);
  BOOST_TEST(Count(w, "webhook \"b\" has no validation_key") == 1u);
  BOOST_TEST(Count(w, "is readable by every user of this host (mode 646)") == 1u);
  BOOST_TEST(Count(w, "is writable by every user of this host") == 1u);
  BOOST_TEST(Count(w,
                   "the database /var/www/html/dlr.sqlite is inside a web server's document "
                   "root (/var/www)") == 1u);
  BOOST_TEST(Count(w, "the config file /home/u/public_html/config.json is inside") == 1u);
  BOOST_TEST(w.size() == 7u);
  for (const std::string& line : w) {
    BOOST_TEST(line.find("short-secret") == std::string::npos);  // never the secret itself
  }
}

BOOST_AUTO_TEST_CASE(AShortDashboardPasswordIsWarnedAbout) {
  const std::string webhooks = R"("webhooks": [
      {"name": "sms", "validation_key": "k", "secrets": ["0123456789abcdef"]}])";
  Config c = Parse(R"({"database": "/var/lib/dlr/dlr.sqlite", )" + webhooks +
                   R"(, "dashboard": {"path": "/s", "password": "page-pass"}})");
  std::vector<std::string> w = DeploymentWarnings(c, std::nullopt);
  BOOST_TEST(w.size() == 1u);
  BOOST_TEST(Count(w, "dashboard.password is shorter than 16 characters") == 1u);
  BOOST_TEST(Count(w, "page-pass") == 0u);
  c = Parse(R"({"database": "/var/lib/dlr/dlr.sqlite", )" + webhooks +
            R"(, "dashboard": {"path": "/s", "password": "a-long-page-password"}})");
  BOOST_TEST(DeploymentWarnings(c, std::nullopt).empty());
  c = Parse(R"({"database": "/var/lib/dlr/dlr.sqlite", )" + webhooks +
            R"(, "dashboard": {"path": "/s", "loopback_without_password": true}})");
  BOOST_TEST(DeploymentWarnings(c, std::nullopt).empty());  // loopback only: nothing to guess
}

BOOST_AUTO_TEST_CASE(ServerDatabasesHaveNoDocumentRoot) {
  Config c = Parse(R"({"database": "postgresql://u@/var/www/db", "webhooks": [
      {"name": "sms", "validation_key": "k", "secrets": ["0123456789abcdef"]}]})");
  BOOST_TEST(DeploymentWarnings(c, 0100600).empty());
}

BOOST_AUTO_TEST_CASE(WarnsAboutADatabaseServerReachedWithoutTls) {
  const std::pair<const char*, const char*> warned[] = {
      {"postgresql://dlr:pw@db.internal:5432/dlr",
       "the database server db.internal:5432 is not on this host and TLS is not required "
       "(sslmode=prefer, the default)"},
      {"postgresql://dlr@10.0.0.5/dlr?sslmode=allow", "(sslmode=allow)"},
      {"postgresql:///dlr?host=db1,db2&sslmode=prefer", "(sslmode=prefer)"},
      {"mysql://dlr:pw@db.internal/dlr", "(ssl-mode=unset)"},
      {"mysql://dlr@db.internal/dlr?ssl-mode=PREFERRED&ssl-ca=/ca.pem", "(ssl-mode=PREFERRED)"},
      {"mysql://dlr@db.internal/dlr?ssl-mode=DISABLED", "(ssl-mode=DISABLED)"},
  };
  for (const auto& [url, part] : warned) {
    std::optional<std::string> w = DatabaseTransportWarning(url);
    BOOST_TEST_REQUIRE(w.has_value(), url);
    BOOST_TEST(w->find(part) != std::string::npos, *w);
    BOOST_TEST(w->find("pw") == std::string::npos, *w);  // never the password
  }
  for (const char* url : {
           "postgresql://dlr@db.internal/dlr?sslmode=require",
           "postgresql://dlr@db.internal/dlr?sslmode=verify-ca&sslrootcert=/ca.pem",
           "postgresql://dlr@db.internal/dlr?sslmode=verify-full",
           "postgresql://dlr@127.0.0.1/dlr",
           "postgresql:///dlr?host=/run/postgresql",
           "mysql://dlr@db.internal/dlr?ssl-mode=REQUIRED",
           "mysql://dlr@db.internal/dlr?ssl-mode=VERIFY_CA&ssl-ca=/ca.pem",
           "mysql://dlr@db.internal/dlr?ssl-mode=verify_identity",
           "mysql://dlr@localhost/dlr",
           "/var/lib/dlr-webhook/dlr.sqlite",
       }) {
    BOOST_TEST(!DatabaseTransportWarning(url).has_value(), url);
  }
  Config c = Parse(R"({"database": "mysql://dlr@db.internal/dlr", "metrics": {"path": "/m",
      "file": "/tmp/m", "loopback_without_password": true},
      "webhooks": [{"name": "w", "validation_key": "k", "secrets": ["0123456789abcdef0123"]}]})");
  BOOST_TEST(Count(DeploymentWarnings(c, std::nullopt), "TLS is not required") == 1u);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace dlr
