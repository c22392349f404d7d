package dev.skep.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients that resolve "localhost" to ::1 (browsers, curl, stock Debian's /etc/hosts) must reach skep
 * there, on every port it serves on 127.0.0.1, and never an app that listened on [::1] first.
 */
class LoopbackTwinEndToEndTest {

    @TempDir
    Path dir;

    SkepServerProcess server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void theApiTheRouterAndZooKeeperHoldTheirPortsOnTheIpv6LoopbackToo() throws Exception {
        int zkPort = SkepServerProcess.freePort();
        server = new SkepServerProcess(dir.resolve("data"), List.of("--zk-port", Integer.toString(zkPort)), Map.of())
                .start();
        assertThat(Http.get(URI.create("http://[::1]:" + server.apiPort + "/v1/whoami"), server.token()).status())
                .as("the API, with the admin token, on [::1]").isEqualTo(200);

        Http.Answer deployed = Http.send("POST", server.api("/deploy/alice/hello"), server.token(),
                "application/gzip", Fixtures.tarball("hello"));
        assertThat(deployed.status()).as(deployed.body()).isEqualTo(200);
        try (Socket router = new Socket()) {
            router.connect(new InetSocketAddress("::1", server.routerPort), 5_000);
            router.getOutputStream().write("GET / HTTP/1.1\r\nHost: hello.alice.localhost\r\nConnection: close\r\n\r\n"
                    .getBytes());
            String answer = new String(router.getInputStream().readAllBytes());
            assertThat(answer).startsWith("HTTP/1.1 200").contains("hello from alice.hello.1.");
        }
        try (Socket zk = new Socket()) {
            zk.connect(new InetSocketAddress("::1", zkPort), 5_000);
            zk.setSoTimeout(5_000);
            InputStream in = zk.getInputStream();
            assertThat(in.read()).as("held by skep, closed at once").isEqualTo(-1);
        }
        for (int port : new int[] {server.apiPort, server.routerPort, zkPort}) {
            try (ServerSocket squatter = new ServerSocket()) {
                assertThatThrownBy(() -> squatter.bind(new InetSocketAddress("::1", port))).as("port %d on [::1]", port)
                        .isInstanceOf(BindException.class);
            }
        }
    }
}
