package dev.skep.server.hosts;

import static dev.skep.hosts.Shell.quote;

/**
 * Shell commands that stop what skep installed in a host's directory, for skep hosts rm and for add --force taking a
 * directory over from another cluster. Each is a subshell, so they can be joined with {@code ;}.
 */
final class RoleStop {

    private RoleStop() {
    }

    /** Disables and removes a systemd unit. */
    static String systemdUnit(String unit) {
        return "(systemctl disable --now " + unit + " >/dev/null 2>&1; rm -f /etc/systemd/system/" + unit
                + " && systemctl daemon-reload)";
    }

    /** Whatever systemd unit runs {@code dir}'s role, disabled and removed (none: nothing happens). */
    static String systemdUnitsOf(String dir) {
        return "(for u in $(grep -l " + quote("ExecStart=" + dir + "/bin/run") + " /etc/systemd/system/skep-*.service "
                + "2>/dev/null); do systemctl disable --now \"$(basename \"$u\")\" >/dev/null 2>&1; rm -f \"$u\"; done; "
                + "systemctl daemon-reload >/dev/null 2>&1; true)";
    }

    /**
     * Stops the restart loop and its role, as their pids in DIR/run name them, and waits (60 s) until both are gone:
     * the loop's TERM trap stops the role and waits for it; then no restart, since run/stop exists.
     */
    static String detached(String dir) {
        String run = quote(dir + "/run");
        return "(touch " + run + "/stop; "
                + "p=$(cat " + run + "/supervisor.pid 2>/dev/null); r=$(cat " + run + "/role.pid 2>/dev/null); "
                + "[ -n \"$p\" ] && kill \"$p\" 2>/dev/null; [ -n \"$r\" ] && kill \"$r\" 2>/dev/null; "
                + "for i in $(seq 1 120); do { [ -n \"$r\" ] && kill -0 \"$r\" 2>/dev/null; } || "
                + "{ [ -n \"$p\" ] && kill -0 \"$p\" 2>/dev/null; } || exit 0; sleep 0.5; done; "
                + "echo \"the role (pid $r) did not stop within 60 s\" >&2; exit 1)";
    }

    /**
     * Stops every process working in a directory under {@code dir}: the apps an agent started with --keep-apps
     * leaves running when it stops. TERM, then KILL a second later for what is left.
     */
    static String processesUnder(String dir) {
        String each = "for p in /proc/[0-9]*; do c=$(readlink \"$p/cwd\" 2>/dev/null) || continue; case \"$c\" in "
                + quote(dir) + "/*) kill -SIGNAL \"${p#/proc/}\" 2>/dev/null;; esac; done";
        return "(" + each.replace("SIGNAL", "TERM") + "; sleep 1; " + each.replace("SIGNAL", "KILL") + "; true)";
    }

    /** Unmounts what is mounted under {@code path} (the agent mounts each app's disk image), then removes it. */
    static String unmountAndRemove(String path) {
        return "(grep -o ' " + path.replace("'", "") + "/[^ ]*' /proc/mounts | sort -r | "
                + "while read -r m; do umount -l \"$m\"; done; rm -rf " + quote(path) + ")";
    }
}
