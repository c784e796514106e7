#!/usr/bin/env bash
# Measures the HTTP tunnel against a direct connection in the same run:
#   - small responses: wrk -t2 -c50 (requests/s, p50, p99) on a 2 KB file served by nginx
#   - bulk: a 100 MiB download with curl (MB/s)
# and prints the tunnel/direct ratios: medians of RUNS wrk runs (default 3) and of DOWNLOADS
# downloads each way (default 9: one lasts a tenth of a second, and single downloads in one run
# vary by a factor of two).
# With --inspector it compares two tunnels of one server running all roles instead: one captured
# by the team inspector (the default) and one with capture off (policy inspect: false).
# Usage: scripts/bench.sh [--runs N] [--downloads N] [--duration 10s] [--connections 50] [--inspector] [--agent-arg ARG]…
# (--agent-arg passes an option to the tunnel's fdt http, e.g. --agent-arg --inspect=false)
set -euo pipefail
cd "$(dirname "$0")/.."

runs=3
downloads=9
duration=10s
connections=50
inspector=false
agent_args=()
while (($#)); do
  case "$1" in
    --agent-arg) agent_args+=("$2"); shift 2 ;;
    --inspector) inspector=true; shift ;;
    --runs) runs=$2; shift 2 ;;
    --downloads) downloads=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

need=()
for tool in wrk nginx curl python3; do
  command -v "$tool" >/dev/null || need+=("$tool")
done
if ((${#need[@]})); then
  pkgs=()
  for tool in "${need[@]}"; do
    case "$tool" in
      nginx) pkgs+=(nginx-light) ;;
      *) pkgs+=("$tool") ;;
    esac
  done
  sudo_cmd=(); [[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${pkgs[@]}"
fi
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)

work=$(mktemp -d /tmp/fdt-bench.XXXXXX)
chmod 755 "$work" # nginx workers run as an unprivileged user
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  [[ -f "$work/nginx.pid" ]] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

echo "== build (Release)"
dotnet build services/Fdt.Server -c Release --nologo -v quiet -clp:ErrorsOnly >/dev/null
dotnet build agent/Fdt.Cli -c Release --nologo -v quiet -clp:ErrorsOnly >/dev/null
server_dll=services/Fdt.Server/bin/Release/net10.0/fdt-server.dll
agent_dll=agent/Fdt.Cli/bin/Release/net10.0/fdt.dll

echo "== origin (nginx)"
mkdir -p "$work/www" "$work/nginx"
head -c 2048 /dev/urandom > "$work/www/2kb.bin"
head -c $((100 * 1024 * 1024)) /dev/urandom > "$work/www/100mb.bin"
origin_port=$(free_port)
cat > "$work/nginx.conf" <<CONF
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  tcp_nodelay on;
  keepalive_requests 1000000;
  client_body_temp_path $work/nginx;
  proxy_temp_path $work/nginx;
  fastcgi_temp_path $work/nginx;
  uwsgi_temp_path $work/nginx;
  scgi_temp_path $work/nginx;
  server {
    listen 127.0.0.1:$origin_port;
    root $work/www;
  }
}
CONF
"$nginx_bin" -c "$work/nginx.conf" -g "daemon on;"

echo "== server and agent"
server_port=$(free_port)
if [[ $inspector == false ]]; then
  token=bench-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
  dotnet "$server_dll" --roles edge --listen 127.0.0.1 --http-port "$server_port" --https-port none --tcp-ports none --data-dir "$work/data" --dev-authtoken "$token" > "$work/server.log" 2>&1 &
else
  dotnet "$server_dll" --roles all --listen 127.0.0.1 --http-port "$server_port" --https-port none --tcp-ports none --data-dir "$work/data" > "$work/server.log" 2>&1 &
fi
server_pid=$!
pids+=($server_pid)
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$server_port/" >/dev/null && break; sleep 0.1; done

start_agent() { # name [fdt http options…] -> starts an agent for NAME.localhost
  local name=$1; shift
  FDT_CONFIG="$work/agent-$name.json" dotnet "$agent_dll" http "127.0.0.1:$origin_port" --server "http://127.0.0.1:$server_port" --authtoken "$token" --subdomain "$name" --log none "$@" > "$work/agent-$name.log" 2>&1 &
  agent_pid=$!
  pids+=($agent_pid)
}

wait_tunnel() { # host
  for _ in $(seq 100); do
    [[ $(curl -s -o /dev/null -w '%{http_code}' -H "Host: $1" "http://127.0.0.1:$server_port/2kb.bin") == 200 ]] && return 0
    sleep 0.1
  done
  echo "tunnel $1 did not come up"; cat "$work"/agent-*.log "$work/server.log" "$work/nginx/error.log"; exit 1
}

if [[ $inspector == false ]]; then
  start_agent bench "${agent_args[@]}"
  tunnel_host="bench.localhost:$server_port"
  wait_tunnel "$tunnel_host"
else
  # A team, an authtoken, and the reserved name "plain" whose policy turns the edge's capture off
  # (its agent also runs with --inspect=false: no local inspector either).
  api="http://127.0.0.1:$server_port/v1"
  json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
  access=$(curl -sf -X POST "$api/setup" -H 'Content-Type: application/json' -d '{"email":"bench@example.com","displayName":"Bench","password":"bench-password-123"}' | json "['accessToken']")
  auth=(-H "Authorization: Bearer $access" -H 'Content-Type: application/json')
  team=$(curl -sf "$api/teams" "${auth[@]}" | json "[0]['id']")
  token=$(curl -sf -X POST "$api/teams/$team/authtokens" "${auth[@]}" -d '{"description":"bench"}' | json "['token']")
  reservation=$(curl -sf -X POST "$api/teams/$team/reserved-names" "${auth[@]}" -d '{"name":"plain"}' | json "['id']")
  curl -sf -X PUT "$api/teams/$team/reserved-names/$reservation/policy" "${auth[@]}" -d '{"inspect":false}' >/dev/null
  start_agent inspected
  captured_pid=$agent_pid
  start_agent plain --inspect=false
  wait_tunnel "inspected.localhost:$server_port"
  wait_tunnel "plain.localhost:$server_port"
  agent_pid=$captured_pid
fi

# wrk prints latency in us/ms/s; normalise to ms.
to_ms() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n = n; else if (v ~ /s$/) n *= 1000; printf "%.3f", n }'; }
median() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)

run_wrk() { # url host -> "rps p50 p99 requests"
  local url=$1 host=$2 out
  out=$(wrk -t2 -c"$connections" -d"$duration" --latency -H "Host: $host" "$url")
  local rps p50 p99 requests
  rps=$(awk '/Requests\/sec/ { print $2 }' <<<"$out")
  p50=$(to_ms "$(awk '$1 == "50%" { print $2 }' <<<"$out")")
  p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' <<<"$out")")
  requests=$(awk '/requests in/ { print $1 }' <<<"$out")
  echo "$rps $p50 $p99 $requests"
}

run_download() { # url host -> MB/s
  curl -s -o /dev/null -H "Host: $2" -w '%{speed_download}' "$1" | awk '{ printf "%.1f", $1 / 1000000 }'
}

# Direct and tunnel runs alternate, so that drift in the machine's speed during the run (shared
# virtual machines drift by 10-20%) affects both sides alike.
direct_url="http://127.0.0.1:$origin_port"; direct_host="127.0.0.1:$origin_port"
tunnel_url="http://127.0.0.1:$server_port"
baseline=direct; measured=tunnel; baseline_name="direct (nginx)"; measured_name="FDT tunnel"
if [[ $inspector == true ]]; then
  direct_url=$tunnel_url; direct_host="plain.localhost:$server_port"; tunnel_host="inspected.localhost:$server_port"
  baseline_name="tunnel, capture off"; measured_name="tunnel, inspector capturing"
fi
# Warm-up: tiered JIT compiles a hot method again, optimised, only after it has run a while, and
# the bulk path's methods run a few hundred times per download; with one download and one 10 s
# load as warm-up, the first measured tunnel run of each kind cost 20-75% more CPU than the next
# (docs/perf/bench-2026-12-0*.txt). Three downloads each way, then small requests last, as measured first.
echo "== warm-up (lets tiered JIT settle)"
for _ in 1 2 3; do
  run_download "$direct_url/100mb.bin" "$direct_host" >/dev/null
  run_download "$tunnel_url/100mb.bin" "$tunnel_host" >/dev/null
done
wrk -t2 -c"$connections" -d10s -H "Host: $direct_host" "$direct_url/2kb.bin" >/dev/null
wrk -t2 -c"$connections" -d20s -H "Host: $tunnel_host" "$tunnel_url/2kb.bin" >/dev/null

declare -A lists
echo "== small responses ($runs x wrk -t2 -c$connections -d$duration, alternating)"
for _ in $(seq "$runs"); do
  read -r rps p50 p99 _ < <(run_wrk "$direct_url/2kb.bin" "$direct_host")
  echo "   direct  $rps req/s  p50 $p50 ms  p99 $p99 ms"
  lists[direct.rps]+="$rps "; lists[direct.p50]+="$p50 "; lists[direct.p99]+="$p99 "
  s0=$(cpu_ticks "$server_pid"); a0=$(cpu_ticks "$agent_pid")
  read -r rps p50 p99 requests < <(run_wrk "$tunnel_url/2kb.bin" "$tunnel_host")
  s1=$(cpu_ticks "$server_pid"); a1=$(cpu_ticks "$agent_pid")
  cpu=$(awk -v s=$((s1 - s0)) -v a=$((a1 - a0)) -v n="$requests" -v hz="$hz" 'BEGIN { printf "CPU/request: edge %.1f us, agent %.1f us", s * 1e6 / hz / n, a * 1e6 / hz / n }')
  echo "   tunnel  $rps req/s  p50 $p50 ms  p99 $p99 ms  $cpu"
  lists[tunnel.rps]+="$rps "; lists[tunnel.p50]+="$p50 "; lists[tunnel.p99]+="$p99 "
done

echo "== 100 MiB download ($downloads x curl, alternating)"
for _ in $(seq "$downloads"); do
  mbs=$(run_download "$direct_url/100mb.bin" "$direct_host")
  echo "   direct  $mbs MB/s"
  lists[direct.mbs]+="$mbs "
  s0=$(cpu_ticks "$server_pid"); a0=$(cpu_ticks "$agent_pid")
  mbs=$(run_download "$tunnel_url/100mb.bin" "$tunnel_host")
  s1=$(cpu_ticks "$server_pid"); a1=$(cpu_ticks "$agent_pid")
  echo "   tunnel  $mbs MB/s  CPU: edge $(( (s1 - s0) * 1000 / hz )) ms, agent $(( (a1 - a0) * 1000 / hz )) ms"
  lists[tunnel.mbs]+="$mbs "
done

declare -A results
for key in "${!lists[@]}"; do
  results[$key]=$(tr ' ' '\n' <<<"${lists[$key]}" | grep . | median)
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f%%", 100 * a / b }'; }
echo
echo "| path | req/s | p50 ms | p99 ms | MB/s (100 MiB) |"
echo "|---|---|---|---|---|"
echo "| $baseline_name | ${results[direct.rps]} | ${results[direct.p50]} | ${results[direct.p99]} | ${results[direct.mbs]} |"
echo "| $measured_name | ${results[tunnel.rps]} | ${results[tunnel.p50]} | ${results[tunnel.p99]} | ${results[tunnel.mbs]} |"
echo "| ${measured} / ${baseline} | $(ratio "${results[tunnel.rps]}" "${results[direct.rps]}") | | | $(ratio "${results[tunnel.mbs]}" "${results[direct.mbs]}") |"
echo
echo "machine: $(nproc) cores, $(uname -r), dotnet $(dotnet --version), $(date -u +%Y-%m-%dT%H:%MZ)"
