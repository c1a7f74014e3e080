// A temporary directory for a test, removed with everything in it when the
// TempDir goes out of scope.
#ifndef DLR_TESTS_TEMP_DIR_H_
#define DLR_TESTS_TEMP_DIR_H_

#include <stdlib.h>

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <string>
#include <system_error>

namespace dlr {
namespace test {

class TempDir {
 public:
  // `name` shows in the directory's name: /tmp/dlr_<name>.XXXXXX.
  explicit TempDir(const std::string& name) {
    std::string tmpl = "/tmp/dlr_" + name + ".XXXXXX";
    char* d = mkdtemp(tmpl.data());
    BOOST_TEST_REQUIRE(d != nullptr);
    path_ = d;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  // The path of `name` inside the directory.
  std::string File(const std::string& name) const { return path_ + "/" + name; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace test
}  // namespace dlr

#endif  // DLR_TESTS_TEMP_DIR_H_
