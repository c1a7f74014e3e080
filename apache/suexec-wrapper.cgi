#!/bin/sh
# dlr-webhook.cgi for hosts that run CGI programs through suEXEC (most shared hosts: cPanel,
# Plesk, DirectAdmin). suEXEC passes a CGI program only a fixed list of environment variables,
# so DLR_WEBHOOK_CONFIG set with SetEnv never arrives and the program answers 500 ("not
# configured"; the error log names /etc/dlr-webhook/config.json). Name the config on the command
# line instead:
#
#   1. upload the portable binary and the config outside the web space, e.g. to
#      /home/USER/dlr-webhook/dlr-webhook (mode 0755) and /home/USER/dlr-webhook/config.json;
#   2. upload this file, with your paths, as cgi-bin/dlr-webhook.cgi (or dlr/dlr-webhook.cgi),
#      mode 0755, with Unix line endings;
#   3. keep the .htaccess (its SetEnv line is then unused).
exec /home/USER/dlr-webhook/dlr-webhook --config /home/USER/dlr-webhook/config.json
