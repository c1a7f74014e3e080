#include "common/store/database.h"

namespace dlr {

StatusOr<std::vector<Row>> Database::Query(const std::string& sql,
                                           const std::vector<std::string>& params) {
  std::vector<Row> rows;
  Status s = QueryEach(sql, params, [&rows](const Row& row) {
    rows.push_back(row);
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return rows;
}

}  // namespace dlr
