#!/usr/bin/env bash
# A real one-node Slurm cluster on this machine, for the sweep's Slurm tests (and for trying
# `mindt sweep --launcher slurm` without a cluster): munged, slurmctld and slurmd on localhost,
# everything but munge's key kept in one folder.
#
#   tools/slurm_local.sh start DIR   writes DIR/slurm.conf, starts the daemons, waits for the node
#                                    to be idle; then `export SLURM_CONF=DIR/slurm.conf`
#   tools/slurm_local.sh stop DIR    stops the daemons by the pids in DIR (never by name)
#
# Needs root (the daemons run as root without systemd or cgroups) and Debian's slurm-wlm and munge,
# which tools/setup.sh installs. Exit code 77 (CTest's skip) when either is missing.
set -euo pipefail

say() { printf '[slurm-local] %s\n' "$*" >&2; }

action=${1:-}
dir=${2:-}
if [ -z "$action" ] || [ -z "$dir" ]; then
  say "usage: tools/slurm_local.sh start|stop DIR"
  exit 2
fi

stop_pid_file() {
  local file=$1
  [ -f "$file" ] || return 0
  local pid
  pid=$(cat "$file")
  if kill "$pid" 2>/dev/null; then
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -f "$file"
}

if [ "$action" = stop ]; then
  stop_pid_file "$dir/slurmd.pid"
  stop_pid_file "$dir/slurmctld.pid"
  stop_pid_file "$dir/munged.pid"
  exit 0
fi
[ "$action" = start ] || { say "unknown action '$action' (expected start or stop)"; exit 2; }

if [ "$(id -u)" -ne 0 ]; then
  say "skipped: the local Slurm daemons need root"
  exit 77
fi
for tool in munged mungekey slurmctld slurmd sbatch sinfo; do
  command -v "$tool" >/dev/null || { say "skipped: $tool not found (tools/setup.sh installs slurm-wlm and munge)"; exit 77; }
done

dir=$(mkdir -p "$dir" && cd "$dir" && pwd)
mkdir -p "$dir/state" "$dir/spool" "$dir/munge"

# munge: the machine's key (created once, as Debian's package would), our own socket and pid file,
# so a munged started by someone else is left alone.
if [ ! -f /etc/munge/munge.key ]; then mungekey --create; fi
chown munge:munge /etc/munge/munge.key 2>/dev/null || true
socket=$dir/munge/munge.socket
munged --force --socket="$socket" --pid-file="$dir/munged.pid" --log-file="$dir/munged.log" \
  --seed-file="$dir/munge/munge.seed"
if ! munge -n --socket="$socket" | unmunge --socket="$socket" | grep -q 'STATUS: *Success'; then
  say "error: munged does not answer on $socket (see $dir/munged.log)"
  exit 1
fi

memory_mib=$(awk '/MemTotal/ {print int($2 / 1024 * 0.9)}' /proc/meminfo)
cat >"$dir/slurm.conf" <<EOF
ClusterName=mindt-local
SlurmctldHost=localhost
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$socket
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
ReturnToService=2
MpiDefault=none
SchedulerType=sched/backfill
SlurmctldPort=$((6817 + RANDOM % 1000 * 2))
SlurmdPort=$((6818 + RANDOM % 1000 * 2))
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
KillWait=5
MinJobAge=600
NodeName=localhost CPUs=$(nproc) RealMemory=$memory_mib State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF=$dir/slurm.conf
slurmctld -f "$SLURM_CONF"
slurmd -f "$SLURM_CONF"
for _ in $(seq 150); do
  if sinfo -h -o '%T' 2>/dev/null | grep -q '^idle'; then
    say "up: export SLURM_CONF=$SLURM_CONF"
    exit 0
  fi
  sleep 0.2
done
say "error: the node did not come up idle within 30 s (see $dir/slurmctld.log, $dir/slurmd.log)"
"$0" stop "$dir"
exit 1
