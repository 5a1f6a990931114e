#include "cli/run.hpp"

int main(int argc, char** argv) { return casetrail::cli::run(argc, argv); }
