/* bench case (b): the FastCGI ceiling. A minimal libfcgi responder that reads
 * the whole body (CONTENT_LENGTH bytes, capped) and answers 200 with a small
 * JSON body; no parsing, no storage. One request at a time per process, as
 * libfcgi's examples/echo.c: run several with spawn-fcgi -F. */
#include <fcgiapp.h>
#include <stdlib.h>

int main(void) {
  static char body[1 << 20];
  static const char answer[] =
      "Status: 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n"
      "{\"ok\":true}";
  FCGX_Request req;
  if (FCGX_Init() != 0 || FCGX_InitRequest(&req, 0, 0) != 0) return 1;
  while (FCGX_Accept_r(&req) >= 0) {
    const char* cl = FCGX_GetParam("CONTENT_LENGTH", req.envp);
    long want = cl ? strtol(cl, NULL, 10) : 0;
    if (want < 0 || want > (long)sizeof body) want = 0;
    long got = 0;
    while (got < want) {
      int n = FCGX_GetStr(body + got, (int)(want - got), req.in);
      if (n <= 0) break;
      got += n;
    }
    FCGX_PutStr(answer, (int)sizeof answer - 1, req.out);
    FCGX_Finish_r(&req);
  }
  return 0;
}
