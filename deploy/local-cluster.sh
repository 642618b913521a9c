#!/usr/bin/env bash
# Starts a local MusicCluster cluster of processes on this machine: N silos (default 2), the web Client in cluster
# mode on http://localhost:5000 and the Orleans dashboard on http://localhost:5050. Ctrl-C stops them all, each
# gracefully (SIGTERM), clients first. Logs go to ./cluster-logs/.
set -euo pipefail
cd "$(dirname "$0")/.."
silos=${1:-2}
logs=cluster-logs
mkdir -p "$logs"

dotnet build MusicCluster.sln -nologo -v:quiet

pids=()
stop() {
  echo "stopping..."
  for ((i=${#pids[@]}-1; i>=0; i--)); do kill -TERM "${pids[$i]}" 2>/dev/null || true; wait "${pids[$i]}" 2>/dev/null || true; done
}
trap stop EXIT INT TERM

gateways=()
for ((i=0; i<silos; i++)); do
  silo_port=$((11111 + i)); gateway_port=$((30000 + i)); gateways+=("$gateway_port")
  Cluster__SiloPort=$silo_port Cluster__GatewayPort=$gateway_port Cluster__PrimarySiloPort=11111 \
    dotnet Silo/bin/Debug/net10.0/MusicCluster.Silo.dll > "$logs/silo-$i.log" 2>&1 &
  pids+=($!)
  # Each silo must be up before the next joins it: wait for its readiness line.
  until grep -q "is ready" "$logs/silo-$i.log" 2>/dev/null; do
    kill -0 "${pids[-1]}" 2>/dev/null || { echo "silo $i exited; see $logs/silo-$i.log"; exit 1; }
    sleep 1
  done
  echo "silo $i ready (silo port $silo_port, gateway $gateway_port)"
done

gateway_list=$(IFS=,; echo "${gateways[*]}")
(cd Client && Orleans__Mode=Client Cluster__GatewayPorts=$gateway_list exec \
  dotnet bin/Debug/net10.0/MusicCluster.Client.dll --urls http://localhost:5000 > "../$logs/client.log" 2>&1) &
pids+=($!)  # exec in the subshell: $! is the program itself
(cd Dashboard && Cluster__GatewayPorts=$gateway_list exec \
  dotnet bin/Debug/net10.0/MusicCluster.Dashboard.dll --urls http://localhost:5050 > "../$logs/dashboard.log" 2>&1) &
pids+=($!)  # exec in the subshell: $! is the program itself
echo "web client: http://localhost:5000   dashboard: http://localhost:5050/dashboard/   logs: $logs/   Ctrl-C stops all"
echo "both ask for the admin password: MusicCluster__AdminPassword, or the one the client printed at a first start ($logs/client.log)"
wait
