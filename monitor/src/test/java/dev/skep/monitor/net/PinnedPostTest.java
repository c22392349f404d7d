package dev.skep.monitor.net;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The pinned POST: the checked address is what it connects to, the URL's name is what TLS verifies. */
class PinnedPostTest {

    static final PinnedPost.Timeouts FAST = new PinnedPost.Timeouts(Duration.ofSeconds(1), Duration.ofSeconds(2));
    /** A TLS handshake on a loaded 2-core machine can take seconds: the timeouts are not what these tests test. */
    static final PinnedPost.Timeouts ROOMY = new PinnedPost.Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(15));

    @TempDir
    static Path dir;

    static HttpsServer https;
    static SSLContext client;
    static final List<String> hosts = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        Path keystore = dir.resolve("hooks.p12");
        keytool("-genkeypair", "-alias", "hooks", "-keyalg", "EC", "-dname", "CN=hooks.example.test", "-validity", "2",
                "-ext", "san=dns:hooks.example.test", "-storetype", "PKCS12", "-keystore", keystore.toString(),
                "-storepass", "changeit", "-keypass", "changeit");
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, "changeit".toCharArray());
        SSLContext serverTls = SSLContext.getInstance("TLS");
        serverTls.init(keys.getKeyManagers(), null, null);
        https = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        https.setHttpsConfigurator(new HttpsConfigurator(serverTls));
        https.createContext("/hook", exchange -> {
            exchange.getRequestBody().readAllBytes();
            hosts.add(exchange.getRequestHeaders().getFirst("Host"));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        https.start();
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        client = SSLContext.getInstance("TLS");
        client.init(null, trust.getTrustManagers(), null);
    }

    @AfterAll
    static void stop() {
        https.stop(0);
    }

    static int post(String url) throws IOException {
        return post(url, ROOMY);
    }

    static int post(String url, PinnedPost.Timeouts timeouts) throws IOException {
        return PinnedPost.post(URI.create(url), InetAddress.getLoopbackAddress(), Map.of("Content-Type",
                "application/json"), "{}".getBytes(StandardCharsets.UTF_8), timeouts, client.getSocketFactory());
    }

    @Test
    void httpsToThePinnedAddressVerifiesTheUrlsNameNotTheAddress() throws Exception {
        int port = https.getAddress().getPort();
        assertThat(post("https://hooks.example.test:" + port + "/hook")).isEqualTo(204);
        assertThat(hosts).contains("hooks.example.test:" + port);
        // the same address under another name: the certificate does not name it, so no delivery
        assertThatThrownBy(() -> post("https://other.example.test:" + port + "/hook"))
                .isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void aReceiverThatDripsItsAnswerIsCutAtTheTotalTimeout() throws Exception {
        try (ServerSocket drip = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            Thread server = Thread.ofVirtual().start(() -> {
                try (Socket s = drip.accept(); OutputStream out = s.getOutputStream()) {
                    for (byte b : "HTTP/1.1 204 No Content\r\n".getBytes(StandardCharsets.US_ASCII)) {
                        out.write(b);
                        out.flush();
                        Thread.sleep(500); // each byte well within any read timeout
                    }
                } catch (IOException | InterruptedException ignored) {
                    // the client hung up: what this test wants
                }
            });
            long start = System.nanoTime();
            assertThatThrownBy(() -> post("http://drip.example.test:" + drip.getLocalPort() + "/", FAST))
                    .isInstanceOf(SocketTimeoutException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
            server.join(Duration.ofSeconds(15));
        }
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool")
                .toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException("keytool " + args[0] + " failed: " + output);
        }
    }
}
