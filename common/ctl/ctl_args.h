// dlrctl's command line: each command, its options, their checks and its
// usage text. Pure: the current time (for today, yesterday and a purge date
// in the future) is a parameter.
#ifndef DLR_COMMON_CTL_CTL_ARGS_H_
#define DLR_COMMON_CTL_CTL_ARGS_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/base/status.h"
#include "common/ctl/export_format.h"
#include "common/store/reader.h"

namespace dlr {

inline constexpr size_t kDefaultRejectedLimit = 50;
inline constexpr size_t kDefaultPurgeBatch = 5000;
inline constexpr int kDefaultSendTestTimeout = 10;

// One parsed dlrctl command line. Only the members of `name` are set.
struct CtlCommand {
  std::string name;    // "help", "version", "init", "check-config", "export", "stats",
                       // "rejected", "send-test", "purge"
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

  std::string url, token;  // send-test URL --token KEY
  std::optional<std::string> secret, secret_file;
  int timeout_seconds = kDefaultSendTestTimeout;
  std::string test_id;  // --id ("" = made up)

  std::string before;  // purge --before
  size_t batch_size = kDefaultPurgeBatch;
  bool dry_run = false;
};

// Parses the arguments after the program name. InvalidArgument (a usage
// error: exit 2) names the argument at fault; the command is then in
// `*command_name` when it was recognised, for its usage.
StatusOr<CtlCommand> ParseCtlArgs(const std::vector<std::string>& args, int64_t now_millis,
                                  std::string* command_name);

// The usage text of `command`, or the general one for "" or an unknown name.
std::string CtlUsage(const std::string& command);

}  // namespace dlr

#endif  // DLR_COMMON_CTL_CTL_ARGS_H_
