#!/usr/bin/env bash
# Instance start (slug -> first 200) in the slug itself, in an overlay, in a copy; for a hello slug padded to
# SIZE_MB of node_modules (a Next.js slug is ~400 MB). Usage: bench/workspace/run.sh [ROUNDS=10] [SIZE_MB=400]
source "$(dirname "$0")/../lib.sh"
ROUNDS=${1:-10}
SIZE_MB=${2:-400}
bench_init workspace $((600 + ROUNDS * 60))
SLUG="$BENCH_TMP/slug"
cp -r "$HELLO" "$SLUG"
# ~SIZE_MB in 100 KiB files, 200 per directory, like a node_modules tree
files=$((SIZE_MB * 10))
for ((i = 0; i < files; i++)); do
  d="$SLUG/node_modules/pkg$((i / 200))"
  [[ $((i % 200)) == 0 ]] && mkdir -p "$d"
  head -c 102400 /dev/urandom > "$d/f$i.js"
done
log "slug: $(du -sh "$SLUG" | cut -f1), $(find "$SLUG" -type f | wc -l) files"
PORT=$(node "$PROBE" ports 1)
node "$BENCH_LIB/workspace/start.js" "$BENCH_TMP/work" "$SLUG" "$ROUNDS" "$PORT" | tee "$BENCH_TMP/rounds.txt"
node "$PROBE" summary "$BENCH_TMP/rounds.txt" slug ms
