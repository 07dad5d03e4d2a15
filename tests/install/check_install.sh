#!/bin/sh
# check_install.sh — what `meson install` puts on a machine (SPEC 11), as TAP.
#
#   check_install.sh BUILD_DIR      meson install into a temporary DESTDIR and
#                                   check every file, both man pages, the
#                                   completion, the units; that the installed
#                                   binary reads the catalog of its prefix
#                                   (never the source tree) and finds one
#                                   given by $BILLCENTER_CATALOG.
#   check_install.sh --system       after a real `meson install` with prefix
#                                   /usr (CI, as root): man, man 5, catalog
#                                   check with no option, completion through
#                                   bash-completion, systemd-analyze verify,
#                                   the system user and its directory.
# With --system (a CI stage of its own) it ends with meson-style "Ok: N" and
# "Fail: N" lines that the CI's summary counts; exit 1 when any failed.
set -u
n=0 failed=0
mode=build
[ "${1:-}" = "--system" ] && mode=system
ok() {   # ok CONDITION-EXIT-CODE DESCRIPTION
    n=$((n + 1))
    if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=$((failed + 1)); fi
}
finish() {
    echo "1..$n"
    if [ "$mode" = system ]; then
        echo "Ok: $((n - failed))"
        echo "Fail: $failed"
    fi
    [ "$failed" -eq 0 ]
    exit $?
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# complete WORDS...: what _billcenter offers for the last word, from the
# completion file $COMPLETION.
complete_words() {
    bash -c '. "$0"; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _billcenter; echo "${COMPREPLY[*]}"' \
        "$COMPLETION" "$@"
}

check_completion() {   # check_completion BINARY
    out=$(complete_words billcenter ord)
    ok "$(echo " $out " | grep -q " order "; echo $?)" "completion: 'billcenter ord' offers order ($out)"
    out=$(complete_words billcenter order place --acc)
    [ "$out" = "--account" ]; ok $? "completion: 'billcenter order place --acc' gives --account ($out)"
    out=$(complete_words billcenter operator "")
    [ "$out" = "add remove list" ]; ok $? "completion: 'billcenter operator' offers add remove list ($out)"
    # Every option a command's --help lists is completed for it, and no other.
    for cmd in init "catalog check" quote "order place" "account show" orders audit reconcile \
               "operator add" "operator remove" "operator list" "contact set-pin" backup; do
        # shellcheck disable=SC2086
        want=$("$1" $cmd --help | grep -o -- '--[a-z][a-z-]*' | sort -u | tr '\n' ' ')
        # shellcheck disable=SC2086
        got=$(complete_words billcenter $cmd -- | tr ' ' '\n' | sort -u | tr '\n' ' ')
        [ "$want" = "$got" ]; ok $? "completion of '$cmd' options matches its --help (help: $want; completion: $got)"
    done
}

check_units() {   # check_units DIR
    for u in billcenter-renew.service billcenter-renew.timer; do
        [ -f "$1/$u" ]; ok $? "unit $u installed in $1"
    done
    grep -q '^ExecStart=.*/billcenter reconcile$' "$1/billcenter-renew.service" &&
    grep -q '^ExecStart=-.*/billcenter renew$' "$1/billcenter-renew.service" &&
    grep -q '^ExecStart=-.*/billcenter invoice send$' "$1/billcenter-renew.service" &&
    grep -q '^ExecStart=-.*/billcenter events deliver$' "$1/billcenter-renew.service"
    ok $? "the service runs renew, invoice send, events deliver and reconcile"
    grep -q '^OnCalendar=' "$1/billcenter-renew.timer"; ok $? "the timer is a calendar timer"
}

if [ "${1:-}" = "--system" ]; then
    [ "$(id -u)" -eq 0 ] || { echo "1..0 # SKIP --system needs a real install as root"; exit 77; }
    out=$(MANPAGER=cat MANWIDTH=80 man billcenter 2>&1)
    echo "$out" | grep -q "backup FILE"; ok $? "man billcenter opens"
    out=$(MANPAGER=cat MANWIDTH=80 man 5 billcenter-catalog 2>&1)
    echo "$out" | grep -q "idle_timeout"; ok $? "man 5 billcenter-catalog opens"
    out=$(cd / && env -u BILLCENTER_CATALOG HOME="$tmp" billcenter catalog check 2>&1)
    echo "$out" | grep -q "^/etc/billcenter/plans: ok ("; ok $? "billcenter catalog check finds /etc/billcenter/plans: $out"
    out=$(billcenter --version); [ "$out" = "billcenter 0.1.0" ]; ok $? "billcenter --version: $out"
    COMPLETION=/usr/share/bash-completion/completions/billcenter
    [ -f "$COMPLETION" ]; ok $? "completion in $COMPLETION"
    out=$(bash -c '. /usr/share/bash-completion/bash_completion 2>/dev/null; __load_completion billcenter;
                   COMP_WORDS=(billcenter order place --acc); COMP_CWORD=3; _billcenter; echo "${COMPREPLY[*]}"' 2>&1)
    [ "$out" = "--account" ]; ok $? "bash-completion loads it on demand: order place --acc -> $out"
    check_completion billcenter
    unitdir=$(pkg-config --variable=systemdsystemunitdir systemd 2>/dev/null || echo /lib/systemd/system)
    check_units "$unitdir"
    out=$(systemd-analyze verify "$unitdir/billcenter-renew.service" "$unitdir/billcenter-renew.timer" 2>&1)
    ok $? "systemd-analyze verify accepts the units ${out:+($out)}"
    getent passwd billcenter >/dev/null; ok $? "system user billcenter exists"
    out=$(stat -c '%U:%G %a' /var/lib/billcenter 2>&1)
    [ "$out" = "billcenter:billcenter 2770" ]; ok $? "/var/lib/billcenter is billcenter:billcenter 2770 ($out)"
    finish
fi

build=${1:?usage: check_install.sh BUILD_DIR | --system}
dest="$tmp/dest"
if ! meson install -C "$build" --destdir "$dest" --no-rebuild --quiet >"$tmp/install.log" 2>&1; then
    cat "$tmp/install.log"; ok 1 "meson install into a DESTDIR"; finish
fi
ok 0 "meson install into a DESTDIR"
# Where meson put each file (absolute, without DESTDIR).
meson introspect "$build" --installed >"$tmp/installed.json"
inst() {   # inst SUFFIX: the installed path ending in SUFFIX
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1]));
print(next((v for v in d.values() if v.endswith(sys.argv[2])), ""))' "$tmp/installed.json" "$1"
}
opt() {   # opt NAME: a build option's value
    meson introspect "$build" --buildoptions | python3 -c 'import json,sys;
print(next(o["value"] for o in json.load(sys.stdin) if o["name"] == sys.argv[1]))' "$1"
}
prefix=$(opt prefix)
sysconfdir=$(opt sysconfdir); case $sysconfdir in /*) ;; *) sysconfdir="$prefix/$sysconfdir" ;; esac
catalog="$sysconfdir/billcenter/plans"
for f in "$prefix/$(opt bindir)/billcenter" \
         "$catalog/catalog.yaml" "$catalog/gotomeeting.yaml" "$catalog/gototraining.yaml" \
         "$catalog/gotowebinar.yaml" \
         "$prefix/$(opt mandir)/man1/billcenter.1" "$prefix/$(opt mandir)/man5/billcenter-catalog.5" \
         "$prefix/$(opt localedir)/it/LC_MESSAGES/billcenter.mo" \
         "$(inst /completions/billcenter)" "$(inst /sysusers.d/billcenter.conf)" \
         "$(inst /tmpfiles.d/billcenter.conf)" "$(inst /billcenter-renew.service)" \
         "$(inst /billcenter-renew.timer)"; do
    [ -n "$f" ] && [ -f "$dest$f" ]; ok $? "installed: ${f:-(missing from meson introspect)}"
done
for page in man1/billcenter.1 man5/billcenter-catalog.5; do
    out=$(MANWIDTH=80 man --warnings -l "$dest$prefix/$(opt mandir)/$page" 2>&1 >/dev/null)
    [ -z "$out" ]; ok $? "man -l $page renders without warnings ${out:+($out)}"
done
bin="$dest$prefix/$(opt bindir)/billcenter"
out=$("$bin" --version); [ "$out" = "billcenter 0.1.0" ]; ok $? "billcenter --version: $out"
# The installed binary looks for its prefix's catalog, not the source tree.
out=$(cd "$tmp" && env -u BILLCENTER_CATALOG HOME="$tmp" "$bin" catalog check 2>&1)
echo "$out" | grep -q "^\(billcenter: \)\{0,1\}$catalog"; ok $? "an installed binary with no option reads $catalog, not the source tree: $out"
out=$(cd "$tmp" && BILLCENTER_CATALOG="$dest$catalog" "$bin" catalog check 2>&1)
echo "$out" | grep -q "^$dest$catalog: ok ("; ok $? "it checks the installed catalog: $out"
COMPLETION="$dest$(inst /completions/billcenter)"
check_completion "$bin"
check_units "$dest$(dirname "$(inst /billcenter-renew.service)")"
grep -q "^u billcenter " "$dest$(inst /sysusers.d/billcenter.conf)"; ok $? "sysusers.d declares user billcenter"
finish
