// The HTTP transport of `dlrctl send-test` (common/ctl/send_test.h) over
// libcurl. Kept out of common/ so that only dlrctl links libcurl.
#ifndef DLR_FCGI_APP_HTTP_CLIENT_H_
#define DLR_FCGI_APP_HTTP_CLIENT_H_

#include "common/ctl/send_test.h"

namespace dlr {

// Sends each call with libcurl: no redirects followed (a redirect is an
// answer to report), TLS certificates verified, each request bounded by
// `timeout_seconds`, at most 1 MiB of answer kept. Unavailable, with
// libcurl's reason, when no answer came. Never prints the Authorization
// header.
HttpTransport CurlTransport(int timeout_seconds);

}  // namespace dlr

#endif  // DLR_FCGI_APP_HTTP_CLIENT_H_
