#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# gen-man.sh: write crawlpack's man page (roff, section 1) from the program's own help, so the
# page and `crawlpack help COMMAND` cannot disagree: one source, the --help texts in cli/.
#
#   scripts/gen-man.sh CRAWLPACK_BINARY > crawlpack.1
#
# The build runs it (target `manpage`) and `cmake --install` installs the result.
set -eu
bin=${1:?usage: gen-man.sh CRAWLPACK_BINARY}
version=$("$bin" --version | sed -n '1s/^crawlpack //p')

# Help text as roff literal lines: backslashes doubled as \e, a leading . or ' protected.
literal() {
    sed -e 's/\\/\\e/g' -e "s/^\\([.']\\)/\\\\\\&\\1/"
}

commands=$("$bin" --help | awk '/^Commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 } on && /^$/ { on = 0 }')

cat <<ROFF
.TH CRAWLPACK 1 "" "crawlpack $version" "User Commands"
.SH NAME
crawlpack \\- crawl a website, cross-check its link graph against sitemaps, robots.txt,
canonicals and noindex, and write findings for CI
.SH SYNOPSIS
.B crawlpack
.RB [ \\-\\-version ]
.RB [ \\-\\-help ]
.I COMMAND
.RI [ ARGS ]
.SH DESCRIPTION
.nf
ROFF
"$bin" --help | sed '1,2d' | literal
printf '.fi\n.SH COMMANDS\n'
for command in $commands; do
    case $command in help|version) continue ;; esac
    printf '.SS "crawlpack %s"\n.nf\n' "$command"
    "$bin" help "$command" | literal
    printf '.fi\n'
done
cat <<'ROFF'
.SH ENVIRONMENT
.TP
.B CRAWLPACK_USER
USER:PASSWORD for basic auth on the start origin, like \-u, kept out of the command line
(and so out of ps and CI logs); \-u wins when both are given.
.TP
.BR http_proxy ", " https_proxy ", " no_proxy
the proxy when \-x/\-\-proxy is not given, as for curl.
.SH FILES
.TP
.I .crawlpack.yml
read by
.B crawlpack audit
from the current folder when present and no \-\-config is given: options, rule severities,
thresholds and ignore entries (docs/config.md).
.TP
.I ~/.netrc
credentials per host with \-\-netrc.
.SH EXIT STATUS
0 success; 1 the command found problems (findings at or above \-\-fail-on); 2 usage error;
3 runtime failure; 130 interrupted (what was done so far is still written).
.SH SEE ALSO
.BR curl (1),
the documentation in /usr/share/doc/crawlpack (README.md and docs/).
ROFF
