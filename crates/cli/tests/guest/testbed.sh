#!/usr/bin/env bash
# testbed.sh - the kernel test bed of crates/cli/tests/guest.rs: tgt's emulated DVD+R
# recorder on loopback iSCSI, seen by a throw-away QEMU guest (Debian kernel + busybox
# initramfs) as /dev/sr0 + /dev/sg0 through virtio-scsi passthrough. The test copies the
# discmaster binary and its inputs into a 9p share; the guest runs share/test.sh and powers off.
#
# This script installs nothing. `check` lists what is missing (exit 3); `.ci/run` (or a
# developer) installs it:
#   apt-get install tgt qemu-system-x86 qemu-block-extra busybox-static cpio sg3-utils cdrskin
# (on Debian 12 machines that already carry qemu-utils 10 from bookworm-backports, QEMU must
# come from bookworm-backports too). The guest kernel is fetched with `apt-get download`
# (network) on first use and cached.
#
# Usage:
#   testbed.sh check
#   testbed.sh build CACHE                      kernel + initramfs into CACHE (idempotent)
#   testbed.sh tgt-start STATE PORT             tgtd on 127.0.0.1:PORT, blank DVD+R STATE/disc.img;
#                                               prints the iSCSI URL
#   testbed.sh tgt-stop STATE PORT              stop that tgtd (by its pid file)
#   testbed.sh run CACHE SHARE URL TIMEOUT      boot, run SHARE/test.sh, power off; console on stdout
#                                               (URL may be several space-separated iSCSI URLs:
#                                               the i-th is attached at SCSI id i, from 0)
# Exit status: 0 ok, 3 missing tools, 4 kernel unobtainable, 5 tgt failed, 1 other.
set -euo pipefail

IQN=iqn.2024-01.test.discmaster:dvd-recorder
GUEST_TOOLS="sg_get_config sg_modes sg_inq sg_start cdrskin xorriso growisofs"
GUEST_MODS="virtio_pci virtio_scsi sr_mod sg isofs 9pnet_virtio 9p"
BLOCK_ISCSI=/usr/lib/x86_64-linux-gnu/qemu/block-iscsi.so

log() { echo "[testbed] $*" >&2; }

missing() {
	local m=()
	for t in qemu-system-x86_64 tgtd tgtadm busybox cpio gzip; do
		command -v "$t" >/dev/null || m+=("$t")
	done
	[ -e "$BLOCK_ISCSI" ] || m+=("qemu-block-extra($BLOCK_ISCSI)")
	echo "${m[*]}"
}

check() {
	local m
	m=$(missing)
	if [ -n "$m" ]; then
		echo "missing: $m"
		exit 3
	fi
	echo "ok"
}

copy_with_libs() { # BINARY ROOT
	local bin=$1 root=$2 lib
	mkdir -p "$root$(dirname "$bin")"
	cp -L "$bin" "$root$bin"
	for lib in $(ldd "$bin" 2>/dev/null | grep -o '/[^ ]*' | sort -u); do
		[ -e "$root$lib" ] && continue
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
}

build() {
	local cache=${1:?build CACHE}
	[ -z "$(missing)" ] || { echo "missing: $(missing)" >&2; exit 3; }
	mkdir -p "$cache/kernel"
	local stamp
	stamp=$(cat "$0" | sha256sum | cut -c1-16)
	if [ -f "$cache/initramfs.gz" ] && [ -f "$cache/vmlinuz" ] && [ "$(cat "$cache/stamp" 2>/dev/null)" = "$stamp" ]; then
		return 0
	fi
	local kdeb
	kdeb=$(ls "$cache"/kernel/linux-image-*-amd64_*.deb 2>/dev/null | head -1 || true)
	if [ -z "$kdeb" ]; then
		command -v apt-get >/dev/null || { log "no apt-get to fetch a kernel"; exit 4; }
		local kpkg
		kpkg=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-/{print $2; exit}')
		[ -n "$kpkg" ] || { log "apt-cache knows no linux-image-amd64"; exit 4; }
		log "downloading $kpkg"
		(cd "$cache/kernel" && apt-get download "$kpkg" >/dev/null 2>&1) || { log "apt-get download $kpkg failed (network?)"; exit 4; }
		kdeb=$(ls "$cache"/kernel/linux-image-*-amd64_*.deb | head -1)
	fi
	rm -rf "$cache/kernel/root"
	dpkg -x "$kdeb" "$cache/kernel/root"
	local kver
	kver=$(ls "$cache/kernel/root/lib/modules" | head -1)
	cp "$cache/kernel/root/boot/vmlinuz-$kver" "$cache/vmlinuz"

	local R="$cache/initramfs"
	rm -rf "$R"
	mkdir -p "$R"/{bin,sbin,dev,proc,sys,tmp,share,etc,root,usr/bin,usr/sbin,run/lock}
	local bb
	bb=$(command -v busybox)
	copy_with_libs "$bb" "$R" # its libraries, when not the static build
	[ -e "$R/bin/busybox" ] || cp -L "$bb" "$R/bin/busybox"
	for a in $(busybox --list); do
		[ -e "$R/bin/$a" ] || ln -s busybox "$R/bin/$a"
	done
	local M="$cache/kernel/root/lib/modules/$kver"
	mkdir -p "$R/lib/modules/$kver"
	(cd "$M" && find kernel/drivers/scsi kernel/drivers/cdrom kernel/drivers/virtio \
		kernel/fs/isofs kernel/fs/9p kernel/fs/netfs kernel/fs/fscache kernel/net/9p kernel/lib \
		-name '*.ko' 2>/dev/null | cpio -pdm --quiet "$R/lib/modules/$kver")
	cp "$M"/modules.order "$M"/modules.builtin* "$R/lib/modules/$kver/" 2>/dev/null || true
	busybox depmod -b "$R" "$kver"
	for t in $GUEST_TOOLS; do
		local p
		p=$(command -v "$t" || true)
		if [ -n "$p" ]; then copy_with_libs "$p" "$R"; else log "note: $t not on this host, not in the guest"; fi
	done
	echo 'root:x:0:0:root:/root:/bin/sh' >"$R/etc/passwd"
	echo 'root:x:0:' >"$R/etc/group"
	cat >"$R/init" <<EOF
#!/bin/sh
export PATH=/usr/bin:/usr/sbin:/bin:/sbin HOME=/root
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
mount -t tmpfs tmp /tmp; mount -t tmpfs run /run; mkdir -p /run/lock
for m in $GUEST_MODS; do modprobe \$m || echo "modprobe \$m failed"; done
# wait for the SCSI scan to create the nodes
for i in 1 2 3 4 5 6 7 8 9 10; do [ -e /dev/sr0 ] && [ -e /dev/sg0 ] && break; sleep 0.5; done
mount -t 9p -o trans=virtio,version=9p2000.L,msize=1048576 share /share || echo "9p mount failed"
echo "=== guest: kernel \$(uname -r), devices: \$(ls /dev/sr* /dev/sg* 2>&1 | tr '\n' ' ')"
cd /share
if [ -f /share/test.sh ]; then
	echo "=== guest: running /share/test.sh"
	sh /share/test.sh 2>&1; echo "=== guest: test.sh exit status \$?"
fi
sync
echo "=== guest: done"
poweroff -f
EOF
	chmod +x "$R/init"
	(cd "$R" && find . | cpio -o -H newc --quiet | gzip -1) >"$cache/initramfs.gz"
	echo "$stamp" >"$cache/stamp"
	# keep only the .deb (70 MB), not the unpacked kernel (~400 MB) or the initramfs tree
	rm -rf "$cache/kernel/root" "$R"
	log "built $cache/vmlinuz ($kver) and initramfs.gz ($(du -h "$cache/initramfs.gz" | cut -f1))"
}

adm() { tgtadm -C "$CTL" --lld iscsi "$@"; }

tgt_running() { [ -f "$STATE/tgtd.pid" ] && kill -0 "$(cat "$STATE/tgtd.pid")" 2>/dev/null; }

tgt_start() {
	STATE=${1:?tgt-start STATE PORT}; PORT=${2:?tgt-start STATE PORT}; CTL=$PORT
	command -v tgtd >/dev/null || { echo "missing: tgtd" >&2; exit 3; }
	mkdir -p "$STATE"
	: >"$STATE/disc.img" # an empty backing file is a blank DVD+R
	setsid tgtd -f -C "$CTL" --iscsi "portal=127.0.0.1:$PORT" >"$STATE/tgtd.log" 2>&1 </dev/null &
	echo $! >"$STATE/tgtd.pid"
	for _ in $(seq 50); do
		adm --mode sys --op show >/dev/null 2>&1 && break
		sleep 0.1
	done
	if ! tgt_running || grep -q 'failed to create/bind to portal' "$STATE/tgtd.log"; then
		cat "$STATE/tgtd.log" >&2
		tgt_stop "$STATE" "$PORT"
		exit 5
	fi
	adm --mode target --op new --tid 1 -T "$IQN" &&
	adm --mode logicalunit --op new --tid 1 --lun 1 -b "$STATE/disc.img" --device-type=cd &&
	adm --mode logicalunit --op update --tid 1 --lun 1 \
		--params "vendor_id=STGT_DVD,product_id=DVD101,product_rev=0010,scsi_sn=STGTDVD1,removable=1" &&
	adm --mode target --op bind --tid 1 -I 127.0.0.1 || { tgt_stop "$STATE" "$PORT"; exit 5; }
	echo "iscsi://127.0.0.1:$PORT/$IQN/1"
}

tgt_stop() {
	STATE=${1:?tgt-stop STATE PORT}; PORT=${2:?tgt-stop STATE PORT}; CTL=$PORT
	if tgt_running; then
		local pid; pid=$(cat "$STATE/tgtd.pid")
		# tgtd ignores SIGTERM: delete the target, then the system
		adm --mode target --op delete --tid 1 --force >/dev/null 2>&1 || true
		adm --mode system --op delete >/dev/null 2>&1 || true
		for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
	fi
	rm -f "$STATE/tgtd.pid"
}

run() {
	local cache=${1:?run CACHE SHARE URL TIMEOUT} share=${2:?} urls=${3:?} timeout=${4:?}
	local attach=() id=0 url
	for url in $urls; do
		case "$url" in iscsi://127.0.0.1:*) ;; *) echo "refusing non-loopback URL $url" >&2; exit 1 ;; esac
		attach+=(-drive "file=$url,if=none,id=cd$id,format=raw,cache=none"
			-device "scsi-generic,drive=cd$id,bus=scsi0.0,channel=0,scsi-id=$id,lun=0")
		id=$((id + 1))
	done
	local accel=tcg cpu=max
	if [ -r /dev/kvm ] && [ -w /dev/kvm ] && grep -qwE 'vmx|svm' /proc/cpuinfo; then accel=kvm; cpu=host; fi
	log "booting ($accel) with $urls"
	timeout --foreground -k 5 "$timeout" qemu-system-x86_64 \
		-accel "$accel" -cpu "$cpu" -m 512 -smp 1 \
		-nodefaults -nographic -no-reboot -nic none -serial stdio -monitor none \
		-kernel "$cache/vmlinuz" -initrd "$cache/initramfs.gz" \
		-append "console=ttyS0 quiet panic=-1 loglevel=4" \
		-device virtio-scsi-pci,id=scsi0 \
		"${attach[@]}" \
		-fsdev "local,id=share,path=$share,security_model=none" \
		-device virtio-9p-pci,fsdev=share,mount_tag=share
}

case "${1:-}" in
check) check ;;
build) shift; build "$@" ;;
tgt-start) shift; tgt_start "$@" ;;
tgt-stop) shift; tgt_stop "$@" ;;
run) shift; run "$@" ;;
*) sed -n '2,25p' "$0"; exit 1 ;;
esac
