# SPDX-License-Identifier: Apache-2.0
# bench/tools/nginx.sh: serve a generated site with nginx on a free loopback port, for the
# benchmarks that compare crawlpack with wget2 over HTTP (sourced: `. bench/tools/nginx.sh`).
#
# nginx_serve WORK ROOT HTTP_LINES: writes WORK/nginx/nginx.conf (its own pid, logs and temp
# folders under WORK/nginx; HTTP_LINES added to the http block: access log, gzip, etag), starts
# nginx in the foreground as a child, waits (bounded: 10 s) for /p/0.html to answer, and sets
# PORT, NGINX_PID and START. /old/N redirects to /p/N.html, as bench/gen_site links it. The exit
# trap bench_work_folder sets stops it.
# bench_work_folder [NAME]: a temporary folder WORK (/tmp/NAME.XXXXXX, default crawlpack-bench) that
# nginx's workers can read, removed on exit (kept with KEEP_WORK=1) after the nginx nginx_serve
# started is stopped; the caller may set BENCH_ON_EXIT to a command run first (a process to kill).
bench_work_folder() {
    WORK=$(mktemp -d "/tmp/${1:-crawlpack-bench}.XXXXXX")
    chmod 755 "$WORK" # nginx workers run as an unprivileged user when started by root
    NGINX_PID=
    trap bench_cleanup EXIT INT TERM
}
bench_cleanup() {
    [ -n "${BENCH_ON_EXIT:-}" ] && eval "$BENCH_ON_EXIT"
    [ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null && wait "$NGINX_PID" 2>/dev/null
    [ -n "${KEEP_WORK:-}" ] || rm -rf "$WORK"
}

nginx_serve() {
    work=$1 root=$2 http_lines=$3
    PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    mkdir -p "$work/nginx/logs" "$work/nginx/tmp"
    cat >"$work/nginx/nginx.conf" <<CONF
worker_processes 1;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log warn;
events { worker_connections 1024; }
http {
    $http_lines
    client_body_temp_path $work/nginx/tmp/body;
    proxy_temp_path $work/nginx/tmp/proxy;
    fastcgi_temp_path $work/nginx/tmp/fastcgi;
    uwsgi_temp_path $work/nginx/tmp/uwsgi;
    scgi_temp_path $work/nginx/tmp/scgi;
    types { text/html html; text/css css; }
    charset utf-8;
    default_type application/octet-stream;
    sendfile on;
    keepalive_requests 100000;
    server {
        listen 127.0.0.1:$PORT;
        root $root;
        location /old/ { rewrite ^/old/([0-9]+)\$ /p/\$1.html permanent; }
    }
}
CONF
    nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -g 'daemon off;' &
    NGINX_PID=$!
    for _ in $(seq 100); do
        curl -s -o /dev/null "http://127.0.0.1:$PORT/p/0.html" && break
        sleep 0.1
    done
    START="http://127.0.0.1:$PORT/p/0.html"
}
