# Sourced by ./mvnw and ./plaza: picks a JDK >= 21 and exports JAVA_HOME.
# Order: $JAVA_HOME if it is new enough, then every JDK in the system's JVM folders, newest first.
plaza_java_major() {
  # prints the feature version of the java binary in $1/bin, or nothing
  [ -x "$1/bin/java" ] || return 0
  "$1/bin/java" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java\.specification\.version = \([0-9][0-9]*\).*/\1/p' | head -n 1
}
plaza_find_jdk() {
  if [ -n "${JAVA_HOME-}" ]; then
    v="$(plaza_java_major "$JAVA_HOME")"
    if [ -n "$v" ] && [ "$v" -ge 21 ] && [ -x "$JAVA_HOME/bin/javac" ]; then return 0; fi
  fi
  best=""; best_v=0
  # callers may run with globbing off (mvnw uses set -f); the folder scan needs it
  case $- in *f*) plaza_noglob=1; set +f ;; *) plaza_noglob=0 ;; esac
  for d in /usr/lib/jvm/* /usr/java/* /opt/java/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -d "$d" ] || continue
    [ -x "$d/bin/javac" ] || continue
    v="$(plaza_java_major "$d")"
    [ -n "$v" ] || continue
    if [ "$v" -ge 21 ] && [ "$v" -gt "$best_v" ]; then best="$d"; best_v="$v"; fi
  done
  [ "$plaza_noglob" = 1 ] && set -f
  if [ -z "$best" ]; then
    echo "plaza: no JDK 21 or newer found. Set JAVA_HOME to a JDK >= 21 (checked JAVA_HOME=${JAVA_HOME-unset} and /usr/lib/jvm)." >&2
    exit 1
  fi
  JAVA_HOME="$best"
  export JAVA_HOME
}
plaza_find_jdk
