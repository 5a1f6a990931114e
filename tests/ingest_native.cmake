casetrail_test(ingest_native test_ingest_native_xml.cpp test_ingest_native_evtx.cpp
               test_ingest_native_auditd.cpp)
