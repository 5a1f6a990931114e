casetrail_test(integrity test_integrity_chain.cpp test_integrity_tamper.cpp
               test_integrity_amend.cpp test_integrity_query.cpp test_integrity_reference.cpp
               test_integrity_concurrency.cpp test_integrity_crash.cpp
               test_integrity_import.cpp support/process.cpp)
# The concurrency and crash tests run the casetrail executable itself.
add_dependencies(test_integrity casetrail)
# Hidden [.slow] tests are not discovered; each runs as one CTest entry.
add_test(NAME "integrity: 4 processes logging 1000 times each (slow)"
         COMMAND test_integrity "[.slow]")
set_tests_properties("integrity: 4 processes logging 1000 times each (slow)"
                     PROPERTIES TIMEOUT 900 LABELS slow)
