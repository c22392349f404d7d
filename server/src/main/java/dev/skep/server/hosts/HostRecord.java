package dev.skep.server.hosts;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A host `skep hosts add` installed, kept in {@code DATA/hosts/ID.json} on the machine that ran it.
 *
 * @param id        the host's name in the cluster (the agent id; a router's too)
 * @param target    ssh://USER@HOST[:PORT]
 * @param role      agent or router
 * @param dir       its skep directory there
 * @param advertise the address the cluster reaches it at
 * @param service   how the role is kept running: systemd or detached
 * @param version   the skep version installed
 * @param state     installing (the last add did not finish) or ready
 * @param appPorts  an agent's --app-ports as added (null: the agent's default)
 */
record HostRecord(String id, String target, String role, String dir, String advertise, String service, String version,
                  String state, Instant added, String identity, String knownHosts, String appPorts) {

    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).enable(SerializationFeature.INDENT_OUTPUT);

    HostRecord withState(String newState) {
        return new HostRecord(id, target, role, dir, advertise, service, version, newState, added, identity, knownHosts,
                appPorts);
    }

    static Path dir(Path data) {
        return data.resolve("hosts");
    }

    void save(Path data) throws IOException {
        Path dir = Files.createDirectories(dir(data));
        Path tmp = dir.resolve(id + ".json.tmp");
        JSON.writeValue(tmp.toFile(), this);
        Files.move(tmp, dir.resolve(id + ".json"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    static List<HostRecord> all(Path data) throws IOException {
        List<HostRecord> records = new ArrayList<>();
        if (!Files.isDirectory(dir(data))) {
            return records;
        }
        try (Stream<Path> files = Files.list(dir(data))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                records.add(JSON.readValue(file.toFile(), HostRecord.class));
            }
        }
        return records;
    }

    /** The record named by its id, its SSH target, or the host in it. */
    static Optional<HostRecord> find(Path data, String name) throws IOException {
        for (HostRecord record : all(data)) {
            if (record.id.equals(name) || record.target.equals(name) || record.target.endsWith("@" + name)
                    || record.target.contains("@" + name + ":") || record.advertise.equals(name)) {
                return Optional.of(record);
            }
        }
        return Optional.empty();
    }

    void forget(Path data) throws IOException {
        Files.deleteIfExists(dir(data).resolve(id + ".json"));
    }
}
