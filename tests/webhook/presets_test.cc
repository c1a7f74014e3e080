// The providers' presets: each platform's statuses in their classes, and a
// DLR shaped as each platform's documentation shows it stored with the
// preset's field names and classes.
#define BOOST_TEST_DYN_LINK
#include "common/webhook/presets.h"

#include <boost/test/unit_test.hpp>
#include <string>

#include "common/http/http.h"
#include "common/webhook/config.h"
#include "common/webhook/handler.h"
#include "tests/testing/fake_clock.h"
#include "tests/testing/fake_store.h"

namespace dlr {
namespace {

struct ClassCase {
  const char* provider;
  const char* status;
  DlrClass want;
};

constexpr char kConfig[] = R"({
  "database": "unused.sqlite",
  "webhooks": [
    {"name": "twilio", "path": "/twilio", "provider": "twilio", "secrets": ["s-123456789"]},
    {"name": "vonage", "path": "/vonage", "provider": "vonage", "secrets": ["s-123456789"]},
    {"name": "plivo", "path": "/plivo", "provider": "plivo", "secrets": ["s-123456789"]},
    {"name": "kannel", "path": "/kannel", "provider": "kannel", "secrets": ["s-123456789"],
     "fields": {"mobile": "receiver"}},
    {"name": "infobip", "path": "/infobip", "provider": "infobip", "secrets": ["s-123456789"],
     "fields": {"custom": "callbackData"}},
    {"name": "telnyx", "path": "/telnyx", "provider": "telnyx", "secrets": ["s-123456789"]}
  ]
})";

struct Fixture {
  Config config = ParseConfig(kConfig, "").value();
  test::MemoryStore store;
  test::FakeClock clock;

  int Send(const std::string& method, const std::string& path, const std::string& query,
           const std::string& content_type = "", const std::string& body = "") {
    Request r;
    r.method = method;
    r.path = path;
    r.query = query;
    r.content_type = content_type;
    r.body = body;
    r.authorization = "Bearer s-123456789";
    r.remote_addr = "203.0.113.7";
    return HandleRequest(r, config, store, clock).status;
  }
  // "STATUS final delivered" of message `id`.
  std::string Message(const std::string& id) {
    const test::StoredMessage* m = store.message(id);
    if (!m) return "none";
    return m->status + " " + (m->final ? "1" : "0") + " " + (m->delivered ? "1" : "0");
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(PresetsTest)

BOOST_AUTO_TEST_CASE(ClassesFollowEachPlatformsDocumentation) {
  const ClassCase cases[] = {
      {"twilio", "delivered", DlrClass::kDelivered},
      {"twilio", "read", DlrClass::kDelivered},
      {"twilio", "queued", DlrClass::kPending},
      {"twilio", "sent", DlrClass::kPending},
      {"twilio", "undelivered", DlrClass::kFailed},
      {"twilio", "canceled", DlrClass::kFailed},
      {"vonage", "delivered", DlrClass::kDelivered},
      {"vonage", "buffered", DlrClass::kPending},
      {"vonage", "unknown", DlrClass::kFailed},
      {"vonage", "rejected", DlrClass::kFailed},
      {"plivo", "delivered", DlrClass::kDelivered},
      {"plivo", "sent", DlrClass::kPending},
      {"plivo", "undelivered", DlrClass::kFailed},
      {"kannel", "1", DlrClass::kDelivered},
      {"kannel", "4", DlrClass::kPending},
      {"kannel", "8", DlrClass::kPending},
      {"kannel", "2", DlrClass::kFailed},
      {"kannel", "16", DlrClass::kFailed},
      {"infobip", "DELIVERED", DlrClass::kDelivered},
      {"infobip", "PENDING", DlrClass::kPending},
      {"infobip", "ACCEPTED", DlrClass::kPending},
      {"infobip", "UNDELIVERABLE", DlrClass::kFailed},
      {"infobip", "EXPIRED", DlrClass::kFailed},
      {"infobip", "REJECTED", DlrClass::kFailed},
      {"telnyx", "delivered", DlrClass::kDelivered},
      {"telnyx", "scheduled", DlrClass::kPending},
      {"telnyx", "queued", DlrClass::kPending},
      {"telnyx", "sending", DlrClass::kPending},
      {"telnyx", "sent", DlrClass::kPending},
      {"telnyx", "sending_failed", DlrClass::kFailed},
      {"telnyx", "delivery_failed", DlrClass::kFailed},
      {"telnyx", "delivery_unconfirmed", DlrClass::kFailed},
      {"telnyx", "expired", DlrClass::kFailed},
      {"telnyx", "cancelled", DlrClass::kFailed},
      // Case and spaces do not matter; an undocumented status is pending.
      {"twilio", " Delivered ", DlrClass::kDelivered},
      {"twilio", "partially_delivered", DlrClass::kPending},
      {"kannel", "32", DlrClass::kPending},
  };
  for (const ClassCase& c : cases) {
    BOOST_TEST_CONTEXT(c.provider << " " << c.status) {
      std::optional<DlrClass> got = ClassifyStatus(c.provider, c.status);
      BOOST_REQUIRE(got.has_value());
      BOOST_TEST((*got == c.want));
    }
  }
  // The platform's error code, where it sends one.
  auto error_key = [](const char* provider) -> std::string {
    for (const auto& [field, theirs] : PresetFields(provider)) {
      if (field == Field::kErrorCode) return std::string(theirs);
    }
    return "(none)";
  };
  BOOST_TEST(error_key("twilio") == "ErrorCode");
  BOOST_TEST(error_key("vonage") == "err-code");
  BOOST_TEST(error_key("plivo") == "ErrorCode");
  BOOST_TEST(error_key("kannel") == "(none)");
  // Our own platform (and one without a preset) leaves it to the status text.
  BOOST_TEST(!ClassifyStatus("mobtexting", "delivered").has_value());
  BOOST_TEST(!ClassifyStatus("no-such-platform", "DELIVERED").has_value());
  BOOST_TEST(PresetFields("mobtexting").empty());
  // Only the platforms whose DLRs nest have a layout.
  BOOST_TEST(PresetLayout("infobip").has_value());
  BOOST_TEST(PresetLayout("telnyx").has_value());
  for (const char* flat : {"mobtexting", "twilio", "vonage", "plivo", "kannel"}) {
    BOOST_TEST(!PresetLayout(flat).has_value(), flat);
  }
}

BOOST_FIXTURE_TEST_CASE(TwilioStatusCallbackAsDocumented, Fixture) {
  // Twilio's status callback: a form POST with MessageSid, MessageStatus, To, ErrorCode, ...
  const std::string sent =
      "AccountSid=AC123&From=%2B15017250604&MessageSid=SM1342fe1b2c904d1ab04f0fc7a58abca9"
      "&MessageStatus=sent&SmsSid=SM1342fe1b2c904d1ab04f0fc7a58abca9&SmsStatus=sent"
      "&To=%2B15558675310&ApiVersion=2010-04-01";
  const std::string id = "SM1342fe1b2c904d1ab04f0fc7a58abca9";
  BOOST_TEST(Send("POST", "/twilio", "", "application/x-www-form-urlencoded", sent) == 200);
  BOOST_TEST(Message(id) == "sent 0 0");
  std::string delivered = sent;
  delivered.replace(delivered.find("MessageStatus=sent"), 18, "MessageStatus=delivered");
  BOOST_TEST(Send("POST", "/twilio", "", "application/x-www-form-urlencoded", delivered) == 200);
  BOOST_TEST(Message(id) == "delivered 1 1");
  BOOST_TEST(Send("POST", "/twilio", "", "application/x-www-form-urlencoded", sent + "&x=1") ==
             200);
  BOOST_TEST(Message(id) == "delivered 1 1");  // a late "sent" never downgrades it
  BOOST_TEST(*store.events().back().dlr.Get(Field::kMobile) == "+15558675310");
  BOOST_TEST(!store.events().back().dlr.Get(Field::kErrorCode).has_value());
  // An undelivered message's callback carries its ErrorCode.
  const std::string undelivered =
      "AccountSid=AC123&ErrorCode=30003&From=%2B15017250604"
      "&MessageSid=SM2342fe1b2c904d1ab04f0fc7a58abca9&MessageStatus=undelivered"
      "&To=%2B15558675310&ApiVersion=2010-04-01";
  BOOST_TEST(Send("POST", "/twilio", "", "application/x-www-form-urlencoded", undelivered) == 200);
  BOOST_TEST(Message("SM2342fe1b2c904d1ab04f0fc7a58abca9") == "undelivered 1 0");
  BOOST_TEST(store.events().back().dlr.Get(Field::kErrorCode).value_or("NULL") == "30003");
  BOOST_TEST((store.events().back().dlr.dlr_class == DlrClass::kFailed));
}

BOOST_FIXTURE_TEST_CASE(VonageDeliveryReceiptAsDocumented, Fixture) {
  // Vonage's SMS API delivery receipt: GET with the fields in the query string.
  BOOST_TEST(Send("GET", "/vonage",
                  "msisdn=447700900000&to=AcmeInc&network-code=12345&messageId=0A0000001234567B"
                  "&price=0.03330000&status=expired&scts=2001011400&err-code=0"
                  "&api-key=abcd1234&message-timestamp=2020-01-01%2012%3A00%3A00") == 200);
  BOOST_TEST(Message("0A0000001234567B") == "expired 1 0");
  BOOST_TEST(*store.events().back().dlr.Get(Field::kDelivTime) == "2001011400");
  BOOST_TEST(*store.events().back().dlr.Get(Field::kMobile) == "447700900000");
  BOOST_TEST(store.events().back().dlr.Get(Field::kErrorCode).value_or("NULL") == "0");
}

BOOST_FIXTURE_TEST_CASE(PlivoMessageStatusAsDocumented, Fixture) {
  BOOST_TEST(Send("POST", "/plivo", "", "application/x-www-form-urlencoded",
                  "From=14155551234&MessageUUID=db3ce55a-7f1d-11e1-8ea7-1231380bc196"
                  "&Status=delivered&To=14155555678&TotalAmount=0.00500&TotalRate=0.00500"
                  "&Units=1") == 200);
  BOOST_TEST(Message("db3ce55a-7f1d-11e1-8ea7-1231380bc196") == "delivered 1 1");
  BOOST_TEST(Send("POST", "/plivo", "", "application/x-www-form-urlencoded",
                  "ErrorCode=200&From=14155551234&MessageUUID=eb3ce55a-7f1d-11e1-8ea7-1231380bc196"
                  "&Status=undelivered&To=14155555678&Units=1") == 200);
  BOOST_TEST(Message("eb3ce55a-7f1d-11e1-8ea7-1231380bc196") == "undelivered 1 0");
  BOOST_TEST(store.events().back().dlr.Get(Field::kErrorCode).value_or("NULL") == "200");
}

BOOST_FIXTURE_TEST_CASE(KannelDlrUrlAsConfigured, Fixture) {
  // Kannel's dlr-url "...?id=%F&type=%d&to=%P&ts=%T&reply=%A"; `fields` overrides the preset.
  BOOST_TEST(Send("GET", "/kannel", "id=abc-1&type=8&receiver=%2B4912345&ts=1700000000") == 200);
  BOOST_TEST(Message("abc-1") == "8 0 0");
  BOOST_TEST(Send("GET", "/kannel",
                  "id=abc-1&type=16&receiver=%2B4912345&ts=1700000100"
                  "&reply=id%3Aabc%20stat%3AREJECTD") == 200);
  BOOST_TEST(Message("abc-1") == "16 1 0");
  BOOST_TEST(*store.events().back().dlr.Get(Field::kMobile) == "+4912345");
  BOOST_TEST(*store.events().back().dlr.Get(Field::kDelivTime) == "1700000100");
}

namespace {

// An Infobip report shaped as its documentation's request sample (see
// tests/webhook/payload_nested_test.cc for the sample itself).
std::string InfobipReport(const std::string& id, const std::string& group,
                          const std::string& error = "NO_ERROR") {
  return R"({"bulkId": "BULK-ID-123-xyz", "messageId": ")" + id +
         R"(", "to": "41793026727", "sentAt": "2019-11-09T16:00:00.000+0000",
         "doneAt": "2019-11-09T16:00:00.000+0000", "smsCount": 1, "callbackData": "cb-)" +
         id +
         R"(", "price": {"pricePerMessage": 0.01, "currency": "EUR"},
         "status": {"groupId": 3, "groupName": ")" +
         group +
         R"(", "id": 5, "name": "X", "description": "Y"},
         "error": {"groupId": 0, "groupName": "Ok", "id": 0, "name": ")" +
         error + R"(", "description": "No Error", "permanent": false}})";
}

std::string TelnyxEvent(const std::string& type, const std::string& status) {
  return R"({"data": {"event_type": ")" + type +
         R"(", "id": "4ee8c3a6-4995-4309-a3c6-38e3db9ea4be", "occurred_at": "2019-12-09T21:32:14.148+00:00",
         "payload": {"id": "40385f64-5717-4562-b3fc-2c963f66afa6", "direction": "outbound",
         "to": [{"phone_number": "+18665550001", "status": ")" +
         status +
         R"(", "carrier": "T-MOBILE USA, INC."}], "errors": [],
         "sent_at": "2019-12-09T21:32:13.148+00:00", "completed_at": )" +
         (type == "message.finalized" ? R"("2019-12-09T21:32:14.148+00:00")" : "null") +
         R"(}, "record_type": "event"}, "meta": {"attempt": 1}})";
}

}  // namespace

BOOST_FIXTURE_TEST_CASE(InfobipBatchIsStoredWholeWithItsClasses, Fixture) {
  const std::string body = R"({"results": [)" + InfobipReport("ib-1", "DELIVERED") + "," +
                           InfobipReport("ib-2", "PENDING") + "," +
                           InfobipReport("ib-3", "UNDELIVERABLE", "EC_ABSENT_SUBSCRIBER") + "]}";
  BOOST_TEST(Send("POST", "/infobip", "", "application/json", body) == 200);
  BOOST_TEST(store.events().size() == 3u);
  BOOST_TEST(Message("ib-1") == "DELIVERED 1 1");
  BOOST_TEST(Message("ib-2") == "PENDING 0 0");
  BOOST_TEST(Message("ib-3") == "UNDELIVERABLE 1 0");
  const Dlr& first = store.events()[0].dlr;
  BOOST_TEST(*first.Get(Field::kMobile) == "41793026727");
  BOOST_TEST(*first.Get(Field::kDelivTime) == "2019-11-09T16:00:00.000+0000");
  BOOST_TEST(*first.Get(Field::kCustom) == "cb-ib-1");  // `fields` names a path too
  BOOST_TEST(first.raw == InfobipReport("ib-1", "DELIVERED"));
  BOOST_TEST(*first.Get(Field::kErrorCode) == "NO_ERROR");
  BOOST_TEST(*store.events()[2].dlr.Get(Field::kErrorCode) == "EC_ABSENT_SUBSCRIBER");
  // Sent again: every entry a duplicate, counted once each.
  BOOST_TEST(Send("POST", "/infobip", "", "application/json", body) == 200);
  BOOST_TEST(store.events().size() == 3u);
}

BOOST_FIXTURE_TEST_CASE(InfobipBatchWithOneBadEntryIsRefusedWhole, Fixture) {
  const std::string body = R"({"results": [)" + InfobipReport("ib-1", "DELIVERED") +
                           R"(, {"messageId": "ib-2", "status": {"name": "X"}}]})";
  BOOST_TEST(Send("POST", "/infobip", "", "application/json", body) == 422);
  BOOST_TEST(store.events().empty());
  BOOST_TEST(store.messages().empty());
  BOOST_REQUIRE(store.rejected().size() == 1u);
  BOOST_TEST(store.rejected()[0].raw == body);  // kept for the operator
  BOOST_TEST(store.rejected()[0].reason.find("status.groupName") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(TelnyxSentThenFinalized, Fixture) {
  const std::string id = "40385f64-5717-4562-b3fc-2c963f66afa6";
  BOOST_TEST(Send("POST", "/telnyx", "", "application/json", TelnyxEvent("message.sent", "sent")) ==
             200);
  BOOST_TEST(Message(id) == "sent 0 0");
  BOOST_TEST(Send("POST", "/telnyx", "", "application/json",
                  TelnyxEvent("message.finalized", "delivered")) == 200);
  BOOST_TEST(Message(id) == "delivered 1 1");
  BOOST_TEST(*store.events().back().dlr.Get(Field::kMobile) == "+18665550001");
  BOOST_TEST(*store.events().back().dlr.Get(Field::kDelivTime) == "2019-12-09T21:32:14.148+00:00");
  BOOST_TEST(store.events().back().dlr.raw == TelnyxEvent("message.finalized", "delivered"));
  // A late message.sent never downgrades it.
  BOOST_TEST(Send("POST", "/telnyx", "", "application/json",
                  TelnyxEvent("message.sent", "sending")) == 200);
  BOOST_TEST(Message(id) == "delivered 1 1");
  BOOST_TEST(Send("POST", "/telnyx", "", "application/json",
                  TelnyxEvent("message.finalized", "delivery_unconfirmed")) == 200);
  BOOST_TEST(store.events().size() == 4u);
}

BOOST_FIXTURE_TEST_CASE(TelnyxEventWithoutADlrIsAcknowledgedAndNotStored, Fixture) {
  Request r;
  r.method = "POST";
  r.path = "/telnyx";
  r.content_type = "application/json";
  r.body = TelnyxEvent("message.received", "delivered");
  r.authorization = "Bearer s-123456789";
  Response answer = HandleRequest(r, config, store, clock);
  BOOST_TEST(answer.status == 200);
  BOOST_TEST(answer.body == R"({"ok":true,"stored":0,"duplicates":0,"ignored":1})");
  BOOST_TEST(store.empty());
  // An event without an event_type is no event of Telnyx's: refused and kept.
  BOOST_TEST(Send("POST", "/telnyx", "", "application/json", R"({"data": {"payload": {}}})") ==
             422);
  BOOST_TEST(store.rejected().size() == 1u);
}

BOOST_AUTO_TEST_CASE(AFieldThatIsNoPathIsAConfigError) {
  StatusOr<Config> c = ParseConfig(R"({"database": "x.sqlite", "webhooks": [
      {"name": "t", "provider": "telnyx", "secrets": ["s-123456789"],
       "fields": {"custom": "data.payload.tags[x]"}}]})",
                                   "");
  BOOST_REQUIRE(!c.ok());
  BOOST_TEST(c.status().message().find("webhooks[0].fields") != std::string::npos,
             c.status().message());
  BOOST_TEST(c.status().message().find("custom") != std::string::npos, c.status().message());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace dlr
