#include "common/ctl/send_test.h"

#include <rapidjson/document.h>

#include <algorithm>
#include <ctime>

#include "common/base/crypto.h"
#include "common/base/json_out.h"
#include "common/base/time.h"

namespace dlr {
namespace {

std::string PercentEncode(const std::string& s) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

// The answer's body, shortened for a message.
std::string Short(const std::string& body) {
  std::string s = body.substr(0, 200);
  for (char& c : s) {
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  }
  return body.size() > 200 ? s + "..." : s;
}

// What a status other than the expected one most likely means.
std::string Hint(int status) {
  switch (status) {
    case 401:
      return ": the secret was refused (wrong --secret, or the Authorization header does not "
             "reach the responder: Apache needs CGIPassAuth On)";
    case 403:
      return ": the token is not the webhook's validation key";
    case 404:
      return ": no webhook answers this URL's path";
    case 405:
      return ": the method is not allowed";
    case 413:
      return ": the body is larger than max_body_bytes";
    case 422:
      return ": the DLR was refused (a Compose Webhook with its own key names?)";
    case 500:
      return ": the responder is not configured correctly (see the web server's error log)";
    case 502:
    case 504:
      return ": the web server cannot reach the responder";
    case 503:
      return ": the responder cannot store (is the database reachable?)";
    default:
      return "";
  }
}

// The JSON object of an answer, or an explanation.
Status ParseAnswer(const HttpAnswer& a, rapidjson::Document* doc) {
  doc->Parse(a.body.data(), a.body.size());
  if (doc->HasParseError() || !doc->IsObject()) {
    return Status::Internal("the answer is not a JSON object: " + Short(a.body));
  }
  return Status::Ok();
}

std::string StringMember(const rapidjson::Document& d, const char* key) {
  auto m = d.FindMember(key);
  if (m == d.MemberEnd() || !m->value.IsString()) return "";
  return std::string(m->value.GetString(), m->value.GetStringLength());
}

int64_t IntMember(const rapidjson::Document& d, const char* key) {
  auto m = d.FindMember(key);
  return m != d.MemberEnd() && m->value.IsInt64() ? m->value.GetInt64() : -1;
}

Status Expect(const HttpAnswer& a, int status) {
  if (a.status == status) return Status::Ok();
  return Status::Internal("answered " + std::to_string(a.status) + Hint(a.status) + ": " +
                          Short(a.body));
}

Status CheckVerification(const HttpAnswer& a, const SendTestOptions& o, std::string* seen) {
  Status s = Expect(a, 200);
  rapidjson::Document d;
  if (s.ok()) s = ParseAnswer(a, &d);
  if (!s.ok()) return s;
  if (StringMember(d, "challenge") != o.challenge) {
    return Status::Internal("200, but the challenge did not come back: " + Short(a.body));
  }
  if (StringMember(d, "validation_key") != o.token) {
    return Status::Internal("200, but the validation key did not come back: " + Short(a.body));
  }
  *seen = "200, challenge and validation key echoed";
  return Status::Ok();
}

Status CheckStored(const HttpAnswer& a, int64_t stored, int64_t duplicates, std::string* seen) {
  Status s = Expect(a, 200);
  rapidjson::Document d;
  if (s.ok()) s = ParseAnswer(a, &d);
  if (!s.ok()) return s;
  int64_t got_stored = IntMember(d, "stored"), got_dups = IntMember(d, "duplicates");
  if (got_stored != stored || got_dups != duplicates) {
    std::string why = "200, but stored " + std::to_string(got_stored) + ", duplicates " +
                      std::to_string(got_dups) + " (expected " + std::to_string(stored) + " and " +
                      std::to_string(duplicates) + ")";
    if (stored == 1 && got_dups == 1) why += ": that id was stored before; use another --id";
    return Status::Internal(why + ": " + Short(a.body));
  }
  *seen = stored ? "200, stored 1" : "200, counted as a duplicate (stored 0, duplicates 1)";
  return Status::Ok();
}

Status ExpectRefused(const HttpAnswer& a, std::string* seen) {
  Status s = Expect(a, 401);
  if (s.ok()) *seen = "401, refused";
  if (!s.ok() && a.status == 200) {
    return Status::Internal("answered 200: a wrong secret is accepted: " + Short(a.body));
  }
  return s;
}

// "k=v&k=v", each name and value percent-encoded.
std::string Encode(const Params& params) {
  std::string out;
  for (const auto& [k, v] : params) {
    if (!out.empty()) out += '&';
    out += PercentEncode(k) + "=" + PercentEncode(v);
  }
  return out;
}

// A request before its proof: the method, the URL's query parameters, the
// form's or the raw body.
struct Sample {
  std::string method = "POST";
  Params query;
  Params form;  // a form body when not empty
  std::string content_type;
  std::string body;  // when no form
};

std::string UtcText(int64_t unix_seconds, const char* format) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  size_t n = std::strftime(buf, sizeof buf, format, &tm);
  return std::string(buf, n);
}

// The DLR of `provider` (id, delivered), as its documentation shows one.
Sample SampleOf(const SendTestOptions& o) {
  Sample s;
  const std::string& id = o.dlr_id;
  if (o.provider == "twilio") {
    s.form = {{"MessageSid", id},
              {"SmsSid", id},
              {"MessageStatus", "delivered"},
              {"SmsStatus", "delivered"},
              {"To", "+15558675310"},
              {"From", "+15017122661"},
              {"AccountSid", "ACdlrctlsendtest"},
              {"ApiVersion", "2010-04-01"}};
  } else if (o.provider == "plivo") {
    s.form = {{"MessageUUID", id},
              {"Status", "delivered"},
              {"To", "15558675310"},
              {"From", "15017122661"},
              {"Units", "1"},
              {"TotalRate", "0.00350"},
              {"TotalAmount", "0.00350"},
              {"MessageTime", UtcText(o.now, "%Y-%m-%d %H:%M:%S")}};
  } else if (o.provider == "vonage") {
    s.method = "GET";
    s.query = {{"msisdn", "447700900000"},
               {"to", "Vonage"},
               {"network-code", "23410"},
               {"messageId", id},
               {"price", "0.03330000"},
               {"status", "delivered"},
               {"scts", UtcText(o.now, "%y%m%d%H%M")},
               {"err-code", "0"},
               {"message-timestamp", UtcText(o.now, "%Y-%m-%d %H:%M:%S")}};
    if (o.scheme.kind == SchemeKind::kVonageSig) {
      s.query.push_back({"timestamp", std::to_string(o.now)});
      s.query.push_back({"nonce", o.nonce});
    }
  } else if (o.provider == "kannel") {
    s.method = "GET";
    s.query = {{"id", id},
               {"type", "1"},
               {"to", "+15558675310"},
               {"ts", std::to_string(o.now)},
               {"reply", "id:" + id + " sub:001 dlvrd:001 stat:DELIVRD err:000 text:"}};
  } else if (o.provider == "infobip") {
    const std::string at = UtcText(o.now, "%Y-%m-%dT%H:%M:%S.000+0000");
    JsonWriter w;
    auto str = [&w](const char* k, const std::string& v) {
      w.Key(k);
      w.String(v);
    };
    auto num = [&w](const char* k, int64_t v) {
      w.Key(k);
      w.Int(v);
    };
    w.StartObject();
    w.Key("results");
    w.StartArray();
    w.StartObject();
    str("bulkId", "dlrctl-send-test");
    str("messageId", id);
    str("to", "41793026727");
    str("sentAt", at);
    str("doneAt", at);
    num("smsCount", 1);
    w.Key("status");
    w.StartObject();
    num("groupId", 3);
    str("groupName", "DELIVERED");
    num("id", 5);
    str("name", "DELIVERED_TO_HANDSET");
    str("description", "Message delivered to handset");
    w.EndObject();
    w.Key("error");
    w.StartObject();
    num("groupId", 0);
    str("groupName", "OK");
    num("id", 0);
    str("name", "NO_ERROR");
    str("description", "No Error");
    w.Key("permanent");
    w.Bool(false);
    w.EndObject();
    w.EndObject();
    w.EndArray();
    w.EndObject();
    s.content_type = "application/json";
    s.body = w.Text();
  } else if (o.provider == "telnyx") {
    const std::string at = UtcText(o.now, "%Y-%m-%dT%H:%M:%S.000+00:00");
    JsonWriter w;
    auto str = [&w](const char* k, const std::string& v) {
      w.Key(k);
      w.String(v);
    };
    w.StartObject();
    w.Key("data");
    w.StartObject();
    str("event_type", "message.finalized");
    str("id", "dlrctl-" + id);
    str("occurred_at", at);
    w.Key("payload");
    w.StartObject();
    str("id", id);
    str("record_type", "message");
    str("direction", "outbound");
    str("type", "SMS");
    w.Key("to");
    w.StartArray();
    w.StartObject();
    str("phone_number", "+15558675310");
    str("status", "delivered");
    str("line_type", "Wireless");
    w.EndObject();
    w.EndArray();
    w.Key("errors");
    w.StartArray();
    w.EndArray();
    str("text", "dlrctl send-test");
    str("completed_at", at);
    w.EndObject();
    str("record_type", "event");
    w.EndObject();
    w.EndObject();
    s.content_type = "application/json";
    s.body = w.Text();
  } else {
    s.content_type = "application/json";
    s.body = SampleDlrJson(id);
  }
  if (!s.form.empty()) {
    s.content_type = "application/x-www-form-urlencoded";
    s.body = Encode(s.form);
  }
  return s;
}

// The URL the platform signs: the public URL with the request's query, as the
// responder rebuilds it (handler.cc).
std::string SignedUrl(const SendTestOptions& o, const std::string& call_url) {
  std::string url = o.public_url.empty() ? o.url : o.public_url;
  size_t hash = url.find('#');
  if (hash != std::string::npos) url.resize(hash);
  std::string_view query;
  size_t q = call_url.find('?');
  if (q != std::string::npos) {
    query = std::string_view(call_url).substr(q + 1);
    query = query.substr(0, query.find('#'));
  }
  if (o.public_url.empty()) {
    return q == std::string::npos ? url : call_url.substr(0, call_url.find('#'));
  }
  if (query.empty()) return url;
  return url + (url.find('?') == std::string::npos ? "?" : "&") + std::string(query);
}

bool IsProviderFlow(const SendTestOptions& o) {
  return o.provider != "mobtexting" ||
         (o.scheme.kind != SchemeKind::kNone && o.scheme.kind != SchemeKind::kBearer);
}

// What a wrong proof is called in the steps.
const char* WrongWhat(SchemeKind kind) {
  switch (kind) {
    case SchemeKind::kBearer:
      return "a wrong secret";
    case SchemeKind::kBasic:
      return "a wrong password";
    default:
      return "a wrong signature";
  }
}

// One step of a send-test: a request and the check of its answer; skipped,
// with the reason printed, when `skip` is set.
struct SendStep {
  std::string what;
  HttpCall call;
  std::function<Status(const HttpAnswer&, std::string*)> check;
  std::string skip = "";
};

// Sends the steps in order, one line each, stopping at the first failure:
// Unavailable when no answer came, Internal when the answer was wrong.
Status RunSteps(const std::vector<SendStep>& steps, const HttpTransport& send,
                const std::function<void(const std::string&)>& print) {
  for (size_t i = 0; i < steps.size(); ++i) {
    std::string label =
        std::to_string(i + 1) + "/" + std::to_string(steps.size()) + " " + steps[i].what;
    if (!steps[i].skip.empty()) {
      print("skip  " + label + ": " + steps[i].skip);
      continue;
    }
    StatusOr<HttpAnswer> a = send(steps[i].call);
    if (!a.ok()) {
      print("FAIL  " + label + ": no answer: " + a.status().message());
      return Status::Unavailable(label + ": no answer: " + a.status().message());
    }
    std::string seen;
    Status s = steps[i].check(a.value(), &seen);
    if (!s.ok()) {
      print("FAIL  " + label + ": " + s.message());
      return Status::Internal(label + ": " + s.message());
    }
    print("ok    " + label + ": " + seen);
  }
  return Status::Ok();
}

Status RunProviderSendTest(const SendTestOptions& o, const HttpTransport& send,
                           const std::function<void(const std::string&)>& print) {
  StatusOr<HttpCall> right = SendTestDlrCall(o, false);
  if (!right.ok()) return right.status();
  StatusOr<HttpCall> wrong = SendTestDlrCall(o, true);
  if (!wrong.ok()) return wrong.status();
  std::vector<SendStep> steps = {
      {"a " + o.provider + " DLR (id " + o.dlr_id + ", " + SchemeKindName(o.scheme.kind) + ")",
       right.value(),
       [](const HttpAnswer& a, std::string* seen) { return CheckStored(a, 1, 0, seen); }},
      {"the same DLR again", right.value(),
       [](const HttpAnswer& a, std::string* seen) { return CheckStored(a, 0, 1, seen); }},
      {std::string("the DLR with ") + WrongWhat(o.scheme.kind), wrong.value(), ExpectRefused},
  };
  if (o.scheme.kind == SchemeKind::kNone) {
    steps[2].skip = "the webhook checks no secret (anyone can store DLRs)";
  }
  return RunSteps(steps, send, print);
}

}  // namespace

std::string WithQueryParam(const std::string& url, const std::string& key,
                           const std::string& value) {
  size_t hash = url.find('#');
  std::string base = hash == std::string::npos ? url : url.substr(0, hash);
  std::string fragment = hash == std::string::npos ? "" : url.substr(hash);
  if (base.find('?') == std::string::npos) {
    base.push_back('?');
  } else if (base.back() != '?' && base.back() != '&') {
    base.push_back('&');
  }
  return base + PercentEncode(key) + "=" + PercentEncode(value) + fragment;
}

std::string SampleDlrJson(const std::string& id) {
  JsonObjectWriter w;
  w.String("id", id);
  w.String("mobile", "910000000000");
  w.String("status", "DELIVRD");
  w.String("credits", "1.0000");
  w.Int("units", 1);
  w.String("custom", "dlrctl send-test");
  w.String("provider", "dlrctl");
  return w.Finish();
}

Status RunSendTest(const SendTestOptions& o, const HttpTransport& send,
                   const std::function<void(const std::string&)>& print) {
  if (IsProviderFlow(o)) return RunProviderSendTest(o, send, print);
  const std::string bearer = o.secret ? "Bearer " + *o.secret : "";
  const std::string dlr = SampleDlrJson(o.dlr_id);
  JsonObjectWriter verify;
  verify.String("validation_key", o.token);
  verify.String("challenge", o.challenge);
  std::vector<SendStep> steps = {
      {"verification (token and challenge)",
       {"POST",
        WithQueryParam(o.url, "token", o.token),
        "application/json",
        bearer,
        verify.Finish(),
        {}},
       [&o](const HttpAnswer& a, std::string* seen) { return CheckVerification(a, o, seen); }},
      {"a sample DLR (id " + o.dlr_id + ")",
       {"POST", o.url, "application/json", bearer, dlr, {}},
       [](const HttpAnswer& a, std::string* seen) { return CheckStored(a, 1, 0, seen); }},
      {"the same DLR again",
       {"POST", o.url, "application/json", bearer, dlr, {}},
       [](const HttpAnswer& a, std::string* seen) { return CheckStored(a, 0, 1, seen); }},
      {"the DLR with a wrong secret",
       {"POST",
        o.url,
        "application/json",
        "Bearer " + (o.secret ? *o.secret : std::string()) + "-not-the-secret",
        dlr,
        {}},
       ExpectRefused},
  };
  if (!o.secret) steps[3].skip = "no --secret given (a webhook without secrets accepts anyone)";
  return RunSteps(steps, send, print);
}

StatusOr<HttpCall> SendTestDlrCall(const SendTestOptions& o, bool wrong) {
  VerifyScheme v = o.scheme;
  if (v.kind == SchemeKind::kNone && o.secret) {
    v.kind = SchemeKind::kBearer;
    v.secrets = {*o.secret};
  }
  if (v.kind == SchemeKind::kBearer && v.secrets.empty() && o.secret) v.secrets = {*o.secret};
  const bool needs_secret = v.kind != SchemeKind::kNone && v.kind != SchemeKind::kBasic;
  if (needs_secret && (v.secrets.empty() || v.secrets[0].empty())) {
    return Status::InvalidArgument(std::string("scheme ") + SchemeKindName(v.kind) + " needs " +
                                   (v.kind == SchemeKind::kTelnyx
                                        ? "the private key (--private-key-file)"
                                        : "its secret (--secret-file)"));
  }
  if (v.kind == SchemeKind::kBasic && v.users.empty()) {
    return Status::InvalidArgument("scheme basic needs a user and password (--secret-file)");
  }
  std::string secret = needs_secret ? v.secrets[0] : "";
  if (wrong && v.kind != SchemeKind::kTelnyx) secret += "-not-the-secret";
  if (wrong && v.kind == SchemeKind::kTelnyx) secret[0] = static_cast<char>(secret[0] ^ 1);

  Sample s = SampleOf(o);
  if (v.kind == SchemeKind::kVonageSig) {
    if (s.form.empty() && s.method != "GET") {
      return Status::InvalidArgument("scheme vonage-sig signs parameters: provider " + o.provider +
                                     " posts JSON");
    }
    Params signed_params = s.query;
    signed_params.insert(signed_params.end(), s.form.begin(), s.form.end());
    std::string sig = SignVonage(secret, v.vonage_algorithm, signed_params);
    if (sig.empty())
      return CryptoAvailable().ok() ? Status::Internal("cannot sign") : CryptoAvailable();
    if (s.form.empty()) {
      s.query.push_back({"sig", sig});
    } else {
      s.form.push_back({"sig", sig});
      s.body = Encode(s.form);
    }
  }
  HttpCall call;
  call.method = s.method;
  call.url = o.url;
  for (const auto& [k, val] : s.query) call.url = WithQueryParam(call.url, k, val);
  call.content_type = s.content_type;
  call.body = s.body;
  if (v.kind == SchemeKind::kTwilio && !s.body.empty() && s.form.empty()) {
    // Twilio's JSON variant: the body's hash in the signed URL.
    call.url = WithQueryParam(call.url, "bodySHA256", HexEncode(Sha256(s.body)));
  }
  auto need_crypto = [](const std::string& out) -> Status {
    if (!out.empty()) return Status::Ok();
    Status c = CryptoAvailable();
    return c.ok() ? Status::Internal("the signature could not be computed") : c;
  };
  const std::string ts = std::to_string(o.now);
  switch (v.kind) {
    case SchemeKind::kNone:
    case SchemeKind::kVonageSig:
      break;
    case SchemeKind::kBearer:
      call.authorization = "Bearer " + secret;
      break;
    case SchemeKind::kBasic: {
      std::string password = v.users[0].second + (wrong ? "-not-the-password" : "");
      call.authorization = "Basic " + Base64Encode(v.users[0].first + ":" + password);
      break;
    }
    case SchemeKind::kHmac: {
      std::string mac = Hmac(v.algorithm, secret, call.body);
      Status c = need_crypto(mac);
      if (!c.ok()) return c;
      call.headers.push_back(
          {v.header,
           v.prefix + (v.encoding == MacEncoding::kHex ? HexEncode(mac) : Base64Encode(mac))});
      break;
    }
    case SchemeKind::kStandardWebhooks: {
      std::string mac = SignStandardWebhooks(secret, "msg_" + o.dlr_id, ts, call.body);
      Status c = need_crypto(mac);
      if (!c.ok()) return c;
      call.headers.push_back({"webhook-id", "msg_" + o.dlr_id});
      call.headers.push_back({"webhook-timestamp", ts});
      call.headers.push_back({"webhook-signature", "v1," + mac});
      break;
    }
    case SchemeKind::kTwilio: {
      std::string sig = SignTwilio(secret, SignedUrl(o, call.url), s.form);
      Status c = need_crypto(sig);
      if (!c.ok()) return c;
      call.headers.push_back({"X-Twilio-Signature", sig});
      break;
    }
    case SchemeKind::kPlivoV3: {
      std::string sig = SignPlivoV3(secret, call.method, SignedUrl(o, call.url),
                                    call.method == "GET" ? Params{} : s.form, o.nonce);
      Status c = need_crypto(sig);
      if (!c.ok()) return c;
      call.headers.push_back({"X-Plivo-Signature-V3", sig});
      call.headers.push_back({"X-Plivo-Signature-V3-Nonce", o.nonce});
      break;
    }
    case SchemeKind::kTelnyx: {
      std::optional<std::string> sig = Ed25519Sign(secret, ts + "|" + call.body);
      if (!sig) {
        Status c = CryptoAvailable();
        return c.ok() ? Status::InvalidArgument("the Telnyx private key cannot sign") : c;
      }
      call.headers.push_back({"telnyx-timestamp", ts});
      call.headers.push_back({"telnyx-signature-ed25519", Base64Encode(*sig)});
      break;
    }
  }
  return call;
}

void SendTestFromWebhook(const Webhook& w, SendTestOptions* o) {
  o->provider = w.provider;
  o->scheme = w.verify;
  if (w.verify.kind == SchemeKind::kTelnyx) o->scheme.secrets.clear();  // public keys
  if (w.verify.kind == SchemeKind::kBearer && !w.verify.secrets.empty()) {
    o->secret = w.verify.secrets[0];
  }
  if (w.public_url) o->public_url = *w.public_url;
  if (o->token.empty() && w.validation_key) o->token = *w.validation_key;
}

Status SetSendTestSecret(const std::string& text, SendTestOptions* o) {
  std::string t = text;
  while (!t.empty() && (t.back() == '\n' || t.back() == '\r')) t.pop_back();
  VerifyScheme& v = o->scheme;
  if (v.kind == SchemeKind::kNone && o->provider == "mobtexting") v.kind = SchemeKind::kBearer;
  switch (v.kind) {
    case SchemeKind::kNone:
      return Status::InvalidArgument(
          "a secret was given, but the webhook's scheme is none: give --scheme");
    case SchemeKind::kBasic: {
      size_t colon = t.find(':');
      if (colon == std::string::npos || colon == 0) {
        return Status::InvalidArgument("scheme basic takes the secret file as user:password");
      }
      v.users = {{t.substr(0, colon), t.substr(colon + 1)}};
      return Status::Ok();
    }
    case SchemeKind::kStandardWebhooks: {
      std::optional<std::string> key = DecodeStandardWebhooksSecret(t);
      if (!key) {
        return Status::InvalidArgument(
            "scheme standard-webhooks takes the secret as whsec_<base64> or base64");
      }
      v.secrets = {*key};
      return Status::Ok();
    }
    case SchemeKind::kTelnyx: {
      std::optional<std::string> seed = Ed25519SeedFromPem(t);
      if (!seed) {
        return Status::InvalidArgument(
            "scheme telnyx takes an Ed25519 private key in PEM (BEGIN PRIVATE KEY, as `openssl "
            "genpkey -algorithm ed25519` writes it)");
      }
      v.secrets = {*seed};
      return Status::Ok();
    }
    default:
      if (t.empty()) return Status::InvalidArgument("the secret is empty");
      v.secrets = {t};
      if (v.kind == SchemeKind::kBearer) o->secret = t;
      return Status::Ok();
  }
}

}  // namespace dlr
