# Sourced by the deploy/bin scripts: pins the JDK to 17 and binds Spark to loopback.
# Hadoop 3.4 fails on newer JDKs ("getSubject is not supported"), so a JDK 17 is required.

java_major() {
  "$1" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1
}

if [ -z "${JAVA_HOME:-}" ] || [ "$(java_major "$JAVA_HOME/bin/java")" != "17" ]; then
  JAVA_HOME=""
  for candidate in /usr/lib/jvm/java-17-openjdk-amd64 /usr/lib/jvm/java-17-openjdk* /usr/lib/jvm/*17* \
                   "$(dirname "$(dirname "$(readlink -f "$(command -v java 2>/dev/null || echo /nonexistent)")")")"; do
    if [ -x "$candidate/bin/java" ] && [ "$(java_major "$candidate/bin/java")" = "17" ]; then
      JAVA_HOME="$candidate"
      break
    fi
  done
  if [ -z "$JAVA_HOME" ]; then
    echo "voxelspark: a JDK 17 is required (Hadoop fails on newer JDKs); set JAVA_HOME to one." >&2
    exit 1
  fi
fi
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
# Loopback only unless the caller chose otherwise (a cluster node sets its own).
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"

VOXELSPARK_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
export VOXELSPARK_HOME

# The JVM options Spark 4 needs on Java 17 (kept in sync with spark.jvm.opens in the parent POM).
VOXELSPARK_JVM_OPENS=(
  -XX:+IgnoreUnrecognizedVMOptions
  --add-opens=java.base/java.lang=ALL-UNNAMED
  --add-opens=java.base/java.lang.invoke=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
  --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED
  --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED
  --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/sun.nio.cs=ALL-UNNAMED
  --add-opens=java.base/sun.security.action=ALL-UNNAMED
  --add-opens=java.base/sun.util.calendar=ALL-UNNAMED
  -Djdk.reflect.useDirectMethodHandle=false
  -Dio.netty.tryReflectionSetAccessible=true
  # the group statistics' Vector API kernel (optional: without it a plain loop gives the same numbers)
  --add-modules=jdk.incubator.vector
)
