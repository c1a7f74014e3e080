#define BOOST_TEST_DYN_LINK
#include "common/base/status.h"

#include <boost/test/unit_test.hpp>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "tests/testing/test_util.h"

namespace dlr {

namespace {

struct NamedConstructor {
  Status status;
  StatusCode code;
  const char* name;
};

std::vector<NamedConstructor> AllErrors() {
  return {
      {Status::InvalidArgument("m"), StatusCode::kInvalidArgument, "invalid argument"},
      {Status::Unprocessable("m"), StatusCode::kUnprocessable, "unprocessable"},
      {Status::Unauthenticated("m"), StatusCode::kUnauthenticated, "unauthenticated"},
      {Status::PermissionDenied("m"), StatusCode::kPermissionDenied, "permission denied"},
      {Status::NotFound("m"), StatusCode::kNotFound, "not found"},
      {Status::MethodNotAllowed("m"), StatusCode::kMethodNotAllowed, "method not allowed"},
      {Status::TooLarge("m"), StatusCode::kTooLarge, "too large"},
      {Status::Unavailable("m"), StatusCode::kUnavailable, "unavailable"},
      {Status::Internal("m"), StatusCode::kInternal, "internal"},
  };
}

}  // namespace

BOOST_AUTO_TEST_SUITE(StatusTest)

BOOST_AUTO_TEST_CASE(DefaultIsOkWithNoMessage) {
  Status s;
  BOOST_TEST(s.ok());
  BOOST_TEST(s.code() == StatusCode::kOk);
  BOOST_TEST(s.message().empty());
  BOOST_TEST(s.ToString() == "ok");
  BOOST_TEST(Status::Ok().ok());
  BOOST_TEST(Status::Ok().ToString() == "ok");
}

BOOST_AUTO_TEST_CASE(EachNamedConstructorSetsItsCodeAndKeepsTheMessage) {
  for (const NamedConstructor& c : AllErrors()) {
    BOOST_TEST_CONTEXT("code " << c.name) {
      BOOST_TEST(!c.status.ok());
      BOOST_TEST(c.status.code() == c.code);
      BOOST_TEST(c.status.message() == "m");
    }
  }
}

BOOST_AUTO_TEST_CASE(ToStringIsCodeNameColonMessage) {
  for (const NamedConstructor& c : AllErrors()) {
    BOOST_TEST(c.status.ToString() == std::string(c.name) + ": m");
    BOOST_TEST(StatusCodeName(c.code) == std::string(c.name));
  }
  BOOST_TEST(Status::NotFound("no webhook at /x").ToString() == "not found: no webhook at /x");
}

BOOST_AUTO_TEST_CASE(CodeNamesAreDistinct) {
  std::set<std::string> names{StatusCodeName(StatusCode::kOk)};
  for (const NamedConstructor& c : AllErrors()) names.insert(StatusCodeName(c.code));
  BOOST_TEST(names.size() == AllErrors().size() + 1);
}

BOOST_AUTO_TEST_CASE(CopiesAreEqualAndIndependent) {
  Status a = Status::Unavailable("locked");
  Status b = a;
  BOOST_TEST(b.code() == StatusCode::kUnavailable);
  BOOST_TEST(b.message() == "locked");
  a = Status::Ok();
  BOOST_TEST(a.ok());
  BOOST_TEST(!b.ok());
  BOOST_TEST(b.message() == "locked");
}

BOOST_AUTO_TEST_CASE(StatusOrHoldsAValue) {
  StatusOr<std::string> v(std::string("hello"));
  BOOST_TEST(v.ok());
  BOOST_TEST(v.status().ok());
  BOOST_TEST(v.value() == "hello");
  v.value() += "!";
  BOOST_TEST(v.value() == "hello!");
  std::string moved = std::move(v).value();
  BOOST_TEST(moved == "hello!");
}

BOOST_AUTO_TEST_CASE(StatusOrHoldsAnError) {
  StatusOr<int> v(Status::TooLarge("too big"));
  BOOST_TEST(!v.ok());
  BOOST_TEST(v.status().code() == StatusCode::kTooLarge);
  BOOST_TEST(v.status().message() == "too big");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace dlr
