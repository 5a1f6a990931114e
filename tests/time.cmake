casetrail_test(time test_time_parse.cpp test_time_format.cpp)
