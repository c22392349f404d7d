package dev.skep.server.hosts;

import dev.skep.hosts.HostFailure;
import java.util.Set;

/**
 * What a host said about itself in one command, read before anything is made or copied there, and whether skep
 * can be installed on it: Linux on x86_64 or aarch64 (the builds of Java and node skep copies), the same
 * architecture as this machine's (whose Java and node it copies), and systemd or setsid to keep the role running.
 */
record HostFacts(String os, String arch, int uid, String home, boolean systemd, boolean setsid) {

    /** uname -s, uname -m, id -u, $HOME, systemd or none, setsid or no-setsid: one a line. */
    static final String COMMAND = "uname -s; uname -m; id -u; printf '%s\\n' \"$HOME\"; "
            + "if [ -d /run/systemd/system ]; then echo systemd; else echo none; fi; "
            + "command -v setsid >/dev/null && echo setsid || echo no-setsid";

    /** What skep runs on, as uname -m names it. */
    static final Set<String> ARCHITECTURES = Set.of("x86_64", "aarch64");

    /** The answer to {@link #COMMAND}; a host whose answer is not that (no POSIX shell, no uname) is refused. */
    static HostFacts parse(String host, String answer) throws HostFailure {
        String[] lines = answer.split("\n");
        if (lines.length < 6 || !lines[2].strip().matches("\\d{1,10}")) {
            throw new HostFailure("the host answered what skep cannot read (" + String.join(" ", lines).strip()
                    + "): skep hosts add needs a POSIX shell and uname on " + host);
        }
        return new HostFacts(lines[0].strip(), lines[1].strip(), Integer.parseInt(lines[2].strip()),
                lines[3].strip(), "systemd".equals(lines[4].strip()), "setsid".equals(lines[5].strip()));
    }

    /** Refuses a host skep cannot run on, saying why; {@code localArch} is this machine's, as uname -m names it. */
    void requireSupported(String host, String localArch) throws HostFailure {
        if (!"Linux".equals(os)) {
            throw new HostFailure(host + " runs " + os + " " + arch + ": skep runs on Linux (x86_64 or aarch64) only");
        }
        if (!ARCHITECTURES.contains(arch)) {
            throw new HostFailure(host + " is Linux " + arch + ": skep runs on Linux x86_64 or aarch64 only");
        }
        if (!arch.equals(localArch)) {
            throw new HostFailure(host + " is " + arch + " and this machine " + localArch
                    + ": skep copies its own Java and node, which must be built for the same architecture; "
                    + "run skep hosts add from a " + arch + " machine of the cluster");
        }
        if (!setsid && !systemd) {
            throw new HostFailure(host + " has neither systemd nor setsid (util-linux): install util-linux there");
        }
    }
}
