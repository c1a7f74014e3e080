#include "common/store/batch_codec.h"

#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "tests/testing/test_util.h"

namespace dlr {
namespace {

Dlr MakeDlr(std::string raw, std::optional<DlrClass> c = std::nullopt) {
  Dlr d;
  d.raw = std::move(raw);
  d.dlr_class = c;
  return d;
}

Batch MakeBatch(std::string webhook, std::string query, std::vector<Dlr> dlrs) {
  Batch b;
  b.webhook = std::move(webhook);
  b.received_at = "2026-12-07T01:02:03.456Z";
  b.query = std::move(query);
  b.dlrs = std::move(dlrs);
  return b;
}

Dlr EveryFieldSet() {
  Dlr d = MakeDlr(R"({"id":"a"})", DlrClass::kDelivered);
  for (size_t i = 0; i < kFieldCount; ++i)
    d.values[i] = std::string(FieldName(static_cast<Field>(i))) + "-v";
  return d;
}

// Empty and absent values alternate, so that a decoder that took one for the other fails.
Dlr EmptyAndAbsent() {
  Dlr d = MakeDlr("");
  for (size_t i = 0; i < kFieldCount; i += 2) d.values[i] = "";
  return d;
}

Dlr WithNuls() {
  Dlr d = MakeDlr(test::Bytes("a\0b\0"), DlrClass::kFailed);
  d.Set(Field::kId, test::Bytes("\0"));
  d.Set(Field::kStatus, test::Bytes("DELIV\0RD"));
  return d;
}

Dlr LargeRaw() {
  std::string raw(1 << 20, '\0');
  for (size_t i = 0; i < raw.size(); ++i) raw[i] = static_cast<char>(i * 7);
  return MakeDlr(std::move(raw), DlrClass::kPending);
}

void CheckSame(const Batch& got, const Batch& want) {
  BOOST_TEST(got.webhook == want.webhook);
  BOOST_TEST(got.received_at == want.received_at);
  BOOST_TEST(got.query == want.query);
  BOOST_TEST_REQUIRE(got.dlrs.size() == want.dlrs.size());
  for (size_t j = 0; j < want.dlrs.size(); ++j) {
    BOOST_TEST_CONTEXT("dlr " << j) {
      for (size_t i = 0; i < kFieldCount; ++i) {
        BOOST_TEST(got.dlrs[j].values[i].has_value() == want.dlrs[j].values[i].has_value(), i);
        BOOST_TEST(got.dlrs[j].values[i].value_or("-") == want.dlrs[j].values[i].value_or("-"), i);
      }
      BOOST_TEST((got.dlrs[j].raw == want.dlrs[j].raw));  // not printed: it may be 1 MiB
      BOOST_TEST((got.dlrs[j].dlr_class == want.dlrs[j].dlr_class));
    }
  }
}

struct RoundTrip {
  const char* name;
  std::vector<Batch> batches;
};

std::vector<RoundTrip> RoundTrips() {
  return {
      {"zero batches", {}},
      {"a batch without DLRs", {MakeBatch("w", "", {})}},
      {"every field set", {MakeBatch("w", "a=1", {EveryFieldSet()})}},
      {"no field set", {MakeBatch("w", "", {MakeDlr("")})}},
      {"each class",
       {MakeBatch("w", "",
                  {MakeDlr("n"), MakeDlr("d", DlrClass::kDelivered),
                   MakeDlr("p", DlrClass::kPending), MakeDlr("f", DlrClass::kFailed)})}},
      {"empty and absent values", {MakeBatch("w", "", {EmptyAndAbsent()})}},
      {"empty and set queries",
       {MakeBatch("a", "", {}), MakeBatch("b", "x=", {}), MakeBatch("", "", {})}},
      {"NUL bytes", {MakeBatch(test::Bytes("w\0"), test::Bytes("q=\0"), {WithNuls()})}},
      {"a 1 MiB raw", {MakeBatch("w", "", {LargeRaw(), EveryFieldSet()})}},
  };
}

std::vector<const Batch*> Pointers(const std::vector<Batch>& batches) {
  std::vector<const Batch*> pointers;
  for (const Batch& b : batches) pointers.push_back(&b);
  return pointers;
}

std::string Encoded(const std::vector<Batch>& batches) {
  std::string bytes;
  EncodeBatches(Pointers(batches), &bytes);
  return bytes;
}

// An encoding with a bit of everything, for the truncations.
std::string Rich() {
  return Encoded({MakeBatch("w1", "q", {EveryFieldSet(), WithNuls(), EmptyAndAbsent()}),
                  MakeBatch("w2", "", {}),
                  MakeBatch("w3", "", {MakeDlr("r", DlrClass::kPending)})});
}

// The encoding of one batch of one DLR, strings empty: its bitmap is at bytes
// 21..24 and its class is the last byte.
std::string OneBareDlr() {
  Batch b;
  b.dlrs.push_back(MakeDlr(""));
  return Encoded({b});
}

std::string With(std::string bytes, size_t at, char c) {
  bytes.at(at) = c;
  return bytes;
}

CommitOutcome Outcome(Status status, std::vector<BatchResult> results) {
  CommitOutcome o;
  o.status = std::move(status);
  o.results = std::move(results);
  return o;
}

std::string Encoded(const CommitOutcome& outcome) {
  std::string bytes;
  EncodeOutcome(outcome, &bytes);
  return bytes;
}

BOOST_AUTO_TEST_SUITE(BatchCodecTest)

BOOST_AUTO_TEST_CASE(BatchesRoundTrip) {
  for (const RoundTrip& t : RoundTrips()) {
    BOOST_TEST_CONTEXT(t.name) {
      // Appended after what the buffer held.
      std::string bytes = "kept";
      EncodeBatches(Pointers(t.batches), &bytes);
      BOOST_TEST_REQUIRE(bytes.substr(0, 4) == "kept");
      StatusOr<std::vector<Batch>> got = DecodeBatches(std::string_view(bytes).substr(4));
      BOOST_TEST_REQUIRE(got.ok(), got.status().ToString());
      BOOST_TEST_REQUIRE(got.value().size() == t.batches.size());
      for (size_t i = 0; i < t.batches.size(); ++i) CheckSame(got.value()[i], t.batches[i]);
    }
  }
}

struct Bad {
  const char* name;
  std::string bytes;
  const char* error;  // a part of the message
};

BOOST_AUTO_TEST_CASE(RefusesBytesThatAreNoEncodingOfBatches) {
  const std::string bare = OneBareDlr();
  const Bad bad[] = {
      {"empty", "", "truncated"},
      {"format 0", With(bare, 0, 0), "unknown format 0"},
      {"format 2", With(bare, 0, 2), "unknown format 2"},
      {"trailing byte", bare + "x", "1 trailing bytes"},
      {"trailing batch", bare + bare.substr(5), "trailing bytes"},
      {"huge count of batches", test::Bytes("\x01\xff\xff\xff\xff") + std::string(64, '\0'),
       "the count of batches is 4294967295"},
      {"huge count of DLRs", With(With(bare, 17, '\xff'), 20, '\x7f'), "count of DLRs is"},
      {"a string past the end", With(With(bare, 5, '\xff'), 6, '\xff'), "truncated"},
      {"class 4", With(bare, bare.size() - 1, 4), "unknown class 4"},
      {"class 255", With(bare, bare.size() - 1, '\xff'), "unknown class 255"},
      {"presence bit 22", With(bare, 23, 0x40), "bit past the 22 fields"},
      {"presence bit 23", With(bare, 23, '\x80'), "bit past the 22 fields"},
      {"presence bit 31", With(bare, 24, '\x80'), "bit past the 22 fields"},
      {"a present value missing", With(bare, 21, 1), "truncated"},
  };
  BOOST_TEST_REQUIRE(DecodeBatches(bare).ok());
  for (const Bad& b : bad) {
    BOOST_TEST_CONTEXT(b.name) {
      StatusOr<std::vector<Batch>> got = DecodeBatches(b.bytes);
      BOOST_TEST_REQUIRE(!got.ok());
      BOOST_TEST(got.status().code() == StatusCode::kInternal);
      BOOST_TEST(got.status().message().find(b.error) != std::string::npos, got.status().message());
    }
  }
}

BOOST_AUTO_TEST_CASE(RefusesEveryTruncationOfBatches) {
  const std::string bytes = Rich();
  BOOST_TEST_REQUIRE(DecodeBatches(bytes).ok());
  for (size_t n = 0; n < bytes.size(); ++n) {
    BOOST_TEST_CONTEXT("the first " << n << " of " << bytes.size() << " bytes") {
      StatusOr<std::vector<Batch>> got = DecodeBatches(std::string_view(bytes).substr(0, n));
      BOOST_TEST_REQUIRE(!got.ok());
      BOOST_TEST(got.status().code() == StatusCode::kInternal);
    }
  }
}

BOOST_AUTO_TEST_CASE(OutcomesRoundTrip) {
  constexpr size_t kMax = std::numeric_limits<size_t>::max();
  const CommitOutcome outcomes[] = {
      Outcome(Status::Ok(), {}),
      Outcome(Status::Ok(), {{3, 0}, {0, 2}, {kMax, kMax - 1}}),
      Outcome(Status::Unavailable("database is locked"), {}),
      Outcome(Status::Unprocessable(test::Bytes("too long\0")), {{1, 1}}),
      Outcome(Status::Internal(""), {}),
      Outcome(Status::InvalidArgument("i"), {}),
      Outcome(Status::Unauthenticated("u"), {}),
      Outcome(Status::PermissionDenied("p"), {}),
      Outcome(Status::NotFound("n"), {}),
      Outcome(Status::MethodNotAllowed("m"), {}),
      Outcome(Status::TooLarge("t"), {}),
      Outcome(Status::TooManyRequests("r"), {}),
  };
  for (const CommitOutcome& want : outcomes) {
    BOOST_TEST_CONTEXT(want.status.ToString()) {
      std::string bytes = "kept";
      EncodeOutcome(want, &bytes);
      BOOST_TEST_REQUIRE(bytes.substr(0, 4) == "kept");
      StatusOr<CommitOutcome> got = DecodeOutcome(std::string_view(bytes).substr(4));
      BOOST_TEST_REQUIRE(got.ok(), got.status().ToString());
      BOOST_TEST(got.value().status.code() == want.status.code());
      BOOST_TEST(got.value().status.message() == want.status.message());
      BOOST_TEST_REQUIRE(got.value().results.size() == want.results.size());
      for (size_t i = 0; i < want.results.size(); ++i) {
        BOOST_TEST(got.value().results[i].stored == want.results[i].stored);
        BOOST_TEST(got.value().results[i].duplicates == want.results[i].duplicates);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(RefusesBytesThatAreNoEncodingOfAnOutcome) {
  // Format, code, an empty message, one result.
  const std::string ok = Encoded(Outcome(Status::Ok(), {{1, 2}}));
  const Bad bad[] = {
      {"empty", "", "truncated"},
      {"format 2", With(ok, 0, 2), "unknown format 2"},
      {"status code 11", With(ok, 1, 11), "unknown status code 11"},
      {"status code 255", With(ok, 1, '\xff'), "unknown status code 255"},
      {"an ok status with a message",
       Encoded(Outcome(Status::Internal("x"), {})).replace(1, 1, 1, 0),
       "an ok status with a message"},
      {"trailing bytes", ok + "x", "1 trailing bytes"},
      {"huge count", With(ok, 9, '\x10'), "the count of results is"},
  };
  BOOST_TEST_REQUIRE(DecodeOutcome(ok).ok());
  for (const Bad& b : bad) {
    BOOST_TEST_CONTEXT(b.name) {
      StatusOr<CommitOutcome> got = DecodeOutcome(b.bytes);
      BOOST_TEST_REQUIRE(!got.ok());
      BOOST_TEST(got.status().code() == StatusCode::kInternal);
      BOOST_TEST(got.status().message().find(b.error) != std::string::npos, got.status().message());
    }
  }
  const std::string bytes = Encoded(Outcome(Status::Unavailable("busy"), {{1, 2}, {3, 4}}));
  for (size_t n = 0; n < bytes.size(); ++n) {
    BOOST_TEST_CONTEXT("the first " << n << " bytes") {
      StatusOr<CommitOutcome> got = DecodeOutcome(std::string_view(bytes).substr(0, n));
      BOOST_TEST(!got.ok());
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace dlr
