#include "common/store/store.h"

namespace dlr {

StatusOr<BatchResult> StoreWriter::StoreBatch(const Batch& batch) {
  std::vector<BatchResult> results;
  Status s = Commit({&batch}, &results);
  if (!s.ok()) return s;
  if (results.size() != 1) return Status::Internal("the store returned no result");
  return results[0];
}

}  // namespace dlr
