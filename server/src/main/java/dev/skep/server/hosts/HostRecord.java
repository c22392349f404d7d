package dev.skep.server.hosts;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.skep.model.json.SkepJson;
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
 * @param state     installing (the last add did not finish), ready, or uninstalled (rm stopped and uninstalled the
 *                  role but could not delete its cloud server: the next rm retries the delete)
 * @param appPorts  an agent's --app-ports as added (null: the agent's default)
 * @param zkTls     its role reaches ZooKeeper over TLS (an upgrade must be given the --zk-tls-* flags again)
 * @param cloud     the cloud server skep hosts create rented for it (skep hosts rm deletes it), or null
 */
record HostRecord(String id, String target, String role, String dir, String advertise, String service, String version,
                  String state, Instant added, String identity, String knownHosts, String appPorts, boolean zkTls,
                  Cloud cloud) {

    /**
     * A server rented from a cloud provider.
     *
     * @param provider  the provider's name (--provider)
     * @param id        the provider's id of the server
     * @param name      its name there
     * @param apiUrl    the API address it was created through when not the provider's own (--api-url), or null
     * @param tokenFile the --token-file it was created with, or null ($DIGITALOCEAN_TOKEN); never the token
     */
    record Cloud(String provider, String id, String name, String apiUrl, String tokenFile) {

        String describe() {
            return provider + " server " + id + " (" + name + ")";
        }
    }

    static final String UNINSTALLED = "uninstalled";

    /** skep's one JSON configuration, indented: a person may read (or mend) these files. */
    private static final JsonMapper JSON = SkepJson.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    HostRecord withState(String newState) {
        return new HostRecord(id, target, role, dir, advertise, service, version, newState, added, identity, knownHosts,
                appPorts, zkTls, cloud);
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
