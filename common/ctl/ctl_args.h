// dlrctl's command line: one table of the commands (CtlCommands: each one's
// name, summary, options with their help, usage text and checks), from which
// the parsing, the general usage and each command's usage are derived;
// dlrctl binds each name to the function that runs it. Pure: the current time
// (for today, yesterday and a purge date in the future) is a parameter.
#ifndef DLR_COMMON_CTL_CTL_ARGS_H_
#define DLR_COMMON_CTL_CTL_ARGS_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/base/status.h"
#include "common/ctl/export_format.h"
#include "common/store/reader.h"
#include "common/webhook/signature.h"

namespace dlr {

inline constexpr size_t kDefaultRejectedLimit = 50;
inline constexpr size_t kDefaultPurgeBatch = 5000;
inline constexpr int kDefaultSendTestTimeout = 10;

// One parsed dlrctl command line. Only the members of `name` are set.
struct CtlCommand {
  std::string name;    // "help", "version", or the name of one of CtlCommands()
  bool help = false;   // --help: print the command's usage, do nothing else
  std::string config;  // --config ("" = DLR_WEBHOOK_CONFIG, else the default)

  EventFilter filter;  // export, stats
  ExportFormat format = ExportFormat::kCsv;
  std::string output;  // export --output ("" = stdout)
  bool json = false;   // stats --json, rejected --json

  RejectedFilter rejected;                  // rejected (the list)
  int64_t show = 0;                         // rejected --show SEQ
  int64_t replay = 0;                       // rejected --replay SEQ
  std::optional<std::string> body_file;     // --body FILE ("-": stdin)
  std::optional<std::string> content_type;  // --content-type TYPE

  std::string url, token;                 // send-test URL --token KEY
  std::optional<std::string> token_file;  // send-test --token-file FILE
  std::optional<std::string> secret, secret_file;
  std::optional<std::string> provider;          // send-test --provider
  std::optional<SchemeKind> scheme;             // send-test --scheme
  std::string send_test_webhook;                // send-test --webhook ("" = none)
  std::string public_url;                       // send-test --public-url
  std::optional<std::string> private_key_file;  // send-test --private-key-file
  int timeout_seconds = kDefaultSendTestTimeout;
  std::string test_id;  // --id ("" = made up)

  std::string before;  // purge --before
  size_t batch_size = kDefaultPurgeBatch;
  bool dry_run = false;
};

// The options of a command, as parsed: each option's values in the order
// given (one unless the option is repeatable; "" for a flag).
using CtlValues = std::map<std::string, std::vector<std::string>>;

// One option of a command (--config aside: see CtlCommandSpec::reads_config).
struct CtlOption {
  const char* name;   // "since" for --since
  const char* value;  // its value's name in the usage ("TIME"), nullptr for a flag
  bool repeatable;    // may be given more than once
  std::string help;   // one line in the command's usage
};

// Checks a command's values and positional arguments, fills the command's
// members of `*c`; InvalidArgument (a usage error) names the argument at fault.
using CtlParseFn = Status (*)(const CtlValues& values, const std::vector<std::string>& positional,
                              int64_t now_millis, CtlCommand* c);

// One dlrctl command: what the general usage, its own usage and the parsing
// are made of. The dispatch to the function that runs it is dlrctl's.
struct CtlCommandSpec {
  const char* name;         // "export"
  const char* summary;      // its line in the general usage
  const char* synopsis;     // its usage's first line(s), after "usage: dlrctl NAME "
  std::string description;  // what it does, one paragraph or more
  std::vector<CtlOption> options;
  bool reads_config = true;          // takes --config PATH
  const char* positional = nullptr;  // the name of its one positional argument ("URL"), if any
  CtlParseFn parse = nullptr;        // nullptr: nothing to check beyond the options
};

// Every command, in the general usage's order. Lives as long as the program.
const std::vector<CtlCommandSpec>& CtlCommands();

// Parses the arguments after the program name. InvalidArgument (a usage
// error: exit 2) names the argument at fault; the command is then in
// `*command_name` when it was recognised, for its usage.
StatusOr<CtlCommand> ParseCtlArgs(const std::vector<std::string>& args, int64_t now_millis,
                                  std::string* command_name);

// The usage text of `command`, or the general one for "" or an unknown name.
std::string CtlUsage(const std::string& command);

}  // namespace dlr

#endif  // DLR_COMMON_CTL_CTL_ARGS_H_
