#include "common/store/database_url.h"

#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>
#include <string>

#include "common/webhook/config.h"
#include "tests/testing/test_util.h"

namespace dlr {
namespace {

struct Good {
  const char* url;
  const char* scheme;
  const char* user;
  const char* password;  // nullptr: none
  const char* host;
  int port;
  const char* database;
  const char* params;  // "k=v&k=v" as parsed, "" for none
};

const Good kGood[] = {
    {"postgresql://dlr:pw@db.example:5433/dlr", "postgresql", "dlr", "pw", "db.example", 5433,
     "dlr", ""},
    {"postgres://dlr@db/dlr", "postgresql", "dlr", nullptr, "db", 0, "dlr", ""},
    {"POSTGRESQL://h/d", "postgresql", "", nullptr, "h", 0, "d", ""},
    {"postgresql://", "postgresql", "", nullptr, "", 0, "", ""},
    {"postgresql:///dlr?host=/run/postgresql", "postgresql", "", nullptr, "", 0, "dlr",
     "host=/run/postgresql"},
    {"postgresql://u@%2Frun%2Fpostgresql:5432/d", "postgresql", "u", nullptr, "/run/postgresql",
     5432, "d", ""},
    {"postgresql://u:@h/d", "postgresql", "u", "", "h", 0, "d", ""},
    {"postgresql://u:p%40ss%3Aw%2Frd%25@h/d", "postgresql", "u", "p@ss:w/rd%", "h", 0, "d", ""},
    // The user information ends at the last '@': '@', ':', '/' and '?' need no escape in it.
    {"postgresql://u:p@ss:w/r?d@h:1/d", "postgresql", "u", "p@ss:w/r?d", "h", 1, "d", ""},
    {"postgresql://u:pa+ss@h/d", "postgresql", "u", "pa+ss", "h", 0, "d", ""},
    {"postgresql://[::1]:5432/d", "postgresql", "", nullptr, "::1", 5432, "d", ""},
    {"postgresql://[2001:db8::5]/d", "postgresql", "", nullptr, "2001:db8::5", 0, "d", ""},
    {"postgresql://h/d?sslmode=require&target_session_attrs=read-write", "postgresql", "", nullptr,
     "h", 0, "d", "sslmode=require&target_session_attrs=read-write"},
    {"postgresql://h:65535/d", "postgresql", "", nullptr, "h", 65535, "d", ""},
    {"mysql://dlr:pw@127.0.0.1:3306/dlr", "mysql", "dlr", "pw", "127.0.0.1", 3306, "dlr", ""},
    {"mariadb://dlr:pw@localhost/dlr?socket=/run/mysqld/mysqld.sock", "mysql", "dlr", "pw",
     "localhost", 0, "dlr", "socket=/run/mysqld/mysqld.sock"},
    {"mysql://u%20x@h/my%20db", "mysql", "u x", nullptr, "h", 0, "my db", ""},
};

BOOST_AUTO_TEST_CASE(DatabaseUrlParsesEveryForm) {
  for (const Good& g : kGood) {
    BOOST_TEST_CONTEXT(g.url) {
      StatusOr<DatabaseUrl> u = ParseDatabaseUrl(g.url);
      BOOST_REQUIRE_MESSAGE(u.ok(), u.status().ToString());
      BOOST_TEST(u.value().scheme == g.scheme);
      BOOST_TEST(u.value().user == g.user);
      BOOST_TEST(u.value().password.has_value() == (g.password != nullptr));
      if (g.password) BOOST_TEST(u.value().password.value_or("") == g.password);
      BOOST_TEST(u.value().host == g.host);
      BOOST_TEST(u.value().port == g.port);
      BOOST_TEST(u.value().database == g.database);
      std::string params;
      for (const auto& kv : u.value().params) {
        params += (params.empty() ? "" : "&") + kv.first + "=" + kv.second;
      }
      BOOST_TEST(params == g.params);
    }
  }
}

struct Bad {
  const char* url;
  const char* error;  // a part of the message
};

const Bad kBad[] = {
    {"oracle://u:pw@h/d", "unknown scheme \"oracle\""},
    {"no-scheme", "not a URL"},
    {"postgresql://h:0/d", "port must be a number"},
    {"postgresql://h:65536/d", "port must be a number"},
    {"postgresql://h:54x/d", "port must be a number"},
    {"postgresql://h:/d", "port must be a number"},
    {"postgresql://u:s3cret@h:123456/d", "port must be a number"},
    {"postgresql://[::1/d", "lacks its ']'"},
    {"postgresql://[::1]x/d", "after the IPv6 host"},
    {"postgresql://u:s3cret%zz@h/d", "password has a broken %-escape"},
    {"postgresql://u%zz:s3cret@h/d", "user has a broken %-escape"},
    {"postgresql://h/d%2", "database name has a broken %-escape"},
    {"postgresql://h/a%2Fb", "must not contain '/'"},
    {"postgresql://h/d?sslmode=%zz", "query"},
    {"postgresql://h/d?password=s3cret", "not as ?password="},
    {"mysql://h/d?PASSWORD=s3cret", "not as ?password="},
};

BOOST_AUTO_TEST_CASE(DatabaseUrlRefusesMalformedOnesWithoutShowingThePassword) {
  for (const Bad& b : kBad) {
    BOOST_TEST_CONTEXT(b.url) {
      StatusOr<DatabaseUrl> u = ParseDatabaseUrl(b.url);
      BOOST_REQUIRE(!u.ok());
      BOOST_TEST(u.status().code() == StatusCode::kInvalidArgument);
      BOOST_TEST(u.status().message().find(b.error) != std::string::npos, u.status().message());
      BOOST_TEST(u.status().message().rfind("database: ", 0) == 0u);
      BOOST_TEST(u.status().message().find("s3cret") == std::string::npos);
    }
  }
}

// RedactDatabase (config.h) hides exactly what the parser takes as the password.
BOOST_AUTO_TEST_CASE(RedactDatabaseHidesWhatTheParserReadsAsPassword) {
  const char* urls[] = {
      "postgresql://dlr:s3cret@h:5432/d",
      "postgresql://dlr:s3c@ret@h/d",
      "mysql://dlr:s3c:r/et@h/d",
      "mysql://dlr:s3cret%40x@h/d",
  };
  for (const char* url : urls) {
    BOOST_TEST_CONTEXT(url) {
      std::string shown = RedactDatabase(url);
      BOOST_TEST(shown.find("s3c") == std::string::npos, shown);
      BOOST_TEST(shown.find(":***@h") != std::string::npos, shown);
    }
  }
  BOOST_TEST(RedactDatabase("postgresql://dlr@h/d") == "postgresql://dlr@h/d");
  BOOST_TEST(RedactDatabase("/var/lib/dlr.sqlite") == "/var/lib/dlr.sqlite");
}

// The user information runs to the LAST '@' (as the parser reads it), even
// past a '?' or '#'; every secret parameter's value is hidden.
BOOST_AUTO_TEST_CASE(RedactsFromTheParsedUrl) {
  const std::pair<const char*, const char*> cases[] = {
      {"postgresql://u:pa?ss@h/db", "postgresql://u:***@h/db"},
      {"postgresql://u:pa#ss@h/db", "postgresql://u:***@h/db"},
      {"mysql://u:a?b#c@d@h:3306/db?ssl-mode=REQUIRED",
       "mysql://u:***@h:3306/db?ssl-mode=REQUIRED"},
      {"postgresql://u@h/db?sslmode=verify-full&sslpassword=k3yPass",
       "postgresql://u@h/db?sslmode=verify-full&sslpassword=***"},
      {"postgresql://h/db?PassWord=x1&pwd=x2&client_secret=x3&auth_token=x4&sslmode=require",
       "postgresql://h/db?PassWord=***&pwd=***&client_secret=***&auth_token=***&sslmode=require"},
      {"postgresql://h/db?ssl%70assword=x5", "postgresql://h/db?ssl%70assword=***"},
      {"postgresql://h/db?%zz=x6", "postgresql://h/db?***"},
      {"postgresql://u@h/db", "postgresql://u@h/db"},
      {"/var/lib/dlr.sqlite", "/var/lib/dlr.sqlite"},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT(c.first) {
      BOOST_TEST(RedactDatabaseUrl(c.first) == c.second);
      BOOST_TEST(RedactDatabase(c.first) == c.second);
    }
  }
  // What the parser takes as the password is never shown.
  StatusOr<DatabaseUrl> u = ParseDatabaseUrl("postgresql://u:pa?ss@h/db");
  BOOST_TEST_REQUIRE(u.ok());
  BOOST_TEST(*u.value().password == "pa?ss");
  for (const char* word : {"password", "sslpassword", "PWD", "secret", "token"}) {
    BOOST_TEST(IsSecretParam(word), word);
  }
  for (const char* word : {"sslmode", "host", "ssl-ca", "connect_timeout"}) {
    BOOST_TEST(!IsSecretParam(word), word);
  }
}

BOOST_AUTO_TEST_CASE(RedactsTheTlsKeyPassphrase) {
  BOOST_TEST(RedactDatabaseUrl("mysql://u@db/d?ssl-mode=VERIFY_IDENTITY&ssl-key=/k.pem&"
                               "ssl-cert=/c.pem&ssl-passphrase=Key-Pass1") ==
             "mysql://u@db/d?ssl-mode=VERIFY_IDENTITY&ssl-key=/k.pem&ssl-cert=/c.pem&"
             "ssl-passphrase=***");
  BOOST_TEST(IsSecretParam("ssl-passphrase"));
  for (const char* word : {"ssl-key", "ssl-cert", "ssl-capath", "ssl-cipher", "tls-version"}) {
    BOOST_TEST(!IsSecretParam(word), word);
  }
}

// The mysql:// query: socket and the MySQL client's TLS options.
BOOST_AUTO_TEST_CASE(ReadsMysqlTlsParameters) {
  StatusOr<DatabaseUrl> u = ParseDatabaseUrl(
      "mysql://u@db.internal/d?ssl-mode=verify_ca&ssl-ca=%2Fetc%2Fca.pem&ssl-capath=/etc/cas&"
      "ssl-cert=/c.pem&ssl-key=/k.pem&ssl-passphrase=pp&ssl-cipher=ECDHE-RSA-AES256-GCM-SHA384&"
      "ssl-crl=/crl.pem&ssl-crlpath=/crls&tls-version=TLSv1.3&socket=/run/m.sock");
  BOOST_TEST_REQUIRE(u.ok());
  StatusOr<MysqlParams> p = ParseMysqlParams(u.value());
  BOOST_TEST_REQUIRE(p.ok(), p.status().ToString());
  BOOST_TEST((p.value().ssl_mode == MysqlSslMode::kVerifyCa));
  BOOST_TEST(p.value().ssl_ca == "/etc/ca.pem");
  BOOST_TEST(p.value().ssl_capath == "/etc/cas");
  BOOST_TEST(p.value().ssl_cert == "/c.pem");
  BOOST_TEST(p.value().ssl_key == "/k.pem");
  BOOST_TEST(p.value().ssl_passphrase.value_or("") == "pp");
  BOOST_TEST(p.value().ssl_cipher == "ECDHE-RSA-AES256-GCM-SHA384");
  BOOST_TEST(p.value().ssl_crl == "/crl.pem");
  BOOST_TEST(p.value().ssl_crlpath == "/crls");
  BOOST_TEST(p.value().tls_version == "TLSv1.3");
  BOOST_TEST(p.value().socket == "/run/m.sock");

  const std::pair<const char*, MysqlSslMode> modes[] = {
      {"DISABLED", MysqlSslMode::kDisabled},
      {"preferred", MysqlSslMode::kPreferred},
      {"Required", MysqlSslMode::kRequired},
      {"VERIFY_CA", MysqlSslMode::kVerifyCa},
      {"VERIFY_IDENTITY", MysqlSslMode::kVerifyIdentity},
  };
  for (const auto& [text, mode] : modes) {
    StatusOr<DatabaseUrl> m = ParseDatabaseUrl(std::string("mysql://h/d?ssl-mode=") + text);
    BOOST_TEST_REQUIRE(m.ok());
    StatusOr<MysqlParams> mp = ParseMysqlParams(m.value());
    BOOST_TEST_REQUIRE(mp.ok(), text);
    BOOST_TEST((mp.value().ssl_mode == mode), text);
  }
  StatusOr<DatabaseUrl> none = ParseDatabaseUrl("mysql://h/d");
  BOOST_TEST((ParseMysqlParams(none.value()).value().ssl_mode == MysqlSslMode::kUnset));
}

BOOST_AUTO_TEST_CASE(RefusesBadMysqlParameters) {
  const std::pair<const char*, const char*> cases[] = {
      {"mysql://h/d?sslmode=require", "\"sslmode\" is not a parameter of mysql:// URLs"},
      {"mysql://h/d?ssl=1", "\"ssl\" is not a parameter"},
      {"mysql://h/d?ssl-mode=ON", "must be DISABLED, PREFERRED, REQUIRED, VERIFY_CA or"},
      {"mysql://h/d?ssl-mode=REQUIRED&ssl-mode=DISABLED", "is given twice"},
      {"mysql://h/d?ssl-ca=", "\"ssl-ca\" is empty"},
      {"mysql://h/d?ssl-mode=DISABLED&ssl-ca=/ca.pem", "ssl-mode=DISABLED goes with no other"},
      {"mysql://h/d?ssl-cert=/c.pem", "ssl-cert and ssl-key go together"},
      {"mysql://h/d?ssl-key=/k.pem&ssl-mode=REQUIRED", "ssl-cert and ssl-key go together"},
  };
  for (const auto& [url, why] : cases) {
    BOOST_TEST_CONTEXT(url) {
      StatusOr<DatabaseUrl> u = ParseDatabaseUrl(url);
      BOOST_TEST_REQUIRE(u.ok());
      StatusOr<MysqlParams> p = ParseMysqlParams(u.value());
      BOOST_TEST_REQUIRE(!p.ok());
      BOOST_TEST(p.status().code() == StatusCode::kInvalidArgument);
      BOOST_TEST(p.status().message().find(why) != std::string::npos, p.status().message());
    }
  }
  // A secret parameter's value is never in the error.
  StatusOr<DatabaseUrl> u =
      ParseDatabaseUrl("mysql://h/d?ssl-passphrase=Secret-pp&ssl-mode=DISABLED");
  StatusOr<MysqlParams> p = ParseMysqlParams(u.value());
  BOOST_TEST_REQUIRE(!p.ok());
  BOOST_TEST(p.status().message().find("Secret-pp") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(TellsLocalHostsApart) {
  const std::pair<const char*, bool> cases[] = {
      {"postgresql:///d", true},
      {"postgresql://localhost/d", true},
      {"postgresql://127.0.0.1:5432/d", true},
      {"postgresql://[::1]/d", true},
      {"postgresql://%2Frun%2Fpostgresql/d", true},
      {"postgresql:///d?host=/run/postgresql", true},
      {"postgresql://db.internal/d", false},
      {"postgresql://10.0.0.5/d", false},
      {"postgresql:///d?host=db1,db2", false},
      {"postgresql:///d?host=localhost,db2", false},
      {"postgresql://db/d?host=127.0.0.1", true},
      {"mysql://u@localhost/d", true},
      {"mysql://u@/d", true},
      {"mysql://u@db.internal/d?socket=/run/mysqld/mysqld.sock", false},  // TCP to db.internal
      {"mysql://u@localhost/d?socket=/run/mysqld/mysqld.sock", true},
      {"mysql://u@db.internal:3306/d", false},
      {"mysql://u@127.0.0.2/d", true},
  };
  for (const auto& [url, local] : cases) {
    StatusOr<DatabaseUrl> u = ParseDatabaseUrl(url);
    BOOST_TEST_REQUIRE(u.ok(), url);
    BOOST_TEST(IsLocalDatabaseHost(u.value()) == local, url);
  }
}

BOOST_AUTO_TEST_CASE(ScrubSecretReplacesEveryOccurrence) {
  BOOST_TEST(ScrubSecret("a pw b pw", std::string("pw")) == "a *** b ***");
  BOOST_TEST(ScrubSecret("nothing", std::nullopt) == "nothing");
  BOOST_TEST(ScrubSecret("nothing", std::string()) == "nothing");
  BOOST_TEST(ScrubSecret("xxxx", std::string("xx")) == "******");
}

}  // namespace
}  // namespace dlr
