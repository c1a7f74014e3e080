// The entry point of build/unit_tests: every other tests/*_test.cc (except
// the conformance suite, a binary of its own) adds its cases to this module.
#define BOOST_TEST_MODULE dlr_webhook_unit_tests
#include <boost/test/unit_test.hpp>
