package dev.skep.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * skep hosts create end to end, with a local fake of DigitalOcean's droplets API (not the real cloud) whose droplet
 * turns active at the address of Debian's sshd in a network namespace: the command creates it, waits, logs in and
 * installs an agent there as skep hosts add does, and the agent joins the cluster; skep hosts rm uninstalls it, and
 * when the API fails the delete, keeps the host as uninstalled until a second rm deletes the droplet. Root only.
 */
class HostsCreateEndToEndTest {

    private static final String TOKEN = "dop_v1_e2e-token";

    @TempDir
    static Path dir;

    static SshNamespace ns;
    static SkepServerProcess server;
    static HttpServer api;
    static Path remote;
    static final List<String> requests = new CopyOnWriteArrayList<>();
    /** What the fake answers a DELETE of droplet 42: a 5xx is DigitalOcean failing on its side. */
    static volatile int deleteStatus = 204;

    @BeforeAll
    static void start() throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
        ns = SshNamespace.start(dir.resolve("ssh"));
        Assumptions.assumeTrue(ns != null, "no network namespace with sshd here (needs root, ip netns, "
                + "/usr/sbin/sshd)");
        remote = dir.resolve("remote");
        server = new SkepServerProcess(dir.resolve("server/data"), List.of("--bind", "0.0.0.0", "--advertise", ns.here,
                "--zk-bind", ns.here), Map.of()).start();
        api = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        api.createContext("/v2/droplets", x -> {
            try (x) {
                String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                requests.add(x.getRequestMethod() + " " + x.getRequestURI().getPath() + " " + body);
                boolean post = "POST".equals(x.getRequestMethod());
                boolean authorized = ("Bearer " + TOKEN).equals(x.getRequestHeaders().getFirst("Authorization"));
                if (authorized && "DELETE".equals(x.getRequestMethod())) {
                    int status = !"/v2/droplets/42".equals(x.getRequestURI().getPath()) ? 404 : deleteStatus;
                    byte[] error = "{\"id\":\"server_error\",\"message\":\"Server was unable to give you a response.\"}"
                            .getBytes(StandardCharsets.UTF_8);
                    x.sendResponseHeaders(status, status >= 500 ? error.length : -1);
                    if (status >= 500) {
                        x.getResponseBody().write(error);
                    }
                    return;
                }
                int status = !authorized ? 401 : post ? 202 : 200;
                byte[] answer = (!authorized ? "{\"id\":\"unauthorized\",\"message\":\"Unable to authenticate you.\"}"
                        : "{\"droplet\":{\"id\":42,\"status\":\"" + (post ? "new" : "active") + "\",\"networks\":"
                        + "{\"v4\":[{\"ip_address\":\"" + (post ? "" : ns.address) + "\",\"type\":\"public\"}]}}}")
                        .getBytes(StandardCharsets.UTF_8);
                x.sendResponseHeaders(status, answer.length);
                x.getResponseBody().write(answer);
            }
        });
        api.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (remote != null) {
            for (String name : List.of("supervisor.pid", "role.pid")) {
                Path pid = remote.resolve("run").resolve(name);
                if (Files.exists(pid)) {
                    ProcessHandle.of(Long.parseLong(Files.readString(pid).strip())).ifPresent(ProcessHandle::destroy);
                }
            }
        }
        if (api != null) {
            api.stop(0);
        }
        if (server != null) {
            server.close();
        }
        if (ns != null) {
            ns.close();
        }
        Mounts.release(dir);
    }

    @Test
    void createMakesTheServerWaitsForItAndInstallsAnAgentThatJoins() throws Exception {
        Path token = dir.resolve("token");
        Files.writeString(token, TOKEN + "\n");
        Path knownHosts = dir.resolve("known_hosts");
        Files.writeString(knownHosts, "");

        CliRun created = HostsEndToEndTest.hosts(dir, server, "create", "--provider", "digitalocean", "--region", "nyc3",
                "--size", "s-1vcpu-1gb", "--image", "debian-12-x64", "--ssh-key", "aa:bb", "--token-file",
                token.toString(), "--api-url", "http://127.0.0.1:" + api.getAddress().getPort(), "--poll-ms", "200",
                "--wait", "60", "--identity", ns.userKey.toString(), "--known-hosts", knownHosts.toString(),
                "--remote-dir", remote.toString(), "--app-ports", "21800-21899", "--service", "detached")
                .expect(0);

        String hostId = ns.address.replace('.', '-');
        assertThat(created.out()).contains("created 42", "active at " + ns.address, "logged in",
                "agent " + hostId + " registered");
        assertThat(requests.get(0)).startsWith("POST /v2/droplets ").contains("\"user_data\":\"#cloud-config");
        assertThat(requests).noneMatch(r -> r.startsWith("DELETE"));
        assertThat(Files.readString(knownHosts)).startsWith(ns.address + " ecdsa-sha2-nistp256 ");
        assertThat(Http.get(server.api("/v1/agents"), server.token()).json().toString()).contains("\"" + hostId + "\"");

        // rm uninstalls the agent, then the droplet's delete fails (500): the host stays, as uninstalled, exit 1
        long role = Long.parseLong(Files.readString(remote.resolve("run/role.pid")).strip());
        deleteStatus = 500;
        CliRun failed = HostsEndToEndTest.hosts(dir, server, "rm", hostId).expect(1);
        assertThat(failed.out()).contains("stopped; " + remote + " removed", "==> deleting digitalocean server 42");
        assertThat(failed.err()).contains(hostId + " is stopped and uninstalled, but deleting digitalocean server 42",
                "DigitalOcean answered 500", "still there, and billed", "Run skep hosts rm " + hostId + " again",
                "skep hosts rm " + hostId + " --force").doesNotContain(TOKEN);
        assertThat(ProcessHandle.of(role).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(remote).doesNotExist();
        assertThat(HostsEndToEndTest.hosts(dir, server).expect(0).out()).containsPattern(hostId + " +agent .* uninstalled");

        // the second rm goes straight to the delete (with the recorded --token-file), and forgets the host
        deleteStatus = 204;
        CliRun removed = HostsEndToEndTest.hosts(dir, server, "rm", hostId).expect(0);
        assertThat(removed.out()).contains("was stopped and uninstalled by an earlier skep hosts rm",
                "deleted digitalocean server 42", "removed " + hostId).doesNotContain("==> stopping", TOKEN);
        assertThat(requests).filteredOn(r -> r.startsWith("DELETE"))
                .containsExactly("DELETE /v2/droplets/42 ", "DELETE /v2/droplets/42 ");
        assertThat(HostsEndToEndTest.hosts(dir, server).expect(0).out()).contains("no hosts");
    }
}
