#!/usr/bin/env bash
# Starts a local MusicCluster cluster of processes on this machine: N silos (default 2), the web Client in cluster
# mode on http://localhost:5000 and the Orleans dashboard on http://localhost:5050. Ctrl-C (or SIGTERM to this
# script) stops them all, each gracefully (SIGTERM), clients first. Logs go to ./cluster-logs/.
#
#   deploy/local-cluster.sh [--no-build] [N]
#
# --no-build: run what is already built (the cluster tests do). Ports and folders can be moved with environment
# variables: SILO_PORT (first silo's port, 11111; silo i uses SILO_PORT+i), GATEWAY_PORT (30000, likewise), WEB_PORT
# (5000), DASHBOARD_PORT (5050), CLUSTER_LOGS (cluster-logs), CONFIGURATION (Debug). Every other setting is read by the
# programs themselves from the environment (MusicCluster__DataPath, Orleans__ClusterId, OTEL_EXPORTER_OTLP_ENDPOINT ...).
set -euo pipefail
cd "$(dirname "$0")/.."
build=1
if [[ "${1:-}" == "--no-build" ]]; then build=0; shift; fi
silos=${1:-2}
[[ "$silos" =~ ^[1-9][0-9]*$ ]] || { echo "usage: $0 [--no-build] [N silos, 1 or more]" >&2; exit 2; }
silo_base=${SILO_PORT:-11111}
gateway_base=${GATEWAY_PORT:-30000}
web_port=${WEB_PORT:-5000}
dashboard_port=${DASHBOARD_PORT:-5050}
logs=${CLUSTER_LOGS:-cluster-logs}
configuration=${CONFIGURATION:-Debug}
bin=bin/$configuration/net10.0
mkdir -p "$logs"
logs=$(cd "$logs" && pwd)
# The programs run from different folders: a relative data folder would split the cluster's blobs among them.
if [[ -n "${MusicCluster__DataPath:-}" && "${MusicCluster__DataPath}" != /* ]]; then
  export MusicCluster__DataPath="$PWD/${MusicCluster__DataPath}"
fi

if (( build )); then dotnet build MusicCluster.sln -c "$configuration" -nologo -v:quiet; fi

pids=()
stopped=0
stop() {
  (( stopped )) && return
  stopped=1
  echo "stopping..."
  for ((i=${#pids[@]}-1; i>=0; i--)); do kill -TERM "${pids[$i]}" 2>/dev/null || true; wait "${pids[$i]}" 2>/dev/null || true; done
  echo "stopped"
}
trap stop EXIT
trap 'stop; exit 130' INT
trap 'stop; exit 143' TERM

gateways=()
for ((i=0; i<silos; i++)); do
  silo_port=$((silo_base + i)); gateway_port=$((gateway_base + i)); gateways+=("$gateway_port")
  Cluster__SiloPort=$silo_port Cluster__GatewayPort=$gateway_port Cluster__PrimarySiloPort=$silo_base \
    dotnet "Silo/$bin/MusicCluster.Silo.dll" > "$logs/silo-$i.log" 2>&1 &
  pids+=($!)
  # Each silo must be up before the next joins it: wait for its readiness line.
  until grep -q "is ready" "$logs/silo-$i.log" 2>/dev/null; do
    kill -0 "${pids[-1]}" 2>/dev/null || { echo "silo $i exited; see $logs/silo-$i.log"; exit 1; }
    sleep 1
  done
  echo "silo $i ready (pid ${pids[-1]}, silo port $silo_port, gateway $gateway_port)"
done

gateway_list=$(IFS=,; echo "${gateways[*]}")
(cd Client && Orleans__Mode=Client Cluster__GatewayPorts=$gateway_list exec \
  dotnet "$bin/MusicCluster.Client.dll" --urls "http://localhost:$web_port" > "$logs/client.log" 2>&1) &
pids+=($!)  # exec in the subshell: $! is the program itself
echo "client started (pid $!)"
(cd Dashboard && Cluster__GatewayPorts=$gateway_list exec \
  dotnet "$bin/MusicCluster.Dashboard.dll" --urls "http://localhost:$dashboard_port" > "$logs/dashboard.log" 2>&1) &
pids+=($!)  # exec in the subshell: $! is the program itself
echo "dashboard started (pid $!)"
echo "web client: http://localhost:$web_port   dashboard: http://localhost:$dashboard_port/dashboard/   logs: $logs/   Ctrl-C stops all"
echo "both ask for the admin password: MusicCluster__AdminPassword, or the one the client printed at a first start ($logs/client.log)"
# Until stopped (a program that exits, such as a killed silo, does not end the others).
wait
