// The session of a multi-process test program (made by mpi_test_main.cpp), and helpers
// the programs share.
#pragma once

#include <weft/rt/session.h>

#include <string>

namespace weft_test {

weft::rt::Session &session();

// A directory that every process of the job sees (made by rank 0 under $TMPDIR or /tmp,
// removed at exit).
const std::string &shared_temp_dir();

// Writes `text` to shared_temp_dir()/name on rank 0 and returns the path once every
// process can read it.
std::string write_shared_file(const std::string &name, const std::string &text);

} // namespace weft_test
