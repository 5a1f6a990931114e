casetrail_test(store test_store_schema.cpp test_store_observations.cpp test_core_identity.cpp
               test_core_encoding.cpp)
