#!/bin/sh
# A backend in plain sh for the consumer test: the ready event, then an
# answer {"method":<method>,"pong":true} to every request.
printf '{"event":"ready","data":{}}\n'
while IFS= read -r line; do
  id=$(printf '%s\n' "$line" | sed -n 's/.*"id":"\([^"]*\)".*/\1/p')
  method=$(printf '%s\n' "$line" | sed -n 's/.*"method":"\([^"]*\)".*/\1/p')
  printf '{"id":"%s","success":true,"result":{"method":"%s","pong":true}}\n' "$id" "$method"
done
