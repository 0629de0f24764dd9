#!/usr/bin/env bash
# Makes the certificates of .ci/run's TLS runs with openssl, in DIR: a CA (ca.pem), a server
# certificate for 127.0.0.1 and localhost (server.pem, server-key.pem) and a client
# certificate (client.pem, client-key.pem), both signed by the CA, valid for two days.
#
#   tls_certs.sh DIR
set -euo pipefail
dir="${1:?usage: tls_certs.sh DIR}"
mkdir -p "$dir"; cd "$dir"
quiet() { "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; "$@"; exit 1; }; }
quiet openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=agentrace CI CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
  -keyout ca-key.pem -out ca.pem
issue() { # name subject extensions
  quiet openssl req -newkey rsa:2048 -nodes -subj "/CN=$2" -keyout "$1-key.pem" -out "$1.csr"
  printf '%s\n' "$3" >"$1.ext"
  quiet openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 2 \
    -extfile "$1.ext" -out "$1.pem"
  rm -f "$1.csr" "$1.ext"
}
issue server localhost "subjectAltName=IP:127.0.0.1,DNS:localhost
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth"
issue client agentrace-ci-client "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth"
chmod 600 ./*-key.pem
