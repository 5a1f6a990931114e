casetrail_test(attack test_attack_stix_reader.cpp test_attack_check.cpp test_attack_store.cpp
               test_attack_cli.cpp test_attack_real_bundle.cpp)
