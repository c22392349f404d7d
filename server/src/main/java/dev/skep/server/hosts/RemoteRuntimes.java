package dev.skep.server.hosts;

import static dev.skep.hosts.Shell.quote;
import static dev.skep.server.hosts.HostInstall.COPY;
import static dev.skep.server.hosts.HostInstall.SHORT;

import dev.skep.hosts.HostFailure;
import dev.skep.hosts.SshHost;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The Java 21+ and the node a host runs skep with: found there when they are right, else this machine's copied
 * over the SSH connection (the host needs no internet). A step of {@link HostInstall}.
 */
final class RemoteRuntimes {

    private final SshHost host;
    private final String dir;
    private final Steps steps;

    RemoteRuntimes(SshHost host, String dir, Steps steps) {
        this.host = host;
        this.dir = dir;
        this.steps = steps;
    }

    /** The java to run: one of 21+ found there, or this JVM's runtime copied to DIR/jdk. [path, major] */
    String[] java(boolean copyJava) throws HostFailure, IOException {
        Path home = Path.of(System.getProperty("java.home"));
        String localRelease = release(home);
        String copied = dir + "/jdk/bin/java";
        // a runtime copied there before, still this machine's: what a search would pick first, so no search (it
        // starts every java it finds, a second or more each)
        boolean copyIsCurrent = localRelease.equals(host.run("[ -x " + quote(copied) + " ] && cat "
                + quote(dir + "/jdk/release") + " 2>/dev/null", SHORT).out());
        if (copyIsCurrent) {
            steps.done(HostInstall.UNCHANGED + "found " + copied + " (this machine's runtime, Java " + Runtime.version() + ")");
            return new String[] {copied, String.valueOf(Runtime.version().feature())};
        }
        String find = "for j in " + quote(dir + "/jdk/bin/java") + " \"$(command -v java)\" /usr/lib/jvm/*/bin/java; do "
                + "[ -x \"$j\" ] || continue; "
                + "v=$(\"$j\" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\\.specification\\.version = \\([0-9]*\\).*/\\1/p' | head -n 1); "
                + "if [ \"${v:-0}\" -ge 21 ]; then echo \"$j $v\"; fi; done";
        List<String[]> found = new ArrayList<>();
        for (String line : host.run(find, Duration.ofMinutes(2)).out().split("\n")) {
            String[] parts = line.strip().split(" ");
            if (parts.length == 2) {
                found.add(parts);
            }
        }
        if (!copyJava) {
            for (String[] candidate : found) {
                if (!candidate[0].equals(copied)) { // a stale copy is replaced below, or another found here
                    steps.done(HostInstall.UNCHANGED + "found " + candidate[0] + " (Java " + candidate[1] + ")");
                    return candidate;
                }
            }
        }
        steps.done((found.isEmpty() ? "none there: " : "") + "copying this machine's runtime " + home + " ("
                + Runtime.version() + ") to " + dir + "/jdk");
        long start = System.nanoTime();
        Predicate<Path> skip = relative -> {
            String name = relative.toString();
            return name.equals("lib/src.zip") || name.equals("jmods") || name.startsWith("jmods/")
                    || name.equals("man") || name.startsWith("man/") || name.equals("demo") || name.startsWith("demo/");
        };
        // unpacked beside a stale copy, which goes only once the new one is complete
        DiskUse.requireRoom(host, dir + "/jdk", DiskUse.of(home, skip));
        host.sendTree(home, dir + "/jdk", skip, COPY);
        String check = host.check("running the copied java", quote(copied) + " -version 2>&1", SHORT);
        steps.done("copied in " + (System.nanoTime() - start) / 1_000_000 + " ms: " + check.lines().findFirst().orElse(""));
        return new String[] {copied, String.valueOf(Runtime.version().feature())};
    }

    private static String release(Path javaHome) {
        try {
            return Files.readString(javaHome.resolve("release"));
        } catch (IOException e) {
            return "(no release file)";
        }
    }

    /** The directory to put first on PATH for a copied node, or null when the host's node is the same version. */
    String node() throws HostFailure, IOException {
        String wanted = LocalNode.version();
        String copied = dir + "/node/bin/node";
        String probe = "for n in \"$(command -v node)\" " + quote(copied) + "; do [ -x \"$n\" ] && echo \"$n $(\"$n\" "
                + "--version 2>/dev/null)\"; done";
        for (String line : host.run(probe, SHORT).out().split("\n")) {
            String[] parts = line.strip().split(" ");
            if (parts.length == 2 && parts[1].equals(wanted)) {
                steps.done(HostInstall.UNCHANGED + "found " + parts[0] + " (" + wanted + ")");
                return parts[0].equals(copied) ? dir + "/node/bin" : null;
            }
        }
        Path binary = LocalNode.standaloneBinary();
        steps.done("copying this machine's node " + binary + " (" + wanted + ") to " + copied);
        host.check("creating " + dir + "/node/bin", "mkdir -p " + quote(dir + "/node/bin"), SHORT);
        DiskUse.requireRoom(host, copied, Files.size(binary));
        host.upload(binary, copied);
        String check = host.check("running the copied node", "chmod 755 " + quote(copied) + " && " + quote(copied)
                + " --version", SHORT).strip();
        if (!check.equals(wanted)) {
            throw new HostFailure("the copied node answers '" + check + "', not " + wanted);
        }
        return dir + "/node/bin";
    }
}
