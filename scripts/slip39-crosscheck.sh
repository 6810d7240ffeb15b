#!/usr/bin/env bash
# Cross-checks paperseed's SLIP-39 (src/slip39.rs, driven by examples/slip39.rs) against the
# reference implementation, SatoshiLabs' python-shamir-mnemonic, through its own CLI,
# `shamir`:
#   - paperseed split -> `shamir recover` must give the same master secret. `shamir recover`
#     prompts for one share per line and reads the answers from standard input when that is
#     not a terminal, so the shares are piped in. With a passphrase (`shamir recover -p`)
#     the passphrase prompt goes through getpass, which reads the terminal if there is one:
#     the command runs under setsid (no controlling terminal), so getpass falls back to
#     standard input too and the passphrase is piped after the shares.
#   - `shamir create ... -S HEX` -> paperseed combine must give the same master secret,
#     including a two-level (multi-group) set and shares beyond the thresholds.
# Covers 128- to 512-bit secrets, thresholds 1-of-1 to 16-of-16, iteration exponents 0-2,
# both values of the extendable flag, empty and non-empty passphrases.
# One ok / FAIL line per check and a closing "N passed, N failed"; exits non-zero on any
# FAIL, and with 2 when the reference implementation cannot be installed.
# Needs python3 (with venv), pip access to PyPI, setsid and shuf; installs
# shamir-mnemonic[cli] into a virtual environment (default /tmp/paperseed-slip39-venv,
# or $SLIP39_VENV).
set -euo pipefail
cd "$(dirname "$0")/.."

venv=${SLIP39_VENV:-/tmp/paperseed-slip39-venv}
reference='shamir-mnemonic[cli]==0.3.0'
if [ ! -x "$venv/bin/shamir" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "$reference" || { echo "slip39-crosscheck: could not pip install $reference"; exit 2; }
fi
shamir="$venv/bin/shamir"
for tool in setsid shuf; do
  command -v "$tool" >/dev/null || { echo "slip39-crosscheck: $tool is missing"; exit 2; }
done
echo "reference: $("$venv/bin/pip" show shamir-mnemonic | sed -n 's/^Version: /shamir-mnemonic /p') ($shamir)"

cargo build --quiet --example slip39
ours="${CARGO_TARGET_DIR:-target}/debug/examples/slip39"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0
failed=0
ok() { echo "ok   $*"; passed=$((passed + 1)); }
bad() { echo "FAIL $*"; failed=$((failed + 1)); }
random_hex() { python3 -c "import secrets, sys; print(secrets.token_hex(int(sys.argv[1])))" "$1"; }

# shamir recover: shares on stdin (then the passphrase twice, for -p); prints the secret,
# or on failure what shamir said (its prompts and getpass's warnings go to $work/recover).
reference_recover() { # PASSPHRASE < shares
  local passphrase=$1
  if [ -z "$passphrase" ]; then
    "$shamir" recover
  else
    { cat; printf '%s\n%s\n' "$passphrase" "$passphrase"; } | setsid "$shamir" recover -p
  fi >"$work/recover" 2>&1 || true
  sed -n 's/^Your master secret is: \([0-9a-f]*\)$/\1/p' "$work/recover" | grep . || tail -3 "$work/recover"
}

# paperseed split -> shamir recover, T shares picked at random and in random order.
# args: SECRET_BYTES T N PASSPHRASE [split options]
ours_to_reference() {
  local bytes=$1 t=$2 n=$3 passphrase=$4
  shift 4
  local secret got label
  secret=$(random_hex "$bytes")
  label="paperseed split $((bytes * 8))-bit $t-of-$n ${*:-(defaults)}${passphrase:+ passphrase} -> shamir recover"
  if ! "$ours" split "$secret" "$t" "$n" --passphrase "$passphrase" "$@" >"$work/shares" 2>"$work/err"; then
    bad "$label: split failed: $(cat "$work/err")"
    return
  fi
  if [ "$(wc -l <"$work/shares")" -ne "$n" ]; then
    bad "$label: split printed $(wc -l <"$work/shares") shares"
    return
  fi
  got=$(shuf -n "$t" "$work/shares" | reference_recover "$passphrase")
  if [ "$got" = "$secret" ]; then ok "$label"; else bad "$label: expected $secret, got '$got'"; fi
}

# shamir create -> paperseed combine. The mnemonics of `shamir create` follow a
# "Group i of G" line each; PICK (awk condition on g, the group number, and m, the
# member number, both from 1) selects the ones given to paperseed.
# args: SECRET_BYTES PICK PASSPHRASE create arguments...
reference_to_ours() {
  local bytes=$1 pick=$2 passphrase=$3
  shift 3
  local secret got label
  secret=$(random_hex "$bytes")
  label="shamir create $* ($((bytes * 8))-bit${passphrase:+, passphrase}) -> paperseed combine"
  if ! "$shamir" create "$@" -S "$secret" ${passphrase:+-p "$passphrase"} >"$work/created" 2>&1; then
    bad "$label: shamir create failed: $(cat "$work/created")"
    return
  fi
  awk '/^Group [0-9]+ of [0-9]+/ { g++; m = 0; next }
       /^[a-z]+( [a-z]+)+$/ && NF >= 20 { m++; if ('"$pick"') print }' "$work/created" >"$work/picked"
  if [ ! -s "$work/picked" ]; then
    bad "$label: no mnemonics read from shamir create"
    return
  fi
  got=$("$ours" combine --passphrase "$passphrase" <"$work/picked" 2>&1 || true)
  if [ "$got" = "$secret" ]; then ok "$label"; else bad "$label: expected $secret, got '$got'"; fi
}

ours_to_reference 16 2 3 ""
ours_to_reference 32 2 3 ""
ours_to_reference 16 1 1 ""
ours_to_reference 16 3 5 "" --no-extendable
ours_to_reference 32 5 9 "" --exponent 2
ours_to_reference 20 4 6 "" --no-extendable --exponent 1
ours_to_reference 64 2 2 ""
ours_to_reference 16 16 16 ""
ours_to_reference 16 2 3 "TREZOR"
ours_to_reference 32 3 4 "a longer pass phrase ~!@#" --no-extendable

reference_to_ours 16 "m <= 2" "" 2of3
reference_to_ours 32 "m >= 2" "" 2of3
reference_to_ours 16 "1" "" single
reference_to_ours 16 "m % 2 == 1" "" 3of5 -X
reference_to_ours 32 "m <= 4" "" 4of7 -E 1
reference_to_ours 16 "1" "" 3of5 -E 2 -X
reference_to_ours 24 "m != 2" "TREZOR" 2of3
reference_to_ours 32 "m >= 3" "pass phrase" 3of6 -X
reference_to_ours 16 "g == 2 && m <= 3" "" master
reference_to_ours 32 "g == 1" "" master
# Two of three groups needed: groups 1 and 3 complete, group 2 one share short.
reference_to_ours 16 "(g == 1) || (g == 2 && m == 1) || (g == 3 && m >= 3)" "" custom -t 2 -g 1 1 -g 2 3 -g 3 5
reference_to_ours 32 "g >= 2 && m <= 2" "TREZOR" custom -t 2 -g 3 5 -g 2 2 -g 2 4 -X

# And one that must fail: a single share of a 2-of-3 set.
"$shamir" create 2of3 >"$work/created"
grep -E '^[a-z]+( [a-z]+){19,}$' "$work/created" | head -1 >"$work/one"
if "$ours" combine <"$work/one" >"$work/out" 2>&1; then
  bad "paperseed combine accepted 1 share of a 2-of-3 set from shamir create"
else
  ok "paperseed combine refuses 1 share of a 2-of-3 set: $(cat "$work/out")"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
