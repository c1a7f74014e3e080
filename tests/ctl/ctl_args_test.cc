#define BOOST_TEST_DYN_LINK
#include "common/ctl/ctl_args.h"

#include <boost/test/unit_test.hpp>
#include <functional>
#include <string>
#include <vector>

#include "common/base/time.h"
#include "tests/testing/test_util.h"

namespace dlr {
namespace {

// 2026-03-15T12:00:00.000Z
const int64_t kNow = (DaysFromCivil(2026, 3, 15) * 86400 + 12 * 3600) * 1000;

struct Good {
  std::vector<std::string> args;
  std::function<bool(const CtlCommand&)> check;
};

struct Bad {
  std::vector<std::string> args;
  std::string command;  // the usage printed is this command's
  std::string message;  // a part of the message
};

}  // namespace

BOOST_AUTO_TEST_SUITE(CtlArgsTest)

BOOST_AUTO_TEST_CASE(AcceptsEveryCommandsOptions) {
  const Good cases[] = {
      {{"--help"}, [](const CtlCommand& c) { return c.name == "help"; }},
      {{"help"}, [](const CtlCommand& c) { return c.name == "help"; }},
      {{"--version"}, [](const CtlCommand& c) { return c.name == "version"; }},
      {{"init"}, [](const CtlCommand& c) { return c.name == "init" && c.config.empty(); }},
      {{"init", "--config", "/etc/x.json"},
       [](const CtlCommand& c) { return c.config == "/etc/x.json"; }},
      {{"init", "--config=/etc/x.json"},
       [](const CtlCommand& c) { return c.config == "/etc/x.json"; }},
      {{"check-config", "--help"},
       [](const CtlCommand& c) { return c.name == "check-config" && c.help; }},
      {{"export", "--bogus", "-h"}, [](const CtlCommand& c) { return c.help; }},  // help wins
      {{"export"},
       [](const CtlCommand& c) {
         return c.format == ExportFormat::kCsv && c.output.empty() && c.filter.since.empty();
       }},
      {{"export", "--format", "jsonl", "--output", "out.jsonl"},
       [](const CtlCommand& c) {
         return c.format == ExportFormat::kJsonl && c.output == "out.jsonl";
       }},
      {{"export", "--since", "2026-03-01", "--until", "2026-03-01"},
       [](const CtlCommand& c) {
         return c.filter.since == "2026-03-01T00:00:00.000Z" &&
                c.filter.until == "2026-03-02T00:00:00.000Z";
       }},
      {{"export", "--since=yesterday", "--until=today"},
       [](const CtlCommand& c) {
         return c.filter.since == "2026-03-14T00:00:00.000Z" &&
                c.filter.until == "2026-03-16T00:00:00.000Z";
       }},
      {{"export", "--status", "DELIVRD,undeliv", "--status", " EXPIRED "},
       [](const CtlCommand& c) {
         return c.filter.statuses == std::vector<std::string>{"DELIVRD", "undeliv", "EXPIRED"};
       }},
      {{"export", "--webhook", "sms", "--id", "b34e:1"},
       [](const CtlCommand& c) { return c.filter.webhook == "sms" && c.filter.id == "b34e:1"; }},
      {{"stats"}, [](const CtlCommand& c) { return c.name == "stats" && !c.json; }},
      {{"stats", "--json", "--webhook", "sms"},
       [](const CtlCommand& c) { return c.json && c.filter.webhook == "sms"; }},
      {{"rejected"},
       [](const CtlCommand& c) {
         return c.rejected.limit == kDefaultRejectedLimit && !c.show && !c.replay && !c.json;
       }},
      {{"rejected", "--limit", "0", "--json", "--since", "2026-03-01"},
       [](const CtlCommand& c) {
         return c.rejected.limit == 0 && c.json && c.rejected.since == "2026-03-01T00:00:00.000Z";
       }},
      {{"rejected", "--show", "12"}, [](const CtlCommand& c) { return c.show == 12; }},
      {{"rejected", "--replay", "12", "--body", "fixed.json", "--content-type", "text/plain"},
       [](const CtlCommand& c) {
         return c.replay == 12 && c.body_file == std::string("fixed.json") &&
                c.content_type == std::string("text/plain");
       }},
      {{"send-test", "https://example.com/cb", "--token", "9012XX"},
       [](const CtlCommand& c) {
         return c.url == "https://example.com/cb" && c.token == "9012XX" && !c.secret &&
                c.timeout_seconds == kDefaultSendTestTimeout;
       }},
      {{"send-test", "--token=k", "--secret", "s", "--timeout", "3", "--id", "x",
        "http://127.0.0.1:8080/cb"},
       [](const CtlCommand& c) {
         return c.url == "http://127.0.0.1:8080/cb" && c.secret == std::string("s") &&
                c.timeout_seconds == 3 && c.test_id == "x";
       }},
      {{"send-test", "--token", "k", "--", "http://h/--odd"},
       [](const CtlCommand& c) { return c.url == "http://h/--odd"; }},
      {{"send-test", "http://h/", "--token-file", "/run/key", "--secret-file", "/run/secret"},
       [](const CtlCommand& c) {
         return c.token_file == std::string("/run/key") && c.token.empty();
       }},
      {{"send-test", "http://h/", "--token", "k", "--secret-file", "/run/secret"},
       [](const CtlCommand& c) {
         return c.secret_file == std::string("/run/secret") && !c.secret;
       }},
      {{"send-test", "http://h/cb", "--provider", "twilio", "--secret-file", "/run/token",
        "--public-url", "https://dlr.example.com/cb"},
       [](const CtlCommand& c) {
         return c.provider == std::string("twilio") && c.token.empty() && !c.token_file &&
                c.public_url == "https://dlr.example.com/cb";
       }},
      {{"send-test", "http://h/cb", "--webhook", "tx", "--config", "c.json", "--private-key-file",
        "/run/telnyx.pem"},
       [](const CtlCommand& c) {
         return c.send_test_webhook == "tx" && c.config == "c.json" &&
                c.private_key_file == std::string("/run/telnyx.pem");
       }},
      {{"send-test", "http://h/cb", "--scheme", "hmac", "--secret-file", "/run/key"},
       [](const CtlCommand& c) { return c.scheme == SchemeKind::kHmac; }},
      {{"purge", "--before", "2026-01-01"},
       [](const CtlCommand& c) {
         return c.before == "2026-01-01T00:00:00.000Z" && c.batch_size == kDefaultPurgeBatch &&
                !c.dry_run;
       }},
      {{"purge", "--before", "today", "--batch-size", "100", "--dry-run"},
       [](const CtlCommand& c) {
         return c.before == "2026-03-15T00:00:00.000Z" && c.batch_size == 100 && c.dry_run;
       }},
  };
  for (const Good& c : cases) {
    std::string line;
    for (const std::string& a : c.args) line += a + " ";
    BOOST_TEST_CONTEXT("dlrctl " << line) {
      std::string command;
      StatusOr<CtlCommand> got = ParseCtlArgs(c.args, kNow, &command);
      BOOST_TEST_REQUIRE(got.ok(), got.status().ToString());
      BOOST_TEST(c.check(got.value()));
    }
  }
}

BOOST_AUTO_TEST_CASE(RefusesBadCommandLinesNamingWhy) {
  const Bad cases[] = {
      {{}, "", "a command is required"},
      {{"frobnicate"}, "", "unknown command \"frobnicate\""},
      {{"--config", "x", "init"}, "", "unknown command \"--config\""},
      {{"init", "extra"}, "init", "unexpected argument \"extra\""},
      {{"init", "--json"}, "init", "unknown option \"--json\" for init"},
      {{"init", "-x"}, "init", "unknown option \"-x\""},
      {{"init", "--config"}, "init", "--config needs a value"},
      {{"init", "--config="}, "init", "--config must name a file"},
      {{"init", "--config", "a", "--config", "b"}, "init", "--config is given twice"},
      {{"export", "--format", "xml"}, "export", "--format must be csv or jsonl"},
      {{"export", "--format=csv", "--format=jsonl"}, "export", "--format is given twice"},
      {{"export", "--since", "2026-02-30"}, "export", "--since: \"2026-02-30\""},
      {{"export", "--until", "soon"}, "export", "--until: \"soon\""},
      {{"export", "--since", "2026-03-02", "--until", "2026-03-01"},
       "export",
       "must come before --until"},
      {{"export", "--status", "DELIVRD,,UNDELIV"}, "export", "an empty status"},
      {{"export", "--webhook="}, "export", "--webhook must not be empty"},
      {{"export", "--output="}, "export", "--output must name a file"},
      {{"stats", "--json=yes"}, "stats", "--json takes no value"},
      {{"stats", "--format", "csv"}, "stats", "unknown option \"--format\" for stats"},
      {{"rejected", "--show", "0"}, "rejected", "--show must be a whole number from 1"},
      {{"rejected", "--show", "x"}, "rejected", "--show must be a whole number"},
      {{"rejected", "--show", "1", "--replay", "2"}, "rejected", "one at a time"},
      {{"rejected", "--body", "f"}, "rejected", "--body and --content-type go with --replay"},
      {{"rejected", "--show", "1", "--json"}, "rejected", "--json lists"},
      {{"rejected", "--limit", "-1"}, "rejected", "--limit must be a whole number"},
      {{"rejected", "--status", "DELIVRD"}, "rejected", "unknown option \"--status\""},
      {{"send-test", "--token", "k"}, "send-test", "send-test takes one URL"},
      {{"send-test", "http://a/", "http://b/", "--token", "k"}, "send-test", "one URL"},
      {{"send-test", "ftp://h/cb", "--token", "k"}, "send-test", "http:// or https://"},
      {{"send-test", "http://h/cb"}, "send-test", "needs --token"},
      {{"send-test", "http://h/cb", "--token", "k", "--token-file", "f"},
       "send-test",
       "--token and --token-file go one at a time"},
      {{"send-test", "http://h/cb", "--token="}, "send-test", "needs --token"},
      {{"send-test", "http://h/cb", "--token", "k", "--secret", "a", "--secret-file", "f"},
       "send-test",
       "one at a time"},
      {{"send-test", "http://h/cb", "--token", "k", "--timeout", "0"},
       "send-test",
       "--timeout must be a whole number from 1 to 300"},
      {{"send-test", "http://h/cb", "--provider", "nexmo"},
       "send-test",
       "--provider must be one of mobtexting, twilio, vonage, plivo, infobip, telnyx, kannel, not "
       "\"nexmo\""},
      {{"send-test", "http://h/cb", "--provider", "kannel", "--scheme", "rsa"},
       "send-test",
       "--scheme: no scheme \"rsa\""},
      {{"send-test", "http://h/cb", "--provider", "twilio", "--public-url", "h/cb"},
       "send-test",
       "--public-url must begin with http:// or https://"},
      {{"send-test", "http://h/cb", "--webhook="}, "send-test", "--webhook must name a webhook"},
      {{"send-test", "http://h/cb", "--scheme", "bearer"}, "send-test", "needs --token"},
      {{"purge"}, "purge", "purge needs --before"},
      {{"purge", "--before", "2027-01-01"}, "purge", "is in the future"},
      {{"purge", "--before", "tomorrow"}, "purge", "--before: \"tomorrow\""},
      {{"purge", "--before", "2026-01-01", "--batch-size", "0"},
       "purge",
       "--batch-size must be a whole number from 1"},
  };
  for (const Bad& c : cases) {
    std::string line;
    for (const std::string& a : c.args) line += a + " ";
    BOOST_TEST_CONTEXT("dlrctl " << line) {
      std::string command = "(unset)";
      StatusOr<CtlCommand> got = ParseCtlArgs(c.args, kNow, &command);
      BOOST_TEST_REQUIRE(!got.ok());
      BOOST_TEST(got.status().code() == StatusCode::kInvalidArgument);
      BOOST_TEST(got.status().message().find(c.message) != std::string::npos,
                 got.status().message());
      BOOST_TEST(command == c.command);
    }
  }
}

BOOST_AUTO_TEST_CASE(EveryCommandHasItsUsage) {
  for (const char* command :
       {"init", "check-config", "export", "stats", "rejected", "send-test", "purge"}) {
    std::string usage = CtlUsage(command);
    BOOST_TEST(usage.rfind(std::string("usage: dlrctl ") + command, 0) == 0u, command);
  }
  BOOST_TEST(CtlUsage("").find("commands:") != std::string::npos);
  BOOST_TEST(CtlUsage("nonsense") == CtlUsage(""));
}

// A value that the option's checks take, by the value's name in the usage.
std::string SampleValue(const std::string& value_name) {
  if (value_name == "TIME") return "2026-01-01";
  if (value_name == "N" || value_name == "SEQ" || value_name == "SECONDS") return "1";
  if (value_name == "csv|jsonl") return "csv";
  return "x";
}

BOOST_AUTO_TEST_CASE(EveryCommandOfTheTableIsDocumentedAndParsesItsOptions) {
  const std::string general = CtlUsage("");
  BOOST_TEST(!CtlCommands().empty());
  for (const CtlCommandSpec& spec : CtlCommands()) {
    BOOST_TEST_CONTEXT("dlrctl " << spec.name) {
      const std::string name = spec.name;
      BOOST_TEST(general.find("\n  " + name + " ") != std::string::npos);
      BOOST_TEST(general.find(spec.summary) != std::string::npos);
      const std::string usage = CtlUsage(name);
      BOOST_TEST(usage.rfind("usage: dlrctl " + name + " ", 0) == 0u);
      BOOST_TEST((usage.find("--config PATH") != std::string::npos) == spec.reads_config);

      std::vector<CtlOption> options = spec.options;
      if (spec.reads_config) options.push_back({"config", "PATH", false, ""});
      for (const CtlOption& o : options) {
        const std::string option = std::string("--") + o.name;
        BOOST_TEST_CONTEXT(option) {
          BOOST_TEST(usage.find(option + (o.value ? std::string(" ") + o.value : "")) !=
                     std::string::npos);
          std::vector<std::string> args = {name, option};
          if (o.value) args.push_back(SampleValue(o.value));
          if (spec.positional) args.push_back("http://h/");
          std::string command;
          StatusOr<CtlCommand> got = ParseCtlArgs(args, kNow, &command);
          // It may miss another option (purge --before) or clash with one
          // (rejected --body without --replay); the option itself is known.
          if (!got.ok()) {
            const std::string& why = got.status().message();
            for (const char* generic :
                 {"unknown option", "needs a value", "takes no value", "unexpected argument"}) {
              BOOST_TEST(why.find(generic) == std::string::npos, why);
            }
          }
          BOOST_TEST(command == name);
        }
      }
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace dlr
