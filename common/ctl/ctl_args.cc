#include "common/ctl/ctl_args.h"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <map>

#include "common/base/time.h"
#include "common/webhook/config.h"

namespace dlr {
namespace {

const char kTimeHelp[] =
    "Times are UTC: a date (2024-03-01), a date-time (2024-03-01T10:00[:SS[.mmm]], a\n"
    "space for the T, Z or +HH:MM for another zone), today or yesterday. --since\n"
    "includes its moment; --until excludes it, and includes the whole day of a date\n"
    "(--since 2024-03-01 --until 2024-03-01 is March 1st).\n";

Status Usage(const std::string& msg) { return Status::InvalidArgument(msg); }

// A whole decimal number within [min, max].
Status ParseCount(const std::string& option, const std::string& text, int64_t min, int64_t max,
                  int64_t* out) {
  errno = 0;
  char* end = nullptr;
  long long v = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || errno != 0 || text[0] == '+' || text[0] == ' ' || v < min ||
      v > max) {
    return Usage("--" + option + " must be a whole number from " + std::to_string(min) + " to " +
                 std::to_string(max) + ", not \"" + text + "\"");
  }
  *out = v;
  return Status::Ok();
}

Status ParseTime(const std::string& option, const std::string& text, DayBound bound, int64_t now,
                 std::string* out) {
  StatusOr<std::string> t = ParseTimeArg(text, bound, now);
  if (!t.ok()) return Usage("--" + option + ": " + t.status().message());
  *out = t.value();
  return Status::Ok();
}

const std::string* One(const CtlValues& v, const std::string& key) {
  auto it = v.find(key);
  return it == v.end() ? nullptr : &it->second.back();
}

Status ParseEventFilter(const CtlValues& v, int64_t now, EventFilter* f) {
  Status s;
  if (const std::string* t = One(v, "since"))
    s = ParseTime("since", *t, DayBound::kStart, now, &f->since);
  if (!s.ok()) return s;
  if (const std::string* t = One(v, "until"))
    s = ParseTime("until", *t, DayBound::kEnd, now, &f->until);
  if (!s.ok()) return s;
  if (!f->since.empty() && !f->until.empty() && f->since >= f->until) {
    return Usage("--since (" + f->since + ") must come before --until (" + f->until + ")");
  }
  auto statuses = v.find("status");
  if (statuses != v.end()) {
    for (const std::string& list : statuses->second) {
      size_t start = 0;
      for (;;) {
        size_t comma = list.find(',', start);
        std::string item =
            list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        while (!item.empty() && item.front() == ' ') item.erase(0, 1);
        while (!item.empty() && item.back() == ' ') item.pop_back();
        if (item.empty()) return Usage("--status: an empty status in \"" + list + "\"");
        f->statuses.push_back(item);
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
    }
  }
  if (const std::string* w = One(v, "webhook")) f->webhook = *w;
  if (const std::string* id = One(v, "id")) f->id = *id;
  if (One(v, "webhook") && f->webhook.empty()) return Usage("--webhook must not be empty");
  if (One(v, "id") && f->id.empty()) return Usage("--id must not be empty");
  return Status::Ok();
}

Status ParseRejected(const CtlValues& v, const std::vector<std::string>&, int64_t now,
                     CtlCommand* c) {
  int64_t n = 0;
  Status s;
  const int64_t kMaxSeq = INT64_MAX;
  if (const std::string* t = One(v, "show")) s = ParseCount("show", *t, 1, kMaxSeq, &c->show);
  if (s.ok()) {
    if (const std::string* t = One(v, "replay"))
      s = ParseCount("replay", *t, 1, kMaxSeq, &c->replay);
  }
  if (!s.ok()) return s;
  if (c->show && c->replay) return Usage("--show and --replay go one at a time");
  if (One(v, "body")) c->body_file = *One(v, "body");
  if (One(v, "content-type")) c->content_type = *One(v, "content-type");
  if ((c->body_file || c->content_type) && !c->replay) {
    return Usage("--body and --content-type go with --replay");
  }
  if (c->show || c->replay) {
    for (const char* list_option : {"since", "until", "webhook", "limit", "json"}) {
      if (v.count(list_option)) {
        return Usage(std::string("--") + list_option + " lists; it does not go with --" +
                     (c->show ? "show" : "replay"));
      }
    }
    return Status::Ok();
  }
  c->rejected.limit = kDefaultRejectedLimit;
  if (const std::string* t = One(v, "limit")) {
    s = ParseCount("limit", *t, 0, 1000000000, &n);
    if (!s.ok()) return s;
    c->rejected.limit = static_cast<size_t>(n);
  }
  EventFilter f;
  s = ParseEventFilter(v, now, &f);
  if (!s.ok()) return s;
  c->rejected.since = f.since;
  c->rejected.until = f.until;
  c->rejected.webhook = f.webhook;
  c->json = v.count("json") > 0;
  return Status::Ok();
}

Status ParseSendTest(const CtlValues& v, const std::vector<std::string>& positional, int64_t,
                     CtlCommand* c) {
  if (positional.size() != 1) return Usage("send-test takes one URL");
  c->url = positional[0];
  if (c->url.rfind("http://", 0) != 0 && c->url.rfind("https://", 0) != 0) {
    return Usage("the URL must begin with http:// or https://, not \"" + c->url + "\"");
  }
  if (const std::string* p = One(v, "provider")) {
    if (std::find(std::begin(kProviders), std::end(kProviders), *p) == std::end(kProviders)) {
      std::string names;
      for (const char* n : kProviders) names += std::string(names.empty() ? "" : ", ") + n;
      return Usage("--provider must be one of " + names + ", not \"" + *p + "\"");
    }
    c->provider = *p;
  }
  if (const std::string* k = One(v, "scheme")) {
    std::optional<SchemeKind> kind = ParseSchemeKind(*k);
    if (!kind) return Usage("--scheme: no scheme \"" + *k + "\"");
    c->scheme = *kind;
  }
  if (const std::string* w = One(v, "webhook")) {
    if (w->empty()) return Usage("--webhook must name a webhook of the config");
    c->send_test_webhook = *w;
  }
  if (const std::string* u = One(v, "public-url")) {
    if (u->rfind("http://", 0) != 0 && u->rfind("https://", 0) != 0) {
      return Usage("--public-url must begin with http:// or https://");
    }
    c->public_url = *u;
  }
  if (const std::string* f = One(v, "private-key-file")) {
    if (f->empty()) return Usage("--private-key-file must name a file");
    c->private_key_file = *f;
  }
  // The handshake (and so the validation key) is mobtexting's alone.
  const bool handshake =
      c->provider.value_or("mobtexting") == "mobtexting" &&
      (!c->scheme || *c->scheme == SchemeKind::kBearer || *c->scheme == SchemeKind::kNone);
  const std::string* token = One(v, "token");
  const std::string* token_file = One(v, "token-file");
  if (token && token_file) return Usage("--token and --token-file go one at a time");
  if (token_file) {
    if (token_file->empty()) return Usage("--token-file must name a file");
    c->token_file = *token_file;  // read by the command, so the key stays out of `ps`
  } else if (token && !token->empty()) {
    c->token = *token;
  } else if (handshake && c->send_test_webhook.empty()) {
    return Usage("send-test needs --token KEY or --token-file FILE (the validation key)");
  }
  if (One(v, "secret") && One(v, "secret-file")) {
    return Usage("--secret and --secret-file go one at a time");
  }
  if (const std::string* s = One(v, "secret")) {
    if (s->empty()) return Usage("--secret must not be empty");
    c->secret = *s;
  }
  if (const std::string* f = One(v, "secret-file")) c->secret_file = *f;
  if (const std::string* t = One(v, "timeout")) {
    int64_t n = 0;
    Status s = ParseCount("timeout", *t, 1, 300, &n);
    if (!s.ok()) return s;
    c->timeout_seconds = static_cast<int>(n);
  }
  if (const std::string* id = One(v, "id")) {
    if (id->empty()) return Usage("--id must not be empty");
    c->test_id = *id;
  }
  return Status::Ok();
}

Status ParsePurge(const CtlValues& v, const std::vector<std::string>&, int64_t now, CtlCommand* c) {
  const std::string* before = One(v, "before");
  if (!before) return Usage("purge needs --before TIME");
  Status s = ParseTime("before", *before, DayBound::kStart, now, &c->before);
  if (!s.ok()) return s;
  if (const std::string* t = One(v, "batch-size")) {
    int64_t n = 0;
    s = ParseCount("batch-size", *t, 1, 1000000, &n);
    if (!s.ok()) return s;
    c->batch_size = static_cast<size_t>(n);
  }
  c->dry_run = v.count("dry-run") > 0;
  // Rows received now are not old: a date in the future is a typing error.
  if (c->before > FormatUtcMillis(now)) {
    return Usage("--before " + c->before + " is in the future; purge deletes old rows only");
  }
  return Status::Ok();
}

Status ParseExport(const CtlValues& v, const std::vector<std::string>&, int64_t now,
                   CtlCommand* c) {
  if (const std::string* f = One(v, "format")) {
    if (*f == "csv") {
      c->format = ExportFormat::kCsv;
    } else if (*f == "jsonl") {
      c->format = ExportFormat::kJsonl;
    } else {
      return Usage("--format must be csv or jsonl, not \"" + *f + "\"");
    }
  }
  if (const std::string* o = One(v, "output")) {
    if (o->empty()) return Usage("--output must name a file");
    c->output = *o;
  }
  return ParseEventFilter(v, now, &c->filter);
}

Status ParseStats(const CtlValues& v, const std::vector<std::string>&, int64_t now, CtlCommand* c) {
  c->json = v.count("json") > 0;
  return ParseEventFilter(v, now, &c->filter);
}

// The event filter's options (export, stats; rejected takes some).
const CtlOption kSince = {"since", "TIME", false, "received at or after TIME"};
const CtlOption kUntil = {"until", "TIME", false,
                          "received before TIME (a date: up to the end of that day)"};
const CtlOption kStatus = {"status", "S[,S...]", true,
                           "with one of these statuses (any case; repeatable)"};
const CtlOption kWebhook = {"webhook", "NAME", false, "received by that webhook"};
const CtlOption kMessageId = {"id", "ID", false, "that message id"};

// A command's own options, then the event filter's.
std::vector<CtlOption> WithEventFilter(std::vector<CtlOption> options) {
  options.insert(options.end(), {kSince, kUntil, kStatus, kWebhook, kMessageId});
  return options;
}

// Each command's usage line of an option: the help in a column.
std::string OptionLine(const std::string& option, const std::string& help) {
  std::string line = "  " + option;
  if (line.size() < 20) line.resize(20, ' ');
  return line + "  " + help + "\n";
}

std::string OptionLine(const CtlOption& o) {
  return OptionLine(std::string("--") + o.name + (o.value ? std::string(" ") + o.value : ""),
                    o.help);
}

const CtlCommandSpec* Find(const std::string& name) {
  for (const CtlCommandSpec& spec : CtlCommands()) {
    if (name == spec.name) return &spec;
  }
  return nullptr;
}

std::string GeneralUsage() {
  std::string text =
      "usage: dlrctl COMMAND [OPTIONS]      (dlrctl COMMAND --help for its options)\n"
      "\n"
      "commands:\n";
  for (const CtlCommandSpec& spec : CtlCommands()) {
    std::string line = std::string("  ") + spec.name;
    line.resize(std::max<size_t>(line.size() + 1, 17), ' ');
    text += line + spec.summary + "\n";
  }
  return text +
         "\n"
         "Every command but send-test (without --webhook) reads the config named by\n"
         "--config PATH, else\n"
         "$DLR_WEBHOOK_CONFIG, else " +
         kDefaultConfigPath +
         ".\n"
         "Exit status: 0 done, 1 failed (the reason on stderr), 2 usage error.\n"
         "Options: --help, --version\n";
}

}  // namespace

const std::vector<CtlCommandSpec>& CtlCommands() {
  static const std::vector<CtlCommandSpec> commands = {
      {"init",
       "create the database schema, or upgrade it (idempotent)",
       "[--config PATH]",
       "Creates the database schema, or upgrades an older one, recording each\n"
       "migration in the database. Idempotent; safe beside running responders.",
       {}},
      {"check-config",
       "validate the config, list its webhooks, reach the database, warn",
       "[--config PATH]",
       "Validates the config (exit 1 for an invalid one, naming the key), lists its\n"
       "webhooks, tries the database (creating nothing), and prints a line\n"
       "\"warning: ...\" for each thing to fix (exit 0).",
       {}},
      {"export", "write the stored events as CSV or JSON lines",
       "[--format csv|jsonl] [--output FILE] [filters]",
       "Writes the stored events, oldest first, as CSV (RFC 4180, a header row) or\n"
       "JSON lines, to stdout or FILE (written whole, then renamed into place).\n"
       "Rows are streamed: memory stays flat whatever the table's size.",
       WithEventFilter({{"format", "csv|jsonl", false, "the format (default csv)"},
                        {"output", "FILE", false, "write to FILE instead of stdout"}}),
       true, nullptr, ParseExport},
      {"stats", "count the events by status, provider, location and day", "[--json] [filters]",
       "Counts the events by status, provider, location and day (UTC), each by the\n"
       "class stored with it (its provider's: Twilio's undelivered is failed, sent\n"
       "pending; our own platform's: DELIVRD delivered, AWAITING-DLR pending, any\n"
       "other status failed), with the delivered and failed rates among final events.",
       WithEventFilter({{"json", nullptr, false, "one JSON object instead of tables"}}), true,
       nullptr, ParseStats},
      {"rejected",
       "list the refused requests, show one, or replay one",
       "[--since TIME] [--until TIME] [--webhook NAME]\n"
       "                      [--limit N] [--json]\n"
       "       dlrctl rejected --show SEQ\n"
       "       dlrctl rejected --replay SEQ [--body FILE] [--content-type TYPE]",
       "Lists the requests refused as 400 or 422, newest first (--limit, default " +
           std::to_string(kDefaultRejectedLimit) +
           ", 0 for all; --json: one JSON object a line, raw body included).\n"
           "--show prints one's raw body, byte for byte. --replay sends it again through\n"
           "the responder's own parsing and storage, as it was or with the repaired body\n"
           "of FILE (- for stdin), prints the answer, and records the replay in the row;\n"
           "exit 0 when the answer is 200.",
       {kSince,
        kUntil,
        kWebhook,
        {"limit", "N", false, "list N at most (0 for all)"},
        {"json", nullptr, false, "one JSON object a line instead of a table"},
        {"show", "SEQ", false, "print that refused request's raw body"},
        {"replay", "SEQ", false, "send that refused request again"},
        {"body", "FILE", false, "replay with FILE's body instead (- for stdin)"},
        {"content-type", "TYPE", false, "replay with that content type"}},
       true,
       nullptr,
       ParseRejected},
      {"send-test",
       "play the SMS platform against a webhook URL",
       "URL (--token KEY | --token-file FILE) [--secret S | --secret-file FILE]\n"
       "                       [--timeout SECONDS] [--id ID]\n"
       "       dlrctl send-test URL --webhook NAME [--config PATH] [--secret-file FILE]\n"
       "                       [--private-key-file FILE] [--public-url URL]\n"
       "       dlrctl send-test URL --provider P [--scheme S] [--secret-file FILE]\n"
       "                       [--private-key-file FILE] [--public-url URL]",
       "Plays the SMS platform against a deployed webhook URL and checks each answer:\n"
       "  1. the verification request (token and a challenge): the challenge comes back\n"
       "  2. a sample DLR with the bearer secret: stored 1\n"
       "  3. the same DLR again: counted as a duplicate\n"
       "  4. a wrong secret: 401 (skipped without a secret)\n"
       "Prints each step; stops and exits 1 at the first failure. The sample DLR\n"
       "(status DELIVRD, provider \"dlrctl\", id dlrctl-send-test-... or --id) is\n"
       "stored like any other.\n"
       "With another --provider (twilio, vonage, plivo, infobip, telnyx, kannel) or\n"
       "--scheme (hmac, standard-webhooks, basic), or --webhook NAME (its provider,\n"
       "scheme, secrets and public_url from the config), it plays that platform: a DLR\n"
       "shaped and signed as the platform sends it (stored 1), the same again\n"
       "(duplicates 1), and one with a wrong signature (401); no handshake. Secrets\n"
       "come from the config or from files: --secret-file (the auth token, signature\n"
       "secret, HMAC key, whsec_ secret, or user:password for basic), and the Telnyx\n"
       "Ed25519 private key in PEM from --private-key-file.",
       {{"token", "KEY", false, "the webhook's validation_key (seen by `ps`: see --token-file)"},
        {"token-file", "FILE", false, "the validation_key, read from FILE"},
        {"secret", "S", false, "its bearer secret (seen by `ps`: see --secret-file)"},
        {"secret-file", "FILE", false, "its secret (bearer, token, key), read from FILE"},
        {"webhook", "NAME", false, "sign as the config's webhook NAME does"},
        {"provider", "P", false, "the platform to play (default mobtexting)"},
        {"scheme", "S", false, "the proof, when not the provider's own"},
        {"public-url", "URL", false, "the URL twilio and plivo sign (default: URL)"},
        {"private-key-file", "FILE", false, "telnyx: the Ed25519 private key (PEM)"},
        {"timeout", "SECONDS", false,
         "per request (default " + std::to_string(kDefaultSendTestTimeout) + ")"},
        {"id", "ID", false, "the sample DLR's message id"}},
       true,
       "URL",
       ParseSendTest},
      {"purge",
       "delete the rows older than a date",
       "--before TIME [--batch-size N] [--dry-run]",
       "Deletes the events and the refused requests received before TIME, and the\n"
       "messages last updated before it, in transactions of at most N rows (default " +
           std::to_string(kDefaultPurgeBatch) +
           ")\nso that the responders never wait long. --dry-run counts them only.",
       {{"before", "TIME", false, "the rows received before TIME"},
        {"batch-size", "N", false, "rows a transaction at most"},
        {"dry-run", nullptr, false, "count the rows only"}},
       true,
       nullptr,
       ParsePurge},
  };
  return commands;
}

StatusOr<CtlCommand> ParseCtlArgs(const std::vector<std::string>& args, int64_t now_millis,
                                  std::string* command_name) {
  command_name->clear();
  CtlCommand c;
  if (args.empty()) return Usage("a command is required");
  const std::string& first = args[0];
  if (first == "--help" || first == "-h" || first == "help") {
    c.name = "help";
    return c;
  }
  if (first == "--version") {
    c.name = "version";
    return c;
  }
  const CtlCommandSpec* spec = Find(first);
  if (!spec) return Usage("unknown command \"" + first + "\"");
  c.name = first;
  *command_name = first;
  for (size_t i = 1; i < args.size() && args[i] != "--"; ++i) {
    if (args[i] == "--help" || args[i] == "-h") {
      c.help = true;
      return c;
    }
  }
  static const CtlOption kConfig = {"config", "PATH", false, ""};
  CtlValues values;
  std::vector<std::string> positional;
  bool options_done = false;
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (options_done || a.size() < 2 || a[0] != '-') {
      positional.push_back(a);
      continue;
    }
    if (a == "--") {
      options_done = true;
      continue;
    }
    if (a.rfind("--", 0) != 0) return Usage("unknown option \"" + a + "\"");
    std::string name = a.substr(2);
    std::optional<std::string> value;
    size_t eq = name.find('=');
    if (eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
    }
    const CtlOption* found = spec->reads_config && name == kConfig.name ? &kConfig : nullptr;
    for (const CtlOption& o : spec->options) {
      if (name == o.name) found = &o;
    }
    if (!found) return Usage("unknown option \"--" + name + "\" for " + c.name);
    const bool takes_value = found->value != nullptr;
    if (takes_value && !value) {
      if (i + 1 >= args.size()) return Usage("--" + name + " needs a value");
      value = args[++i];
    } else if (!takes_value && value) {
      return Usage("--" + name + " takes no value");
    }
    std::vector<std::string>& slot = values[name];
    if (!slot.empty() && !found->repeatable) return Usage("--" + name + " is given twice");
    slot.push_back(value.value_or(""));
  }
  if (!spec->positional && !positional.empty()) {
    return Usage("unexpected argument \"" + positional[0] + "\"");
  }
  if (const std::string* cfg = One(values, "config")) {
    if (cfg->empty()) return Usage("--config must name a file");
    c.config = *cfg;
  }
  if (spec->parse) {
    Status s = spec->parse(values, positional, now_millis, &c);
    if (!s.ok()) return s;
  }
  return c;
}

std::string CtlUsage(const std::string& command) {
  const CtlCommandSpec* spec = Find(command);
  if (!spec) return GeneralUsage();
  std::string text = std::string("usage: dlrctl ") + spec->name + " " + spec->synopsis + "\n\n" +
                     spec->description + "\n\n";
  bool takes_time = false;
  for (const CtlOption& o : spec->options) {
    text += OptionLine(o);
    if (o.value && std::string(o.value) == "TIME") takes_time = true;
  }
  if (spec->reads_config) {
    text += OptionLine("--config PATH", std::string("the config (else $DLR_WEBHOOK_CONFIG, else ") +
                                            kDefaultConfigPath + ")");
  }
  if (takes_time) text += std::string("\n") + kTimeHelp;
  return text;
}

}  // namespace dlr
