package dev.skep.server.hosts;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * skep hosts create against a local fake of DigitalOcean's droplets API (not the real cloud) whose droplet is
 * active at 127.0.0.1 with nothing listening on its SSH port: the steps after create fail, and the command must say
 * what it created and how to finish or delete it, or delete it with --delete-on-failure. The install itself is
 * HostInstall, as skep hosts add runs it (HostsEndToEndTest).
 */
class HostsCreateTest {

    private static final String TOKEN = "dop_v1_create-test-token";

    @TempDir
    Path dir;

    private HttpServer api;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private int closedPort;

    @BeforeEach
    void fakeApi() throws IOException {
        api = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        api.createContext("/v2/droplets", x -> {
            try (x) {
                requests.add(x.getRequestMethod() + " " + x.getRequestURI().getPath());
                bodies.add(new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                if (!("Bearer " + TOKEN).equals(x.getRequestHeaders().getFirst("Authorization"))) {
                    send(x, 401, "{\"id\":\"unauthorized\",\"message\":\"Unable to authenticate you.\"}");
                } else if ("DELETE".equals(x.getRequestMethod())) {
                    x.sendResponseHeaders(204, -1);
                } else {
                    send(x, "POST".equals(x.getRequestMethod()) ? 202 : 200, "{\"droplet\":{\"id\":77,\"status\":\""
                            + ("POST".equals(x.getRequestMethod()) ? "new" : "active") + "\",\"networks\":{\"v4\":["
                            + "{\"ip_address\":\"127.0.0.1\",\"type\":\"public\"}]}}}");
                }
            }
        });
        api.start();
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort(); // nothing listens here once closed: no SSH login
        }
        Files.writeString(dir.resolve("token"), TOKEN + "\n");
        Files.writeString(dir.resolve("zk.secret"), "secret\n");
    }

    private static void send(HttpExchange x, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        x.sendResponseHeaders(status, bytes.length);
        x.getResponseBody().write(bytes);
    }

    @AfterEach
    void stop() {
        api.stop(0);
    }

    private HostsRun create(String... extra) {
        List<String> args = new ArrayList<>(List.of("--data-dir", dir.toString(), "--zk", "10.0.0.5:2181",
                "--zk-secret", dir.resolve("zk.secret").toString(), "create", "--provider", "digitalocean",
                "--region", "nyc3", "--size", "s-1vcpu-1gb", "--image", "debian-12-x64", "--ssh-key", "aa:bb",
                "--token-file", dir.resolve("token").toString(), "--api-url", "http://127.0.0.1:"
                        + api.getAddress().getPort(), "--ssh-port", String.valueOf(closedPort), "--wait", "3",
                "--poll-ms", "200", "--known-hosts", dir.resolve("known_hosts").toString(),
                "--identity", dir.resolve("no-key").toString()));
        for (int i = 0; i < extra.length; i++) { // a flag given here replaces the default above
            int at = args.indexOf(extra[i]);
            if (at >= 0 && i + 1 < extra.length) {
                args.set(at + 1, extra[++i]);
            } else {
                args.add(extra[i]);
            }
        }
        return HostsRun.of(args);
    }

    @Test
    void aFailureAfterCreateSaysWhatWasCreatedAndHowToFinishOrDeleteIt() {
        HostsRun run = create("--name", "skep-agent-test");

        assertThat(run.code()).isEqualTo(1);
        assertThat(requests).containsExactly("POST /v2/droplets", "GET /v2/droplets/77");
        assertThat(bodies.get(0)).contains("\"name\":\"skep-agent-test\"", "\"ssh_keys\":[\"aa:bb\"]",
                "\"user_data\":\"#cloud-config");
        assertThat(run.out()).contains("created 77", "active at 127.0.0.1");
        assertThat(run.err()).contains("no SSH login to ssh://root@127.0.0.1:" + closedPort,
                "digitalocean server 77 (skep-agent-test, 127.0.0.1) was created and is still there",
                "skep hosts add ssh://root@127.0.0.1:" + closedPort, "curl -X DELETE")
                .doesNotContain(TOKEN);
    }

    @Test
    void deleteOnFailureDeletesTheServer() {
        HostsRun run = create("--delete-on-failure");

        assertThat(run.code()).isEqualTo(1);
        assertThat(requests).containsExactly("POST /v2/droplets", "GET /v2/droplets/77", "DELETE /v2/droplets/77");
        assertThat(run.err()).contains("deleted digitalocean server 77").doesNotContain("still there");
    }

    @Test
    void badFlagsAreRefusedBeforeAnythingIsCreated() throws IOException {
        assertThat(create("--role", "db").err()).contains("--role must be agent or router");
        assertThat(create("--user", "Root;rm").err()).contains("--user must be a Linux login name");
        assertThat(create("--provider", "aws").err()).contains("--provider 'aws' is not one skep knows");
        Files.writeString(dir.resolve("token"), "dop_v1_wrong\n");
        assertThat(create().err()).contains("401", "Unable to authenticate you", "--token-file");
        assertThat(requests).containsExactly("POST /v2/droplets"); // only the refused create: nothing exists
    }

    @Test
    void aNonRootLoginIsMadeAtFirstBootWithRootsKey() {
        String script = CloudInit.userData("deploy");
        assertThat(script).startsWith("#!/bin/sh\n").contains("useradd -m -s /bin/sh deploy",
                "/root/.ssh/authorized_keys \"$home/.ssh/authorized_keys\"");
        assertThat(CloudInit.userData("root")).startsWith("#cloud-config\n");
    }
}
