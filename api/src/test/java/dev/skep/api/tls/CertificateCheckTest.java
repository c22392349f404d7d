package dev.skep.api.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.skep.model.SkepException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checks on an uploaded certificate, with certificates made by the openssl command. */
class CertificateCheckTest {

    @TempDir
    static Path dir;

    record Pem(String cert, String key) {
    }

    static Pem shop;
    static Pem wildcard;
    static Pem rsa;

    static Pem make(String file, String newKey, String san) throws Exception {
        Path key = dir.resolve(file + ".key");
        Path cert = dir.resolve(file + ".crt");
        List<String> command = new ArrayList<>(List.of("openssl", "req", "-x509",
                "-newkey", newKey, "-nodes", "-keyout", key.toString(), "-out", cert.toString(), "-days", "2",
                "-subj", "/CN=" + file, "-addext", "subjectAltName=" + san));
        if (newKey.equals("ec")) {
            command.addAll(List.of("-pkeyopt", "ec_paramgen_curve:prime256v1"));
        }
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(p.waitFor()).isZero();
        return new Pem(Files.readString(cert), Files.readString(key));
    }

    @BeforeAll
    static void certificates() throws Exception {
        shop = make("shop", "ec", "DNS:shop.example.com");
        wildcard = make("wild", "ec", "DNS:*.example.com,DNS:example.com");
        rsa = make("rsa", "rsa:2048", "DNS:rsa.example.com");
    }

    @Test
    void aMatchingCertificateIsReadForTheList() {
        CertificateCheck.Checked c = CertificateCheck.check("shop.example.com", shop.cert(), shop.key(), Instant.now());
        assertThat(c.subject()).isEqualTo("CN=shop");
        assertThat(c.sans()).containsExactly("shop.example.com");
        assertThat(c.notAfter()).isAfter(Instant.now().plus(Duration.ofDays(1)));
        assertThat(CertificateCheck.check("rsa.example.com", rsa.cert(), rsa.key(), Instant.now()).sans())
                .containsExactly("rsa.example.com");
    }

    @Test
    void aWildcardNameCoversOneLabelOnly() {
        assertThat(CertificateCheck.check("www.example.com", wildcard.cert(), wildcard.key(), Instant.now())).isNotNull();
        assertThat(CertificateCheck.check("*.example.com", wildcard.cert(), wildcard.key(), Instant.now())).isNotNull();
        assertThatThrownBy(() -> CertificateCheck.check("a.b.example.com", wildcard.cert(), wildcard.key(),
                Instant.now())).hasMessageContaining("not a.b.example.com");
        assertThatThrownBy(() -> CertificateCheck.check("*.example.com", shop.cert(), shop.key(), Instant.now()))
                .hasMessageContaining("not *.example.com");
    }

    @Test
    void anExpiredOrNotYetValidCertificateIsRefused() {
        assertThatThrownBy(() -> CertificateCheck.check("shop.example.com", shop.cert(), shop.key(),
                Instant.now().plus(Duration.ofDays(3)))).isInstanceOf(SkepException.class).hasMessageContaining("expired");
        assertThatThrownBy(() -> CertificateCheck.check("shop.example.com", shop.cert(), shop.key(),
                Instant.now().minus(Duration.ofDays(1)))).hasMessageContaining("not valid before");
    }

    @Test
    void aKeyOfAnotherCertificateIsRefusedWhetherOfTheSameTypeOrNot() {
        assertThatThrownBy(() -> CertificateCheck.check("shop.example.com", shop.cert(), wildcard.key(), Instant.now()))
                .hasMessageContaining("key does not belong");
        assertThatThrownBy(() -> CertificateCheck.check("shop.example.com", shop.cert(), rsa.key(), Instant.now()))
                .satisfies(e -> assertThat(((SkepException) e).kind()).isEqualTo(SkepException.Kind.UNPROCESSABLE));
    }

    @Test
    void malformedInputIsABadRequest() {
        assertThatThrownBy(() -> CertificateCheck.check("shop.example.com", "junk", shop.key(), Instant.now()))
                .satisfies(e -> assertThat(((SkepException) e).kind()).isEqualTo(SkepException.Kind.BAD_REQUEST));
        assertThatThrownBy(() -> CertificateCheck.check("shop.example.com", shop.cert(), "", Instant.now()))
                .satisfies(e -> assertThat(((SkepException) e).kind()).isEqualTo(SkepException.Kind.BAD_REQUEST));
    }
}
