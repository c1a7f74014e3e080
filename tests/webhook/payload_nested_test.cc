// ParsePayload with a nested layout (NestedLayout): Infobip's {"results": [...]}
// batches and Telnyx's events, from tables of good and bad bodies, and the
// JSON paths (ParseJsonPath) their field names are written in.
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>
#include <string>
#include <string_view>

#include "common/http/query.h"
#include "common/webhook/payload.h"
#include "common/webhook/presets.h"

namespace dlr {
namespace {

constexpr char kJson[] = "application/json";

// The first report of the request sample of Infobip's "Receive outbound SMS
// message report" webhook (infobip.com/docs/api/channels/sms/sms-messaging/
// logs-and-status-reports/receive-outbound-sms-message-report), as shown.
constexpr char kInfobipDocumentedReport[] = R"({
      "bulkId": "BULK-ID-123-xyz",
      "messageId": "MESSAGE-ID-123-xyz",
      "to": "41793026727",
      "sentAt": "2019-11-09T16:00:00.000+0000",
      "doneAt": "2019-11-09T16:00:00.000+0000",
      "smsCount": 1,
      "callbackData": "callbackData",
      "price": {
        "pricePerMessage": 0.01,
        "currency": "EUR"
      },
      "status": {
        "groupId": 3,
        "groupName": "DELIVERED",
        "id": 5,
        "name": "DELIVERED_TO_HANDSET",
        "description": "Message delivered to handset"
      },
      "error": {
        "groupId": 0,
        "groupName": "Ok",
        "id": 0,
        "name": "NO_ERROR",
        "description": "No Error",
        "permanent": false
      },
      "entityId": "promotional-traffic-entity",
      "applicationId": "marketing-automation-application"
    })";

// Telnyx's "deliveryUpdate" callback example (developers.telnyx.com/
// api-reference/callbacks/delivery-update), as shown.
constexpr char kTelnyxDocumentedSent[] = R"({
  "data": {
    "record_type": "event",
    "id": "86f58db9-0fe3-4adc-9d1f-46e66e6e9323",
    "event_type": "message.sent",
    "occurred_at": "date-time",
    "payload": {
      "record_type": "message",
      "direction": "outbound",
      "id": "40385f64-5717-4562-b3fc-2c963f66afa6",
      "type": "MMS",
      "messaging_profile_id": "4000eba1-a0c0-4563-9925-b25e842a7cb6",
      "organization_id": "b448f9cc-a842-4784-98e9-03c1a5872950",
      "from": {
        "phone_number": "+18445550001",
        "carrier": "TELNYX LLC",
        "line_type": "VoIP"
      },
      "to": [
        {
          "phone_number": "+18665550001",
          "status": "queued",
          "carrier": "T-MOBILE USA, INC.",
          "line_type": "Wireless"
        }
      ],
      "cc": [],
      "text": "Hello, World!",
      "subject": "From Telnyx!",
      "media": [
        {
          "url": "https://pbs.twimg.com/profile_images/1142168442042118144/AW3F4fFD_400x400.png",
          "content_type": null,
          "sha256": null,
          "size": null
        }
      ],
      "webhook_url": "https://www.example.com/hooks",
      "webhook_failover_url": "https://backup.example.com/hooks",
      "encoding": "GSM-7",
      "parts": 1,
      "tags": [
        "Greetings"
      ],
      "cost": {
        "amount": 0.0051,
        "currency": "USD"
      },
      "cost_breakdown": {
        "carrier_fee": {
          "amount": 0.00305,
          "currency": "USD"
        },
        "rate": {
          "amount": 0.00205,
          "currency": "USD"
        }
      },
      "tcr_campaign_id": "TCPA3X7",
      "tcr_campaign_billable": true,
      "tcr_campaign_registered": "REGISTERED",
      "received_at": "2019-01-23T18:10:02.574Z",
      "sent_at": null,
      "completed_at": null,
      "valid_until": null,
      "errors": []
    }
  },
  "meta": {
    "attempt": 1,
    "delivered_to": "https://www.example.com/hooks"
  }
})";

FieldNames NamesFor(std::string_view provider) {
  FieldNames n;
  for (const auto& [field, theirs] : PresetFields(provider)) {
    n.key[static_cast<size_t>(field)] = std::string(theirs);
  }
  std::optional<NestedLayout> layout = PresetLayout(provider);
  BOOST_TEST_REQUIRE(layout.has_value());
  Status s = n.SetLayout(std::move(*layout));
  BOOST_TEST_REQUIRE(s.ok(), s.ToString());
  return n;
}

StatusOr<Payload> ParseAs(std::string_view provider, std::string_view body,
                          const Limits& limits = Limits(), std::string_view raw_query = "") {
  StatusOr<Params> query = ParseUrlEncoded(raw_query);
  BOOST_TEST_REQUIRE(query.ok());
  return ParsePayload(body, kJson, raw_query, query.value(), NamesFor(provider), limits);
}

std::string V(const Dlr& d, Field f) { return d.Get(f).value_or("(absent)"); }

// An Infobip report with the given id and status group.
std::string InfobipReport(const std::string& id, const std::string& group) {
  return R"({"messageId": ")" + id + R"(", "to": "41793026727", "status": {"groupName": ")" +
         group + R"(", "name": "X"}, "error": {"name": "NO_ERROR"}})";
}

// A Telnyx event of `type` whose first recipient has `status`.
std::string TelnyxEvent(const std::string& type, const std::string& to) {
  return R"({"data": {"event_type": ")" + type + R"(", "payload": {"id": "m-1", "to": )" + to +
         R"(, "errors": []}}})";
}

struct BadCase {
  const char* what;
  std::string body;
  StatusCode code;
  const char* message_part;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(JsonPathTest)

BOOST_AUTO_TEST_CASE(ParsesNamesAndIndexes) {
  StatusOr<JsonPath> p = ParseJsonPath("data.payload.to[0].status");
  BOOST_TEST_REQUIRE(p.ok());
  BOOST_TEST_REQUIRE(p.value().size() == 5u);
  BOOST_TEST(p.value()[2].name == "to");
  BOOST_TEST(p.value()[3].is_index);
  BOOST_TEST(p.value()[3].index == 0u);
  BOOST_TEST(p.value()[4].name == "status");
  StatusOr<JsonPath> q = ParseJsonPath("a[1][22]");
  BOOST_TEST_REQUIRE(q.ok());
  BOOST_TEST(q.value().size() == 3u);
  BOOST_TEST(q.value()[2].index == 22u);
  BOOST_TEST(ParseJsonPath("message_status").value().size() == 1u);
}

BOOST_AUTO_TEST_CASE(RefusesMalformedPaths) {
  for (const char* bad : {"", ".a", "a.", "a..b", "a[", "a[]", "a[x]", "a[-1]", "a]", "a[0]b",
                          "[0]", "a[12345678901]"}) {
    BOOST_TEST_CONTEXT(bad) {
      StatusOr<JsonPath> p = ParseJsonPath(bad);
      BOOST_TEST(!p.ok());
      if (!p.ok()) BOOST_TEST((p.status().code() == StatusCode::kInvalidArgument));
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(ParsePayloadInfobipTest)

BOOST_AUTO_TEST_CASE(DocumentedReportIsOneDlr) {
  const std::string body = std::string(R"({"results": [)") + kInfobipDocumentedReport + "]}";
  StatusOr<Payload> p = ParseAs("infobip", body);
  BOOST_TEST_REQUIRE(p.ok(), p.status().ToString());
  BOOST_TEST_REQUIRE(p.value().dlrs.size() == 1u);
  const Dlr& d = p.value().dlrs[0];
  BOOST_TEST(V(d, Field::kId) == "MESSAGE-ID-123-xyz");
  BOOST_TEST(V(d, Field::kStatus) == "DELIVERED");
  BOOST_TEST(V(d, Field::kMobile) == "41793026727");
  BOOST_TEST(V(d, Field::kDelivTime) == "2019-11-09T16:00:00.000+0000");
  BOOST_TEST(V(d, Field::kSentTime) == "2019-11-09T16:00:00.000+0000");
  BOOST_TEST(V(d, Field::kErrorCode) == "NO_ERROR");
  BOOST_TEST(V(d, Field::kCredits) == "(absent)");
  BOOST_TEST(d.raw == kInfobipDocumentedReport);  // the entry's own text, exactly
}

// error_code is one more field: the preset reads error.name, and a
// `fields` path for it is followed the same way.
BOOST_AUTO_TEST_CASE(AnErrorCodePathFromFieldsIsFollowed) {
  FieldNames n;
  for (const auto& [field, theirs] : PresetFields("infobip")) {
    n.key[static_cast<size_t>(field)] = std::string(theirs);
  }
  n.key[static_cast<size_t>(Field::kErrorCode)] = "error.name";
  std::optional<NestedLayout> layout = PresetLayout("infobip");
  BOOST_TEST_REQUIRE(layout.has_value());
  Status s = n.SetLayout(std::move(*layout));
  BOOST_TEST_REQUIRE(s.ok(), s.ToString());
  const std::string body = std::string(R"({"results": [)") + kInfobipDocumentedReport + ", " +
                           R"({"messageId": "m-2", "status": {"groupName": "PENDING"}}]})";
  StatusOr<Params> query = ParseUrlEncoded("");
  BOOST_TEST_REQUIRE(query.ok());
  StatusOr<Payload> p = ParsePayload(body, kJson, "", query.value(), n, Limits());
  BOOST_TEST_REQUIRE(p.ok(), p.status().ToString());
  BOOST_TEST_REQUIRE(p.value().dlrs.size() == 2u);
  BOOST_TEST(V(p.value().dlrs[0], Field::kErrorCode) == "NO_ERROR");
  BOOST_TEST(V(p.value().dlrs[1], Field::kErrorCode) == "(absent)");
}

BOOST_AUTO_TEST_CASE(BatchKeepsOrderAndEachEntrysText) {
  const std::string a = InfobipReport("a", "DELIVERED"), b = InfobipReport("b", "PENDING"),
                    c = InfobipReport("c", "UNDELIVERABLE");
  // "results" after another member whose value holds brackets and the name itself.
  const std::string body = R"({"note": "[results]", "x": [1, {"results": 2}],
                               "results": [ )" +
                           a + ",\n" + b + "," + c + R"( ,], "more": true})";
  StatusOr<Payload> p = ParseAs("infobip", body);
  BOOST_TEST_REQUIRE(p.ok(), p.status().ToString());
  BOOST_TEST_REQUIRE(p.value().dlrs.size() == 3u);
  BOOST_TEST(V(p.value().dlrs[0], Field::kId) == "a");
  BOOST_TEST(V(p.value().dlrs[1], Field::kStatus) == "PENDING");
  BOOST_TEST(V(p.value().dlrs[2], Field::kStatus) == "UNDELIVERABLE");
  BOOST_TEST(p.value().dlrs[0].raw == a);
  BOOST_TEST(p.value().dlrs[1].raw == b);
  BOOST_TEST(p.value().dlrs[2].raw == c);
}

BOOST_AUTO_TEST_CASE(AnEscapedItemsNameStillGivesEachEntrysText) {
  // The first "results" counts, however it is written; a "results" key inside another
  // member's value (or a string "results") is not it.
  StatusOr<Payload> p = ParseAs(
      "infobip",
      R"({"a": {"results": [1]}, "b": "results", "resu\u006cts": [ {"messageId": 1, "status": {"groupName": "X"}} ],
          "results": [{"messageId": "late"}]})");
  BOOST_TEST_REQUIRE(p.ok(), p.status().ToString());
  BOOST_TEST_REQUIRE(p.value().dlrs.size() == 1u);
  BOOST_TEST(p.value().dlrs[0].raw == R"({"messageId": 1, "status": {"groupName": "X"}})");
}

BOOST_AUTO_TEST_CASE(NumbersAndNullsAsFlatDlrs) {
  StatusOr<Payload> p = ParseAs(
      "infobip",
      R"({"results": [{"messageId": 12345, "status": {"groupName": "DELIVERED"}, "to": null}]})");
  BOOST_TEST_REQUIRE(p.ok(), p.status().ToString());
  BOOST_TEST(V(p.value().dlrs[0], Field::kId) == "12345");
  BOOST_TEST(V(p.value().dlrs[0], Field::kMobile) == "(absent)");
}

BOOST_AUTO_TEST_CASE(TheQueryFillsNoField) {
  StatusOr<Payload> p = ParseAs("infobip", "{\"results\": [" + InfobipReport("a", "PENDING") + "]}",
                                Limits(), "sentAt=x&custom=y");
  BOOST_TEST_REQUIRE(p.ok());
  BOOST_TEST(V(p.value().dlrs[0], Field::kSentTime) == "(absent)");
  BOOST_TEST(V(p.value().dlrs[0], Field::kCustom) == "(absent)");
}

BOOST_AUTO_TEST_CASE(RefusesBadBatchesWhole) {
  const std::string good = InfobipReport("a", "DELIVERED");
  std::string deep = "1";
  for (int i = 0; i < 40; ++i) deep = "[" + deep + "]";
  const BadCase cases[] = {
      {"not JSON", R"({"results": [)", StatusCode::kInvalidArgument, "not valid JSON"},
      {"an array, not an object", "[" + good + "]", StatusCode::kUnprocessable, "not an object"},
      {"no results", R"({"reports": []})", StatusCode::kUnprocessable, "no \"results\" array"},
      {"results not an array", R"({"results": {"messageId": "a"}})", StatusCode::kUnprocessable,
       "it is an object"},
      {"results a string", R"({"results": "[]"})", StatusCode::kUnprocessable,
       "no \"results\" array"},
      {"results empty", R"({"results": []})", StatusCode::kUnprocessable, "empty array"},
      {"an entry not an object", "{\"results\": [" + good + ", 7]}", StatusCode::kUnprocessable,
       "DLR 2 of 2 in \"results\" is a value of another type"},
      {"an entry without messageId",
       "{\"results\": [" + good + R"(, {"status": {"groupName": "DELIVERED"}}]})",
       StatusCode::kUnprocessable, "DLR 2 of 2 has no non-empty \"messageId\""},
      {"an empty messageId", R"({"results": [{"messageId": "", "status": {"groupName": "X"}}]})",
       StatusCode::kUnprocessable, "no non-empty \"messageId\""},
      {"groupName missing", R"({"results": [{"messageId": "a", "status": {"name": "X"}}]})",
       StatusCode::kUnprocessable, "no non-empty \"status.groupName\""},
      {"status a string, not an object",
       R"({"results": [{"messageId": "a", "status": "DELIVERED"}]})", StatusCode::kUnprocessable,
       "no non-empty \"status.groupName\""},
      {"groupName an object",
       R"({"results": [{"messageId": "a", "status": {"groupName": {"x": 1}}}]})",
       StatusCode::kUnprocessable, "\"status.groupName\" in the DLR is an object"},
      {"groupName a boolean", R"({"results": [{"messageId": "a", "status": {"groupName": true}}]})",
       StatusCode::kUnprocessable, "is a boolean"},
      {"messageId an array", R"({"results": [{"messageId": ["a"], "status": {"groupName": "X"}}]})",
       StatusCode::kUnprocessable, "\"messageId\" in the DLR is an array"},
      {"deep nesting", R"({"results": [{"messageId": "a", "x": )" + deep + "}]}",
       StatusCode::kUnprocessable, "max_json_depth"},
  };
  for (const BadCase& c : cases) {
    BOOST_TEST_CONTEXT(c.what) {
      StatusOr<Payload> p = ParseAs("infobip", c.body);
      BOOST_TEST_REQUIRE(!p.ok());
      BOOST_TEST((p.status().code() == c.code), p.status().ToString());
      BOOST_TEST(p.status().message().find(c.message_part) != std::string::npos,
                 p.status().message());
    }
  }
}

BOOST_AUTO_TEST_CASE(ABatchOverMaxArrayLengthIsTooLarge) {
  Limits limits;
  limits.max_array_length = 3;
  std::string body = "{\"results\": [";
  for (int i = 0; i < 4; ++i) body += (i ? "," : "") + InfobipReport(std::to_string(i), "PENDING");
  body += "]}";
  StatusOr<Payload> p = ParseAs("infobip", body, limits);
  BOOST_TEST_REQUIRE(!p.ok());
  BOOST_TEST((p.status().code() == StatusCode::kTooLarge));
  BOOST_TEST(p.status().message().find("max_array_length") != std::string::npos);
  body = "{\"results\": [";
  for (int i = 0; i < 3; ++i) body += (i ? "," : "") + InfobipReport(std::to_string(i), "PENDING");
  BOOST_TEST(ParseAs("infobip", body + "]}", limits).value().dlrs.size() == 3u);
}

BOOST_AUTO_TEST_CASE(AFieldOverMaxFieldBytesIsRefused) {
  Limits limits;
  limits.max_field_bytes = 8;
  StatusOr<Payload> p =
      ParseAs("infobip", "{\"results\": [" + InfobipReport("a", "DELIVERED") + "]}", limits);
  BOOST_TEST_REQUIRE(!p.ok());  // "41793026727" is 11 bytes
  BOOST_TEST(p.status().message().find("\"to\" in the DLR is 11 bytes") != std::string::npos,
             p.status().message());
}

BOOST_AUTO_TEST_CASE(FormBodiesAreReadByName) {
  StatusOr<Params> query = ParseUrlEncoded("");
  StatusOr<Payload> p = ParsePayload("messageId=f1&to=4179", "application/x-www-form-urlencoded",
                                     "", query.value(), NamesFor("infobip"), Limits());
  BOOST_TEST_REQUIRE(!p.ok());  // no "status.groupName" key in a form
  BOOST_TEST((p.status().code() == StatusCode::kUnprocessable));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(ParsePayloadTelnyxTest)

BOOST_AUTO_TEST_CASE(DocumentedMessageSentIsOneDlr) {
  StatusOr<Payload> p = ParseAs("telnyx", kTelnyxDocumentedSent);
  BOOST_TEST_REQUIRE(p.ok(), p.status().ToString());
  BOOST_TEST_REQUIRE(p.value().dlrs.size() == 1u);
  const Dlr& d = p.value().dlrs[0];
  BOOST_TEST(V(d, Field::kId) == "40385f64-5717-4562-b3fc-2c963f66afa6");
  BOOST_TEST(V(d, Field::kStatus) == "queued");
  BOOST_TEST(V(d, Field::kMobile) == "+18665550001");
  BOOST_TEST(V(d, Field::kSentTime) == "(absent)");  // null
  BOOST_TEST(V(d, Field::kDelivTime) == "(absent)");
  BOOST_TEST(V(d, Field::kErrorCode) == "(absent)");  // errors: []
  BOOST_TEST(d.raw == kTelnyxDocumentedSent);
  BOOST_TEST(!p.value().ignored_event.has_value());
}

BOOST_AUTO_TEST_CASE(FinalizedEventCarriesItsTimes) {
  StatusOr<Payload> p =
      ParseAs("telnyx",
              R"({"data": {"event_type": "message.finalized", "payload": {"id": "m-9",
          "to": [{"phone_number": "+1555", "status": "delivery_failed"}, {"status": "delivered"}],
          "sent_at": "2019-12-09T21:32:13.148+00:00", "completed_at": "2019-12-09T21:32:14.148+00:00",
          "errors": [{"code": "40008", "title": "Undeliverable"}]}}})");
  BOOST_TEST_REQUIRE(p.ok(), p.status().ToString());
  const Dlr& d = p.value().dlrs.at(0);
  BOOST_TEST(V(d, Field::kStatus) == "delivery_failed");  // the first recipient's
  BOOST_TEST(V(d, Field::kDelivTime) == "2019-12-09T21:32:14.148+00:00");
  BOOST_TEST(V(d, Field::kSentTime) == "2019-12-09T21:32:13.148+00:00");
  BOOST_TEST(V(d, Field::kErrorCode) == "40008");
}

BOOST_AUTO_TEST_CASE(OtherEventTypesCarryNoDlr) {
  // Telnyx's inbound message event (apispec.telnyx.com, InboundMessageEvent), shortened.
  for (const char* type : {"message.received", "call.initiated", "", "MESSAGE.SENT"}) {
    BOOST_TEST_CONTEXT(type) {
      StatusOr<Payload> p = ParseAs("telnyx", TelnyxEvent(type, R"([{"status": "delivered"}])"));
      BOOST_TEST_REQUIRE(p.ok(), p.status().ToString());
      BOOST_TEST(p.value().dlrs.empty());
      BOOST_TEST(p.value().ignored_event.value_or("(none)") == type);
    }
  }
}

BOOST_AUTO_TEST_CASE(RefusesBadEvents) {
  const BadCase cases[] = {
      {"no data", R"({"event_type": "message.sent"})", StatusCode::kUnprocessable,
       "no \"data.event_type\" string"},
      {"data not an object", R"({"data": ["message.sent"]})", StatusCode::kUnprocessable,
       "no \"data.event_type\" string"},
      {"event_type a boolean", R"({"data": {"event_type": true}})", StatusCode::kUnprocessable,
       "no \"data.event_type\" string"},
      {"event_type null", R"({"data": {"event_type": null}})", StatusCode::kUnprocessable,
       "no \"data.event_type\" string"},
      {"event_type an object", R"({"data": {"event_type": {}}})", StatusCode::kUnprocessable,
       "no \"data.event_type\" string"},
      {"to[] empty", TelnyxEvent("message.finalized", "[]"), StatusCode::kUnprocessable,
       "no non-empty \"data.payload.to[0].status\""},
      {"to not an array", TelnyxEvent("message.sent", R"({"status": "sent"})"),
       StatusCode::kUnprocessable, "no non-empty \"data.payload.to[0].status\""},
      {"to[0] a string", TelnyxEvent("message.sent", R"(["sent"])"), StatusCode::kUnprocessable,
       "no non-empty \"data.payload.to[0].status\""},
      {"to[0].status an array", TelnyxEvent("message.sent", R"([{"status": ["sent"]}])"),
       StatusCode::kUnprocessable, "\"data.payload.to[0].status\" in the DLR is an array"},
      {"no payload id",
       R"({"data": {"event_type": "message.sent", "payload": {"to": [{"status": "sent"}]}}})",
       StatusCode::kUnprocessable, "no non-empty \"data.payload.id\""},
      {"payload null", R"({"data": {"event_type": "message.sent", "payload": null}})",
       StatusCode::kUnprocessable, "no non-empty \"data.payload.id\""},
      {"an array body", "[" + TelnyxEvent("message.sent", "[]") + "]", StatusCode::kUnprocessable,
       "not an object (an array)"},
      {"a string body", R"("message.sent")", StatusCode::kUnprocessable, "not an object"},
  };
  for (const BadCase& c : cases) {
    BOOST_TEST_CONTEXT(c.what) {
      StatusOr<Payload> p = ParseAs("telnyx", c.body);
      BOOST_TEST_REQUIRE(!p.ok());
      BOOST_TEST((p.status().code() == c.code), p.status().ToString());
      BOOST_TEST(p.status().message().find(c.message_part) != std::string::npos,
                 p.status().message());
    }
  }
}

BOOST_AUTO_TEST_CASE(DeepNestingIsRefusedWhileParsing) {
  Limits limits;
  limits.max_json_depth = 4;  // the status sits at depth 5: {data {payload {to [ {
  StatusOr<Payload> p =
      ParseAs("telnyx", TelnyxEvent("message.sent", R"([{"status": "sent"}])"), limits);
  BOOST_TEST_REQUIRE(!p.ok());
  BOOST_TEST(p.status().message().find("max_json_depth") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace dlr
