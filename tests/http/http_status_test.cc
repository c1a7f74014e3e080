// Tests of common/http_status.* and of the small helpers in common/http.*.
#define BOOST_TEST_DYN_LINK
#include "common/http/http_status.h"

#include <rapidjson/document.h>

#include <boost/test/unit_test.hpp>
#include <string>

#include "common/http/http.h"

namespace dlr {
namespace {

struct MappingCase {
  Status status;
  int http;
  const char* error;
  const char* header;  // the one extra header, or nullptr
  const char* header_value;
};

const MappingCase kCases[] = {
    {Status::InvalidArgument("m"), 400, "bad_request", nullptr, nullptr},
    {Status::Unprocessable("m"), 422, "invalid_dlr", nullptr, nullptr},
    {Status::Unauthenticated("m"), 401, "unauthorized", "WWW-Authenticate", "Bearer"},
    {Status::PermissionDenied("m"), 403, "forbidden", nullptr, nullptr},
    {Status::NotFound("m"), 404, "not_found", nullptr, nullptr},
    {Status::MethodNotAllowed("m"), 405, "method_not_allowed", "Allow", "GET, POST, PUT"},
    {Status::TooLarge("m"), 413, "too_large", nullptr, nullptr},
    {Status::Unavailable("m"), 503, "unavailable", "Retry-After", "5"},
    {Status::Internal("m"), 500, "internal", nullptr, nullptr},
};

}  // namespace

BOOST_AUTO_TEST_SUITE(HttpStatusTest)

BOOST_AUTO_TEST_CASE(EachCodeHasItsHttpStatusAndErrorCode) {
  for (const MappingCase& c : kCases) {
    BOOST_TEST_CONTEXT("status " << c.status.ToString()) {
      BOOST_TEST(HttpStatusFor(c.status.code()) == c.http);
      BOOST_TEST(std::string(ErrorCode(c.status.code())) == c.error);
    }
  }
}

BOOST_AUTO_TEST_CASE(ErrorResponseIsTheContractsErrorObject) {
  for (const MappingCase& c : kCases) {
    BOOST_TEST_CONTEXT("status " << c.status.ToString()) {
      Response r = ErrorResponse(c.status);
      BOOST_TEST(r.status == c.http);
      BOOST_TEST(r.body ==
                 std::string(R"({"ok":false,"error":")") + c.error + R"(","message":"m"})");
    }
  }
}

BOOST_AUTO_TEST_CASE(ErrorResponseCarriesOnlyTheHeaderItsCodeNeeds) {
  for (const MappingCase& c : kCases) {
    BOOST_TEST_CONTEXT("status " << c.status.ToString()) {
      Response r = ErrorResponse(c.status);
      if (c.header == nullptr) {
        BOOST_TEST(r.headers.empty());
      } else {
        BOOST_TEST(r.headers.size() == 1u);
        BOOST_TEST(r.Header(c.header) == c.header_value);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(ErrorMessageIsEscaped) {
  Response r = ErrorResponse(Status::InvalidArgument("bad \"thing\"\nat byte 3 \xff"));
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseValidateEncodingFlag>(r.body.c_str());
  BOOST_TEST_REQUIRE(!doc.HasParseError(), r.body);
  BOOST_TEST(doc["ok"].IsFalse());
  BOOST_TEST(std::string(doc["error"].GetString()) == "bad_request");
  BOOST_TEST(std::string(doc["message"].GetString()) == "bad \"thing\"\nat byte 3 \xEF\xBF\xBD");
}

BOOST_AUTO_TEST_CASE(AllowListsTheAcceptedMethods) {
  BOOST_TEST(std::string(kAllowedMethods) == "GET, POST, PUT");
  BOOST_TEST(std::stoi(kRetryAfterSeconds) > 0);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(ReasonPhraseTest)

BOOST_AUTO_TEST_CASE(NamesEveryStatusTheReceiverAnswers) {
  const std::pair<int, const char*> cases[] = {
      {200, "OK"},
      {202, "Accepted"},
      {400, "Bad Request"},
      {401, "Unauthorized"},
      {403, "Forbidden"},
      {404, "Not Found"},
      {405, "Method Not Allowed"},
      {413, "Payload Too Large"},
      {422, "Unprocessable Entity"},
      {500, "Internal Server Error"},
      {503, "Service Unavailable"},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT("status " << c.first) {
      BOOST_TEST(std::string(ReasonPhrase(c.first)) == c.second);
    }
  }
  // Every code an ErrorResponse can carry has a phrase of its own.
  for (const MappingCase& c : kCases) BOOST_TEST(std::string(ReasonPhrase(c.http)) != "Unknown");
}

BOOST_AUTO_TEST_CASE(UnknownStatusHasAPlaceholderPhrase) {
  BOOST_TEST(std::string(ReasonPhrase(299)) == "Unknown");
  BOOST_TEST(std::string(ReasonPhrase(0)) == "Unknown");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(PageErrorResponseTest)

BOOST_AUTO_TEST_CASE(TheSameCodesAsPlainTextWithThePagesHeaders) {
  const struct {
    Status status;
    int http;
    const char* header;
    const char* value;
  } cases[] = {
      {Status::Unauthenticated("a password is required"), 401, "WWW-Authenticate",
       "Basic realm=\"dlr-webhook status\", charset=\"UTF-8\""},
      {Status::PermissionDenied("loopback only"), 403, nullptr, nullptr},
      {Status::NotFound("no page"), 404, nullptr, nullptr},
      {Status::MethodNotAllowed("GET only"), 405, "Allow", "GET, HEAD"},
      {Status::Unavailable("retry"), 503, "Retry-After", kRetryAfterSeconds},
      {Status::Internal("broken"), 500, nullptr, nullptr},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT("status " << c.http) {
      Response r = PageErrorResponse(c.status);
      BOOST_TEST(r.status == c.http);
      BOOST_TEST(r.content_type == "text/plain; charset=utf-8");
      BOOST_TEST(r.body == std::to_string(c.http) + " " + ReasonPhrase(c.http) + ": " +
                               c.status.message() + "\n");
      if (c.header) {
        BOOST_TEST(r.Header(c.header) == c.value);
      } else {
        BOOST_TEST(r.headers.empty());
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(TheWebhooksAnswersStayJson) {
  BOOST_TEST(ErrorResponse(Status::NotFound("x")).content_type == "application/json");
  BOOST_TEST(Response().content_type == "application/json");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(ResponseHeaderTest)

BOOST_AUTO_TEST_CASE(FindsTheFirstHeaderOfThatExactName) {
  Response r;
  r.headers = {{"Allow", "GET"}, {"Retry-After", "5"}, {"Allow", "POST"}};
  BOOST_TEST(r.Header("Allow") == "GET");
  BOOST_TEST(r.Header("Retry-After") == "5");
  BOOST_TEST(r.Header("allow") == "");  // case-sensitive
  BOOST_TEST(r.Header("WWW-Authenticate") == "");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace dlr
