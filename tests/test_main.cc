// The unit tests' module: each tests/*_test.cc adds its suites.
#define BOOST_TEST_MODULE dlr_webhook
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>
