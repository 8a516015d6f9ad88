#!/usr/bin/env bash
# Regenerates the X.509 fixtures of this folder with the openssl CLI (made once with OpenSSL 3.0; the tests pin
# their contents, so do not rerun unless you mean to replace them all). Usage: ./make-fixtures.sh
set -euo pipefail
OUT="$(cd "$(dirname "$0")" && pwd)"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
export WORK SAN=""
mkdir -p "$WORK/newcerts" "$OUT/keys"
: > "$WORK/index.txt"
echo 1000 > "$WORK/serial"

cat > "$WORK/ca.cnf" <<'CNF'
[ ca ]
default_ca = CA_default
[ CA_default ]
dir = $ENV::WORK
database = $dir/index.txt
new_certs_dir = $dir/newcerts
serial = $dir/serial
policy = policy_any
unique_subject = no
email_in_dn = no
copy_extensions = none
[ policy_any ]
commonName = supplied
organizationName = optional
[ req ]
distinguished_name = dn
[ dn ]
[ root ]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[ int ]
basicConstraints = critical,CA:TRUE,pathlen:0
keyUsage = critical,keyCertSign,cRLSign,digitalSignature
extendedKeyUsage = serverAuth,clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ int_nolen ]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ int_notca ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,keyCertSign,cRLSign,digitalSignature
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ leaf ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth,clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
subjectAltName = $ENV::SAN
[ leaf_client ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
subjectAltName = $ENV::SAN
[ leaf_keyenc ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
subjectAltName = $ENV::SAN
[ leaf_nosan ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ leaf_critical ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
subjectAltName = $ENV::SAN
1.3.6.1.4.1.55555.1 = critical,ASN1:UTF8String:must be understood
[ leaf_self ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
subjectAltName = $ENV::SAN
CNF

START=20240101000000Z
END=21240101000000Z

key() { # key <name> <type>
  case "$2" in
    rsa) openssl genpkey -quiet -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$WORK/$1.key" ;;
    p256) openssl genpkey -quiet -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$WORK/$1.key" ;;
    p384) openssl genpkey -quiet -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out "$WORK/$1.key" ;;
    ed25519) openssl genpkey -quiet -algorithm ED25519 -out "$WORK/$1.key" ;;
  esac
}

# issue <name> <keytype> <CN> <issuer name|self> <ext section> [start end [openssl ca options...]]
issue() {
  local name=$1 type=$2 cn=$3 issuer=$4 ext=$5 start=${6:-$START} end=${7:-$END}
  shift 7 || shift $#
  key "$name" "$type"
  openssl req -new -key "$WORK/$name.key" -subj "/O=qk test/CN=$cn" -config "$WORK/ca.cnf" -out "$WORK/$name.csr"
  local md=()
  [ "$type" = ed25519 ] || [ "${issuer}" != self ] || md=(-md sha256)
  if [ "$issuer" = self ]; then
    openssl ca -batch -config "$WORK/ca.cnf" -selfsign -keyfile "$WORK/$name.key" -in "$WORK/$name.csr" \
      -out "$WORK/$name.crt" -startdate "$start" -enddate "$end" -extfile "$WORK/ca.cnf" -extensions "$ext" \
      -notext -preserveDN "${md[@]}" "$@" 2>"$WORK/ca.log" || { cat "$WORK/ca.log"; exit 1; }
  else
    openssl ca -batch -config "$WORK/ca.cnf" -cert "$OUT/$issuer.pem" -keyfile "$WORK/$issuer.key" \
      -in "$WORK/$name.csr" -out "$WORK/$name.crt" -startdate "$start" -enddate "$end" -extfile "$WORK/ca.cnf" \
      -extensions "$ext" -notext -preserveDN "$@" 2>"$WORK/ca.log" || { cat "$WORK/ca.log"; exit 1; }
  fi
  openssl x509 -in "$WORK/$name.crt" -out "$OUT/$name.pem"
}

# RSA 2048 chain, sha256WithRSAEncryption
issue rsa-root rsa "qk RSA Root" self root
issue rsa-int rsa "qk RSA Intermediate" rsa-root int "$START" "$END" -md sha256
SAN="DNS:rsa.test,DNS:www.rsa.test" issue rsa-leaf rsa "rsa.test" rsa-int leaf "$START" "$END" -md sha256
# RSASSA-PSS signatures (SHA-256 / salt 32 and SHA-384 / salt 48) from the RSA intermediate
SAN="DNS:pss.test" issue rsa-pss-leaf rsa "pss.test" rsa-int leaf "$START" "$END" -md sha256 \
  -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:32
SAN="DNS:pss384.test" issue rsa-pss384-leaf p256 "pss384.test" rsa-int leaf "$START" "$END" -md sha384 \
  -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:48
SAN="DNS:keyenc.test" issue keyenc-leaf rsa "keyenc.test" rsa-int leaf_keyenc "$START" "$END" -md sha256

# EC P-256 chain, ecdsa-with-SHA256
issue p256-root p256 "qk P-256 Root" self root
issue p256-int p256 "qk P-256 Intermediate" p256-root int "$START" "$END" -md sha256
SAN="DNS:p256.test,DNS:alt.p256.test" issue p256-leaf p256 "p256.test" p256-int leaf "$START" "$END" -md sha256
# EC P-384 chain, ecdsa-with-SHA384
issue p384-root p384 "qk P-384 Root" self root "$START" "$END" -md sha384
issue p384-int p384 "qk P-384 Intermediate" p384-root int "$START" "$END" -md sha384
SAN="DNS:p384.test" issue p384-leaf p384 "p384.test" p384-int leaf "$START" "$END" -md sha384
# Ed25519
issue ed25519-root ed25519 "qk Ed25519 Root" self root
SAN="DNS:ed25519.test" issue ed25519-leaf ed25519 "ed25519.test" ed25519-root leaf

# Negative cases, under the P-256 intermediate unless said otherwise
SAN="DNS:expired.test" issue expired-leaf p256 "expired.test" p256-int leaf 20000101000000Z 20010101000000Z -md sha256
SAN="DNS:future.test" issue notyet-leaf p256 "future.test" p256-int leaf 22000101000000Z 22100101000000Z -md sha256
issue notca-int p256 "qk Not A CA" p256-root int_notca "$START" "$END" -md sha256
SAN="DNS:notca.test" issue notca-leaf p256 "notca.test" notca-int leaf "$START" "$END" -md sha256
issue pathlen-int1 p256 "qk PathLen 0 CA" p256-root int "$START" "$END" -md sha256
issue pathlen-int2 p256 "qk PathLen Sub CA" pathlen-int1 int_nolen "$START" "$END" -md sha256
SAN="DNS:pathlen.test" issue pathlen-leaf p256 "pathlen.test" pathlen-int2 leaf "$START" "$END" -md sha256
SAN="DNS:critical.test" issue critical-leaf p256 "critical.test" p256-int leaf_critical "$START" "$END" -md sha256
SAN="DNS:localhost,IP:127.0.0.1,IP:::1,IP:2001:db8::1:0:0:1" issue ip-leaf p256 "ip.test" p256-int leaf "$START" "$END" -md sha256
SAN="DNS:*.wild.test,DNS:wild.test" issue wildcard-leaf p256 "wild.test" p256-int leaf "$START" "$END" -md sha256
issue cn-only-leaf p256 "cn-only.test" p256-int leaf_nosan "$START" "$END" -md sha256
SAN="DNS:client.test" issue client-leaf p256 "client.test" p256-int leaf_client "$START" "$END" -md sha256
SAN="DNS:self.test" issue selfsigned-leaf p256 "self.test" self leaf_self

# Private keys in every container
K="$OUT/keys"
for t in p256 p384; do
  key "$t" "$t"
  openssl pkey -in "$WORK/$t.key" -out "$K/$t.pkcs8.pem"
  openssl pkey -in "$WORK/$t.key" -outform DER -out "$K/$t.pkcs8.der"
  openssl ec -in "$WORK/$t.key" -out "$K/$t.sec1.pem" 2>/dev/null
  openssl ec -in "$WORK/$t.key" -no_public -out "$K/$t.sec1-nopub.pem" 2>/dev/null
  openssl pkey -in "$WORK/$t.key" -pubout -out "$K/$t.spki.pem"
done
key ed25519 ed25519
openssl pkey -in "$WORK/ed25519.key" -out "$K/ed25519.pkcs8.pem"
openssl pkey -in "$WORK/ed25519.key" -pubout -out "$K/ed25519.spki.pem"
key rsa rsa
openssl pkey -in "$WORK/rsa.key" -out "$K/rsa.pkcs8.pem"
openssl rsa -in "$WORK/rsa.key" -traditional -out "$K/rsa.pkcs1.pem" 2>/dev/null
openssl rsa -in "$WORK/rsa.key" -traditional -outform DER -out "$K/rsa.pkcs1.der" 2>/dev/null
openssl pkey -in "$WORK/rsa.key" -pubout -out "$K/rsa.spki.pem"
openssl pkey -in "$WORK/p256.key" -aes-128-cbc -passout pass:qk -out "$K/p256.encrypted.pem"
openssl rsa -in "$WORK/rsa.key" -traditional -aes128 -passout pass:qk -out "$K/rsa.legacy-encrypted.pem" 2>/dev/null
openssl genpkey -quiet -algorithm EC -pkeyopt ec_paramgen_curve:P-521 -out "$K/p521.pkcs8.pem"
openssl genpkey -quiet -algorithm ED448 -out "$K/ed448.pkcs8.pem"
echo "fixtures written to $OUT"
