casetrail_test(cli test_cli_case.cpp test_cli_log.cpp test_cli_obs.cpp)
