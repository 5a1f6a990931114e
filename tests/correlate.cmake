casetrail_test(correlate test_correlate_scopes.cpp test_correlate_lineage.cpp
               test_correlate_plan.cpp test_correlate_timeline.cpp test_correlate_techniques.cpp)
