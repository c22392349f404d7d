# Sourced by bin/skep, mvnw and .ci/run: sets SKEP_JAVA_HOME to a JDK 21 or newer.
# Order: JAVA_HOME, then the usual JDK folders, then the java on PATH.

skep_java_major() { # prints the major version of the JDK at "$1", or nothing
  local version
  if [ -f "$1/release" ]; then # cheap: no JVM start
    version=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release")
  fi
  if [ -z "${version:-}" ] && [ -x "$1/bin/java" ]; then
    version=$("$1/bin/java" -XshowSettings:properties -version 2>&1 |
      sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1)
  fi
  echo "${version:-}"
}

skep_find_jdk() {
  local candidate major on_path=""
  if command -v java >/dev/null 2>&1; then
    on_path=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
  fi
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/* /opt/java/* /opt/jdk* /usr/local/jdk* "$on_path"; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/javac" ] || continue
    major=$(skep_java_major "$candidate")
    if [ -n "$major" ] && [ "$major" -ge 21 ]; then
      SKEP_JAVA_HOME=$candidate
      export SKEP_JAVA_HOME
      return 0
    fi
  done
  echo "skep: no JDK 21 or newer found (looked at \$JAVA_HOME, /usr/lib/jvm, /opt/java and the java on PATH)." >&2
  echo "skep: install one (e.g. Temurin 21+) or point JAVA_HOME at it." >&2
  return 1
}

# The JVM options of a server role (server, agent, router, controller), into the array SKEP_SERVER_OPTS.
skep_server_opts() { # major version of the JDK
  SKEP_SERVER_OPTS=(-XX:+UseSerialGC -Xss512k -XX:MaxRAMPercentage=25 -Xmn24m --enable-native-access=ALL-UNNAMED)
  # JDK 23+ refuse sun.misc.Unsafe memory access unless allowed, and Netty (on JDK 25+) then reads and writes
  # every buffer byte through bounds-checked ByteBuffer calls: a tenth of the router's own CPU per request.
  if [ "${1:-0}" -ge 23 ]; then SKEP_SERVER_OPTS+=(--sun-misc-unsafe-memory-access=allow); fi
}
