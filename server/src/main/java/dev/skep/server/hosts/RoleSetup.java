package dev.skep.server.hosts;

import dev.skep.hosts.Shell;
import java.util.ArrayList;
import java.util.List;

/**
 * How a role runs on an installed host, as files there: {@code bin/run} (the role's command line),
 * {@code bin/supervise} (a restart loop for hosts without systemd) and a systemd unit.
 *
 * @param dir       the host's skep directory (absolute)
 * @param java      the java binary there
 * @param javaMajor its major version
 * @param nodeDir   a directory to put first on PATH (a copied node), or null to use the host's
 * @param classPath the class path entries' remote names, in order
 * @param roleArgs  `skep ROLE ...` arguments
 */
record RoleSetup(String dir, String java, int javaMajor, String nodeDir, List<String> classPath, List<String> roleArgs) {

    String role() {
        return roleArgs.get(0);
    }

    String unitName() {
        return "skep-" + role() + ".service";
    }

    String runScript() {
        List<String> command = new ArrayList<>(List.of(java, "-XX:+UseSerialGC", "-Xss512k",
                "-XX:MaxRAMPercentage=25", "--enable-native-access=ALL-UNNAMED"));
        if (javaMajor >= 23) { // as bin/skep: Netty reads buffers through Unsafe, or pays bounds checks per byte
            command.add("--sun-misc-unsafe-memory-access=allow");
        }
        command.add("-cp");
        command.add(String.join(":", classPath.stream().map(name -> dir + "/skep/cp/" + name).toList()));
        command.add("dev.skep.server.Main");
        command.addAll(roleArgs);
        StringBuilder script = new StringBuilder("#!/bin/sh\n# written by skep hosts add: this host's skep ")
                .append(role()).append(" (rerun skep hosts add to change it)\n");
        if (nodeDir != null) {
            script.append("PATH=").append(Shell.quote(nodeDir)).append(":$PATH\nexport PATH\n");
        }
        script.append("exec");
        for (String word : command) {
            script.append(' ').append(Shell.quote(word));
        }
        return script.append('\n').toString();
    }

    /**
     * The restart loop of a host without systemd, started with setsid so it outlives the SSH session: it
     * restarts the role 2 s after it exits (at once when {@code run/restart} asks), until {@code run/stop}
     * exists. Its pid and the role's are in {@code run/}.
     */
    String superviseScript() {
        String run = Shell.quote(dir + "/run");
        return "#!/bin/sh\n# written by skep hosts add: keeps this host's skep " + role() + " running\n"
                // its own output to the log: whatever started it may close its pipes, and the shell reporting a
                // killed role ("Killed") to a closed pipe would die of SIGPIPE
                + "exec </dev/null >>" + Shell.quote(dir + "/log/supervise.log") + " 2>&1\n"
                + "echo $$ > " + run + "/supervisor.pid\n"
                + "trap 'touch " + run + "/stop; kill $(cat " + run + "/role.pid) 2>/dev/null' TERM INT\n"
                + "while [ ! -e " + run + "/stop ]; do\n"
                + "  " + Shell.quote(dir + "/bin/run") + " >> " + Shell.quote(dir + "/log/" + role() + ".log") + " 2>&1 &\n"
                + "  echo $! > " + run + "/role.pid\n"
                + "  wait $!; wait $(cat " + run + "/role.pid) 2>/dev/null\n"
                // a crash waits 2 s before the next start; a restart skep hosts asked for (run/restart) does not
                + "  [ -e " + run + "/stop ] || { [ -e " + run + "/restart ] && rm -f " + run + "/restart; } || sleep 2\n"
                + "done\n"
                + "rm -f " + run + "/role.pid " + run + "/supervisor.pid\n";
    }

    String systemdUnit() {
        return "# written by skep hosts add\n[Unit]\nDescription=skep " + role() + "\nAfter=network-online.target\n"
                + "Wants=network-online.target\n\n[Service]\nExecStart=" + dir + "/bin/run\nRestart=always\n"
                + "RestartSec=2\nKillMode=mixed\nTimeoutStopSec=90\nStandardOutput=append:" + dir + "/log/" + role()
                + ".log\nStandardError=inherit\n\n[Install]\nWantedBy=multi-user.target\n";
    }
}
