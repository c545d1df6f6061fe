#!/bin/sh
# What Gentoo's /sbin/halt.sh does at the end of runlevel 0 (Debian's openrc package lacks it;
# spec shared/spec/sysvinit.md §8.3, §6.3): halt or power off without wtmp and without sync,
# as `shutdown` asked through INIT_HALT.
case "$INIT_HALT" in
HALT) exec /sbin/halt -dhn ;;
*) exec /sbin/poweroff -dhn ;;
esac
