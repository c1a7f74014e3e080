// The Boost.Test module: every tests/*_test.cc is a suite of this one binary.
#define BOOST_TEST_DYN_LINK
#define BOOST_TEST_MODULE dlr_webhook
#include <boost/test/unit_test.hpp>
