package dev.skep.monitor.metrics;

import dev.skep.model.AppId;
import dev.skep.model.InstanceState;
import dev.skep.model.InstanceStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Real node processes, read through the real /proc. */
class ProcessSamplerTest {

    static final long MB = 1_000_000;

    /** Allocates ~210 MB and starts a busy child; prints "ready <childPid>" when both are running. */
    static final String PARENT = """
            const big = Buffer.alloc(200 * 1024 * 1024); big.fill(7);
            const { spawn } = require('child_process');
            const child = spawn(process.execPath, ['-e', 'const t=Date.now(); for(;;){ if (Date.now()-t > 120000) break; }'],
                                { stdio: 'ignore' });
            console.log('ready ' + child.pid);
            setInterval(() => big[0]++, 1000);
            """;

    final List<Process> started = new ArrayList<>();
    final ProcessSampler sampler = ProcessSampler.forThisHost(Clock.systemUTC());

    Process node(String script) throws Exception {
        Process p = new ProcessBuilder("node", "-e", script).redirectErrorStream(true).start();
        started.add(p);
        return p;
    }

    @AfterEach
    void kill() {
        for (Process p : started) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }

    @Test
    void a_node_process_holding_200_mb_shows_it_with_its_child_in_one_sample() throws Exception {
        Process parent = node(PARENT);
        String line = new BufferedReader(new InputStreamReader(parent.getInputStream())).readLine();
        assertThat(line).startsWith("ready ");
        long childPid = Long.parseLong(line.substring(6).trim());

        TreeSample sample = sampler.sample(parent.pid());
        assertThat(sample.rssBytes()).isGreaterThanOrEqualTo(200 * MB);
        assertThat(sample.processes()).isEqualTo(2);
        assertThat(sampler.scan().tree(parent.pid())).extracting(ProcStat::pid).contains(childPid);
        assertThat(sample.openFiles()).isGreaterThan(3);

        // the busy child is counted in the tree's CPU: the parent idles (well under 1 %), so a few percent
        // can only be the child's loop, which gets far less than a core when the machine is loaded
        AtomicReference<Double> cpu = new AtomicReference<>(0.0);
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(500)).until(() -> {
            cpu.set(sampler.cpuPercent(sample, sampler.sample(parent.pid())));
            return cpu.get() > 5;
        });
        assertThat(cpu.get()).isLessThan(250);
    }

    @Test
    void a_gone_process_is_an_empty_tree() {
        TreeSample sample = sampler.sample(Integer.MAX_VALUE - 7);
        assertThat(sample.processes()).isZero();
        assertThat(sample.rssBytes()).isZero();
    }

    @Test
    void stat_lines_with_spaces_and_parentheses_in_the_name_parse() {
        ProcStat s = ProcStat.parse("4242 (node (x) y) S 17 4242 4242 0 -1 4194304 100 0 0 0 150 30 0 0 20 0 11 0 "
                + "12345 1000000 2560 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0");
        assertThat(s).isEqualTo(new ProcStat(4242, 17, 180, 2560));
    }

    @Test
    void the_sampler_reports_each_instance_and_forgets_the_ones_no_longer_listed() throws Exception {
        Process app = node("setInterval(() => {}, 1000); console.log('up')");
        new BufferedReader(new InputStreamReader(app.getInputStream())).readLine();
        AppId shop = new AppId("alice", "shop");
        AtomicReference<List<InstanceStatus>> listed = new AtomicReference<>(List.of(
                new InstanceStatus("alice.shop.1.aaaaaa", shop, 1, "a1", "h", 5000, app.pid(), InstanceState.READY,
                        Instant.now().minusSeconds(90), 2, null, null)));
        List<String> gone = new ArrayList<>();
        MetricsHistory history = new MetricsHistory(Duration.ofHours(1), Duration.ofSeconds(5));
        SampleListener forget = new SampleListener() {
            @Override
            public void sample(InstanceSample s) {
            }

            @Override
            public void gone(AppId a, String instance) {
                gone.add(instance);
            }
        };
        try (MetricsSampler metrics = new MetricsSampler(listed::get, sampler, Duration.ofSeconds(5),
                Clock.systemUTC(), List.of(history, forget))) {
            List<InstanceSample> first = metrics.sampleOnce();
            assertThat(first).singleElement().satisfies(s -> {
                assertThat(s.rssBytes()).isGreaterThan(10 * MB);
                assertThat(s.restarts()).isEqualTo(2);
                assertThat(s.uptimeSeconds()).isBetween(89L, 120L);
                assertThat(s.metrics()).containsKeys("cpu_percent", "rss_mb", "open_files");
            });
            metrics.sampleOnce();
            assertThat(history.history("alice.shop.1.aaaaaa")).hasSize(2);
            listed.set(List.of());
            assertThat(metrics.sampleOnce()).isEmpty();
            assertThat(gone).containsExactly("alice.shop.1.aaaaaa");
        }
    }
}
