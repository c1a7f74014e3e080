// Fuzz target: loading and validating the config (ParseConfig), then the
// lookups a running responder makes with it.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/webhook/config.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  dlr::StatusOr<dlr::Config> c = dlr::ParseConfig(text, "/base");
  if (!c.ok()) {
    FUZZ_CHECK(c.status().code() == dlr::StatusCode::kInvalidArgument);
    FUZZ_CHECK(!c.status().message().empty());
    return 0;
  }
  const dlr::Config& config = c.value();
  FUZZ_CHECK(!config.database.empty());
  FUZZ_CHECK(!config.webhooks.empty());
  FUZZ_CHECK(config.max_body_bytes >= 1 && config.max_body_bytes <= dlr::kMaxMaxBodyBytes);
  FUZZ_CHECK(config.limits.max_array_length >= 1 &&
             config.limits.max_array_length <= dlr::kMaxMaxArrayLength);
  FUZZ_CHECK(config.limits.max_field_bytes >= 1 &&
             config.limits.max_field_bytes <= dlr::kMaxMaxBodyBytes);
  FUZZ_CHECK(config.limits.max_json_depth >= 1 &&
             config.limits.max_json_depth <= dlr::kMaxMaxJsonDepth);
  for (const dlr::Webhook& w : config.webhooks) {
    FUZZ_CHECK(!w.name.empty());
    for (const std::string& s : w.secrets) FUZZ_CHECK(!s.empty());
    if (w.path) {
      FUZZ_CHECK(!w.path->empty() && (*w.path)[0] == '/');
      const dlr::Webhook* found = dlr::FindWebhook(config, *w.path);
      FUZZ_CHECK(found != nullptr);
      FUZZ_CHECK(dlr::FindWebhook(config, *w.path + "/") == found);
    }
  }
  (void)dlr::ConfigWarnings(config);
  std::string shown = dlr::RedactDatabase(config.database);
  FUZZ_CHECK(!shown.empty());
  return 0;
}
