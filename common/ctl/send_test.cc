#include "common/ctl/send_test.h"

#include <rapidjson/document.h>

#include "common/base/json_out.h"

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
  const std::string bearer = o.secret ? "Bearer " + *o.secret : "";
  const std::string dlr = SampleDlrJson(o.dlr_id);
  struct Step {
    std::string what;
    HttpCall call;
    std::function<Status(const HttpAnswer&, std::string*)> check;
  };
  JsonObjectWriter verify;
  verify.String("validation_key", o.token);
  verify.String("challenge", o.challenge);
  std::vector<Step> steps = {
      {"verification (token and challenge)",
       {"POST", WithQueryParam(o.url, "token", o.token), "application/json", bearer,
        verify.Finish()},
       [&o](const HttpAnswer& a, std::string* seen) { return CheckVerification(a, o, seen); }},
      {"a sample DLR (id " + o.dlr_id + ")",
       {"POST", o.url, "application/json", bearer, dlr},
       [](const HttpAnswer& a, std::string* seen) { return CheckStored(a, 1, 0, seen); }},
      {"the same DLR again",
       {"POST", o.url, "application/json", bearer, dlr},
       [](const HttpAnswer& a, std::string* seen) { return CheckStored(a, 0, 1, seen); }},
      {"the DLR with a wrong secret",
       {"POST", o.url, "application/json",
        "Bearer " + (o.secret ? *o.secret : std::string()) + "-not-the-secret", dlr},
       [](const HttpAnswer& a, std::string* seen) {
         Status s = Expect(a, 401);
         if (s.ok()) *seen = "401, refused";
         if (!s.ok() && a.status == 200) {
           return Status::Internal("answered 200: a wrong secret is accepted: " + Short(a.body));
         }
         return s;
       }},
  };
  for (size_t i = 0; i < steps.size(); ++i) {
    std::string label =
        std::to_string(i + 1) + "/" + std::to_string(steps.size()) + " " + steps[i].what;
    if (i == 3 && !o.secret) {
      print("skip  " + label + ": no --secret given (a webhook without secrets accepts anyone)");
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

}  // namespace dlr
