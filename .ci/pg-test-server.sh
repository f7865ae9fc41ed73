# shellcheck shell=bash
# Throwaway PostgreSQL server for the test suite. Source it from .ci/run (bash, as root):
#
#     source .ci/pg-test-server.sh && pv_pg_start
#
# - installs Debian's server package when no PostgreSQL binaries are present;
# - creates a new cluster in a temp dir, owned by the unprivileged 'postgres' user (the server
#   refuses to run as root), superuser 'photovet' with a random password, scram-sha-256 on
#   127.0.0.1 only (no other address listens), unix socket inside the temp dir;
# - durability off (fsync, full_page_writes, synchronous_commit) and the data dir on tmpfs
#   (/dev/shm) when it has room (PV_PG_TMP=/some/dir overrides): a test cluster, made for speed;
# - TLS on with a throwaway self-signed certificate, so sslmode=require is testable;
# - exports PHOTOVET_TEST_PG=postgresql://photovet:PASSWORD@127.0.0.1:PORT/postgres
#   (and PHOTOVET_TEST_PG_DIR); pv_pg_stop (also run on EXIT) stops it and removes the dir.

pv_pg_start() {
    local bin os_user=postgres port pw dir t0=$SECONDS
    if ! compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
            postgresql >/dev/null
    fi
    bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
    # The package creates the 'postgres' system user (and a 'main' cluster on 5432 that we leave
    # alone: it is not started in a container without systemd, and we never use its port).
    id -u "$os_user" >/dev/null 2>&1 || useradd --system --home-dir /nonexistent \
        --shell /usr/sbin/nologin "$os_user"
    # On tmpfs when there is room (no disk I/O: template clones stay fast on a busy machine).
    local base=${PV_PG_TMP:-/tmp}
    if [ -z "${PV_PG_TMP:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ] \
            && [ "$(df -Pm /dev/shm | awk 'NR==2 {print $4}')" -gt 1024 ]; then
        base=/dev/shm
    fi
    dir=$(mktemp -d "$base/photovet-pg.XXXXXX")
    chown "$os_user": "$dir"
    chmod 700 "$dir"
    pw=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
    printf '%s\n' "$pw" > "$dir/pw"
    chown "$os_user": "$dir/pw"
    # a free port on loopback (bound then released; the window before postgres binds is tiny)
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    runuser -u "$os_user" -- "$bin/initdb" -D "$dir/data" -U photovet --pwfile="$dir/pw" \
        --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C --no-sync >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; return 1; }
    rm -f "$dir/pw"
    # TLS with a throwaway self-signed certificate (openssl comes with the ssl-cert package that
    # postgresql-common depends on), so tests can check that sslmode=require really works.
    local ssl=""
    if command -v openssl >/dev/null && openssl req -x509 -newkey ec \
            -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=localhost \
            -keyout "$dir/server.key" -out "$dir/server.crt" >/dev/null 2>&1; then
        chown "$os_user": "$dir/server.key" "$dir/server.crt"
        chmod 600 "$dir/server.key"
        ssl="-c ssl=on -c ssl_cert_file=$dir/server.crt -c ssl_key_file=$dir/server.key"
    fi
    runuser -u "$os_user" -- "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c full_page_writes=off \
            -c synchronous_commit=off -c max_connections=200 $ssl" start >/dev/null \
        || { cat "$dir/server.log" >&2; return 1; }
    export PHOTOVET_TEST_PG="postgresql://photovet:${pw}@127.0.0.1:${port}/postgres"
    export PHOTOVET_TEST_PG_DIR="$dir" PV_PG_BIN="$bin"
    trap pv_pg_stop EXIT
    echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') test server on 127.0.0.1:$port" \
         "(TLS $([ -n "$ssl" ] && echo on || echo off); ready in $((SECONDS - t0)) s)"
}

pv_pg_stop() {
    [ -n "${PHOTOVET_TEST_PG_DIR:-}" ] || return 0
    runuser -u postgres -- "$PV_PG_BIN/pg_ctl" -D "$PHOTOVET_TEST_PG_DIR/data" -m fast \
        stop >/dev/null 2>&1 || true
    rm -rf "$PHOTOVET_TEST_PG_DIR"
    unset PHOTOVET_TEST_PG PHOTOVET_TEST_PG_DIR
}
