package dev.skep.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** https with skep's own CA: a self-signed server certificate made by keytool, trusted from its PEM. */
class TlsTest {

    @TempDir
    static Path dir;

    private static HttpsServer server;
    private static Path pem;

    @BeforeAll
    static void startHttpsServer() throws Exception {
        Path keystore = dir.resolve("server.p12");
        keytool("-genkeypair", "-alias", "skep", "-keyalg", "EC", "-dname", "CN=localhost", "-validity", "2",
                "-ext", "san=ip:127.0.0.1,dns:localhost", "-storetype", "PKCS12",
                "-keystore", keystore.toString(), "-storepass", "changeit", "-keypass", "changeit");
        pem = dir.resolve("ca.pem");
        keytool("-exportcert", "-rfc", "-alias", "skep", "-keystore", keystore.toString(), "-storepass", "changeit",
                "-file", pem.toString());

        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, "changeit".toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);

        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(context));
        server.createContext("/version", exchange -> FakeSkep.respond(exchange, 200, "application/json",
                "{\"version\":\"skep 0.1.0\"}"));
        server.start();
    }

    @AfterAll
    static void stopServer() {
        server.stop(0);
    }

    private static URI uri() {
        return URI.create("https://127.0.0.1:" + server.getAddress().getPort());
    }

    @Test
    void talksHttpsToAServerSignedByTheGivenCa() {
        try (SkepClient client = new SkepClient(uri(), "t", Tls.trusting(pem))) {
            assertThat(client.version()).isEqualTo("skep 0.1.0");
        }
    }

    @Test
    void saysToPassTheCaWhenTheCertificateIsNotTrusted() {
        try (SkepClient client = new SkepClient(uri(), "t")) {
            assertThatThrownBy(client::version)
                    .isInstanceOfSatisfying(SkepClientException.class, e -> {
                        assertThat(e.getMessage()).startsWith("TLS handshake with " + uri() + " failed");
                        assertThat(e.detail()).contains("--ca-file");
                    });
        }
    }

    @Test
    void aFileWithoutCertificatesIsAConfigError() throws IOException {
        Path empty = Files.writeString(dir.resolve("empty.pem"), "not a certificate\n");

        assertThatThrownBy(() -> Tls.trusting(empty)).isInstanceOf(ClientConfigException.class);
        assertThatThrownBy(() -> Tls.trusting(dir.resolve("missing.pem")))
                .isInstanceOf(ClientConfigException.class)
                .hasMessageStartingWith("cannot read CA file");
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        List<String> command = new ArrayList<>(List.of(keytool.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException("keytool " + args[0] + " failed: " + output);
        }
    }
}
