#define BOOST_TEST_DYN_LINK
#include "common/http/cgi_env.h"

#include <boost/test/unit_test.hpp>
#include <limits>
#include <map>
#include <string>

namespace dlr {
namespace {

using Vars = std::map<std::string, std::string>;

Request FromVars(const Vars& vars) {
  return RequestFromParams([&vars](const char* name) -> const char* {
    auto it = vars.find(name);
    return it == vars.end() ? nullptr : it->second.c_str();
  });
}

struct PathCase {
  Vars vars;
  std::string want_path;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(RequestFromParamsTest)

BOOST_AUTO_TEST_CASE(CopiesTheRequestVariables) {
  Request r = FromVars({{"REQUEST_METHOD", "POST"},
                        {"REQUEST_URI", "/receive/callback?token=9012XX"},
                        {"QUERY_STRING", "token=9012XX"},
                        {"CONTENT_TYPE", "application/json"},
                        {"HTTP_AUTHORIZATION", "Bearer 1233XXX"},
                        {"REMOTE_ADDR", "203.0.113.7"}});
  BOOST_TEST(r.method == "POST");
  BOOST_TEST(r.path == "/receive/callback");
  BOOST_TEST(r.query == "token=9012XX");
  BOOST_TEST(r.content_type == "application/json");
  BOOST_TEST(r.authorization == "Bearer 1233XXX");
  BOOST_TEST(r.remote_addr == "203.0.113.7");
  BOOST_TEST(r.body.empty());
  BOOST_TEST(static_cast<int>(r.body_state) == static_cast<int>(BodyState::kComplete));
}

BOOST_AUTO_TEST_CASE(MissingVariablesGiveEmptyFields) {
  Request r = FromVars({});
  BOOST_TEST(r.method.empty());
  BOOST_TEST(r.path.empty());
  BOOST_TEST(r.query.empty());
  BOOST_TEST(r.content_type.empty());
  BOOST_TEST(r.authorization.empty());
  BOOST_TEST(r.remote_addr.empty());
}

BOOST_AUTO_TEST_CASE(PathComesFromRequestUriThenDocumentUriThenScriptNameAndPathInfo) {
  const PathCase cases[] = {
      {{{"REQUEST_URI", "/receive/callback"}}, "/receive/callback"},
      {{{"REQUEST_URI", "/receive/callback?token=1&x=2"}}, "/receive/callback"},
      {{{"REQUEST_URI", "/a?b?c"}}, "/a"},
      {{{"REQUEST_URI", "/r?"}}, "/r"},
      {{{"REQUEST_URI", "/from/uri"}, {"DOCUMENT_URI", "/from/doc"}}, "/from/uri"},
      {{{"DOCUMENT_URI", "/from/doc"}}, "/from/doc"},
      {{{"REQUEST_URI", ""}, {"DOCUMENT_URI", "/from/doc"}}, "/from/doc"},
      {{{"DOCUMENT_URI", "/from/doc"}, {"SCRIPT_NAME", "/cgi-bin/dlr"}}, "/from/doc"},
      {{{"SCRIPT_NAME", "/cgi-bin/dlr-webhook"}, {"PATH_INFO", "/receive"}},
       "/cgi-bin/dlr-webhook/receive"},
      {{{"SCRIPT_NAME", "/cgi-bin/dlr-webhook"}}, "/cgi-bin/dlr-webhook"},
      {{{"PATH_INFO", "/receive"}}, "/receive"},
      // Decoded, '+' kept as '+' (a path is not a form).
      {{{"REQUEST_URI", "/receive%2Fx/call%20back?q=%20"}}, "/receive/x/call back"},
      {{{"REQUEST_URI", "/a+b"}}, "/a+b"},
      // A path that does not decode is kept as sent: it matches no webhook.
      {{{"REQUEST_URI", "/100%zz"}}, "/100%zz"},
  };
  for (const PathCase& c : cases) {
    std::string desc;
    for (const auto& kv : c.vars) desc += kv.first + "=" + kv.second + " ";
    BOOST_TEST_CONTEXT("vars: " << desc) { BOOST_TEST(FromVars(c.vars).path == c.want_path); }
  }
}

BOOST_AUTO_TEST_CASE(QueryStringIsKeptEncoded) {
  Request r = FromVars({{"REQUEST_URI", "/r?a=%20b+c"}, {"QUERY_STRING", "a=%20b+c"}});
  BOOST_TEST(r.query == "a=%20b+c");
}

BOOST_AUTO_TEST_CASE(AuthorizationFallsBackToRedirectHttpAuthorization) {
  BOOST_TEST(FromVars({{"REDIRECT_HTTP_AUTHORIZATION", "Bearer abc"}}).authorization ==
             "Bearer abc");
  BOOST_TEST(FromVars({{"HTTP_AUTHORIZATION", ""}, {"REDIRECT_HTTP_AUTHORIZATION", "Bearer abc"}})
                 .authorization == "Bearer abc");
  BOOST_TEST(FromVars({{"HTTP_AUTHORIZATION", "Bearer first"},
                       {"REDIRECT_HTTP_AUTHORIZATION", "Bearer second"}})
                 .authorization == "Bearer first");
}

BOOST_AUTO_TEST_CASE(ValuesAreCopiedNotReferenced) {
  Vars vars = {{"REQUEST_METHOD", "PUT"}, {"REQUEST_URI", "/p"}, {"REMOTE_ADDR", "10.0.0.1"}};
  Request r = FromVars(vars);
  vars.clear();  // frees the strings the lookup returned
  BOOST_TEST(r.method == "PUT");
  BOOST_TEST(r.path == "/p");
  BOOST_TEST(r.remote_addr == "10.0.0.1");
}

BOOST_AUTO_TEST_CASE(RequestIdComesFromTheWebServer) {
  BOOST_TEST(FromVars({{"REQUEST_ID", "0f1e2d3c4b5a69788796a5b4c3d2e1f0"}}).request_id ==
             "0f1e2d3c4b5a69788796a5b4c3d2e1f0");
  BOOST_TEST(FromVars({{"HTTP_X_REQUEST_ID", "req-1.a_B"}}).request_id == "req-1.a_B");
  BOOST_TEST(FromVars({{"REQUEST_ID", "nginx"}, {"HTTP_X_REQUEST_ID", "header"}}).request_id ==
             "nginx");
}

BOOST_AUTO_TEST_CASE(AnUnfitRequestIdIsReplacedByANewOne) {
  for (const std::string& bad : {std::string("a b"), std::string("x\ny"), std::string(65, 'a'),
                                 std::string("sec=ret"), std::string("")}) {
    std::string id = FromVars({{"HTTP_X_REQUEST_ID", bad}}).request_id;
    BOOST_TEST(id != bad);
    BOOST_TEST(id.size() == 16u);
  }
  std::string a = FromVars({}).request_id, b = FromVars({}).request_id;
  BOOST_TEST(a.size() == 16u);
  BOOST_TEST(a.find_first_not_of("0123456789abcdef") == std::string::npos);
  BOOST_TEST(a != b);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(PlanBodyTest)

struct PlanCase {
  const char* content_length;  // nullptr: absent
  size_t max;
  BodyState want_state;
  size_t want_length;
};

BOOST_AUTO_TEST_CASE(DecidesFromContentLengthAlone) {
  const PlanCase cases[] = {
      {nullptr, 100, BodyState::kComplete, 0},
      {"", 100, BodyState::kComplete, 0},
      {"0", 100, BodyState::kComplete, 0},
      {"12", 100, BodyState::kComplete, 12},
      {"012", 100, BodyState::kComplete, 12},
      {"100", 100, BodyState::kComplete, 100},  // exactly the maximum
      {"101", 100, BodyState::kTooLarge, 0},    // one over
      {"65536", 65536, BodyState::kComplete, 65536},
      {"65537", 65536, BodyState::kTooLarge, 0},
      {"18446744073709551615", 65536, BodyState::kTooLarge, 0},  // SIZE_MAX: a number
      {"-1", 100, BodyState::kBadLength, 0},
      {"+12", 100, BodyState::kBadLength, 0},
      {"1e3", 100, BodyState::kBadLength, 0},
      {" 12", 100, BodyState::kBadLength, 0},
      {"12 ", 100, BodyState::kBadLength, 0},
      {"1 2", 100, BodyState::kBadLength, 0},
      {"12abc", 100, BodyState::kBadLength, 0},
      {"0x10", 100, BodyState::kBadLength, 0},
      {"1.5", 100, BodyState::kBadLength, 0},
      {"abc", 100, BodyState::kBadLength, 0},
      {" ", 100, BodyState::kBadLength, 0},
  };
  for (const PlanCase& c : cases) {
    BOOST_TEST_CONTEXT("CONTENT_LENGTH [" << (c.content_length ? c.content_length : "(absent)")
                                          << "] max " << c.max) {
      BodyPlan p = PlanBody(c.content_length, c.max);
      BOOST_TEST(static_cast<int>(p.state) == static_cast<int>(c.want_state));
      BOOST_TEST(p.length == c.want_length);
    }
  }
}

// cgi_env.h: "Not a plain decimal number (sign, spaces, overflow): kBadLength".
BOOST_AUTO_TEST_CASE(OverflowingContentLengthIsTooLarge) {
  const char* huge[] = {"18446744073709551616", "99999999999999999999999999999999"};
  for (const char* cl : huge) {
    BOOST_TEST_CONTEXT("CONTENT_LENGTH " << cl) {
      BodyPlan p = PlanBody(cl, 65536);
      BOOST_TEST(static_cast<int>(p.state) == static_cast<int>(BodyState::kTooLarge));
      BOOST_TEST(p.length == 0u);
    }
  }
}

BOOST_AUTO_TEST_CASE(HugeMaximumAcceptsLargeLengths) {
  BodyPlan p = PlanBody("67108864", std::numeric_limits<size_t>::max());
  BOOST_TEST(static_cast<int>(p.state) == static_cast<int>(BodyState::kComplete));
  BOOST_TEST(p.length == 67108864u);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace dlr
