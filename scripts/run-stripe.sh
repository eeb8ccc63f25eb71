#!/usr/bin/env bash
# `make run-stripe`: `make run` with cards paid online through localstripe, a fake Stripe server
# (API, Stripe.js and signed webhooks) on 127.0.0.1:$STRIPE_PORT (default 8420). Card 4242 4242
# 4242 4242 pays, 4000 0000 0000 0341 is declined, 4000 0025 0000 3155 asks for 3-D Secure.
# localstripe keeps everything in memory and stops with the site. docs/payments.md has the rest.
#
#   scripts/run-stripe.sh VENV_BIN ADDRESS       e.g. scripts/run-stripe.sh .venv/bin 127.0.0.1:8000
set -uo pipefail

if [ $# -ne 2 ]; then
  echo "usage: $0 VENV_BIN ADDRESS" >&2
  exit 64
fi
bin=$1
address=$2
port=${STRIPE_PORT:-8420}
cd "$(dirname "$0")/.." || exit 1

"$bin/localstripe" --port "$port" &
localstripe=$!
trap 'kill -TERM $localstripe 2>/dev/null' EXIT

for _ in $(seq 1 50); do
  "$bin/python" -c "import socket; socket.create_connection(('127.0.0.1', $port), timeout=0.2)" 2>/dev/null && break
  sleep 0.2
done

export STRIPE_SECRET_KEY=sk_test_localstripe
export STRIPE_PUBLISHABLE_KEY=pk_test_localstripe
export STRIPE_WEBHOOK_SECRET=whsec_localstripe
export STRIPE_API_BASE=http://127.0.0.1:$port
export STRIPE_JS_URL=http://127.0.0.1:$port/js.stripe.com/v3/

# localstripe signs its events with the secret and sends them to the site's webhook.
"$bin/python" - "$port" "$address" <<'PY'
import sys, urllib.parse, urllib.request
port, address = sys.argv[1], sys.argv[2]
body = urllib.parse.urlencode(
    {"url": f"http://{address}/payments/stripe/webhook/", "secret": "whsec_localstripe"}
).encode()
urllib.request.urlopen(urllib.request.Request(f"http://127.0.0.1:{port}/_config/webhooks/site", data=body))
PY

echo "Cards online through localstripe on 127.0.0.1:$port (card 4242 4242 4242 4242, any future date and CVC)."
scripts/run.sh "$bin/python" "$address"
