# Sourced by the benchmark scripts: packages the extension (no tests), unpacks the Keycloak distribution (the
# dependency plugin's marker makes that a no-op the second time) and writes the test classpath to
# target/bench/classpath.txt in one Maven run, then says which machine measures.
mkdir -p target/bench
./mvnw -q -B -ntp -DskipTests -Dmdep.outputFile=target/bench/classpath.txt -Dmdep.includeScope=test \
  verify dependency:build-classpath

echo "Machine: $(nproc) cores, $(free -g | awk '/^Mem:/{print $2}') GiB RAM," \
  "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
