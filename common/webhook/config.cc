#include "common/webhook/config.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>
#include <utility>

#include "common/base/crypto.h"
#include "common/store/database_url.h"
#include "common/webhook/presets.h"

namespace dlr {
namespace {

using rapidjson::Value;

constexpr unsigned kFlags = rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag |
                            rapidjson::kParseCommentsFlag | rapidjson::kParseTrailingCommasFlag;

Status KeyError(const std::string& key, const std::string& what) {
  return Status::InvalidArgument(key + ": " + what);
}

Status ReadString(const Value& v, const std::string& key, std::string* out) {
  if (!v.IsString()) return KeyError(key, "expected a string");
  *out = std::string(v.GetString(), v.GetStringLength());
  return Status::Ok();
}

// A positive integer between 1 and `max` into *out.
Status ReadLimit(const Value& v, const std::string& key, size_t max, size_t* out) {
  if (!v.IsUint64() || v.GetUint64() == 0 || v.GetUint64() > max) {
    return KeyError(key, "expected an integer between 1 and " + std::to_string(max));
  }
  *out = static_cast<size_t>(v.GetUint64());
  return Status::Ok();
}

bool IsUrl(const std::string& db) { return db.find("://") != std::string::npos; }

// A list of bearer secrets: non-empty strings without whitespace or control
// characters (an Authorization header could not carry them).
Status ReadSecrets(const Value& v, const std::string& key, std::vector<std::string>* out) {
  if (!v.IsArray()) return KeyError(key, "expected an array of strings");
  for (rapidjson::SizeType i = 0; i < v.Size(); ++i) {
    std::string sk = key + "[" + std::to_string(i) + "]";
    std::string secret;
    Status s = ReadString(v[i], sk, &secret);
    if (!s.ok()) return s;
    if (secret.empty()) return KeyError(sk, "must not be empty");
    for (char c : secret) {
      if (c == ' ' || c == '\t' || static_cast<unsigned char>(c) < 0x20) {
        return KeyError(sk, "must not contain whitespace or control characters");
      }
    }
    out->push_back(std::move(secret));
  }
  return Status::Ok();
}

// An array of non-empty strings (secrets of any shape: they never travel in a
// header of their own).
Status ReadStrings(const Value& v, const std::string& key, std::vector<std::string>* out) {
  if (!v.IsArray()) return KeyError(key, "expected an array of strings");
  for (rapidjson::SizeType i = 0; i < v.Size(); ++i) {
    std::string sk = key + "[" + std::to_string(i) + "]";
    std::string text;
    Status s = ReadString(v[i], sk, &text);
    if (!s.ok()) return s;
    if (text.empty()) return KeyError(sk, "must not be empty");
    out->push_back(std::move(text));
  }
  return Status::Ok();
}

Status ReadCidrs(const Value& v, const std::string& key, std::vector<Cidr>* out) {
  std::vector<std::string> texts;
  Status s = ReadStrings(v, key, &texts);
  if (!s.ok()) return s;
  for (size_t i = 0; i < texts.size(); ++i) {
    StatusOr<Cidr> c = ParseCidr(texts[i]);
    if (!c.ok()) return KeyError(key + "[" + std::to_string(i) + "]", c.status().message());
    out->push_back(c.value());
  }
  return Status::Ok();
}

// The keys each scheme takes besides "scheme".
bool SchemeTakes(SchemeKind kind, const std::string& name) {
  switch (kind) {
    case SchemeKind::kNone:
      return false;
    case SchemeKind::kBearer:
      return name == "secrets";
    case SchemeKind::kBasic:
      return name == "users";
    case SchemeKind::kHmac:
      return name == "secrets" || name == "header" || name == "algorithm" || name == "encoding" ||
             name == "prefix";
    case SchemeKind::kStandardWebhooks:
      return name == "secrets" || name == "tolerance_seconds";
    case SchemeKind::kTwilio:
    case SchemeKind::kPlivoV3:
      return name == "auth_tokens";
    case SchemeKind::kVonageSig:
      return name == "signature_secrets" || name == "algorithm";
    case SchemeKind::kTelnyx:
      return name == "public_keys" || name == "tolerance_seconds";
  }
  return false;
}

Status ReadVerifyKey(const Value& v, const std::string& k, const std::string& name,
                     VerifyScheme* out) {
  SchemeKind kind = out->kind;
  if (name == "secrets" || name == "auth_tokens" || name == "signature_secrets" ||
      name == "public_keys") {
    std::vector<std::string> texts;
    Status s = kind == SchemeKind::kBearer ? ReadSecrets(v, k, &texts) : ReadStrings(v, k, &texts);
    if (!s.ok()) return s;
    if (texts.empty()) return KeyError(k, "needs one entry at least");
    for (size_t i = 0; i < texts.size(); ++i) {
      std::string ik = k + "[" + std::to_string(i) + "]";
      if (kind == SchemeKind::kStandardWebhooks) {
        std::optional<std::string> key = DecodeStandardWebhooksSecret(texts[i]);
        if (!key) return KeyError(ik, "expected whsec_ followed by base64");
        out->secrets.push_back(std::move(*key));
      } else if (kind == SchemeKind::kTelnyx) {
        std::optional<std::string> key = Base64Decode(texts[i]);
        if (!key || key->size() != 32) {
          return KeyError(ik, "expected the base64 of a 32-byte Ed25519 public key");
        }
        out->secrets.push_back(std::move(*key));
      } else {
        out->secrets.push_back(std::move(texts[i]));
      }
    }
    return Status::Ok();
  }
  if (name == "users") {
    if (!v.IsArray() || v.Empty()) return KeyError(k, "expected an array of {user, password}");
    for (rapidjson::SizeType i = 0; i < v.Size(); ++i) {
      std::string ik = k + "[" + std::to_string(i) + "]";
      const Value& u = v[i];
      if (!u.IsObject()) return KeyError(ik, "expected {\"user\": ..., \"password\": ...}");
      std::string user, password;
      for (auto m = u.MemberBegin(); m != u.MemberEnd(); ++m) {
        std::string n(m->name.GetString(), m->name.GetStringLength());
        Status s = n == "user"       ? ReadString(m->value, ik + ".user", &user)
                   : n == "password" ? ReadString(m->value, ik + ".password", &password)
                                     : KeyError(ik + "." + n, "unknown key");
        if (!s.ok()) return s;
      }
      if (user.empty() || user.find(':') != std::string::npos) {
        return KeyError(ik + ".user", "is required, without ':'");
      }
      if (password.empty()) return KeyError(ik + ".password", "is required");
      out->users.emplace_back(user, password);
    }
    return Status::Ok();
  }
  if (name == "tolerance_seconds") {
    if (!v.IsInt64() || v.GetInt64() < 1 || v.GetInt64() > 86400) {
      return KeyError(k, "expected an integer between 1 and 86400");
    }
    out->tolerance_seconds = v.GetInt64();
    return Status::Ok();
  }
  std::string text;
  Status s = ReadString(v, k, &text);
  if (!s.ok()) return s;
  if (name == "header") {
    if (text.empty()) return KeyError(k, "must not be empty");
    for (char& c : text) {
      bool ok =
          (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
      if (!ok) return KeyError(k, "expected a header name (letters, digits and '-')");
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    }
    out->header = text;
  } else if (name == "algorithm" && kind == SchemeKind::kVonageSig) {
    std::optional<VonageAlgorithm> a = ParseVonageAlgorithm(text);
    if (!a) return KeyError(k, "expected md5hash, md5, sha1, sha256 or sha512");
    out->vonage_algorithm = *a;
  } else if (name == "algorithm") {
    std::optional<DigestAlgorithm> a = ParseDigestAlgorithm(text);
    if (!a || *a == DigestAlgorithm::kMd5) return KeyError(k, "expected sha1, sha256 or sha512");
    out->algorithm = *a;
  } else if (name == "encoding") {
    if (text != "hex" && text != "base64") return KeyError(k, "expected hex or base64");
    out->encoding = text == "hex" ? MacEncoding::kHex : MacEncoding::kBase64;
  } else if (name == "prefix") {
    out->prefix = text;
  }
  return Status::Ok();
}

// `verify`: {"scheme": S, ...}; S may be left out when the provider has a default.
Status ParseVerify(const Value& v, const std::string& key, const std::string& provider,
                   VerifyScheme* out) {
  if (!v.IsObject()) return KeyError(key, "expected an object");
  std::optional<SchemeKind> kind;
  if (v.HasMember("scheme")) {
    std::string name;
    Status s = ReadString(v["scheme"], key + ".scheme", &name);
    if (!s.ok()) return s;
    kind = ParseSchemeKind(name);
    if (!kind) {
      return KeyError(key + ".scheme",
                      "expected bearer, basic, hmac, standard-webhooks, twilio, plivo-v3, "
                      "vonage-sig or telnyx");
    }
  } else {
    kind = DefaultSchemeFor(provider);
    if (!kind) return KeyError(key + ".scheme", "is required for provider \"" + provider + "\"");
  }
  out->kind = *kind;
  std::set<std::string> seen;
  for (auto m = v.MemberBegin(); m != v.MemberEnd(); ++m) {
    std::string name(m->name.GetString(), m->name.GetStringLength());
    std::string k = key + "." + name;
    if (!seen.insert(name).second) return KeyError(k, "given twice");
    if (name == "scheme") continue;
    if (!SchemeTakes(*kind, name)) {
      return KeyError(k, std::string("unknown key for scheme ") + SchemeKindName(*kind));
    }
    Status s = ReadVerifyKey(m->value, k, name, out);
    if (!s.ok()) return s;
  }
  const char* secrets_key = nullptr;
  switch (*kind) {
    case SchemeKind::kTwilio:
    case SchemeKind::kPlivoV3:
      secrets_key = "auth_tokens";
      break;
    case SchemeKind::kVonageSig:
      secrets_key = "signature_secrets";
      break;
    case SchemeKind::kTelnyx:
      secrets_key = "public_keys";
      break;
    case SchemeKind::kBasic:
      if (out->users.empty()) return KeyError(key + ".users", "is required");
      break;
    default:
      secrets_key = "secrets";
  }
  if (secrets_key && out->secrets.empty()) {
    return KeyError(key + "." + secrets_key, "is required");
  }
  if (*kind == SchemeKind::kHmac && out->header.empty()) {
    return KeyError(key + ".header", "is required");
  }
  return Status::Ok();
}

Status ParseWebhook(const Value& v, const std::string& key, Webhook* w) {
  if (!v.IsObject()) return KeyError(key, "expected an object");
  std::set<std::string> seen;
  for (auto m = v.MemberBegin(); m != v.MemberEnd(); ++m) {
    std::string name(m->name.GetString(), m->name.GetStringLength());
    std::string k = key + "." + name;
    if (!seen.insert(name).second) return KeyError(k, "given twice");
    if (name == "name") {
      Status s = ReadString(m->value, k, &w->name);
      if (!s.ok()) return s;
      if (w->name.empty()) return KeyError(k, "must not be empty");
    } else if (name == "path") {
      std::string p;
      Status s = ReadString(m->value, k, &p);
      if (!s.ok()) return s;
      if (p.empty() || p[0] != '/') return KeyError(k, "must start with '/'");
      while (p.size() > 1 && p.back() == '/') p.pop_back();
      w->path = p;
    } else if (name == "validation_key") {
      std::string vk;
      Status s = ReadString(m->value, k, &vk);
      if (!s.ok()) return s;
      if (vk.empty()) return KeyError(k, "must not be empty");
      w->validation_key = vk;
    } else if (name == "secrets") {
      Status s = ReadSecrets(m->value, k, &w->secrets);
      if (!s.ok()) return s;
    } else if (name == "fields") {
      if (!m->value.IsObject()) return KeyError(k, "expected an object");
      for (auto f = m->value.MemberBegin(); f != m->value.MemberEnd(); ++f) {
        std::string ours(f->name.GetString(), f->name.GetStringLength());
        std::string fk = k + "." + ours;
        std::optional<Field> field = FieldFromName(ours);
        if (!field) return KeyError(fk, "is not a DLR field (id, status, mobile, ...)");
        std::string theirs;
        Status s = ReadString(f->value, fk, &theirs);
        if (!s.ok()) return s;
        if (theirs.empty()) return KeyError(fk, "must not be empty");
        if (theirs == "token") return KeyError(fk, "\"token\" is reserved for verification");
        w->field_names.key[static_cast<size_t>(*field)] = theirs;
        w->fields.emplace_back(ours, theirs);
      }
    } else if (name == "provider") {
      Status s = ReadString(m->value, k, &w->provider);
      if (!s.ok()) return s;
      bool known = false;
      for (const char* p : kProviders) known = known || w->provider == p;
      if (!known) {
        return KeyError(k, "expected mobtexting, twilio, vonage, plivo, infobip, telnyx or kannel");
      }
    } else if (name == "verify") {
      continue;  // read below, once the provider is known
    } else if (name == "public_url") {
      std::string url;
      Status s = ReadString(m->value, k, &url);
      if (!s.ok()) return s;
      if (url.rfind("https://", 0) != 0 && url.rfind("http://", 0) != 0) {
        return KeyError(k, "expected an http:// or https:// URL");
      }
      if (url.find('#') != std::string::npos) return KeyError(k, "must not contain '#'");
      w->public_url = url;
    } else if (name == "allow_from") {
      Status s = ReadCidrs(m->value, k, &w->allow_from);
      if (!s.ok()) return s;
      if (w->allow_from.empty()) return KeyError(k, "needs one block at least (or leave it out)");
    } else {
      return KeyError(k, "unknown key");
    }
  }
  if (w->name.empty()) return KeyError(key + ".name", "is required");
  // The provider's names for the fields `fields` does not name.
  for (const auto& [field, theirs] : PresetFields(w->provider)) {
    bool overridden = false;
    for (const auto& f : w->fields) overridden = overridden || FieldFromName(f.first) == field;
    if (!overridden) w->field_names.key[static_cast<size_t>(field)] = std::string(theirs);
  }
  if (std::optional<NestedLayout> layout = PresetLayout(w->provider)) {
    // The platform nests its DLRs: each field's name (`fields` included) is a path.
    Status s = w->field_names.SetLayout(std::move(*layout));
    if (!s.ok()) return KeyError(key + ".fields", s.message());
  }
  if (v.HasMember("verify")) {
    if (!w->secrets.empty()) {
      return KeyError(key + ".secrets", "give the secrets in verify, not beside it");
    }
    Status s = ParseVerify(v["verify"], key + ".verify", w->provider, &w->verify);
    if (!s.ok()) return s;
    if (w->verify.kind == SchemeKind::kBearer) w->secrets = w->verify.secrets;
  } else if (!w->secrets.empty()) {
    w->verify.kind = SchemeKind::kBearer;
    w->verify.secrets = w->secrets;
  }
  SchemeKind kind = w->verify.kind;
  if ((kind == SchemeKind::kTwilio || kind == SchemeKind::kPlivoV3) && !w->public_url) {
    return KeyError(key + ".public_url", std::string("is required by scheme ") +
                                             SchemeKindName(kind) +
                                             " (the URL the platform signs)");
  }
  return Status::Ok();
}

Status ParseDashboard(const Value& v, DashboardConfig* d) {
  const std::string key = "dashboard";
  if (!v.IsObject()) return KeyError(key, "expected an object");
  std::set<std::string> seen;
  bool have_path = false;
  for (auto m = v.MemberBegin(); m != v.MemberEnd(); ++m) {
    std::string name(m->name.GetString(), m->name.GetStringLength());
    std::string k = key + "." + name;
    if (!seen.insert(name).second) return KeyError(k, "given twice");
    if (name == "path") {
      std::string p;
      Status s = ReadString(m->value, k, &p);
      if (!s.ok()) return s;
      while (p.size() > 1 && p.back() == '/') p.pop_back();
      if (p.size() < 2 || p[0] != '/') return KeyError(k, "must start with '/' and not be '/'");
      for (char c : p) {
        if (static_cast<unsigned char>(c) <= 0x20 || c == '?' || c == '#' || c == 0x7F) {
          return KeyError(k, "must not contain spaces, control characters, '?' or '#'");
        }
      }
      d->path = p;
      have_path = true;
    } else if (name == "user" || name == "password") {
      std::string value;
      Status s = ReadString(m->value, k, &value);
      if (!s.ok()) return s;
      if (value.empty()) return KeyError(k, "must not be empty");
      if (name == "user") {
        if (value.find(':') != std::string::npos) return KeyError(k, "must not contain ':'");
        d->user = value;
      } else {
        d->password = value;
      }
    } else if (name == "loopback_without_password") {
      if (!m->value.IsBool()) return KeyError(k, "expected true or false");
      d->loopback_without_password = m->value.GetBool();
    } else if (name == "stale_after_minutes") {
      if (!m->value.IsInt() || m->value.GetInt() < 1 || m->value.GetInt() > kMaxStaleAfterMinutes) {
        return KeyError(
            k, "expected an integer between 1 and " + std::to_string(kMaxStaleAfterMinutes));
      }
      d->stale_after_minutes = m->value.GetInt();
    } else {
      return KeyError(k, "unknown key");
    }
  }
  if (!have_path) return KeyError(key + ".path", "is required");
  if (d->user && !d->password) return KeyError(key + ".user", "needs dashboard.password");
  if (!d->password && !d->loopback_without_password) {
    return KeyError(key + ".password",
                    "is required, unless dashboard.loopback_without_password is true: a "
                    "loopback client is whoever can reach the FastCGI socket and say "
                    "REMOTE_ADDR=127.0.0.1");
  }
  return Status::Ok();
}

// A path on which the responder answers something other than a webhook.
Status ReadRoutePath(const Value& v, const std::string& key, std::string* out) {
  Status s = ReadString(v, key, out);
  if (!s.ok()) return s;
  if (out->empty() || (*out)[0] != '/') return KeyError(key, "must start with '/'");
  while (out->size() > 1 && out->back() == '/') out->pop_back();
  return Status::Ok();
}

Status ParseLog(const Value& v, LogSettings* log) {
  if (!v.IsObject()) return KeyError("log", "expected an object");
  std::set<std::string> seen;
  for (auto m = v.MemberBegin(); m != v.MemberEnd(); ++m) {
    std::string name(m->name.GetString(), m->name.GetStringLength());
    std::string k = "log." + name;
    if (!seen.insert(name).second) return KeyError(k, "given twice");
    std::string text;
    Status s = ReadString(m->value, k, &text);
    if (!s.ok()) return s;
    if (name == "level") {
      std::optional<LogLevel> l = LogLevelFromName(text);
      if (!l) return KeyError(k, "expected \"error\", \"warning\" or \"info\"");
      log->level = *l;
    } else if (name == "format") {
      std::optional<LogFormat> f = LogFormatFromName(text);
      if (!f) return KeyError(k, "expected \"plain\" or \"json\"");
      log->format = *f;
    } else if (name == "destination") {
      std::optional<LogDestination> d = LogDestinationFromName(text);
      if (!d) return KeyError(k, "expected \"stderr\", \"file\" or \"syslog\"");
      log->destination = *d;
    } else if (name == "file") {
      if (text.empty()) return KeyError(k, "must not be empty");
      log->file = text;
    } else {
      return KeyError(k, "unknown key");
    }
  }
  if (log->destination == LogDestination::kFile && log->file.empty()) {
    return KeyError("log.file", "is required when log.destination is \"file\"");
  }
  if (log->destination != LogDestination::kFile && !log->file.empty()) {
    return KeyError("log.file", "is used only when log.destination is \"file\"");
  }
  return Status::Ok();
}

Status ParseMetrics(const Value& v, MetricsSettings* metrics) {
  if (!v.IsObject()) return KeyError("metrics", "expected an object");
  std::set<std::string> seen;
  for (auto m = v.MemberBegin(); m != v.MemberEnd(); ++m) {
    std::string name(m->name.GetString(), m->name.GetStringLength());
    std::string k = "metrics." + name;
    if (!seen.insert(name).second) return KeyError(k, "given twice");
    if (name == "path") {
      Status s = ReadRoutePath(m->value, k, &metrics->path);
      if (!s.ok()) return s;
    } else if (name == "file") {
      Status s = ReadString(m->value, k, &metrics->file);
      if (!s.ok()) return s;
      if (metrics->file.empty()) return KeyError(k, "must not be empty");
    } else if (name == "secrets") {
      Status s = ReadSecrets(m->value, k, &metrics->secrets);
      if (!s.ok()) return s;
    } else if (name == "loopback_without_password") {
      if (!m->value.IsBool()) return KeyError(k, "expected true or false");
      metrics->loopback_without_password = m->value.GetBool();
    } else {
      return KeyError(k, "unknown key");
    }
  }
  if (metrics->path.empty()) return KeyError("metrics.path", "is required");
  if (metrics->secrets.empty() && !metrics->loopback_without_password) {
    return KeyError("metrics.secrets",
                    "are required, unless metrics.loopback_without_password is true: a "
                    "loopback client is whoever can reach the FastCGI socket and say "
                    "REMOTE_ADDR=127.0.0.1");
  }
  return Status::Ok();
}

Status ParseHealth(const Value& v, HealthSettings* health) {
  if (!v.IsObject()) return KeyError("health", "expected an object");
  for (auto m = v.MemberBegin(); m != v.MemberEnd(); ++m) {
    std::string name(m->name.GetString(), m->name.GetStringLength());
    std::string k = "health." + name;
    if (name != "path") return KeyError(k, "unknown key");
    Status s = ReadRoutePath(m->value, k, &health->path);
    if (!s.ok()) return s;
  }
  if (health->path.empty()) return KeyError("health.path", "is required");
  return Status::Ok();
}

std::string Resolve(const std::string& path, const std::string& base_dir) {
  if (path.empty() || path[0] == '/' || base_dir.empty()) return path;
  return base_dir + "/" + path;
}

// The directory holding `path`, absolute when it exists.
std::string Dirname(const std::string& path) {
  size_t slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
  char resolved[PATH_MAX];
  if (realpath(dir.c_str(), resolved) != nullptr) return resolved;
  return dir;
}

// The readers of the config's top-level keys, each into its part of the
// Config; a key's error names it.
using KeyReader = Status (*)(const Value& v, const std::string& key, Config* c);

Status ReadDatabase(const Value& v, const std::string& key, Config* c) {
  Status s = ReadString(v, key, &c->database);
  if (!s.ok()) return s;
  if (c->database.empty()) return KeyError(key, "must not be empty");
  return Status::Ok();
}

Status ReadMaxBodyBytes(const Value& v, const std::string& key, Config* c) {
  if (!v.IsUint64()) return KeyError(key, "expected a positive integer");
  uint64_t n = v.GetUint64();
  if (n == 0 || n > kMaxMaxBodyBytes) {
    return KeyError(key, "must be between 1 and " + std::to_string(kMaxMaxBodyBytes));
  }
  c->max_body_bytes = static_cast<size_t>(n);
  return Status::Ok();
}

Status ReadBusyTimeout(const Value& v, const std::string& key, Config* c) {
  if (!v.IsInt() || v.GetInt() < 0 || v.GetInt() > 60000) {
    return KeyError(key, "expected an integer between 0 and 60000");
  }
  c->busy_timeout_ms = v.GetInt();
  return Status::Ok();
}

Status ReadWebhooks(const Value& v, const std::string& key, Config* c) {
  if (!v.IsArray()) return KeyError(key, "expected an array of objects");
  for (rapidjson::SizeType i = 0; i < v.Size(); ++i) {
    Webhook w;
    Status s = ParseWebhook(v[i], key + "[" + std::to_string(i) + "]", &w);
    if (!s.ok()) return s;
    c->webhooks.push_back(std::move(w));
  }
  return Status::Ok();
}

const std::pair<const char*, KeyReader> kTopLevelKeys[] = {
    {"database", ReadDatabase},
    {"max_body_bytes", ReadMaxBodyBytes},
    {"max_array_length",
     [](const Value& v, const std::string& key, Config* c) {
       return ReadLimit(v, key, kMaxMaxArrayLength, &c->limits.max_array_length);
     }},
    {"max_field_bytes",
     [](const Value& v, const std::string& key, Config* c) {
       return ReadLimit(v, key, kMaxMaxBodyBytes, &c->limits.max_field_bytes);
     }},
    {"max_json_depth",
     [](const Value& v, const std::string& key, Config* c) {
       return ReadLimit(v, key, kMaxMaxJsonDepth, &c->limits.max_json_depth);
     }},
    {"busy_timeout_ms", ReadBusyTimeout},
    {"webhooks", ReadWebhooks},
    {"dashboard",
     [](const Value& v, const std::string&, Config* c) {
       DashboardConfig d;
       Status s = ParseDashboard(v, &d);
       if (s.ok()) c->dashboard = std::move(d);
       return s;
     }},
    {"log", [](const Value& v, const std::string&, Config* c) { return ParseLog(v, &c->log); }},
    {"metrics",
     [](const Value& v, const std::string&, Config* c) { return ParseMetrics(v, &c->metrics); }},
    {"health",
     [](const Value& v, const std::string&, Config* c) { return ParseHealth(v, &c->health); }},
    {"trusted_proxies", [](const Value& v, const std::string& key,
                           Config* c) { return ReadCidrs(v, key, &c->trusted_proxies); }},
};

// Reads each top-level key in the document's order: the first error wins.
// "database" and a "webhooks" with one webhook at least are required.
Status ReadTopLevel(const Value& doc, Config* c) {
  std::set<std::string> seen;
  for (auto m = doc.MemberBegin(); m != doc.MemberEnd(); ++m) {
    std::string name(m->name.GetString(), m->name.GetStringLength());
    if (!seen.insert(name).second) return KeyError(name, "given twice");
    KeyReader read = nullptr;
    for (const auto& [key, reader] : kTopLevelKeys) {
      if (name == key) read = reader;
    }
    if (!read) return KeyError(name, "unknown key");
    Status s = read(m->value, name, c);
    if (!s.ok()) return s;
  }
  if (!seen.count("database")) return KeyError("database", "is required");
  if (c->webhooks.empty()) return KeyError("webhooks", "at least one webhook is required");
  return Status::Ok();
}

// Each webhook's name is its own, and so is its path; a path is required
// when there are several. The paths go to `*paths`.
Status CheckWebhooks(const std::vector<Webhook>& webhooks, std::set<std::string>* paths) {
  std::set<std::string> names;
  for (size_t i = 0; i < webhooks.size(); ++i) {
    const Webhook& w = webhooks[i];
    std::string key = "webhooks[" + std::to_string(i) + "]";
    if (!names.insert(w.name).second) {
      return KeyError(key + ".name", "\"" + w.name + "\" is used by two webhooks");
    }
    if (!w.path && webhooks.size() > 1) {
      return KeyError(key + ".path", "is required when there are several webhooks");
    }
    if (w.path && !paths->insert(*w.path).second) {
      return KeyError(key + ".path", "\"" + *w.path + "\" is used by two webhooks");
    }
  }
  return Status::Ok();
}

// The dashboard's page holds no webhook's path, and its password is no
// webhook's secret or validation key.
Status CheckDashboard(const DashboardConfig& d, const std::vector<Webhook>& webhooks) {
  for (const Webhook& w : webhooks) {
    // The page is looked for first: a webhook below it would never be reached.
    if (w.path && (*w.path == d.path || w.path->rfind(d.path + "/", 0) == 0)) {
      return KeyError("dashboard.path",
                      "\"" + d.path + "\" holds the path of webhook \"" + w.name + "\"");
    }
    if (!d.password) continue;
    // The value is never shown; the key is named.
    bool same = w.validation_key && *w.validation_key == *d.password;
    for (const std::string& secret : w.secrets) same = same || secret == *d.password;
    if (same) {
      return KeyError("dashboard.password",
                      "must differ from every webhook secret and validation key");
    }
  }
  return Status::Ok();
}

// The metrics and health routes are no webhook's path, not each other's, and
// not within the dashboard's page.
Status CheckRoutes(const Config& c, const std::set<std::string>& webhook_paths) {
  const std::pair<const char*, const std::string*> routes[] = {{"metrics.path", &c.metrics.path},
                                                               {"health.path", &c.health.path}};
  for (const auto& [key, route] : routes) {
    if (!route->empty() && webhook_paths.count(*route)) {
      return KeyError(key, "\"" + *route + "\" is a webhook's path");
    }
  }
  if (!c.metrics.path.empty() && c.metrics.path == c.health.path) {
    return KeyError("health.path", "\"" + c.health.path + "\" is also metrics.path");
  }
  if (c.dashboard) {
    const std::string& page = c.dashboard->path;
    for (const auto& [key, route] : routes) {
      if (!route->empty() && (*route == page || route->rfind(page + "/", 0) == 0)) {
        return KeyError(key, "\"" + *route + "\" is within dashboard.path");
      }
    }
  }
  return Status::Ok();
}

// "sqlite:///abs", "sqlite://rel", "sqlite:rel" and a bare path all name a
// SQLite file; a relative one lives beside the config file.
Status ResolveDatabase(const std::string& base_dir, std::string* database) {
  for (const char* prefix : {"sqlite://", "sqlite:"}) {
    if (database->rfind(prefix, 0) == 0) {
      *database = database->substr(std::strlen(prefix));
      break;
    }
  }
  if (!IsUrl(*database)) {
    if (database->empty()) return KeyError("database", "names no file");
    if ((*database)[0] != '/' && !base_dir.empty()) *database = base_dir + "/" + *database;
  }
  return Status::Ok();
}

// The log and metrics files, relative to the config's directory; the metrics
// file is beside a SQLite database unless given.
Status ResolveFiles(const std::string& base_dir, Config* c) {
  c->log.file = Resolve(c->log.file, base_dir);
  if (!c->metrics.path.empty()) {
    if (c->metrics.file.empty()) {
      if (IsUrl(c->database)) {
        return KeyError("metrics.file", "is required when the database is a server");
      }
      c->metrics.file = c->database + ".metrics";
    }
    c->metrics.file = Resolve(c->metrics.file, base_dir);
  }
  return Status::Ok();
}

}  // namespace

StatusOr<Config> ParseConfig(std::string_view text, const std::string& base_dir) {
  rapidjson::Document doc;
  doc.Parse<kFlags>(text.data(), text.size());
  if (doc.HasParseError()) {
    return Status::InvalidArgument(std::string("not valid JSON: ") +
                                   rapidjson::GetParseError_En(doc.GetParseError()) + " (at byte " +
                                   std::to_string(doc.GetErrorOffset()) + ")");
  }
  if (!doc.IsObject()) return Status::InvalidArgument("the config must be a JSON object");
  Config c;
  std::set<std::string> webhook_paths;
  Status s = ReadTopLevel(doc, &c);
  if (s.ok()) s = CheckWebhooks(c.webhooks, &webhook_paths);
  if (s.ok() && c.dashboard) s = CheckDashboard(*c.dashboard, c.webhooks);
  if (s.ok()) s = CheckRoutes(c, webhook_paths);
  if (s.ok()) s = ResolveDatabase(base_dir, &c.database);
  if (s.ok()) s = ResolveFiles(base_dir, &c);
  if (s.ok()) s = CheckCrypto(c.webhooks, CryptoAvailable);
  if (!s.ok()) return s;
  for (const Webhook& w : c.webhooks) {
    if (w.verify.kind != SchemeKind::kHmac) continue;
    std::string cgi = "HTTP_";
    for (char ch : w.verify.header) {
      cgi += ch == '-' ? '_' : (ch >= 'a' && ch <= 'z') ? static_cast<char>(ch - 32) : ch;
    }
    c.signature_headers.push_back(cgi);
  }
  return c;
}

Status CheckCrypto(const std::vector<Webhook>& webhooks,
                   const std::function<Status()>& crypto_available) {
  for (size_t i = 0; i < webhooks.size(); ++i) {
    const Webhook& w = webhooks[i];
    if (!SchemeNeedsCrypto(w.verify.kind)) continue;
    Status s = crypto_available();
    if (s.ok()) return s;
    return KeyError("webhooks[" + std::to_string(i) + "].verify",
                    std::string("scheme ") + SchemeKindName(w.verify.kind) + " (webhook \"" +
                        w.name + "\") needs libcrypto, which cannot be used: " + s.message() +
                        "; install OpenSSL's libcrypto (libssl3 on Debian 12), or every request "
                        "to this webhook would be refused with 401");
  }
  return Status::Ok();
}

StatusOr<Config> LoadConfig(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Status::Unavailable("cannot read the config file " + path + ": " + std::strerror(errno));
  }
  std::ostringstream text;
  text << in.rdbuf();
  StatusOr<Config> c = ParseConfig(text.str(), Dirname(path));
  if (!c.ok()) {
    return Status::InvalidArgument("invalid config " + path + ": " + c.status().message());
  }
  c.value().source = path;
  return c;
}

std::string ResolveConfigPath(const std::string& flag) {
  if (!flag.empty()) return flag;
  const char* env = std::getenv("DLR_WEBHOOK_CONFIG");
  if (env && *env) return env;
  return kDefaultConfigPath;
}

const Webhook* FindWebhook(const Config& config, std::string_view path) {
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  for (const Webhook& w : config.webhooks) {
    if (!w.path || *w.path == path) return &w;
  }
  return nullptr;
}

std::vector<std::string> ConfigWarnings(const Config& config) {
  std::vector<std::string> out;
  for (const Webhook& w : config.webhooks) {
    if (w.verify.kind == SchemeKind::kNone) {
      out.push_back("webhook \"" + w.name +
                    "\" has no secret: anyone who can reach it can store DLRs");
    }
    if (!w.validation_key && w.provider == "mobtexting") {
      out.push_back("webhook \"" + w.name +
                    "\" has no validation_key: the platform's verification will get 403");
    }
  }
  return out;
}

std::optional<SchemeKind> DefaultSchemeFor(std::string_view provider) {
  if (provider == "twilio") return SchemeKind::kTwilio;
  if (provider == "plivo") return SchemeKind::kPlivoV3;
  if (provider == "vonage") return SchemeKind::kVonageSig;
  if (provider == "telnyx") return SchemeKind::kTelnyx;
  if (provider == "mobtexting") return SchemeKind::kBearer;
  return std::nullopt;  // infobip, kannel: no signature of their own
}

std::string DescribeVerify(const Webhook& w) {
  const VerifyScheme& v = w.verify;
  if (v.kind == SchemeKind::kNone) return "none (requests are not authenticated)";
  std::string out = SchemeKindName(v.kind);
  auto count = [](size_t n, const char* what) {
    return std::to_string(n) + " " + what + (n == 1 ? "" : "s");
  };
  switch (v.kind) {
    case SchemeKind::kBasic:
      out += " (" + count(v.users.size(), "user") + ")";
      break;
    case SchemeKind::kHmac:
      out += std::string(" (") + DigestAlgorithmName(v.algorithm) + ", " +
             (v.encoding == MacEncoding::kHex ? "hex" : "base64") + ", header " + v.header +
             (v.prefix.empty() ? "" : ", prefix \"" + v.prefix + "\"") + ", " +
             count(v.secrets.size(), "secret") + ")";
      break;
    case SchemeKind::kStandardWebhooks:
      out += " (" + count(v.secrets.size(), "secret") + ", tolerance " +
             std::to_string(v.tolerance_seconds) + " s)";
      break;
    case SchemeKind::kTwilio:
    case SchemeKind::kPlivoV3:
      out += " (" + count(v.secrets.size(), "auth token") + ")";
      break;
    case SchemeKind::kVonageSig:
      out += std::string(" (") + VonageAlgorithmName(v.vonage_algorithm) + ", " +
             count(v.secrets.size(), "signature secret") + ")";
      break;
    case SchemeKind::kTelnyx:
      out += " (" + count(v.secrets.size(), "public key") + ", tolerance " +
             std::to_string(v.tolerance_seconds) + " s)";
      break;
    default:
      out += " (" + count(v.secrets.size(), "secret") + ")";
  }
  if (w.public_url) out += ", public_url " + *w.public_url;
  if (!w.allow_from.empty()) {
    out += ", allow_from";
    for (const Cidr& c : w.allow_from) out += " " + CidrToString(c);
  }
  return out;
}

std::string RedactDatabase(const std::string& database) { return RedactDatabaseUrl(database); }

}  // namespace dlr
