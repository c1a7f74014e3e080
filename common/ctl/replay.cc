#include "common/ctl/replay.h"

namespace dlr {

StatusOr<Request> ReplayRequest(const RejectedRow& row, const Config& config,
                                const std::optional<std::string>& body,
                                const std::optional<std::string>& content_type) {
  const Rejected& r = row.rejected;
  const Webhook* w = nullptr;
  for (const Webhook& candidate : config.webhooks) {
    if (candidate.name == r.webhook) w = &candidate;
  }
  if (!w) {
    return Status::NotFound("refused request " + std::to_string(row.seq) + " came to webhook \"" +
                            r.webhook + "\", which is not in the config " + config.source);
  }
  Request req;
  req.path = w->path ? *w->path : "/";
  if (!w->secrets.empty()) req.authorization = "Bearer " + w->secrets[0];
  req.remote_addr = "dlrctl replay of " + std::to_string(row.seq);
  req.method = r.method.empty() ? "POST" : r.method;
  req.content_type = content_type ? *content_type : r.content_type;
  // Rows since schema 2 say where raw came from: with `query` set it is the
  // body; without, the query string of a request with no body. Older rows
  // are taken as bodies (by far the common case).
  const bool raw_is_query = !r.method.empty() && !r.query;
  if (body) {
    req.body = *body;
    req.query = raw_is_query ? "" : r.query.value_or("");
    if (raw_is_query && req.method == "GET") req.method = "POST";
  } else if (raw_is_query) {
    req.query = r.raw;
  } else {
    req.body = r.raw;
    req.query = r.query.value_or("");
  }
  if (req.body.size() > config.max_body_bytes) req.body_state = BodyState::kTooLarge;
  return req;
}

}  // namespace dlr
