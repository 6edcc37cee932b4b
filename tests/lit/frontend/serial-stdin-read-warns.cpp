// The serial code of a parallel program runs on every process, but mpirun gives standard
// input to process 0 only: a value read from it differs between processes. weftc warns
// at each read of standard input outside the annotated loops (std::cin, stdin, scanf,
// getchar, read from descriptor 0), and not at reads of a named file or of a string.
// RUN: %weftc %s -- -Xclang -verify
#include <weft/weft.h>

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

int main(int argc, char **argv) {
  int epochs = 3, n = 100;
  std::cin >> epochs; // expected-warning {{every process of the parallel program runs this serial code, but mpirun gives standard input to process 0 only (std::cin): the other processes read end of file, and their values differ; read the input from a file named on the command line}}
  std::string line;
  std::getline(std::cin, line); // expected-warning {{standard input to process 0 only (std::cin)}}
  if (std::scanf("%d", &n) != 1) // expected-warning {{standard input to process 0 only (scanf)}}
    n = 100;
  char buffer[64];
  if (std::fgets(buffer, sizeof buffer, stdin)) // expected-warning {{standard input to process 0 only (stdin)}}
    n += 1;
  const int c = std::getchar(); // expected-warning {{standard input to process 0 only (getchar)}}
  if (read(STDIN_FILENO, buffer, 1) == 1) // expected-warning {{standard input to process 0 only (read from descriptor STDIN_FILENO)}}
    n += c;
  std::ifstream config(argc > 1 ? argv[1] : "config.txt"); // a named file: every process reads it
  config >> n;
  std::istringstream("7") >> epochs;
  weft::DistArray<float, 1> A({n});
  for (int epoch = 0; epoch < epochs; ++epoch) {
    #pragma weft parallel_for
    for (int i = 0; i < n; ++i)
      A(i) = A(i) * 0.5f + 1.0f;
  }
  return 0;
}
