# Build step: turns dists.dss (dbgen's distributions) into a C array, so the library and
# shoal-dbgen need no file at run time. Run as: cmake -DINPUT=... -DOUTPUT=... -P embed_dists.cmake
file(READ "${INPUT}" content HEX)
string(LENGTH "${content}" hex_length)
math(EXPR size "${hex_length} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${content}")
string(REGEX REPLACE "((0x[0-9a-f][0-9a-f],){16})" "\\1\n" bytes "${bytes}")
file(WRITE "${OUTPUT}.tmp"
"/* Generated from engine/tpch/dists.dss by engine/tpch/embed_dists.cmake; do not edit. */\n"
"const unsigned char tpch_dists_dss[] = {\n${bytes}\n};\n"
"const unsigned long tpch_dists_dss_size = ${size};\n")
file(RENAME "${OUTPUT}.tmp" "${OUTPUT}")
