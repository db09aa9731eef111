# Sourced by scripts that link a main.swift against targets SwiftPM built
# (the fuzzer, the micro-benchmarks). Fills two arrays for swiftc:
#   modulemaps  -Xcc -fmodule-map-file=… for every module of BUILD_DIR
#   objects     every object file of BUILD_DIR
#   swift_link_inputs BUILD_DIR SCRATCH_DIR
swift_link_inputs() {
    local build="$1" scratch="$2" m name
    modulemaps=()
    for m in "$build"/*.build/module.modulemap; do modulemaps+=(-Xcc "-fmodule-map-file=$m"); done
    # C targets that ship their own module map have none generated in the build folder.
    for m in "$scratch"/checkouts/*/Sources/*/include/module.modulemap; do
        name="$(basename "$(dirname "$(dirname "$m")")")"
        [ -e "$build/$name.build/module.modulemap" ] || modulemaps+=(-Xcc "-fmodule-map-file=$m")
    done
    local found object map
    mapfile -t found < <(find -L "$build/" -path "$build/Modules" -prune -o -name '*.o' -print)
    # A Swift target's objects are those its output-file-map names: one left
    # behind by a source file since removed would define its symbols twice.
    objects=()
    for object in "${found[@]}"; do
        map="$(dirname "$object")/output-file-map.json"
        if [ -e "$map" ] && ! grep -qF "/$(basename "$object")\"" "$map"; then continue; fi
        objects+=("$object")
    done
}
