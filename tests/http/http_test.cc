// common/http/http.h: the reason phrases, loopback addresses and the
// normal-path check, from tables of good and bad inputs.
#define BOOST_TEST_DYN_LINK
#include "common/http/http.h"

#include <boost/test/unit_test.hpp>
#include <string>

namespace dlr {
namespace {

BOOST_AUTO_TEST_SUITE(http)

BOOST_AUTO_TEST_CASE(normal_paths) {
  for (const char* p : {"", "/", "/receive/callback", "/receive/callback/", "/dlr/status/api.json",
                        "/a.b/c..d/.e/f.", "/...", "/%2e"}) {
    BOOST_TEST(PathIsNormal(p), p);
  }
}

BOOST_AUTO_TEST_CASE(dot_and_empty_segments_are_not_normal) {
  for (const char* p :
       {"receive", "/.", "/..", "/./receive", "/receive/./callback", "/receive/..",
        "/dlr/status/../../receive/callback", "/receive/callback/.", "/receive/callback/..",
        "//receive/callback", "/receive//callback", "/receive/callback//", "/dlr/status/./"}) {
    BOOST_TEST(!PathIsNormal(p), p);
  }
}

BOOST_AUTO_TEST_CASE(loopback_addresses) {
  BOOST_TEST(IsLoopback("127.0.0.1"));
  BOOST_TEST(IsLoopback("::1"));
  BOOST_TEST(!IsLoopback("127.0.0.2"));
  BOOST_TEST(!IsLoopback("203.0.113.7"));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace dlr
