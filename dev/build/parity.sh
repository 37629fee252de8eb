#!/usr/bin/env bash
# npm run build:parity: the library built by TypeScript 7 (npm run build, what
# npm pack ships) is byte for byte what TypeScript 5.9, the compiler
# @pulumi/pulumi supports, emits for the same sources. 5.9 has no bundler
# resolution with commonjs, so it resolves with node10 (tsconfig.json's
# setting), which finds the same files for this tree. Run by CI after npm test.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
node node_modules/typescript7/bin/tsc -p tsconfig.build.json --singleThreaded --outDir "$out/ts7"
node node_modules/typescript/bin/tsc -p tsconfig.build.json --moduleResolution node --outDir "$out/ts5"
if ! diff -r "$out/ts5" "$out/ts7"; then
    echo "build:parity: TypeScript 7's build of components/ differs from TypeScript 5.9's (diff above: < 5.9, > 7)" >&2
    exit 1
fi
echo "build:parity: TypeScript 7 and 5.9 emit the same $(find "$out/ts7" -type f | wc -l) files for components/"
