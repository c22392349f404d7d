# Sourced by bin/skep, mvnw and .ci/run: sets SKEP_JAVA_HOME to a JDK 21 or newer.
# Order: JAVA_HOME, then the usual JDK folders, then the java on PATH.

skep_java_major() { # prints the major version of "$1/bin/java", or nothing
  [ -x "$1/bin/java" ] || return 0
  "$1/bin/java" -XshowSettings:properties -version 2>&1 |
    sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}

skep_find_jdk() {
  local candidate major
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/* /opt/java/* /opt/jdk* /usr/local/jdk* \
      "$(dirname "$(dirname "$(readlink -f "$(command -v java 2>/dev/null || echo /nonexistent)")")")"; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/javac" ] || continue
    major=$(skep_java_major "$candidate")
    if [ -n "$major" ] && [ "$major" -ge 21 ]; then
      SKEP_JAVA_HOME=$candidate
      export SKEP_JAVA_HOME
      return 0
    fi
  done
  echo "skep: no JDK 21 or newer found (looked at \$JAVA_HOME, /usr/lib/jvm, /opt/java and the java on PATH)." >&2
  echo "skep: install one (Debian: apt-get install openjdk-21-jdk-headless, or a Temurin 21+) or set JAVA_HOME to it." >&2
  return 1
}
