#include "common/store/store.h"

namespace dlr {

StatusOr<BatchResult> Store::StoreBatch(const Batch& batch) {
  std::vector<BatchResult> results;
  Status s = Commit({&batch}, &results);
  if (!s.ok()) return s;
  if (results.size() != 1) return Status::Internal("the store returned no result");
  return results[0];
}

StatusOr<std::vector<Row>> Store::Query(const std::string&, const std::vector<std::string>&) {
  return Status::Internal("this store does not run queries");
}

}  // namespace dlr
