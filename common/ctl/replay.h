// `dlrctl rejected --replay`: a refused request rebuilt from its row of
// dlr_rejected, to go through HandleRequest (the responder's own parsing
// and storage path) again, as it was or with a repaired body. Pure.
#ifndef DLR_COMMON_CTL_REPLAY_H_
#define DLR_COMMON_CTL_REPLAY_H_

#include <optional>
#include <string>

#include "common/http/http.h"
#include "common/store/reader.h"
#include "common/store/store.h"
#include "common/webhook/config.h"

namespace dlr {

// The request `row` was, addressed to its webhook (found by name in
// `config`: its path, or "/" for a webhook answering every path) with the
// webhook's first secret as bearer, the stored method (POST for rows older
// than schema 2), content type, query string and body. `body` (with
// `content_type`, when given) replaces the stored body; a GET that had none
// is then sent as a POST. A body over max_body_bytes is
// marked too large, as the responder would. remote_addr reads
// "dlrctl replay of <seq>". NotFound when the webhook is no longer in the
// config.
StatusOr<Request> ReplayRequest(const RejectedRow& row, const Config& config,
                                const std::optional<std::string>& body,
                                const std::optional<std::string>& content_type);

// The writer a replay goes through: everything reaches `base`, except that a
// request refused again is not kept as a new row (its row is already there;
// the operator sees the answer). Does not own `base`.
class ReplayStore : public StoreWriter {
 public:
  explicit ReplayStore(StoreWriter* base) : base_(base) {}
  Status EnsureSchema() override { return base_->EnsureSchema(); }
  Status Commit(const std::vector<const Batch*>& batches,
                std::vector<BatchResult>* results) override {
    return base_->Commit(batches, results);
  }
  Status RecordRejected(const Rejected&) override { return Status::Ok(); }

 private:
  StoreWriter* const base_;
};

}  // namespace dlr

#endif  // DLR_COMMON_CTL_REPLAY_H_
