#!/usr/bin/env bash
# Check that logins lock after repeated wrong passwords, against a running site (the demo, or
# a deployment behind its proxy: if the lockout never comes, or comes for everyone at once,
# the proxy settings are wrong; see docs/security.md, "Deployment duties").
#
#   deploy/check_lockout.sh BASE_URL USERNAME RIGHT_PASSWORD [TRIES]
#
# Posts TRIES (default 50) wrong passwords for USERNAME to BASE_URL/accounts/login/, then the
# right one, and prints how each was answered. Use a test account: it stays locked for the
# cool-off (`manage.py axes_reset_username USERNAME` ends it at once).
set -euo pipefail
BASE="${1:?base URL, e.g. http://127.0.0.1:8000}"
USERNAME="${2:?username}"
RIGHT="${3:?the right password of that account}"
TRIES="${4:-50}"
JAR="$(mktemp)"
trap 'rm -f -- "${JAR:-}"' EXIT
curl -sf -o /dev/null "$BASE/accounts/login/" || { echo "No login page at $BASE/accounts/login/" >&2; exit 2; }

post_login() {
  curl -s -c "$JAR" -b "$JAR" -o /dev/null "$BASE/accounts/login/"
  local token
  token="$(awk '$6 == "csrftoken" {print $7}' "$JAR")"
  curl -s -c "$JAR" -b "$JAR" -o /dev/null -w "%{http_code}" -e "$BASE/accounts/login/" \
    --data-urlencode "csrfmiddlewaretoken=$token" --data-urlencode "username=$USERNAME" \
    --data-urlencode "password=$1" "$BASE/accounts/login/"
}

codes=()
for i in $(seq 1 "$TRIES"); do
  codes+=("$(post_login "wrong-password-$i")")
done
right="$(post_login "$RIGHT")"
echo "wrong passwords, answers by status: $(printf '%s\n' "${codes[@]}" | sort | uniq -c | xargs)"
echo "first answers in order: ${codes[*]:0:8}"
echo "the right password after them: $right (302 = logged in, 429 = locked out)"
[ "$right" = 429 ]
