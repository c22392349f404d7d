package dev.skep.server.hosts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The restart loop a host without systemd runs, run for real with sh and setsid around a stand-in role; the systemd
 * unit checked by systemd's own parser (HostsSystemdEndToEndTest runs it under systemd as PID 1).
 */
class RoleSetupTest {

    @TempDir
    Path dir;

    RoleSetup setup() {
        return new RoleSetup(dir.toString(), "/opt/j d k/bin/java", 25, null, List.of("000-skep.jar", "001-lib.jar"),
                List.of("agent", "--zk", "10.0.0.5:2181", "--zk-secret", dir + "/etc/zk.secret"));
    }

    @Test
    void theRunScriptExecsTheRoleWithEveryWordQuoted() {
        String script = setup().runScript();
        assertThat(script).startsWith("#!/bin/sh\n").contains("exec '/opt/j d k/bin/java'")
                .contains("'--sun-misc-unsafe-memory-access=allow'")
                .contains("'" + dir + "/skep/cp/000-skep.jar:" + dir + "/skep/cp/001-lib.jar'")
                .contains("'dev.skep.server.Main' 'agent' '--zk' '10.0.0.5:2181'");
        assertThat(setup().systemdUnit()).contains("ExecStart=" + dir + "/bin/run", "Restart=always");
    }

    @Test
    void theSystemdUnitPassesSystemdAnalyzeVerify() throws Exception {
        Path analyze = Path.of("/usr/bin/systemd-analyze");
        Assumptions.assumeTrue(Files.isExecutable(analyze), "no " + analyze + " here (Debian's systemd package)");
        for (String sub : List.of("bin", "log")) {
            Files.createDirectories(dir.resolve(sub));
        }
        Files.writeString(dir.resolve("bin/run"), "#!/bin/sh\n"); // verify checks that ExecStart is executable
        dir.resolve("bin/run").toFile().setExecutable(true);
        Path unit = dir.resolve(setup().unitName());
        Files.writeString(unit, setup().systemdUnit());
        Process verify = new ProcessBuilder(analyze.toString(), "verify", unit.toString()).redirectErrorStream(true)
                .start();
        String said = new String(verify.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(verify.waitFor()).as(said).isZero();
        // it exits 0 on an unknown key or a bad value too ("..., ignoring"): anything it says of the unit fails
        assertThat(said.lines().filter(line -> line.contains(unit.getFileName().toString()))).as(said).isEmpty();
    }

    @Test
    void theLoopRestartsAKilledRoleOutlivesItsStarterAndStopsOnTerm() throws Exception {
        for (String sub : List.of("bin", "run", "log")) {
            Files.createDirectories(dir.resolve(sub));
        }
        Files.writeString(dir.resolve("bin/run"), "#!/bin/sh\nexec sleep 300\n"); // stands in for the JVM
        dir.resolve("bin/run").toFile().setExecutable(true);
        Files.writeString(dir.resolve("bin/supervise"), setup().superviseScript());
        Process starter = new ProcessBuilder("setsid", "-f", "/bin/sh", dir.resolve("bin/supervise").toString())
                .redirectErrorStream(true).start(); // a pipe closed once setsid returns: the loop must not need it
        assertThat(starter.waitFor()).isZero(); // setsid -f returns at once: the loop is on its own
        long supervisor = 0;
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> pid("role.pid").isPresent()
                    && pid("supervisor.pid").isPresent());
            supervisor = pid("supervisor.pid").orElseThrow();
            long first = pid("role.pid").orElseThrow();
            long crashed = System.nanoTime();
            ProcessHandle.of(first).orElseThrow().destroyForcibly(); // a crash
            await("restarted after 2 s").atMost(Duration.ofSeconds(10)).until(() -> pid("role.pid")
                    .filter(p -> p != first && ProcessHandle.of(p).map(ProcessHandle::isAlive).orElse(false))
                    .isPresent());
            assertThat(Duration.ofNanos(System.nanoTime() - crashed)).as("a crash waits").isGreaterThan(
                    Duration.ofMillis(1900));
            long asked = pid("role.pid").orElseThrow();
            Files.createFile(dir.resolve("run/restart")); // skep hosts add restarting it with new files
            long restarted = System.nanoTime();
            ProcessHandle.of(asked).orElseThrow().destroy();
            await("restarted at once").atMost(Duration.ofSeconds(10)).until(() -> pid("role.pid")
                    .filter(p -> p != asked && ProcessHandle.of(p).map(ProcessHandle::isAlive).orElse(false))
                    .isPresent());
            assertThat(Duration.ofNanos(System.nanoTime() - restarted)).as("an asked restart does not wait")
                    .isLessThan(Duration.ofMillis(1500));
            assertThat(dir.resolve("run/restart")).doesNotExist();
            long second = pid("role.pid").orElseThrow();
            ProcessHandle.of(supervisor).orElseThrow().destroy(); // TERM: stop the role, no restart
            await().atMost(Duration.ofSeconds(10)).until(() -> ProcessHandle.of(second).isEmpty()
                    || !ProcessHandle.of(second).get().isAlive());
            long loop = supervisor;
            await().atMost(Duration.ofSeconds(10)).until(() -> ProcessHandle.of(loop).isEmpty()
                    || !ProcessHandle.of(loop).get().isAlive());
            assertThat(dir.resolve("run/stop")).exists();
            assertThat(dir.resolve("run/supervisor.pid")).doesNotExist();
        } finally {
            for (Optional<Long> pid : List.of(Optional.of(supervisor), pid("role.pid"))) {
                pid.filter(p -> p > 0).flatMap(ProcessHandle::of).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    private Optional<Long> pid(String name) {
        try {
            return Optional.of(Long.parseLong(Files.readString(dir.resolve("run").resolve(name)).strip()));
        } catch (Exception e) {
            return Optional.empty();
        }
    }
}
