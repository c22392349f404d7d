package dev.skep.model.limits;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * cgroup v1: one directory per instance under {@code skep/} in each of the memory, pids and cpu
 * hierarchies. Memory and swap are capped together (memsw, when the kernel accounts swap).
 */
final class CgroupV1 implements Cgroups {

    private static final Logger log = LoggerFactory.getLogger(CgroupV1.class);

    private final Path memory;
    private final Path pids;
    private final Path cpu;

    /** @param memory the {@code skep} dir in the memory hierarchy, and so on; created already */
    CgroupV1(Path memory, Path pids, Path cpu) {
        this.memory = memory;
        this.pids = pids;
        this.cpu = cpu;
    }

    @Override
    public String describe() {
        return "cgroup v1 (memory " + memory + ", pids " + pids + ", cpu " + cpu + ")";
    }

    @Override
    public Optional<CgroupSlot> slot(String instance, ResourceLimits limits) {
        Path m = memory.resolve(instance);
        Path p = pids.resolve(instance);
        Path c = cpu.resolve(instance);
        try {
            for (Path dir : List.of(m, p, c)) {
                Files.createDirectories(dir);
            }
            String bytes = Long.toString(limits.memoryBytes());
            if (Files.exists(m.resolve("memory.memsw.limit_in_bytes"))) {
                // memsw must stay >= the memory limit: raise the memory limit first when lowering both
                CgroupFiles.write(m, "memory.limit_in_bytes", bytes);
                CgroupFiles.write(m, "memory.memsw.limit_in_bytes", bytes);
            } else {
                CgroupFiles.write(m, "memory.limit_in_bytes", bytes);
            }
            CgroupFiles.write(p, "pids.max", Integer.toString(limits.pids()));
            CgroupFiles.write(c, "cpu.shares", Integer.toString(limits.cpuShares()));
        } catch (IOException e) {
            throw new IllegalStateException("cannot set up the cgroups of instance " + instance + " under " + memory
                    + ", " + pids + ", " + cpu + ": " + e.getMessage(), e);
        }
        return Optional.of(new Slot(m, p, c));
    }

    @Override
    public List<String> sweep(String prefix) {
        Set<String> names = new TreeSet<>();
        for (Path parent : List.of(memory, pids, cpu)) {
            CgroupFiles.children(parent, prefix).forEach(d -> names.add(d.getFileName().toString()));
        }
        for (String name : names) {
            new Slot(memory.resolve(name), pids.resolve(name), cpu.resolve(name)).killAll(Duration.ofSeconds(10));
        }
        return List.copyOf(names);
    }

    private record Slot(Path memoryDir, Path pidsDir, Path cpuDir) implements CgroupSlot {

        @Override
        public List<Path> procsFiles() {
            return List.of(memoryDir.resolve("cgroup.procs"), pidsDir.resolve("cgroup.procs"),
                    cpuDir.resolve("cgroup.procs"));
        }

        @Override
        public long oomKills() {
            return CgroupFiles.keyed(memoryDir.resolve("memory.oom_control"), "oom_kill");
        }

        @Override
        public Set<Long> pids() {
            Set<Long> all = new LinkedHashSet<>(CgroupFiles.pids(memoryDir));
            all.addAll(CgroupFiles.pids(pidsDir));
            all.addAll(CgroupFiles.pids(cpuDir));
            return all;
        }

        @Override
        public void remove() {
            List<Path> left = new ArrayList<>();
            for (Path dir : List.of(memoryDir, pidsDir, cpuDir)) {
                if (!CgroupFiles.remove(dir)) {
                    left.add(dir);
                }
            }
            if (!left.isEmpty()) {
                log.warn("event=cgroup.remove-failed dirs={} reason=\"not empty yet\"", left);
            }
        }
    }
}
