// Which implementation of the platform layer this executable links: "linux" or "portable"
// (fileio_linux.cpp, fileio_portable.cpp). `--version` and the log's first line say it, so a
// bug report tells, and the tests check that the portable twin runs the portable layer.
#pragma once

namespace mil {

const char* platform_layer();

} // namespace mil
