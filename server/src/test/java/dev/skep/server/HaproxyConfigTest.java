package dev.skep.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.skep.model.RouterEndpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The edge's HAProxy config as rendered from the live routers, checked by Debian's haproxy itself. */
class HaproxyConfigTest {

    static final Path HAPROXY = Path.of("/usr/sbin/haproxy");

    @TempDir
    Path dir;

    final HaproxyConfig plain = new HaproxyConfig(ListenAddress.parse("--bind", "0.0.0.0:8080"), null);
    final HaproxyConfig both = new HaproxyConfig(ListenAddress.parse("--bind", ":8080"),
            ListenAddress.parse("--tls-bind", "[::]:8443"));

    static final RouterEndpoint A = new RouterEndpoint("h1-8080", "10.0.0.7", 8080, 8443);
    static final RouterEndpoint B = new RouterEndpoint("h2-8080", "fd00::8", 8080, -1);

    @Test
    void theLiveRoutersAreHealthCheckedServersWithRetriesAndForwardingHeaders() throws Exception {
        String text = plain.render(List.of(B, A));
        assertThat(text).contains("    bind 0.0.0.0:8080\n")
                .contains("    option httpchk\n")
                .contains("    http-check send meth GET uri / ver HTTP/1.1 hdr Host skep-router.invalid\n")
                .contains("    http-check expect status 200\n")
                .contains("    option redispatch 1\n").contains("    retries 3\n")
                .contains("    retry-on conn-failure empty-response response-timeout\n")
                .contains("    http-request disable-l7-retry unless idempotent\n")
                .contains("    http-request del-header X-Forwarded-For\n").contains("    option forwardfor\n")
                .doesNotContain("skep_https").doesNotContain("mode tcp");
        // sorted by id, whatever order the state answered in; IPv6 in brackets
        assertThat(text).containsSubsequence("    server h1-8080 10.0.0.7:8080 check\n",
                "    server h2-8080 [fd00::8]:8080 check\n");
        assertThat(text).isEqualTo(plain.render(List.of(A, B))).as("same routers, same text: no needless reload");
        assertThat(check(text)).isEqualTo("ok");
    }

    @Test
    void tlsIsPassedThroughToTheRoutersThatServeHttpsCheckedOnTheirHttpPort() throws Exception {
        String text = both.render(List.of(A, B));
        assertThat(text).contains("frontend skep_https\n    mode tcp\n    bind [::]:8443\n")
                .contains("    server h1-8080 10.0.0.7:8443 check port 8080\n");
        assertThat(text.substring(text.indexOf("backend skep_routers_tls"))).doesNotContain("h2-8080");
        assertThat(check(text)).isEqualTo("ok");
    }

    @Test
    void noRouterYetIsAValidConfigThatAnswers503() throws Exception {
        String text = both.render(List.of());
        assertThat(text).contains("# no live router registered").doesNotContain("    server ");
        assertThat(check(text)).isEqualTo("ok");
    }

    @Test
    void aRegistrationThatCouldInjectConfigIsLeftOut() throws Exception {
        RouterEndpoint evil = new RouterEndpoint("x", "10.0.0.9 check\n    server y 6.6.6.6", 80, -1);
        assertThat(HaproxyConfig.usable(evil)).isFalse();
        String text = plain.render(List.of(A, evil));
        assertThat(text).doesNotContain("6.6.6.6").contains("server h1-8080");
        assertThat(check(text)).isEqualTo("ok");
    }

    @Test
    void listenAddressesAreLiteralWithAPort() {
        assertThat(ListenAddress.parse("--bind", "[::1]:80").haproxy()).isEqualTo("[::1]:80");
        assertThat(ListenAddress.parse("--bind", ":80").haproxy()).isEqualTo(":80");
        assertThatThrownBy(() -> ListenAddress.parse("--bind", "0.0.0.0")).hasMessageContaining("has no port");
        assertThatThrownBy(() -> ListenAddress.parse("--bind", "0.0.0.0:70000")).hasMessageContaining("1-65535");
        assertThatThrownBy(() -> ListenAddress.parse("--tls-bind", "edge.example.com:443"))
                .hasMessageContaining("--tls-bind").hasMessageContaining("not an IP address");
        assertThatThrownBy(() -> ListenAddress.parse("--bind", "256.1.1.1:80")).hasMessageContaining("not an IP");
    }

    /** haproxy -c on the text: "ok", or what it said. */
    private String check(String text) throws Exception {
        assertThat(HAPROXY).as("Debian's haproxy (.ci/run installs it)").isExecutable();
        Path file = dir.resolve("haproxy.cfg");
        Files.writeString(file, text);
        Process p = new ProcessBuilder(HAPROXY.toString(), "-c", "-f", file.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        return p.waitFor() == 0 && !out.contains("[WARNING]") ? "ok" : out;
    }
}
